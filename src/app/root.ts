/**
 * The composition root: the one place that wires the store, the keyring and the connector into the
 * services. The CLI, the server and the workers call `createApp(config)` and use `app.services`;
 * nothing else opens the database, loads the master key or builds a connector.
 */
import { loadKeyring } from '../crypto/index.ts';
import type { ConnectorOptions, MistralConnector } from '../mistral/types.ts';
import { createStore, openDatabase, type Database, type Store } from '../store/index.ts';
import { createAuditService, type AuditService } from '../services/audit.ts';
import { createIntegrationsService, type IntegrationsService } from '../services/integrations.ts';
import type { AppConfig } from './config.ts';

export type ConnectorFactory = (opts: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => MistralConnector;

export interface Services {
  audit: AuditService;
  integrations: IntegrationsService;
}

export interface App {
  readonly config: AppConfig;
  readonly services: Services;
  /** Database reachable and migrated (for /readyz). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** A database already open (tests); otherwise opened from the config. */
  db?: Database;
  /** Replaces the Mistral connector (tests); default: the official-SDK connector, loaded on first use. */
  connectorFactory?: ConnectorFactory;
  now?: () => Date;
}

/** The Mistral SDK takes over a second to import: load it only when a connector is first needed. */
function lazyConnectorFactory(config: AppConfig): ConnectorFactory {
  let loaded: ((o: ConnectorOptions) => MistralConnector) | undefined;
  let loading: Promise<void> | undefined;
  const factory = (o: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => {
    if (!loaded) throw new Error('connector not loaded');
    return loaded({ ...o, ...config.connector });
  };
  return Object.assign(factory, {
    async load() {
      loading ??= import('../mistral/index.ts').then((m) => {
        loaded = m.createMistralConnector;
      });
      await loading;
    },
  });
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<App> {
  const keyring = loadKeyring({ dataDir: config.dataDir });
  const db =
    options.db ??
    (await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? undefined }));
  const store: Store = createStore(db, { keyring });
  const now = options.now ?? (() => new Date());
  const lazy = lazyConnectorFactory(config);
  const connectors = {
    async get(): Promise<ConnectorFactory> {
      if (options.connectorFactory) return options.connectorFactory;
      await (lazy as unknown as { load(): Promise<void> }).load();
      return lazy;
    },
  };
  const audit = createAuditService({ audit: store.audit, now });
  const services: Services = {
    audit,
    integrations: createIntegrationsService({ store, audit, connectors, now }),
  };
  let closed = false;
  return {
    config,
    services,
    async ready() {
      try {
        await db.query('SELECT 1 FROM schema_migrations LIMIT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!options.db) await db.close();
    },
  };
}
