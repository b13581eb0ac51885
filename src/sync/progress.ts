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

export interface SyncProgressOptions {
  /** Told after every change (a feature starts, reads, ends; the phase changes): a live display. */
  onChange?: () => void;
}

export function createSyncProgress(settings: SyncProgressOptions = {}): SyncProgressTracker {
  const changed = settings.onChange ?? (() => undefined);
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
      changed();
    },
    add(feature, n = 1) {
      const p = get(feature);
      p.count = (p.count ?? 0) + n;
      changed();
    },
    end(feature, availability, count) {
      const p = get(feature);
      p.state = stateOf(availability);
      if (count !== undefined) p.count = count;
      changed();
    },
    setPhase(next) {
      const was = phase;
      phase = next;
      if (was !== next) changed();
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

/** How often a followed run's figures are sent between changes (requests and elapsed time move). */
export const PROGRESS_TICK_MS = 250;

/**
 * Calls `listener` with `read()` after each change and every PROGRESS_TICK_MS (request figures and
 * elapsed time move between changes); a listener that throws is ignored (a display never fails a
 * sync). Returns the tracker's onChange and a stop that sends a last snapshot.
 */
export function followProgress<T>(
  read: () => T,
  listener: ((snapshot: T) => void) | undefined,
): { onChange: () => void; stop: () => void } {
  if (!listener) return { onChange: () => undefined, stop: () => undefined };
  const tell = () => {
    try {
      listener(read());
    } catch {
      // the display's problem, not the sync's
    }
  };
  const timer = setInterval(tell, PROGRESS_TICK_MS);
  timer.unref();
  return {
    onChange: tell,
    stop: () => {
      clearInterval(timer);
      tell();
    },
  };
}
