/**
 * `trustlens scan` without a data folder: no database, no master key, just the connectors and the scan
 * service. Kept apart from the composition root (src/app/root.ts) so that such a scan does not load the
 * store, the PostgreSQL driver, argon2 or the job queue it never uses.
 */
import { createScanService, type ScanService } from '../services/scan.ts';
import type { AdminConnectorFactory } from '../services/connectors.ts';
import { connectorProvider, type ConnectorFactory } from './connectors.ts';
import type { AppConfig } from './config.ts';

/** Checks a base URL flag ('global', 'eu', 'us' in any case, or a URL) before anything is loaded. */
export { normalizeBaseUrl as checkBaseUrl } from '../store/integration-input.ts';

export function createScanner(
  config: AppConfig,
  options: { connectorFactory?: ConnectorFactory; adminConnectorFactory?: AdminConnectorFactory } = {},
): ScanService {
  return createScanService({
    connectors: connectorProvider(config, options.connectorFactory, options.adminConnectorFactory),
  });
}
