/**
 * What a snapshot says about which resources exist, for `reconcileFindings`:
 * the live resources ("type:id") and the resource types whose listing was incomplete
 * (feature availability other than 'available'), whose findings must be frozen, not resolved.
 */
import type { FeatureKey, ResourceType, Snapshot } from '../inventory/types.ts';
import { resourceKey } from './finding-id.ts';
import type { FindingResourceType } from './types.ts';

/** The availability feature that lists each resource type. */
export const LISTING_FEATURE: Record<ResourceType, FeatureKey> = {
  agent: 'agents',
  model: 'models',
  file: 'files',
  library: 'libraries',
};

export interface ResourceCoverage {
  liveResourceIds: Set<string>;
  unlistedResourceTypes: Set<FindingResourceType>;
}

/** `integrationId` is always live: findings on the integration itself never resolve as "deleted". */
export function resourceCoverage(snapshot: Snapshot, integrationId: string): ResourceCoverage {
  const live = new Set<string>([resourceKey('integration', integrationId)]);
  for (const a of snapshot.agents) live.add(resourceKey('agent', a.id));
  for (const m of snapshot.models) live.add(resourceKey('model', m.id));
  for (const f of snapshot.files) live.add(resourceKey('file', f.id));
  for (const l of snapshot.libraries) live.add(resourceKey('library', l.id));
  const unlisted = new Set<FindingResourceType>();
  for (const [type, feature] of Object.entries(LISTING_FEATURE) as [ResourceType, FeatureKey][]) {
    if (snapshot.availability[feature]?.status !== 'available') unlisted.add(type);
  }
  return { liveResourceIds: live, unlistedResourceTypes: unlisted };
}
