/**
 * Sync jobs on PostgreSQL with pg-boss (docs/adr/0008): any number of `trustlens serve` and
 * `trustlens worker` processes share the queue.
 *
 * - Queue policy `singleton` with the integration as singleton key: pg-boss never has two active jobs of
 *   one integration (the run row's unique index and compare-and-set already guarantee one sync at once).
 * - A job's lease is its expiry (`leaseSeconds`): a job active for longer (its worker was killed, or the
 *   sync is long) fails by timeout in pg-boss's maintenance and is delivered again after `retrySeconds`.
 *   The handler then takes the run over only when its worker stopped giving signs of life; otherwise it
 *   asks to be retried later (src/services/syncs.ts runJob).
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
    await boss.createQueue(SYNC_QUEUE, {
      name: SYNC_QUEUE,
      policy: 'singleton',
      retryLimit: options.retryLimit,
      retryDelay: options.retrySeconds,
      expireInSeconds: options.leaseSeconds,
    });
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

  return {
    kind: 'pg-boss',
    settings: {
      leaseSeconds: options.leaseSeconds,
      retrySeconds: options.retrySeconds,
      retryLimit: options.retryLimit,
      checkSeconds: options.checkSeconds,
    },
    async enqueue(job: SyncJob) {
      const id = await boss.send(SYNC_QUEUE, job, {
        singletonKey: job.integrationId,
        retryLimit: options.retryLimit,
        retryDelay: options.retrySeconds,
        expireInSeconds: options.leaseSeconds,
      });
      if (!id) {
        throw new AppError('STORAGE_ERROR', 'The job queue did not accept the sync job.', {
          httpStatus: 503,
          remediation: 'Start the sync again; if it keeps failing, check the PostgreSQL server.',
        });
      }
    },
    async work(handler: JobHandler, o) {
      const n = Math.max(1, o?.concurrency ?? options.concurrency);
      for (let i = 0; i < n; i++) {
        workers.push(
          await boss.work<SyncJob>(
            SYNC_QUEUE,
            { batchSize: 1, pollingIntervalSeconds: Math.min(2, options.checkSeconds) },
            async (jobs) => {
              for (const job of jobs)
                await handler({ runId: job.data.runId, integrationId: job.data.integrationId });
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
      // Jobs still active stay so and are delivered again after their lease (the run was marked interrupted).
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
    },
  };
}
