/**
 * Runs a CLI verb on the composition root: configuration from the flags and the environment, the
 * services, and always a close. The CLI acts as the local operator (cliActor): it holds the data
 * folder and the master key, so it sees every organization.
 *
 * Ctrl-C or SIGTERM while a sync runs: the run is marked `interrupted` (nothing of it was stored) and
 * the process exits 130.
 */
import { loadConfig } from '../app/config.ts';
import { AppError, isAppError } from '../errors/index.ts';
import { EXIT } from './exit-codes.ts';
import { createApp, type App } from '../app/root.ts';
import { cliActor, type Actor } from '../services/context.ts';

export const DATA_DIR_OPTION = '--data-dir <dir>';
export const DATA_DIR_HELP =
  'data folder (default TRUSTLENS_DATA_DIR or ./.trustlens; DATABASE_URL selects PostgreSQL)';

export interface AppFlags {
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
}

export async function withApp<T>(flags: AppFlags, fn: (app: App, actor: Actor) => Promise<T>): Promise<T> {
  const app = await createApp(
    loadConfig({
      dataDir: flags.dataDir,
      embedded: flags.embedded,
      scheduler: false,
      rps: flags.rps,
      concurrency: flags.concurrency,
    }),
    { mustExist: flags.create !== true },
  );
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const active = app.services.syncs.active().length;
    if (active) process.stderr.write(`\n${signal}: marking the running sync interrupted…\n`);
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
