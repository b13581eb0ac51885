/**
 * `trustlens serve`: the API (and the web console's files once built), the scheduler and a sync worker,
 * one process. Syncs go through the job queue (docs/adr/0008): pg-boss on PostgreSQL, the in-process
 * runner on the embedded database. `--no-worker` (PostgreSQL only) serves and enqueues: `trustlens worker`
 * processes work the jobs.
 * `trustlens serve --demo` (what `npm start` runs): the same, with a demo organization whose integration
 * reads the built-in simulated workspace (or the real API when MISTRAL_API_KEY is set), synced at once;
 * it prints the address and how to sign in.
 *
 * SIGTERM/SIGINT: stop accepting connections, let a running sync end (up to --grace seconds), then hand
 * it back to the queue (running → queued: another worker, or this deployment at its next start, resumes
 * the same run; one already taken 3 times ends interrupted instead: docs/adr/0008), close the database,
 * exit 0.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { App } from '../../app/root.ts';
import { AppError } from '../../errors/index.ts';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { projectRoot } from '../../shared/paths.ts';
import { safeText } from '../../shared/text.ts';
import { numberFlag } from '../flags.ts';
import { DATA_DIR_HELP, DATA_DIR_OPTION, untilStopSignal } from '../open-app.ts';

interface ServeFlags {
  host?: string;
  port?: string;
  dataDir?: string;
  scheduler: boolean;
  worker: boolean;
  demo?: boolean;
  baseUrl: string;
  grace: string;
  agents: string;
  conversations: string;
  hostile?: boolean;
}

/** The demo simulator's key: a fixed, meaningless value (the simulator only listens on 127.0.0.1). */
const DEMO_SIM_KEY = 'sim-demo-key-not-a-secret-0000000000';
/** The simulator's admin key for the demo (issue 11): as meaningless, and never sent anywhere else. */
const DEMO_SIM_ADMIN_KEY = 'sim-demo-admin-key-not-a-secret-000';

