/**
 * The composition root: the one place that wires the store, the keyring and the connector into the
 * services. The CLI, the server and the workers call `createApp(config)` and use `app.services`;
 * nothing else opens the database, loads the master key or builds a connector.
 */
import { AppError } from '../errors/index.ts';
import { loadKeyring, type Keyring } from '../crypto/index.ts';
import type { ConnectorStats } from '../mistral/types.ts';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createStore, openDatabase, SERVER_INFO_FILE, type Database, type Store } from '../store/index.ts';
import { createExportsService, type ExportsService } from '../services/exports.ts';
import { createAlertsService, type AlertsService } from '../services/alerts.ts';
import { sendWebhook, type WebhookSender } from '../webhooks/send.ts';
import { createAuditService, type AuditService } from '../services/audit.ts';
import { createAccountsService, type AccountsService } from '../services/accounts.ts';
import { createDemoService, type DemoService } from '../services/demo.ts';
import { createIntegrationsService, type IntegrationsService } from '../services/integrations.ts';
import { createAgentIndex } from '../services/agent-index.ts';
import { createEventsService, type EventsService } from '../services/events.ts';
import { createAuditLogService, type AuditLogService } from '../services/audit-log.ts';
import { createFindingsService, type FindingsService } from '../services/findings.ts';
import { createInventoryService, type InventoryService } from '../services/inventory.ts';
import { createKeysService, type KeysService } from '../services/keys.ts';
import { createUsageService, type UsageService } from '../services/usage.ts';
import { createWorkspaceExtrasService, type WorkspaceExtrasService } from '../services/workspace-extras.ts';
import { createPostureService, type PostureService } from '../services/posture.ts';
import { createRulesService, type RulesService } from '../services/rules.ts';
import { createStoredScanService, type StoredScanService } from '../services/scan.ts';
import { createScheduler, type Scheduler } from '../services/scheduler.ts';
import { createSyncsService, type SyncsService } from '../services/syncs.ts';
import type { SyncRunView } from '../store/sync-runs-repository.ts';
import type { IntegrationView } from '../store/index.ts';
import type { AdminConnectorFactory } from '../services/connectors.ts';
import { createInProcessQueue } from '../jobs/in-process.ts';
import { pendingRuns } from '../jobs/run-rows.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { AppConfig } from './config.ts';
import { connectorProvider, type ConnectorFactory } from './connectors.ts';

export type { ConnectorFactory } from './connectors.ts';

export interface Services {
  audit: AuditService;
  accounts: AccountsService;
  integrations: IntegrationsService;
  syncs: SyncsService;
  scans: StoredScanService;
  demo: DemoService;
  inventory: InventoryService;
  findings: FindingsService;
  events: EventsService;
  /** The admin audit log entries the syncs stored (issue 11). */
  auditLog: AuditLogService;
  posture: PostureService;
  rules: RulesService;
  keys: KeysService;
  usage: UsageService;
  alerts: AlertsService;
  exports: ExportsService;
  /** Connectors, the organization read with the admin key, and their availability rows (issue 11). */
  extras: WorkspaceExtrasService;
}

export type SyncListener = (
  run: SyncRunView,
  integration: IntegrationView,
  requests: ConnectorStats | null,
) => void;

