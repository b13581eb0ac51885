/**
 * A running sync's progress per feature (resource type), kept in memory by the process that runs it
 * and read by GET …/syncs/{runId} while it runs: which features are pending, being read, done, failed or
 * unavailable, and how many records each has read so far. Nothing is written per record: the counters
 * are plain numbers the API reads when it is asked.
 *
 * What `count` counts, per feature:
 *  - models, files, libraries, agents: records listed. A listing is read to its end before it is counted
 *    (the connector pages internally), so the count is null while it runs, then the number of records —
 *    the same figure the run's countsByType records.
 *  - versions: agents whose version history and aliases were read, out of `total` = the agents listed.
 *  - usage: conversation histories read (only new or changed conversations are read again; the number
 *    to read is not known in advance, so `total` stays null).
 */
import type { FeatureAvailability, FeatureKey } from '../inventory/types.ts';

export type FeatureProgressState = 'pending' | 'running' | 'done' | 'failed' | 'unavailable';

/** reading: the workspace is being read; storing: findings are computed and everything is stored. */
export type SyncPhase = 'reading' | 'storing';

export interface FeatureProgress {
  feature: FeatureKey;
  state: FeatureProgressState;
  /** Read so far; null while not known yet (a listing is counted when it ends) or when nothing could be read. */
  count: number | null;
  /** How many there are to read, when known (versions: the agents listed); otherwise null. */
  total: number | null;
}

export interface SyncProgressTracker {
  /** A feature starts being read. */
  start(feature: FeatureKey, options?: { count?: number | null; total?: number | null }): void;
  /** `n` more records of a running feature were read. */
  add(feature: FeatureKey, n?: number): void;
  /** A feature ended: its availability decides done / unavailable / failed; `count` when the listing knows it. */
  end(feature: FeatureKey, availability: FeatureAvailability, count?: number | null): void;
  setPhase(phase: SyncPhase): void;
  phase(): SyncPhase;
  /** A copy of every feature's progress, in the order the sync reads them. */
  features(): FeatureProgress[];
}

/** The order a sync walks the workspace (src/sync/discover.ts): the non-beta listings first. */
export const PROGRESS_ORDER: readonly FeatureKey[] = [
  'models',
  'files',
  'libraries',
  'agents',
  'versions',
  'usage',
];

export function stateOf(availability: FeatureAvailability): FeatureProgressState {
  if (availability.status === 'available') return 'done';
  return availability.status === 'unavailable' ? 'unavailable' : 'failed';
}

export function createSyncProgress(): SyncProgressTracker {
  const byFeature = new Map<FeatureKey, FeatureProgress>(
    PROGRESS_ORDER.map((feature) => [feature, { feature, state: 'pending', count: null, total: null }]),
  );
  let phase: SyncPhase = 'reading';
  const get = (feature: FeatureKey): FeatureProgress => {
    let p = byFeature.get(feature);
    if (!p) {
      p = { feature, state: 'pending', count: null, total: null };
      byFeature.set(feature, p);
    }
    return p;
  };
  return {
    start(feature, options = {}) {
      const p = get(feature);
      p.state = 'running';
      p.count = options.count ?? null;
      p.total = options.total ?? null;
    },
    add(feature, n = 1) {
      const p = get(feature);
      p.count = (p.count ?? 0) + n;
    },
    end(feature, availability, count) {
      const p = get(feature);
      p.state = stateOf(availability);
      if (count !== undefined) p.count = count;
    },
    setPhase(next) {
      phase = next;
    },
    phase: () => phase,
    features: () => [...byFeature.values()].map((p) => ({ ...p })),
  };
}

/** For callers that do not follow progress (a one-off scan). */
export const NO_PROGRESS: SyncProgressTracker = {
  start() {},
  add() {},
  end() {},
  setPhase() {},
  phase: () => 'reading',
  features: () => [],
};
