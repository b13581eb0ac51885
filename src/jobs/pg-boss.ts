/**
 * Sync jobs on PostgreSQL with pg-boss (docs/adr/0008): any number of `trustlens serve` and
 * `trustlens worker` processes share the queue.
 *
 * - The lease of a sync is its run's heartbeat, not the job: a job's expiry (`expireSeconds`, hours) only
 *   bounds a whole sync. pg-boss 10 races the handler against the expiry; a short one would fail a slow
 *   but healthy sync's delivery, deliver it again to a second worker while the first still runs it, and
 *   spend its retries. A worker killed while it holds a job leaves that job active until the expiry: the
 *   sync service's take-over pass notices the run's stale heartbeat, takes the run by compare-and-set and
 *   calls `redeliver`, which cancels the run's unfinished jobs and sends a new one (src/services/syncs.ts).
 * - Queue policy `standard`: the run row (its unique index and compare-and-set) is what keeps one sync of
 *   an integration at a time; a duplicate delivery finds the run taken and ends at once. (The `singleton`
 *   policy used before made a job wait behind an active job of its integration, and one at the head of the
 *   queue blocked every fetch behind it while that job stayed active: up to the expiry for a dead worker.)
 * - At most `concurrency` handlers run at once in this process, counted here: were pg-boss to give up on
 *   a delivery past its expiry, the sync still running is not forgotten while another job is fetched.
 * - pg-boss keeps its tables in its own schema (`schema`, TRUSTLENS_JOBS_SCHEMA) and migrates them itself.
 */
import PgBoss from 'pg-boss';
import { AppError } from '../errors/index.ts';
import { SYNC_QUEUE, type JobHandler, type JobQueue, type JobQueueSettings, type SyncJob } from './types.ts';

export interface PgBossQueueOptions extends JobQueueSettings {
  connectionString: string;
  /** Errors pg-boss reports in the background (a lost connection): logged by the caller. */
  onError?: (e: unknown) => void;
}

export async function createPgBossQueue(options: PgBossQueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema,
    max: Math.max(2, options.concurrency + 1),
    application_name: 'trustlens-jobs',
    // Cron schedules are TrustLens's own (integrations.next_sync_at, ADR 0003): pg-boss's are off.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: options.checkSeconds,
    monitorStateIntervalSeconds: Math.max(options.checkSeconds, 10),
  });
  boss.on('error', (e) => options.onError?.(e));
  try {
    await boss.start();
    const queue = {
      name: SYNC_QUEUE,
      policy: 'standard' as const,
      retryLimit: options.retryLimit,
      retryDelay: options.retrySeconds,
      expireInSeconds: options.expireSeconds,
    };
    await boss.createQueue(SYNC_QUEUE, queue);
    // A queue created by an earlier version (policy singleton, a short expiry) takes these settings.
    await boss.updateQueue(SYNC_QUEUE, queue);
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw new AppError('STORAGE_ERROR', 'The job queue (pg-boss) could not start on the PostgreSQL server.', {
      cause: e,
      httpStatus: 503,
      remediation: `Check that DATABASE_URL is reachable and that its user may create the schema "${options.schema}" (or set TRUSTLENS_JOBS_SCHEMA to one it may use).`,
    });
  }
  const workers: string[] = [];
  let stopped = false;
  const slots = createSlots(options.concurrency);

  async function send(job: SyncJob): Promise<void> {
    const id = await boss.send(SYNC_QUEUE, job, {
      singletonKey: job.integrationId,
      retryLimit: options.retryLimit,
      retryDelay: options.retrySeconds,
      expireInSeconds: options.expireSeconds,
    });
    if (!id) {
      throw new AppError('STORAGE_ERROR', 'The job queue did not accept the sync job.', {
        httpStatus: 503,
        remediation: 'Start the sync again; if it keeps failing, check the PostgreSQL server.',
      });
    }
  }

  return {
    kind: 'pg-boss',
    settings: {
      expireSeconds: options.expireSeconds,
      retrySeconds: options.retrySeconds,
      retryLimit: options.retryLimit,
      checkSeconds: options.checkSeconds,
    },
    enqueue: send,
    async redeliver(job: SyncJob) {
      // The run's jobs not finished yet: waiting ones, and one a dead worker may hold active until its
      // expiry. Cancelled (a live handler that still holds one completes nothing: pg-boss completes only
      // active jobs), then one new job. The schema name is validated by the configuration.
      const { rows } = await boss
        .getDb()
        .executeSql(
          `SELECT id FROM ${options.schema}.job WHERE name = $1 AND data->>'runId' = $2 AND state < 'completed'`,
          [SYNC_QUEUE, job.runId],
        );
      const ids = (rows as { id: string }[]).map((r) => r.id);
      if (ids.length > 0) await boss.cancel(SYNC_QUEUE, ids);
      await send(job);
    },
    async work(handler: JobHandler, o) {
      const n = Math.max(1, o?.concurrency ?? options.concurrency);
      slots.resize(n);
      for (let i = 0; i < n; i++) {
        workers.push(
          await boss.work<SyncJob>(
            SYNC_QUEUE,
            { batchSize: 1, pollingIntervalSeconds: Math.min(2, options.checkSeconds) },
            async (jobs) => {
              for (const job of jobs) {
                await slots.take();
                try {
                  await handler({ runId: job.data.runId, integrationId: job.data.integrationId });
                } finally {
                  slots.give();
                }
              }
            },
          ),
        );
      }
    },
    async pause() {
      for (const id of workers.splice(0)) await boss.offWork({ id }).catch(() => undefined);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const id of workers.splice(0)) await boss.offWork({ id }).catch(() => undefined);
      // A job of a run handed back by the stop was cancelled and sent again (redeliver); one whose run was
      // marked interrupted stays active, and the take-over pass of another process delivers it again.
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
    },
  };
}

/** Counts the handlers running in this process: at most `n` at once, the others wait their turn. */
function createSlots(n: number) {
  let size = Math.max(1, n);
  let used = 0;
  const waiting: (() => void)[] = [];
  return {
    resize(m: number) {
      size = Math.max(1, m);
    },
    async take(): Promise<void> {
      if (used < size) {
        used++;
        return;
      }
      await new Promise<void>((r) => waiting.push(r));
    },
    give(): void {
      const next = waiting.shift();
      if (next)
        next(); // the slot passes on
      else used--;
    },
  };
}