export interface App {
  readonly config: AppConfig;
  readonly services: Services;
  /** Started by `serve` (and workers); the CLI never starts it. */
  readonly scheduler: Scheduler;
  /** The sync job queue this process uses (docs/adr/0008), or null when syncs run where they are asked for (the CLI). */
  readonly jobs: { kind: JobQueue['kind']; role: JobsRole } | null;
  /** Starts working sync jobs in this process (`serve` without --no-worker, `trustlens worker`). */
  startWorker(): Promise<void>;
  /**
   * Announces a running server in the embedded database's data folder (`server.json`), so that a CLI
   * command that finds the folder locked names it (docs/adr/0002). Returns the function that withdraws it.
   * Does nothing on PostgreSQL.
   */
  announceServer(url: string): () => void;
  /** Errors of background work (a scheduler tick that failed); the server logs them. */
  onBackgroundError(listener: (e: unknown, where: string) => void): void;
  /** Observers of finished sync runs (metrics). */
  onSyncFinished(listener: SyncListener): void;
  /** Database reachable and migrated (for /readyz). */
  ready(): Promise<boolean>;
  /** Stops the scheduler, lets running syncs end for `graceMs` (default 10 s) then marks them interrupted, closes the database. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * What this process does with sync jobs: `enqueue` (serve --no-worker: triggers are queued for workers),
 * `work` (trustlens worker: works jobs only), `both` (serve: queues and works them).
 */
export type JobsRole = 'enqueue' | 'work' | 'both';

export interface CreateAppOptions {
  /** Sync jobs through a queue (serve, worker); unset: a sync runs in the process that asks for it (the CLI). */
  jobs?: JobsRole;
  /** Replaces the job queue (tests); default pg-boss on PostgreSQL, the in-process runner on PGlite. */
  jobQueue?: JobQueue;
  /**
   * On the embedded database (the in-process runner, `jobs: 'both'`), a triggered run is taken at once by
   * this process (default true); false leaves it queued for the runner's loop (tests of the runner).
   */
  takeAtOnce?: boolean;
  /** This process as the owner of the runs it executes ("host:pid"; tests run several in one process). */
  owner?: string;
  /** A database already open (tests); otherwise opened from the config. */
  db?: Database;
  /** The master keys (tests); otherwise TRUSTLENS_MASTER_KEY or the data folder's key file. */
  keyring?: Keyring;
  /** Replaces the Mistral connector (tests); default: the official-SDK connector, loaded on first use. */
  connectorFactory?: ConnectorFactory;
  /** Replaces the admin connector (tests); default: src/mistral/admin-connector.ts, loaded on first use. */
  adminConnectorFactory?: AdminConnectorFactory;
  now?: () => Date;
  /** The scheduler's jitter randomness (tests). */
  random?: () => number;
  /** Replaces the webhook sender (tests); default: src/webhooks/send.ts. */
  webhookSender?: WebhookSender;
  /** How long close() lets running syncs finish before marking them interrupted (default 10 s). */
  shutdownGraceMs?: number;
  /**
   * Refuse (NOT_FOUND, naming the folder) when the data folder holds no database yet, instead of
   * creating one: commands that only read, or act on something stored, never create a data folder.
   */
  mustExist?: boolean;
}

/** `trustlens scan` without a data folder (no database, no master key): src/app/scanner.ts. */
export { checkBaseUrl, createScanner } from './scanner.ts';

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<App> {
  if (options.mustExist && !options.db && !config.databaseUrl) requireDataFolder(config.dataDir);
  const keyring = options.keyring ?? loadKeyring({ dataDir: config.dataDir });
  const db =
    options.db ??
    (await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? undefined }));
  const store: Store = createStore(db, { keyring });
  const now = options.now ?? (() => new Date());
  const connectors = connectorProvider(config, options.connectorFactory, options.adminConnectorFactory);
  const audit = createAuditService({ audit: store.audit, now });
  const listeners: SyncListener[] = [];
  const errorListeners: ((e: unknown, where: string) => void)[] = [];
  const heartbeatMs = config.jobs.heartbeatSeconds * 1000;
  let queue: JobQueue | null = null;
  if (options.jobs) {
    try {
      queue = await openJobQueue(config, options, store, {
        now,
        staleAfterMs: heartbeatMs * 6,
        onError: (e) => {
          for (const l of errorListeners) l(e, 'jobs');
        },
      });
    } catch (e) {
      if (!options.db) await db.close().catch(() => undefined);
      throw e;
    }
  }
  const syncs = createSyncsService({
    store,
    audit,
    connectors,
    now,
    queue: queue ?? undefined,
    takeAtOnce: queue?.kind === 'in-process' && options.jobs === 'both' && options.takeAtOnce !== false,
    owner: options.owner,
    heartbeatMs,
    staleAfterMs: heartbeatMs * 6,
    onBackgroundError: (e, where) => {
      for (const l of errorListeners) l(e, where);
    },
    onRunFinished: (run, integration, requests) => {
      for (const l of listeners) {
        try {
          l(run, integration, requests);
        } catch {
          // an observer never breaks a sync
        }
      }
    },
  });
  const scheduler = createScheduler({
    store,
    syncs,
    now,
    random: options.random,
    tickMs: config.scheduler.tickSeconds * 1000,
    onError: (e) => {
      for (const l of errorListeners) l(e, 'scheduler');
    },
  });
  listeners.push(scheduler.onRunFinished);
  const alerts = createAlertsService({
    store,
    audit,
    send: options.webhookSender ?? sendWebhook,
    now,
    random: options.random,
    retry: { baseMs: config.alerts.retryBaseMs, maxAttempts: config.alerts.maxAttempts },
    timeoutMs: config.alerts.timeoutMs,
    onError: (e) => {
      for (const l of errorListeners) l(e, 'alerts');
    },
  });
  // A finished run is evaluated for alerts at once where a dispatcher runs (serve, workers).
  listeners.push(() => alerts.kick());
  const integrations = createIntegrationsService({ store, audit, connectors, now });
  const agentIndex = createAgentIndex({ store, now }); // shared by inventory and posture (one cache)
  const accounts = createAccountsService({
    accounts: store.accounts,
    audit,
    now,
    sessionIdleMinutes: config.server.sessionIdleMinutes,
    sessionMaxHours: config.server.sessionMaxHours,
  });
  const services: Services = {
    audit,
    accounts,
    integrations,
    syncs,
    scans: createStoredScanService({ integrations, syncs }),
    inventory: createInventoryService({ store, agentIndex, now }),
    findings: createFindingsService({ store, audit, now }),
    events: createEventsService({ store }),
    auditLog: createAuditLogService({ store }),
    posture: createPostureService({ store, agentIndex, now }),
    rules: createRulesService(),
    demo: createDemoService({ accounts, integrations, syncs }),
    keys: createKeysService({ keyring, store, audit }),
    usage: createUsageService({ store, inventory: createInventoryService({ store, agentIndex, now }), now }),
    alerts,
    exports: createExportsService({ store, integrations, audit }),
    extras: createWorkspaceExtrasService({ store, now }),
  };
  // A run left `running` by a process that no longer exists is marked interrupted by whoever opens next.
  await syncs.recoverInterrupted();
  let closed = false;
  let takeOverTimer: NodeJS.Timeout | undefined;
  let takeOverPass: Promise<void> = Promise.resolve();
  return {
    config,
    services,
    scheduler,
    jobs: queue && options.jobs ? { kind: queue.kind, role: options.jobs } : null,
    async startWorker() {
      if (!queue || options.jobs === 'enqueue') {
        throw new AppError('INTERNAL', 'This process was not opened to work sync jobs.');
      }
      await queue.work((job) => syncs.runJob(job), { concurrency: config.jobs.concurrency });
      // The take-over pass (docs/adr/0008): a run whose worker went silent has its job delivered again
      // within a check interval of its heartbeat going stale (workers run no scheduler to do it).
      if (!takeOverTimer) {
        const pass = () => {
          takeOverTimer = setTimeout(() => {
            takeOverPass = syncs
              .recoverInterrupted()
              .then(() => undefined)
              .catch((e) => {
                for (const l of errorListeners) l(e, 'jobs');
              })
              .finally(() => {
                if (!closed) pass();
              });
          }, config.jobs.checkSeconds * 1000);
          takeOverTimer.unref();
        };
        pass();
      }
    },
    onSyncFinished: (l) => listeners.push(l),
    onBackgroundError: (l) => errorListeners.push(l),
    announceServer(url) {
      if (config.databaseUrl || options.db) return () => undefined;
      const file = join(config.dataDir, SERVER_INFO_FILE);
      writeFileSync(file, JSON.stringify({ pid: process.pid, url }), { mode: 0o600 });
      return () => rmSync(file, { force: true });
    },
    async ready() {
      try {
        await db.query('SELECT 1 FROM schema_migrations LIMIT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close(closeOptions) {
      if (closed) return;
      closed = true;
      clearTimeout(takeOverTimer);
      await takeOverPass;
      await scheduler.stop();
      await alerts.stop();
      await queue?.pause().catch(() => undefined); // no new job; the running ones end or are interrupted
      await syncs.shutdown(closeOptions?.graceMs ?? options.shutdownGraceMs ?? 10_000);
      await queue?.stop().catch(() => undefined);
      if (!options.db) await db.close();
    },
  };
}

/**
 * The sync job queue: pg-boss on PostgreSQL (shared by every process), the in-process runner on the
 * embedded database (whose queue is the runs table: PGlite belongs to one process, ADR 0002).
 */
async function openJobQueue(
  config: AppConfig,
  options: CreateAppOptions,
  store: Store,
  deps: { now: () => Date; staleAfterMs: number; onError: (e: unknown) => void },
): Promise<JobQueue> {
  if (options.jobQueue) return options.jobQueue;
  if (config.databaseUrl) {
    const { createPgBossQueue } = await import('../jobs/pg-boss.ts');
    return createPgBossQueue({ ...config.jobs, connectionString: config.databaseUrl, onError: deps.onError });
  }
  if (options.jobs !== 'both') {
    throw new AppError(
      'INVALID_INPUT',
      'Separate sync workers need PostgreSQL: the embedded database (PGlite) belongs to one process.',
      {
        remediation:
          'Run `trustlens serve` alone (it serves and syncs), or set DATABASE_URL and TRUSTLENS_MASTER_KEY for every process to run `trustlens serve --no-worker` and `trustlens worker` side by side.',
      },
    );
  }
  return createInProcessQueue({
    pending: async () =>
      (
        await pendingRuns(store.db, {
          staleBefore: new Date(deps.now().getTime() - deps.staleAfterMs),
          maxAttempts: 3,
          limit: 50,
        })
      ).map((r) => ({ runId: r.id, integrationId: r.integrationId })),
    checkSeconds: config.jobs.checkSeconds,
    retrySeconds: config.jobs.retrySeconds,
    retryLimit: config.jobs.retryLimit,
    onError: deps.onError,
  });
}

/** The embedded database's marker file: present once a data folder has been created. */
function requireDataFolder(dataDir: string): void {
  if (existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))) return;
  throw new AppError('NOT_FOUND', `No TrustLens data folder in ${dataDir} (looked for its database there).`, {
    remediation:
      'Run the command in the folder that holds .trustlens, or pass --data-dir DIR (or set TRUSTLENS_DATA_DIR; DATABASE_URL for PostgreSQL). `trustlens integration add` creates a data folder.',
    details: { dataDir },
  });
}