const WEB_DIR = resolve(projectRoot(), 'web/dist');

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the TrustLens server: REST API under /api/v1, scheduled syncs, metrics.')
    .option('--host <host>', 'address to listen on (default HOST or 127.0.0.1)')
    .option('--port <port>', 'port (default PORT or 8080; 0 picks a free one)')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option('--no-scheduler', 'do not run scheduled syncs in this process')
    .option(
      '--no-worker',
      'serve and enqueue syncs only; `trustlens worker` processes run them (PostgreSQL: DATABASE_URL)',
    )
    .option(
      '--demo',
      'add a demo organization synced against the built-in simulated workspace (or MISTRAL_API_KEY)',
    )
    .option('--base-url <url>', 'with --demo and MISTRAL_API_KEY: global, eu, us, or a URL', 'global')
    .option('--agents <n>', 'with --demo: agents in the simulated workspace', '40')
    .option('--conversations <n>', 'with --demo: conversations in the simulated workspace', '600')
    .option(
      '--hostile',
      'with --demo: hostile texts (markup, script, bidi and control characters, long strings) in the simulated workspace',
    )
    .option('--grace <seconds>', 'on shutdown, how long a running sync may take to finish', '20')
    .action(async (flags: ServeFlags) => {
      const port =
        flags.port === undefined
          ? undefined
          : numberFlag('--port', flags.port, { min: 0, max: 65535, integer: true });
      const graceMs = numberFlag('--grace', flags.grace, { min: 0, max: 3600, integer: true })! * 1000;
      if (flags.hostile && (!flags.demo || process.env.MISTRAL_API_KEY?.trim())) {
        throw new AppError('INVALID_INPUT', '--hostile applies to the simulated demo workspace only.', {
          remediation: 'Use it with --demo, without MISTRAL_API_KEY in the environment.',
        });
      }
      // Loaded here, not at start-up: `trustlens --help` and the other verbs never pay for the server.
      const [
        { loadConfig },
        { createApp },
        { systemActor },
        { metrics },
        { buildServer },
        { startSimulator },
      ] = await Promise.all([
        import('../../app/config.ts'),
        import('../../app/root.ts'),
        import('../../services/context.ts'),
        import('../../server/plugins/metrics.ts'),
        import('../../server/server.ts'),
        import('../../simulator/index.ts'),
      ]);
      const config = loadConfig({
        host: flags.host,
        port,
        dataDir: flags.dataDir,
        scheduler: flags.scheduler,
      });
      // The demo is read on a terminal: request logs only when asked for (TRUSTLENS_LOG_LEVEL).
      if (flags.demo && !process.env.TRUSTLENS_LOG_LEVEL) config.server.logLevel = 'warn';
      if (!flags.worker && !config.databaseUrl) {
        // Refused before the data folder is opened (or created).
        throw new AppError(
          'INVALID_INPUT',
          '--no-worker needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process.',
          {
            remediation:
              'Run `trustlens serve` without --no-worker (it serves and syncs), or set DATABASE_URL and TRUSTLENS_MASTER_KEY for every process to run `trustlens serve --no-worker` and `trustlens worker` side by side.',
          },
        );
      }
      const app = await createApp(config, { jobs: flags.worker ? 'both' : 'enqueue' });
      let sim: SimulatorHandle | undefined;
      let withdraw: (() => void) | undefined;
      try {
        const server = await buildServer(app, {
          staticDir: existsSync(WEB_DIR) ? WEB_DIR : undefined,
          // Instance-wide open findings for the /metrics gauge (every organization: figures, no names).
          findingsBySeverity: async () =>
            (await app.services.posture.summary(systemActor('metrics'))).organization.openFindingsBySeverity,
        });
        app.onBackgroundError((e, where) =>
          server.log.error(
            {
              where,
              err:
                e instanceof Error ? { message: e.message, code: (e as { code?: unknown }).code } : String(e),
            },
            `${where} failed`,
          ),
        );
        app.onSyncFinished((run, integration, requests) => {
          const fields = {
            integrationId: integration.id,
            runId: run.id,
            status: run.status,
            trigger: run.trigger,
            durationMs: run.durationMs,
            requests: run.requests,
            errors: run.errors.map((e) => `${e.feature}: ${e.code}`),
          };
          if (run.status === 'succeeded') server.log.info(fields, 'sync finished');
          else server.log.warn(fields, `sync ${run.status}`);
          metrics.syncsTotal.inc({ outcome: run.status, trigger: run.trigger });
          if (run.durationMs !== null)
            metrics.syncDuration.observe({ outcome: run.status }, run.durationMs / 1000);
          for (const [status, n] of Object.entries(requests?.requestsByStatus ?? {}))
            metrics.mistralRequestsTotal.inc({ status }, n);
          if (requests?.rateLimited) metrics.mistralRateLimitedTotal.inc(requests.rateLimited);
        });
        // Accounts and the demo are ready before the first request is accepted.
        const initGiven = Object.values(config.init).some((v) => v !== null);
        const boot = !flags.demo || initGiven ? await app.services.accounts.bootstrap(config.init) : null;
        let demo: Awaited<ReturnType<typeof app.services.demo.ensure>> | undefined;
        const password = randomBytes(12).toString('base64url');
        const realKey = process.env.MISTRAL_API_KEY?.trim();
        if (flags.demo) {
          if (!realKey) {
            const agents = numberFlag('--agents', flags.agents, { min: 0, max: 10_000, integer: true })!;
            const conversations = numberFlag('--conversations', flags.conversations, {
              min: 0,
              max: 1_000_000,
              integer: true,
            })!;
            sim = await startSimulator({
              seed: 1,
              host: '127.0.0.1',
              apiKey: DEMO_SIM_KEY,
              adminApiKey: DEMO_SIM_ADMIN_KEY,
              // The simulator runs in this process on 127.0.0.1 and has no limit to respect: serve a
              // budget (10,000/s, paced share 5,000/s) that never slows the demo's sync, so
              // `--demo --agents 5000` (~30,000 requests at 20,000 conversations) is usable in seconds
              // rather than minutes at 200 req/s.
              adminRequestsPerSecond: 10_000,
              generator: { agents, conversations, now: new Date().toISOString(), hostile: flags.hostile },
            });
          }
          demo = await app.services.demo.ensure({
            baseUrl: sim ? sim.url : flags.baseUrl,
            apiKey: sim ? DEMO_SIM_KEY : realKey!,
            ...(sim ? { adminApiKey: DEMO_SIM_ADMIN_KEY } : {}),
            simulated: !!sim,
            password,
          });
        }

        const address = await server.listen({ host: config.server.host, port: config.server.port });
        const url = config.server.publicUrl ?? address;
        withdraw = app.announceServer(url);
        const out = (s: string) => process.stdout.write(s + '\n');
        out(`TrustLens is running at ${url}  (API ${url}/api/v1, docs ${url}/api/docs)`);
        out(`Data: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.dataDir}`);
        if (boot?.kind === 'setup') {
          out('');
          out('First start: no account exists yet. Create the first admin with this one-time set-up token');
          out(
            "(valid 24 hours; the web console's set-up page takes it as a link once the console is installed):",
          );
          out(`  ${url}/setup#token=${boot.setupToken}`);
          out(
            `  curl -X POST ${url}/api/v1/setup -H 'content-type: application/json' -d '{"setupToken":"${boot.setupToken}","organizationName":"…","email":"…","password":"…"}'`,
          );
        } else if (boot?.kind === 'initialized') {
          out('First start: the admin, organization and API token of TRUSTLENS_INIT_* were created.');
        }
        if (demo) {
          out('');
          out(
            sim
              ? `Demo: a SIMULATED Mistral workspace (${sim.url}, not a real one) is being synced into the organization "Demo organization (simulated workspace)".`
              : 'Demo: the Mistral workspace of MISTRAL_API_KEY is being synced into the organization "Demo organization".',
          );
          if (existsSync(WEB_DIR)) out(`Sign in at ${url} with email ${demo.email} and password ${password}`);
          else
            out(
              `Sign in with email ${demo.email} and password ${password}: POST ${url}/api/v1/auth/login, or try the API at ${url}/api/docs`,
            );
          out('(a new password is set at each start of the demo)');
          const firstRunId = demo.firstSync.run.id;
          // The first sync runs as a job (here, or in a worker): its end is told by the finished-run hook.
          app.onSyncFinished((run) => {
            if (run.id !== firstRunId) return;
            out(
              `First sync of the demo workspace: ${run.status} in ${((run.durationMs ?? 0) / 1000).toFixed(1)} s — ` +
                `${run.countsByType?.agent ?? 0} agents, ${run.countsByType?.model ?? 0} models, ` +
                `${run.countsByType?.file ?? 0} files, ${run.countsByType?.library ?? 0} libraries.`,
            );
          });
        }
        // Alert deliveries (and their retries) go out from the serving process.
        app.services.alerts.start(config.alerts.tickSeconds * 1000);
        if (config.scheduler.enabled) app.scheduler.start();
        else out('Scheduled syncs are off in this process (--no-scheduler).');
        if (flags.worker) await app.startWorker();
        else
          out('Syncs are queued for `trustlens worker` processes (--no-worker): none runs in this process.');

        await untilStopSignal(app, graceMs, async () => {
          await server.close().catch(() => undefined);
          await app.close({ graceMs });
        });
      } catch (e) {
        process.stderr.write(
          `Could not start: ${safeText(e instanceof Error ? e.message : String(e), 500)}\n`,
        );
        throw e;
      } finally {
        withdraw?.();
        await sim?.close().catch(() => undefined);
        await app.close({ graceMs: 0 }).catch(() => undefined);
      }
    });
}

export type { App };
