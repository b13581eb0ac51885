/**
 * Runs a CLI verb on the composition root: configuration from the flags and the environment, the
 * services, and always a close. The CLI acts as the local operator (cliActor): it holds the data
 * folder and the master key, so it sees every organization.
 *
 * Ctrl-C or SIGTERM while a sync runs: the run is marked `interrupted` (nothing of it was stored) and
 * the process exits 130.
 */
import { AppError, isAppError } from '../errors/index.ts';
import { EXIT } from './exit-codes.ts';
import { numberFlag } from './flags.ts';
import { info } from './terminal.ts';
import { safeText } from '../shared/text.ts';
import type { App } from '../app/root.ts';
import type { Actor } from '../services/context.ts';

export const DATA_DIR_OPTION = '--data-dir <dir>';
export const DATA_DIR_HELP =
  'data folder (default TRUSTLENS_DATA_DIR or ./.trustlens; DATABASE_URL selects PostgreSQL)';

export const WAIT_OPTION = '--wait <seconds>';
export const WAIT_HELP =
  'when another TrustLens process (a sync) holds the embedded database, wait this long for it (default 60; 0 = fail at once)';
const DEFAULT_WAIT_SECONDS = 60;

export interface AppFlags {
  /** Seconds to wait for another process holding the embedded database (default 60). */
  wait?: string;
  dataDir?: string;
  /** The data folder's embedded database even when DATABASE_URL is set. */
  embedded?: boolean;
  /**
   * Create the data folder when it does not exist (`integration add`, `scan --data-dir`). Without
   * it, a command on a folder with no database fails at once naming the folder (nothing is created).
   */
  create?: boolean;
  /** Connector request rate and requests in flight (`sync --rps --concurrency`, like `scan`). */
  rps?: number;
  concurrency?: number;
  /** Share of the workspace's real rate limit (admin key) to pace to (`scan --rate-limit-share`). */
  rateLimitShare?: number;
}

export async function withApp<T>(flags: AppFlags, fn: (app: App, actor: Actor) => Promise<T>): Promise<T> {
  const waitSeconds = numberFlag('--wait', flags.wait, { min: 0, max: 86_400 }) ?? DEFAULT_WAIT_SECONDS;
  // Loaded on first use, not at start-up: the configuration pulls in the store (PGlite, pg) and the
  // root every service; `trustlens --help`, `--version` and `completion` never need them.
  const [{ loadConfig }, { createApp }, { cliActor }] = await Promise.all([
    import('../app/config.ts'),
    import('../app/root.ts'),
    import('../services/context.ts'),
  ]);
  const config = loadConfig({
    dataDir: flags.dataDir,
    embedded: flags.embedded,
    scheduler: false,
    rps: flags.rps,
    concurrency: flags.concurrency,
    rateLimitShare: flags.rateLimitShare,
  });
  const app = await openWaiting(
    () => createApp(config, { mustExist: flags.create !== true }),
    waitSeconds,
  ).catch((e: unknown) => {
    throw throughServerHint(e);
  });
  // What goes wrong in the background (a resumed run that could not be handed back at a stop) is said on
  // stderr, as `trustlens worker` says it.
  app.onBackgroundError((e, where) =>
    process.stderr.write(`${where}: ${safeText(e instanceof Error ? e.message : String(e), 300)}\n`),
  );
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // What the stop does with it: the command line's own sync ends interrupted; a queued run this
    // command resumed (the embedded database) is handed back to the queue, resumed later (ADR 0008).
    const { handedBack, interrupted } = app.services.syncs.onStop();
    if (interrupted) {
      process.stderr.write(
        `\n${signal}: stopping the running sync… it ends interrupted (nothing of it is stored).\n`,
      );
    }
    if (handedBack) {
      process.stderr.write(
        `\n${signal}: stopping the running sync… it is handed back to the queue (nothing of it is stored): \`trustlens serve\` or the next \`trustlens integration sync\` resumes it.\n`,
      );
    }
    void app
      .close({ graceMs: 0 })
      .catch(() => undefined)
      .finally(() => process.exit(EXIT.INTERRUPTED));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(app, cliActor());
  } catch (e) {
    // Every "not found" says where it looked: the wrong folder is the usual reason.
    if (isAppError(e) && e.code === 'NOT_FOUND' && !e.message.includes(app.config.dataDir)) {
      const where = app.config.databaseUrl
        ? 'the PostgreSQL database of DATABASE_URL'
        : `the data folder ${app.config.dataDir}`;
      throw new AppError('NOT_FOUND', `${e.message} (looked in ${where})`, {
        remediation: e.remediation,
        details: e.details,
        cause: e,
      });
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!stopping) await app.close();
  }
}

/**
 * Opens the app; while another CLI process (a sync) holds the embedded database, waits for it (saying
 * so, once) up to `waitSeconds`. A folder held by a server is not waited for: a server does not end.
 */
async function openWaiting(open: () => Promise<App>, waitSeconds: number): Promise<App> {
  const deadline = Date.now() + waitSeconds * 1000;
  let said = false;
  for (;;) {
    try {
      return await open();
    } catch (e) {
      const held =
        isAppError(e) && e.code === 'STORAGE_ERROR' && typeof e.details.pid === 'number' && !e.details.server;
      if (!held || Date.now() >= deadline) {
        if (held && said) {
          throw new AppError('STORAGE_ERROR', `${e.message} Waited ${waitSeconds} s.`, {
            remediation:
              `Wait for the other process to end (\`trustlens runs NAME\` shows a running sync) and run this again, or pass a longer --wait. ${e.remediation ?? ''}`.trim(),
            details: e.details,
          });
        }
        throw e;
      }
      if (!said) {
        said = true;
        info(
          `The data folder is in use by another TrustLens process (pid ${String(e.details.pid)}), probably a sync: waiting up to ${waitSeconds} s for it to finish (--wait SECONDS)…\n`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * The data folder is held by a running server (ADR 0002): the error also gives this very command
 * through that server, `--server <its url>` (the url of server.json), without --data-dir and --wait.
 */
export function throughServerHint(e: unknown, argv: string[] = process.argv.slice(2)): unknown {
  if (!isAppError(e) || e.code !== 'STORAGE_ERROR' || typeof e.details.server !== 'string') return e;
  const url = e.details.server;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // The token is never echoed; the folder and the wait do not apply through a server.
    if (a === '--data-dir' || a === '--wait' || a === '--token') i++;
    else if (!/^--(data-dir|wait|token)=/.test(a)) args.push(a);
  }
  const command = ['trustlens', ...args.map(shellWord), '--server', shellWord(url)].join(' ');
  return new AppError('STORAGE_ERROR', e.message, {
    remediation:
      `Run it through the server instead: \`${command}\`, with an API token in TRUSTLENS_TOKEN or a file named by --token-file (create one at ${url}/settings/tokens). ${e.remediation ?? ''}`.trim(),
    details: e.details,
    cause: e,
  });
}

/** A word as it would be typed in a shell. */
function shellWord(s: string): string {
  return /^[\w.@:/=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * Resolves on the first SIGINT or SIGTERM, once `stop()` has run: the long-running verbs (`serve`,
 * `worker`) say what they wait for (the running syncs, up to the grace period), then stop.
 */
export function untilStopSignal(app: App, graceMs: number, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolveStop) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      const active = app.services.syncs.active().length;
      process.stderr.write(
        `${signal}: stopping${active ? `; waiting up to ${graceMs / 1000} s for ${active} running sync(s)` : ''}…\n`,
      );
      void stop()
        .catch(() => undefined)
        .then(() => resolveStop());
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
