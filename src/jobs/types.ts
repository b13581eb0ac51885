/**
 * The job interface of sync workers (issue 13, docs/adr/0008). A job asks for one sync run that is
 * already recorded (a `queued` row of sync_runs): enqueueing it, working jobs with a handler, stopping.
 *
 * Two implementations pass one contract suite (test/jobs-contract.test.ts):
 *  - pg-boss on PostgreSQL (src/jobs/pg-boss.ts): any number of processes share it;
 *  - an in-process runner on PGlite (src/jobs/in-process.ts): the embedded database belongs to one process.
 *
 * What the queue guarantees is delivery (at least once, again after a worker died). What makes a sync
 * run once is the run row: a worker takes it by compare-and-set (src/jobs/run-rows.ts), and the partial
 * unique index allows one queued-or-running run per integration.
 */

export interface SyncJob {
  /** The sync_runs row the job carries. */
  runId: string;
  integrationId: string;
}

/**
 * Works one job. Returns normally when the job is done (ran, or nothing left to do); throws `RetryLater`
 * when the run is still held by a live worker elsewhere, so the queue delivers the job again later.
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
  /** Starts working jobs in this process with the handler, up to `concurrency` at once. */
  work(handler: JobHandler, options?: { concurrency?: number }): Promise<void>;
  /** Stops taking new jobs; jobs being worked continue (the caller decides how long to wait for them). */
  pause(): Promise<void>;
  /** Releases everything (connections, timers). */
  stop(): Promise<void>;
  /** The settings its jobs are delivered with (the sweep of stale queued runs derives its bounds from them). */
  readonly settings?: Pick<JobQueueSettings, 'leaseSeconds' | 'retrySeconds' | 'retryLimit' | 'checkSeconds'>;
}

export interface JobQueueSettings {
  /** pg-boss: the PostgreSQL schema of its tables (TRUSTLENS_JOBS_SCHEMA, default pgboss). */
  schema: string;
  /** How long a job may stay active before it counts as abandoned and is delivered again (its lease). */
  leaseSeconds: number;
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
  leaseSeconds: 120,
  retrySeconds: 15,
  retryLimit: 20,
  checkSeconds: 30,
  concurrency: 2,
};

/** The queue's name in pg-boss. */
export const SYNC_QUEUE = 'trustlens-sync';

/**
 * How long a `queued` run may wait for a worker before the sweep acts (src/services/syncs.ts
 * recoverInterrupted; docs/adr/0008), derived from the job settings:
 *
 * - `requeueAfterMs` = lease + retry delay + 2 × check interval. An idle worker polls the queue at least
 *   every check interval; a delivery whose worker died holds the job for at most a lease, and pg-boss
 *   delivers it again after the retry delay. A run still `queued` past that was taken by no worker: its
 *   job was lost (deleted, or pg-boss gave up on it) or no worker runs. The sweep enqueues it once more.
 * - `failAfterMs` = retry limit × (lease + retry delay), counted from that re-enqueue: the whole window in
 *   which pg-boss keeps delivering one job (every delivery may last a lease, then waits the retry delay,
 *   up to the retry limit). A run still `queued` past it never will be taken: it ends `failed` (NO_WORKER)
 *   and the integration's next trigger starts a new run.
 *
 * With the defaults (lease 120 s, retry 15 s, limit 20, check 30 s): re-enqueued after 3 min 15 s, failed
 * 45 min later.
 */
export function queuedRunBounds(
  s: Pick<JobQueueSettings, 'leaseSeconds' | 'retrySeconds' | 'retryLimit' | 'checkSeconds'>,
): { requeueAfterMs: number; failAfterMs: number } {
  return {
    requeueAfterMs: (s.leaseSeconds + s.retrySeconds + 2 * s.checkSeconds) * 1000,
    failAfterMs: Math.max(1, s.retryLimit) * (s.leaseSeconds + s.retrySeconds) * 1000,
  };
}
