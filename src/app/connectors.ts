/**
 * The Mistral connectors of this installation, for the composition root (src/app/root.ts) and for a scan
 * without a data folder (src/app/scanner.ts): the settings they share, and the SDK loaded only when a
 * connector is first needed.
 */
import type {
  AdminConnectorOptions,
  ConnectorOptions,
  MistralAdminConnector,
  MistralConnector,
} from '../mistral/types.ts';
import type { AdminConnectorFactory, ConnectorProvider } from '../services/connectors.ts';
import type { AppConfig } from './config.ts';

export type ConnectorFactory = (opts: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => MistralConnector;

/** The connector settings of this installation, for a connector to o.baseUrl (ordinary or admin). */
function connectorSettings(config: AppConfig, baseUrl: string | undefined) {
  // A workspace on this machine (the built-in simulator, a test double) is not rate limited like Mistral.
  const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(baseUrl ?? '');
  return {
    requestsPerSecond: config.connector.requestsPerSecond ?? (local ? 200 : undefined),
    maxConcurrency: config.connector.maxConcurrency ?? (local ? 16 : undefined),
  };
}

/** The Mistral SDK takes over a second to import: load it only when a connector is first needed. */
function lazyConnectorFactory(config: AppConfig): ConnectorFactory & { load(): Promise<void> } {
  let loaded: ((o: ConnectorOptions) => MistralConnector) | undefined;
  let loading: Promise<void> | undefined;
  const factory = (o: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => {
    if (!loaded) throw new Error('connector not loaded');
    return loaded({ ...o, ...connectorSettings(config, o.baseUrl) });
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

/**
 * The admin connector (issue 11): the admin key, GET /v1/admin/* only, with the same connector settings
 * as the ordinary connector (the ordinary key is never given to it).
 */
function lazyAdminConnectorFactory(config: AppConfig): AdminConnectorFactory & { load(): Promise<void> } {
  let loaded: ((o: AdminConnectorOptions) => MistralAdminConnector) | undefined;
  let loading: Promise<void> | undefined;
  const factory = (o: Pick<AdminConnectorOptions, 'adminApiKey' | 'baseUrl'>) => {
    if (!loaded) throw new Error('admin connector not loaded');
    return loaded({ ...o, ...connectorSettings(config, o.baseUrl) });
  };
  return Object.assign(factory, {
    async load() {
      loading ??= import('../mistral/admin-connector.ts').then((m) => {
        loaded = m.createMistralAdminConnector;
      });
      await loading;
    },
  });
}

export function connectorProvider(
  config: AppConfig,
  override?: ConnectorFactory,
  adminOverride?: AdminConnectorFactory,
): ConnectorProvider {
  const lazy = lazyConnectorFactory(config);
  const lazyAdmin = lazyAdminConnectorFactory(config);
  return {
    async get(): Promise<ConnectorFactory> {
      if (override) return override;
      await lazy.load();
      return lazy;
    },
    async getAdmin(): Promise<AdminConnectorFactory> {
      if (adminOverride) return adminOverride;
      await lazyAdmin.load();
      return lazyAdmin;
    },
    ...(config.connector.rateLimitShare !== undefined
      ? { rateLimitShare: config.connector.rateLimitShare }
      : {}),
  };
}
