/**
 * The job interface of sync workers (issue 13, docs/adr/0008). A job asks for one sync run that is
 * already recorded (a `queued` row of sync_runs): enqueueing it, delivering it again, working jobs with a
 * handler, stopping.
 *
 * Two implementations pass one contract suite (test/jobs-contract.test.ts):
 *  - pg-boss on PostgreSQL (src/jobs/pg-boss.ts): any number of processes share it;
 *  - an in-process runner on PGlite (src/jobs/in-process.ts): the embedded database belongs to one process.
 *
 * What the queue guarantees is delivery (at least once). What makes a sync run once is the run row: a
 * worker takes it by compare-and-set (src/jobs/run-rows.ts), and the partial unique index allows one
 * queued-or-running run per integration. The lease of a run is its own heartbeat in that row, not the
 * queue's: a job stays with its worker for as long as the sync lasts (up to `expireSeconds`, a bound on a
 * whole sync), and a run whose worker went silent is taken over by the sync service's take-over pass
 * (src/services/syncs.ts recoverInterrupted), which asks the queue to `redeliver` its job.
 */

export interface SyncJob {
  /** The sync_runs row the job carries. */
  runId: string;
  integrationId: string;
}

/**
 * Works one job. Returns normally when the job is done: the run ran, ended already, or is held by a live
 * worker (that worker ends it; if it dies, the take-over pass delivers the job again). Throws `RetryLater`
 * when this process stopped before the run ended, so the queue delivers the job again later.
 */
export type JobHandler = (job: SyncJob) => Promise<void>;

export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface JobQueue {
  readonly kind: 'pg-boss' | 'in-process';
  /** Makes the job durable (or, in-process, known) before returning. */
  enqueue(job: SyncJob): Promise<void>;
  /**
   * Delivers the job of a run again now, whatever became of its earlier deliveries (the take-over of a run
   * whose worker went silent): pg-boss cancels the run's unfinished jobs (one may be held, active, by a
   * dead worker until its expiry) and sends a new one; the in-process runner enqueues it. Called by the
   * one process that won the run's compare-and-set, so a run is delivered again once per take-over.
   */
  redeliver(job: SyncJob): Promise<void>;
  /** Starts working jobs in this process with the handler, up to `concurrency` at once. */
  work(handler: JobHandler, options?: { concurrency?: number }): Promise<void>;
  /** Stops taking new jobs; jobs being worked continue (the caller decides how long to wait for them). */
  pause(): Promise<void>;
  /** Releases everything (connections, timers). */
  stop(): Promise<void>;
  /** The settings its jobs are delivered with (the sweep of stale queued runs derives its bounds from them). */
  readonly settings?: Pick<
    JobQueueSettings,
    'expireSeconds' | 'retrySeconds' | 'retryLimit' | 'checkSeconds'
  >;
}

export interface JobQueueSettings {
  /** pg-boss: the PostgreSQL schema of its tables (TRUSTLENS_JOBS_SCHEMA, default pgboss). */
  schema: string;
  /**
   * pg-boss: how long one delivery may stay active, a bound on a whole sync (TRUSTLENS_JOB_EXPIRE_SECONDS,
   * default 6 hours; pg-boss allows under 24). It is not the lease: a slow sync whose worker lives keeps
   * its job, and a silent worker's run is taken over after its heartbeat went stale (docs/adr/0008).
   * Past it, pg-boss fails the delivery and retries it; the retry finds the run alive and ends at once.
   */
  expireSeconds: number;
  /** How long after a failed or abandoned delivery the job is tried again. */
  retrySeconds: number;
  /** How many times a job is delivered again (the run itself is taken at most `maxAttempts` times). */
  retryLimit: number;
  /** How often abandoned jobs are looked for (pg-boss maintenance; the in-process runner's poll). */
  checkSeconds: number;
  /** Jobs worked at once by one process. */
  concurrency: number;
}

export const DEFAULT_JOB_SETTINGS: JobQueueSettings = {
  schema: 'pgboss',
  expireSeconds: 6 * 3600,
  retrySeconds: 15,
  retryLimit: 20,
  checkSeconds: 30,
  concurrency: 2,
};

/** The queue's name in pg-boss. */
export const SYNC_QUEUE = 'trustlens-sync';

/**
 * How long the sweep (src/services/syncs.ts recoverInterrupted; docs/adr/0008) lets a run of a job wait
 * for a worker before it acts, derived from the job settings and the heartbeat window `staleAfterMs` (a
 * run whose worker gave no sign of life for that long counts as abandoned):
 *
 * - `requeueAfterMs` = heartbeat window + retry delay + 2 × check interval. An idle worker polls the queue
 *   at least every check interval; a delivery that was failed (a stop) comes back after the retry delay; a
 *   worker that died holding a job is noticed within the heartbeat window. A run still `queued` past that
 *   since it was queued was taken by no worker: its job was lost (deleted, or pg-boss gave up on it) or no
 *   worker runs. The sweep enqueues it once more. An `interrupted` run of a job (its worker stopped or was
 *   taken over) not taken again within this since its interruption or last re-delivery is delivered again.
 * - `failAfterMs` = retry limit × (heartbeat window + retry delay), counted from that re-enqueue or the
 *   last sign of life of any worker: a run still `queued` past it never will be taken: it ends `failed`
 *   (NO_WORKER) and the integration's next trigger starts a new run.
 *
 * With the defaults (heartbeat 10 s, so a window of 60 s; retry 15 s, limit 20, check 30 s): re-enqueued
 * after 2 min 15 s, failed 25 min later.
 */
export function queuedRunBounds(
  s: Pick<JobQueueSettings, 'retrySeconds' | 'retryLimit' | 'checkSeconds'>,
  staleAfterMs: number,
): { requeueAfterMs: number; failAfterMs: number } {
  return {
    requeueAfterMs: staleAfterMs + (s.retrySeconds + 2 * s.checkSeconds) * 1000,
    failAfterMs: Math.max(1, s.retryLimit) * (staleAfterMs + s.retrySeconds * 1000),
  };
}
