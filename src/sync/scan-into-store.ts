/**
 * `trustlens scan --data-dir DIR`: the same scan, also kept in an embedded database (PGlite in DIR)
 * so that the next scan tracks changes, keeps finding lifecycles and syncs usage incrementally.
 *
 * The scanned workspace is recorded as an integration named "scan <base URL>"; its key is stored
 * encrypted (master key file DIR/master.key, or TRUSTLENS_MASTER_KEY) and replaced, after
 * validation, when a different key is given.
 */
import { keyFingerprint } from '../crypto/key-display.ts';
import { loadKeyring } from '../crypto/master-key.ts';
import { buildScanReport, type ScanReport } from '../exports/scan-report.ts';
import { createIntegrationService } from '../integrations/integration-service.ts';
import { createMistralConnector } from '../mistral/index.ts';
import { getRule } from '../rules/catalog.ts';
import { openDatabase, resolveDataDir } from '../store/database.ts';
import { normalizeBaseUrl } from '../store/integration-input.ts';
import { createStore } from '../store/store.ts';
import { runStoredSync } from './run-sync.ts';

export interface ScanIntoStoreOptions {
  apiKey: string;
  baseUrl: string;
  dataDir: string;
  requestsPerSecond?: number;
  maxConcurrency?: number;
  now: Date;
}

export type StoredScanReport = ScanReport & {
  storage: { dataDir: string; integrationId: string; syncRunId: string; changeEvents: number };
};

export async function scanIntoStore(opts: ScanIntoStoreOptions): Promise<StoredScanReport> {
  const dataDir = resolveDataDir(opts.dataDir);
  const keyring = loadKeyring({ dataDir });
  const db = await openDatabase({ dataDir });
  try {
    const store = createStore(db, { keyring });
    const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
      createMistralConnector({
        ...o,
        requestsPerSecond: opts.requestsPerSecond,
        maxConcurrency: opts.maxConcurrency,
      });
    const service = createIntegrationService({
      store,
      validateKey: (apiKey, baseUrl) => connectorFactory({ apiKey, baseUrl }).validateKey(),
    });
    const baseUrl = normalizeBaseUrl(opts.baseUrl);
    const name = `scan ${baseUrl}`;
    let integration = await store.integrations.getByName(name);
    if (!integration) {
      integration = await service.create({ name, apiKey: opts.apiKey, baseUrl });
    } else if (integration.keyFingerprint !== keyFingerprint(opts.apiKey)) {
      integration = await service.rotateKey(integration.id, opts.apiKey);
    }
    const result = await runStoredSync({
      store,
      integrationId: integration.id,
      connectorFactory,
      now: opts.now,
    });
    return {
      ...buildScanReport(
        result.pipeline.snapshot,
        result.pipeline.results,
        (id) => getRule(id)?.meta,
        opts.now,
      ),
      storage: {
        dataDir,
        integrationId: integration.id,
        syncRunId: result.runId,
        changeEvents: result.events.length,
      },
    };
  } finally {
    await db.close();
  }
}
