/**
 * The in-process job runner for the embedded database (PGlite belongs to one process: docs/adr/0002).
 * Its queue is the runs table itself (`pending`: queued runs, and runs a dead or stopped worker left), so
 * a job survives a restart. `enqueue` wakes the loop at once; the loop also looks every `checkSeconds`.
 * At most one job per integration at a time in this process (the database's index does it across), and
 * at most `concurrency` at once. A job is worked for as long as its sync lasts (there is no expiry here:
 * the lease of a run is its heartbeat, docs/adr/0008); a run whose worker went silent shows up again in
 * `pending` once its heartbeat is stale, and `redeliver` (the take-over pass) only wakes the loop.
 */
import { DEFAULT_JOB_SETTINGS, type JobHandler, type JobQueue, type SyncJob } from './types.ts';

export interface InProcessQueueOptions {
  /** The jobs waiting, oldest first (src/jobs/run-rows.ts pendingRuns). */
  pending: () => Promise<SyncJob[]>;
  checkSeconds: number;
  retrySeconds: number;
  /** Only for the sweep of stale queued runs (JobQueue.settings); defaults to DEFAULT_JOB_SETTINGS. */
  retryLimit?: number;
  /** Errors of the loop (a database outage): it keeps going. */
  onError?: (e: unknown) => void;
}

export function createInProcessQueue(options: InProcessQueueOptions): JobQueue {
  const known = new Map<string, SyncJob>(); // enqueued here, not yet picked
  const active = new Map<string, Promise<void>>(); // runId → job being worked
  const busyIntegrations = new Set<string>();
  const notBefore = new Map<string, number>(); // runId → earliest next try (after RetryLater)
  let handler: JobHandler | undefined;
  let concurrency = 1;
  let timer: NodeJS.Timeout | undefined;
  let looping: Promise<void> | undefined;
  let again = false;
  let paused = false;

  async function pass(): Promise<void> {
    if (!handler || paused) return;
    const fromDb = await options.pending();
    const candidates = new Map<string, SyncJob>();
    for (const j of [...known.values(), ...fromDb]) candidates.set(j.runId, j);
    for (const job of candidates.values()) {
      if (paused || active.size >= concurrency) break;
      if (active.has(job.runId) || busyIntegrations.has(job.integrationId)) continue;
      if ((notBefore.get(job.runId) ?? 0) > Date.now()) continue;
      known.delete(job.runId);
      busyIntegrations.add(job.integrationId);
      const h = handler;
      const work = (async () => {
        try {
          await h(job);
          notBefore.delete(job.runId);
        } catch (e) {
          // RetryLater (held by a live worker) or an error: the run stays pending; look again later.
          notBefore.set(job.runId, Date.now() + options.retrySeconds * 1000);
          if ((e as Error)?.name !== 'RetryLater') options.onError?.(e);
        } finally {
          active.delete(job.runId);
          busyIntegrations.delete(job.integrationId);
          kick();
        }
      })();
      active.set(job.runId, work);
    }
  }

  function kick(): void {
    if (!handler || paused) return;
    if (looping) {
      again = true;
      return;
    }
    looping = (async () => {
      do {
        again = false;
        await pass().catch((e) => options.onError?.(e));
      } while (again && !paused);
    })().finally(() => {
      looping = undefined;
    });
  }

  function schedule(): void {
    clearTimeout(timer);
    if (paused || !handler) return;
    timer = setTimeout(() => {
      kick();
      schedule();
    }, options.checkSeconds * 1000);
    timer.unref();
  }

  return {
    kind: 'in-process',
    settings: {
      expireSeconds: DEFAULT_JOB_SETTINGS.expireSeconds, // not used here: a job is worked until its sync ends
      retrySeconds: options.retrySeconds,
      retryLimit: options.retryLimit ?? DEFAULT_JOB_SETTINGS.retryLimit,
      checkSeconds: options.checkSeconds,
    },
    async enqueue(job) {
      known.set(job.runId, job);
      kick();
    },
    async redeliver(job) {
      notBefore.delete(job.runId);
      known.set(job.runId, job);
      kick();
    },
    async work(h, o) {
      handler = h;
      concurrency = Math.max(1, o?.concurrency ?? 1);
      paused = false;
      kick();
      schedule();
    },
    async pause() {
      paused = true;
      clearTimeout(timer);
      await looping;
    },
    async stop() {
      paused = true;
      clearTimeout(timer);
      await looping;
      handler = undefined;
    },
  };
}
