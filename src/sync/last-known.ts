/**
 * What a sync could not read must not erase what an earlier sync did read, neither in the stored
 * inventory nor in the baseline that the next sync's change events are computed against.
 * Pure functions over a snapshot and the stored (last-known) inventory.
 */
import { LISTING_FEATURE } from '../findings/resource-coverage.ts';
import { RESOURCE_TYPES, type Snapshot } from '../inventory/types.ts';
import type { LiveInventory } from '../store/inventory-repository.ts';

const COLLECTION = { agent: 'agents', model: 'models', file: 'files', library: 'libraries' } as const;

/**
 * When version history could not be read this sync, an agent keeps the version history and
 * aliases stored for it before (availability.versions still says they were not read now).
 */
export function keepLastKnownVersions(snapshot: Snapshot, stored: LiveInventory): Snapshot {
  if (snapshot.availability.versions.status === 'available') return snapshot;
  const before = new Map(stored.agents.map((a) => [a.id, a]));
  return {
    ...snapshot,
    agents: snapshot.agents.map((a) => {
      const b = before.get(a.id);
      return b && a.versionHistory.length === 0 && a.aliases.length === 0
        ? { ...a, versionHistory: b.versionHistory, aliases: b.aliases }
        : a;
    }),
  };
}

/**
 * The baseline for change events: the previous snapshot, with each resource type replaced by the
 * stored inventory (the last records read, kept through outages). A type the previous sync could
 * not list counts as listed when records of it are stored, so that a change made during an outage
 * is reported by the first sync after it, not lost.
 */
export function driftBaseline(previous: Snapshot | null, stored: LiveInventory): Snapshot | null {
  if (previous === null) return null;
  const availability = { ...previous.availability };
  for (const type of RESOURCE_TYPES) {
    const feature = LISTING_FEATURE[type];
    if (availability[feature].status !== 'available' && stored[COLLECTION[type]].length > 0) {
      availability[feature] = { status: 'available' };
    }
  }
  if (
    availability.versions.status !== 'available' &&
    stored.agents.some((a) => a.versionHistory.length > 0)
  ) {
    availability.versions = { status: 'available' };
  }
  return {
    ...previous,
    availability,
    agents: stored.agents,
    models: stored.models,
    files: stored.files,
    libraries: stored.libraries,
  };
}
