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
