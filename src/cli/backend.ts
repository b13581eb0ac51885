/**
 * Where a CLI command's services run: on this machine (the data folder or DATABASE_URL, through the
 * composition root: withApp) or, with `--server URL` / TRUSTLENS_SERVER, through that server's API
 * (src/api-client). Commands are "parse → services → render" and do not know which: both adapters
 * have the shapes of src/api-client/services.ts.
 */
import { AppError } from '../errors/index.ts';
import type { ClientServices } from '../api-client/services.ts';
import type { App } from '../app/root.ts';
import type { Actor } from '../services/context.ts';
import { EXIT } from './exit-codes.ts';
import { withApp, type AppFlags } from './open-app.ts';
import { resolveToken, serverGiven } from './remote.ts';

export type { ClientServices } from '../api-client/services.ts';

/** The local adapter: the root's services, and the report of a run this process executed. */
export function localServices(app: App): ClientServices {
  const s = app.services;
  return {
    where: { kind: 'local' },
    integrations: s.integrations,
    findings: s.findings,
    events: s.events,
    syncs: {
      trigger: (actor, id, options) => s.syncs.trigger(actor, id, options),
      listRuns: (actor, id, query) => s.syncs.listRuns(actor, id, query),
      getRun: (actor, id, runId) => s.syncs.getRun(actor, id, runId),
      report(run) {
        const r = s.syncs.result(run.id);
        return Promise.resolve(r ? { changeEvents: r.events.length, openFindings: r.openFindings } : null);
      },
    },
    posture: s.posture,
    inventory: s.inventory,
    exports: s.exports,
    alerts: s.alerts,
  };
}

/** Remotely the token decides who acts; this actor only fills the services' signature. */
const REMOTE_ACTOR: Actor = {
  kind: 'token',
  id: null,
  label: 'api token',
  organizationId: null,
  role: 'viewer',
};

/** True when this command will act through a server (--server or TRUSTLENS_SERVER). */
export function remoteMode(): boolean {
  return serverGiven() !== null;
}

/**
 * Runs `fn` with the services of the data folder or, in server mode, of the server's API. In server
 * mode --data-dir makes no sense (refused); Ctrl-C stops following (a running sync goes on there).
 */
export async function withServices<T>(
  flags: AppFlags,
  fn: (ctx: { services: ClientServices }, actor: Actor) => Promise<T>,
): Promise<T> {
  const given = serverGiven();
  if (!given) return withApp(flags, (app, actor) => fn({ services: localServices(app) }, actor));
  if (flags.dataDir !== undefined) {
    throw new AppError('INVALID_INPUT', '--data-dir and --server cannot be used together.', {
      remediation:
        'With --server (or TRUSTLENS_SERVER) the server reads its own data: drop --data-dir, or drop --server (unset TRUSTLENS_SERVER) to use the data folder.',
    });
  }
  const [{ createApiClient, parseServerUrl }, { createRemoteServices }] = await Promise.all([
    import('../api-client/http.ts'),
    import('../api-client/services.ts'),
  ]);
  const { server, cleartext } = parseServerUrl(given.url);
  const token = resolveToken(server);
  if (cleartext) {
    process.stderr.write(
      `Warning: ${server} is http:// to another machine: the API token travels in clear. Use https:// (or an SSH tunnel to 127.0.0.1).\n`,
    );
  }
  const services = createRemoteServices(createApiClient({ server, token }));
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `\n${signal}: stopped. Anything already started on the server (a sync) goes on there: \`trustlens runs NAME --server ${server}\` shows it.\n`,
    );
    process.exit(EXIT.INTERRUPTED);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn({ services }, REMOTE_ACTOR);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
