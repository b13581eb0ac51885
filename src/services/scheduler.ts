/**
 * The scheduler: each integration syncs at its interval, with jitter.
 *
 * - Due times live in the database (integrations.next_sync_at) and are claimed by compare-and-set, so
 *   when several processes share a PostgreSQL server each due time fires once, in one process.
 * - The next due time is computed from the moment of the claim: after downtime, a missed schedule runs
 *   once, not once per missed slot.
 * - At most one sync per integration runs at a time (the sync service's claim; a manual sync that is
 *   already running simply counts as this slot's sync).
 * - A sync that ended on rate limits (RATE_LIMITED) pushes the next one back: the interval doubles for
 *   each consecutive rate-limited run, up to 24 hours (or the interval, when longer).
 * - Each tick also marks interrupted the runs whose process died, and clears the runs left `queued`
 *   that no worker took: enqueued once more, then failed (the sync service's sweep, docs/adr/0008).
 *
 * `tick()` does one pass and is what tests drive with a controllable clock; `start()` ticks on a timer.
 */
import type { IntegrationView, Store } from '../store/index.ts';
import type { SyncRunView } from '../store/sync-runs-repository.ts';
import { systemActor } from './context.ts';
import type { SyncsService, TriggerResult } from './syncs.ts';

export interface SchedulerDeps {
  store: Pick<Store, 'integrations' | 'syncRuns'>;
  syncs: Pick<SyncsService, 'trigger' | 'recoverInterrupted'>;
  now?: () => Date;
  /** [0, 1): the jitter's randomness (tests pass a constant). */
  random?: () => number;
  tickMs?: number;
  /** Errors of a tick (a database outage) go here; the scheduler keeps ticking. */
  onError?: (e: unknown) => void;
}

export interface TickResult {
  /** Syncs this tick started. */
  started: TriggerResult[];
  /** Due integrations whose sync was already running. */
  alreadyRunning: string[];
  interrupted: number;
}

export interface Scheduler {
  tick(): Promise<TickResult>;
  start(): void;
  /** Stops ticking (running syncs are the sync service's to end). */
  stop(): Promise<void>;
  /** Hook for the sync service: back off after a rate-limited run. */
  onRunFinished(run: SyncRunView, integration: IntegrationView): void;
}

const MAX_JITTER_MS = 10 * 60_000;
const MAX_BACKOFF_MS = 24 * 3600_000;

/** Jitter added to an interval: up to 10 % of it, at most 10 minutes. */
export function jitterMs(intervalMinutes: number, random: number): number {
  return Math.floor(Math.min(intervalMinutes * 60_000 * 0.1, MAX_JITTER_MS) * random);
}

function rateLimited(run: Pick<SyncRunView, 'errors' | 'status'>): boolean {
  return run.status !== 'running' && run.errors.some((e) => e.code === 'RATE_LIMITED');
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const tickMs = deps.tickMs ?? 30_000;
  const actor = systemActor('scheduler');
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function tick(): Promise<TickResult> {
    const result: TickResult = { started: [], alreadyRunning: [], interrupted: 0 };
    result.interrupted = await deps.syncs.recoverInterrupted();
    const at = now();
    for (const due of await deps.store.integrations.listDue(at)) {
      const next = new Date(
        at.getTime() + due.syncFrequencyMinutes * 60_000 + jitterMs(due.syncFrequencyMinutes, random()),
      );
      if (!(await deps.store.integrations.claimDue(due.id, due.nextSyncAt, next))) continue; // another process took it
      try {
        const r = await deps.syncs.trigger(actor, due.id, { trigger: 'scheduled' });
        if (r.started) result.started.push(r);
        else result.alreadyRunning.push(due.id);
      } catch (e) {
        deps.onError?.(e);
      }
    }
    return result;
  }

  return {
    tick,

    start() {
      if (timer || stopped) return;
      const loop = () => {
        current = tick()
          .catch((e) => deps.onError?.(e))
          .finally(() => {
            if (!stopped) timer = setTimeout(loop, tickMs);
          });
      };
      timer = setTimeout(loop, 0);
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.catch(() => undefined);
    },

    onRunFinished(run, integration) {
      if (!rateLimited(run)) return;
      void (async () => {
        const recent = await deps.store.syncRuns.page(integration.id, { limit: 8 });
        let streak = 0;
        for (const r of recent) {
          if (r.status === 'running' || r.status === 'interrupted') continue;
          if (!rateLimited(r)) break;
          streak++;
        }
        const interval = integration.syncFrequencyMinutes * 60_000;
        const backoff = Math.min(interval * 2 ** streak, Math.max(MAX_BACKOFF_MS, interval));
        await deps.store.integrations.deferNextSync(integration.id, new Date(now().getTime() + backoff));
      })().catch((e) => deps.onError?.(e));
    },
  };
}
