/**
 * `trustlens worker`: works sync jobs only (no API, no scheduler), next to any number of
 * `trustlens serve --no-worker` and other workers sharing one PostgreSQL server (docs/adr/0008). Needs
 * DATABASE_URL and TRUSTLENS_MASTER_KEY: the embedded database belongs to one process, where
 * `trustlens serve` works the jobs itself.
 *
 * SIGTERM/SIGINT: stop taking jobs, let a running sync end (up to --grace seconds), then hand it back to
 * the queue (running → queued, its job sent again: another worker resumes the same run; one already taken
 * 3 times ends interrupted instead: docs/adr/0008), close the database, exit 0.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { safeText } from '../../shared/text.ts';
import { numberFlag } from '../flags.ts';
import { untilStopSignal } from '../open-app.ts';
import { info } from '../terminal.ts';

interface WorkerFlags {
  concurrency?: string;
  grace: string;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'Work sync jobs only (PostgreSQL): run next to `trustlens serve --no-worker`; any number of workers share the queue.',
    )
    .option(
      '--concurrency <n>',
      'syncs worked at once by this process (default TRUSTLENS_WORKER_CONCURRENCY or 2)',
    )
    .option('--grace <seconds>', 'on shutdown, how long a running sync may take to finish', '20')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ DATABASE_URL=postgres://… TRUSTLENS_MASTER_KEY=… trustlens worker',
        '  $ trustlens worker --concurrency 4 --grace 60',
      ].join('\n'),
    )
    .action(async (flags: WorkerFlags) => {
      const concurrency = numberFlag('--concurrency', flags.concurrency, { min: 1, max: 64, integer: true });
      const graceMs = numberFlag('--grace', flags.grace, { min: 0, max: 3600, integer: true })! * 1000;
      const [{ loadConfig }, { createApp }] = await Promise.all([
        import('../../app/config.ts'),
        import('../../app/root.ts'),
      ]);
      const config = loadConfig({ scheduler: false });
      if (!config.databaseUrl) {
        throw new AppError(
          'INVALID_INPUT',
          'trustlens worker needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process.',
          {
            remediation:
              'Without PostgreSQL, run `trustlens serve` alone: it serves and syncs. To run workers, give every process DATABASE_URL and TRUSTLENS_MASTER_KEY, then start `trustlens serve --no-worker` and `trustlens worker`.',
          },
        );
      }
      if (concurrency !== undefined) config.jobs.concurrency = concurrency;
      // Syncs yield the CPU to API processes on a shared host (src/app/cpu-priority.ts).
      const { lowerCpuPriority } = await import('../../app/cpu-priority.ts');
      lowerCpuPriority(config.jobs.workerNice);
      const app = await createApp(config, { jobs: 'work' });
      try {
        app.onBackgroundError((e, where) =>
          process.stderr.write(`${where}: ${safeText(e instanceof Error ? e.message : String(e), 300)}\n`),
        );
        app.onSyncFinished((run, integration) => {
          process.stdout.write(
            `sync ${run.status}: integration ${integration.id} (${safeText(integration.name, 80)}), run ${run.id}, ${((run.durationMs ?? 0) / 1000).toFixed(1)} s\n`,
          );
        });
        // Alert deliveries (an outbox, safe with several processes: ADR 0006) go out from workers too.
        app.services.alerts.start(config.alerts.tickSeconds * 1000);
        await app.startWorker();
        info(
          `TrustLens worker ${process.pid} is working sync jobs (pg-boss, schema ${config.jobs.schema}, ${config.jobs.concurrency} at once). Ctrl-C stops it.`,
        );
        await untilStopSignal(app, graceMs, () => app.close({ graceMs }));
      } finally {
        await app.close({ graceMs: 0 }).catch(() => undefined);
      }
    });
}
