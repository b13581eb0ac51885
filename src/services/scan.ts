/**
 * `trustlens scan`: one read of a workspace turned into the scan report (docs/scan-json.md).
 *  - one-shot: nothing stored (in-memory usage state), no database needed;
 *  - kept (`--data-dir`): the workspace is an integration named after its host (formerly "scan <base URL>",
 *    still found) (created, or its key
 *    rotated after validation when a different key is given) and synced like any other, so the next
 *    scan tracks changes, keeps finding lifecycles and syncs usage incrementally.
 */
import { keyFingerprint } from '../crypto/key-display.ts';
import { AppError } from '../errors/index.ts';
import { buildScanReport, type ScanReport } from '../exports/scan-report.ts';
import { getRule } from '../rules/catalog.ts';
import { normalizeBaseUrl } from '../store/integration-input.ts';
import { runPipeline } from '../sync/pipeline.ts';
import { createMemoryUsageStateStore } from '../usage/memory-state-store.ts';
import type { ConnectorProvider } from './connectors.ts';
import type { Actor } from './context.ts';
import type { IntegrationsService } from './integrations.ts';
import type { ProgressListener, SyncsService } from './syncs.ts';
import { createSyncProgress, followProgress } from '../sync/progress.ts';
import { adminDiscoveryOptions } from '../sync/admin-options.ts';
import { adminKeyRefused } from '../integrations/integration-service.ts';

export type StoredScanReport = ScanReport & {
  storage: { dataDir: string; integrationId: string; syncRunId: string; changeEvents: number };
};

export interface ScanService {
  scan(input: {
    apiKey: string;
    /** An admin key (MISTRAL_ADMIN_API_KEY / --admin-api-key-file): GET /v1/admin/* only; none = admin rows unavailable. */
    adminApiKey?: string;
    baseUrl: string;
    now?: Date;
    /** Told the scan's progress per feature and its request figures as it reads (the CLI's display). */
    onProgress?: ProgressListener;
  }): Promise<ScanReport>;
}

export interface StoredScanService {
  scanIntoStore(
    actor: Actor,
    input: {
      apiKey: string;
      /** Stored with the integration (validated first; set, or rotated when it differs from the stored one). */
      adminApiKey?: string;
      baseUrl: string;
      dataDir: string;
      onProgress?: ProgressListener;
    },
  ): Promise<StoredScanReport>;
}

const ruleMeta = (id: string) => getRule(id)?.meta;

export function createScanService(deps: { connectors: ConnectorProvider }): ScanService {
  return {
    async scan({ apiKey, adminApiKey, baseUrl, now = new Date(), onProgress }) {
      const started = Date.now();
      const connector = (await deps.connectors.get())({ apiKey, baseUrl });
      if (adminApiKey !== undefined && keyFingerprint(adminApiKey) === keyFingerprint(apiKey)) {
        throw new AppError('INVALID_INPUT', 'The admin API key is the same key as the API key.', {
          details: { field: 'adminApiKey' },
          remediation:
            'MISTRAL_ADMIN_API_KEY (or --admin-api-key-file) takes a separate key, created by a member with the Admin role of the organization (admin.mistral.ai → Organization → API Keys); leave it unset to scan without the Admin API.',
        });
      }
      if (adminApiKey !== undefined && !deps.connectors.getAdmin) {
        throw new AppError('INTERNAL', 'This process cannot read the Admin API.', {
          remediation: 'Report this: the admin connector was not wired into this TrustLens process.',
        });
      }
      // The admin key goes to the admin connector only; the ordinary key never reaches /v1/admin/*.
      const admin =
        adminApiKey !== undefined
          ? adminDiscoveryOptions({
              connector: (await deps.connectors.getAdmin!())({ adminApiKey, baseUrl }),
              apiKey,
              previous: null,
              rateLimitShare: deps.connectors.rateLimitShare,
            })
          : null;
      // A key given as an admin key that is not one is said at once (exit 2), as for a stored integration.
      if (admin)
        await admin.connector
          .validateAdminKey()
          .catch((e: unknown) => Promise.reject(adminKeyRefused(e, false)));
      const follow = followProgress(() => {
        const s = connector.stats();
        const a = admin?.connector.stats();
        return {
          requests: s.requests + (a?.requests ?? 0),
          rateLimited: s.rateLimited + (a?.rateLimited ?? 0),
          retries: s.retries + (a?.retries ?? 0),
          elapsedMs: Date.now() - started,
          phase: progress.phase(),
          features: progress.features(),
        };
      }, onProgress);
      const progress = createSyncProgress({ onChange: follow.onChange });
      try {
        const result = await runPipeline({
          connector,
          now,
          usageState: createMemoryUsageStateStore(),
          progress,
          admin,
        });
        return buildScanReport(result.snapshot, result.results, ruleMeta, now);
      } finally {
        follow.stop();
      }
    },
  };
}

export function createStoredScanService(deps: {
  integrations: IntegrationsService;
  syncs: SyncsService;
}): StoredScanService {
  return {
    async scanIntoStore(actor, { apiKey, adminApiKey, baseUrl: rawBaseUrl, dataDir, onProgress }) {
      const baseUrl = normalizeBaseUrl(rawBaseUrl);
      // Named after the host (and path prefix): "api.mistral.ai". Earlier versions named it
      // "scan <base URL>": that one is still found. A name taken by an integration of another base URL
      // is never reused (its key would be rotated): then the old form is used. Either name is reused
      // only at the same base URL, so a scan never rotates the keys (ordinary or admin) of an
      // integration at another address; when both names are taken elsewhere, the scan is refused.
      const legacyName = `scan ${baseUrl}`;
      const u = new URL(baseUrl);
      const hostName = `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
      const all = await deps.integrations.list(actor);
      const same = (n: string) => all.find((i) => i.name.toLowerCase() === n.toLowerCase());
      const here = <T extends { baseUrl: string }>(i: T | undefined) =>
        i && i.baseUrl === baseUrl ? i : undefined;
      const byHost = same(hostName);
      const byLegacy = same(legacyName);
      let integration = here(byHost) ?? here(byLegacy) ?? null;
      if (!integration) {
        if (byHost && byLegacy) {
          throw new AppError(
            'CONFLICT',
            `Integrations named "${hostName}" and "${legacyName}" already exist at other base URLs (${byHost.baseUrl}, ${byLegacy.baseUrl}), so this scan of ${baseUrl} has no name to keep its results under.`,
            {
              remediation: `Rename one of them (trustlens integration update "${legacyName}" --name <new name>), or add an integration for ${baseUrl} yourself (trustlens integration add --name <name> --base-url ${baseUrl}) and sync it.`,
            },
          );
        }
        const name = byHost ? legacyName : hostName;
        integration = await deps.integrations.create(actor, {
          name,
          apiKey,
          baseUrl,
          ...(adminApiKey !== undefined ? { adminApiKey } : {}),
        });
      } else {
        if (integration.keyFingerprint !== keyFingerprint(apiKey)) {
          integration = await deps.integrations.rotateKey(actor, integration.id, apiKey);
        }
        // A given admin key is stored (validated first); without one, a stored admin key stays in use.
        if (adminApiKey !== undefined && integration.adminKey?.fingerprint !== keyFingerprint(adminApiKey)) {
          integration = await deps.integrations.setAdminKey(actor, integration.id, adminApiKey);
        }
      }
      const { run, started, done } = await deps.syncs.trigger(actor, integration.id, {
        trigger: 'scan',
        onProgress,
      });
      if (!started) {
        throw new AppError(
          'CONFLICT',
          `A sync of this workspace is already running (started ${run.startedAt}).`,
          {
            remediation: 'Wait for it to end, then scan again.',
          },
        );
      }
      const end = (await done)!;
      const result = deps.syncs.result(end.id);
      if (!result) {
        // The sync failed before it read anything: its run says why.
        const first = end.errors[0];
        throw new AppError((first?.code as never) ?? 'INTERNAL', first?.message ?? 'The scan failed.', {
          remediation: first?.remediation || 'Run `trustlens runs` to see the failed run.',
        });
      }
      const now = new Date(end.startedAt);
      return {
        ...buildScanReport(result.pipeline.snapshot, result.pipeline.results, ruleMeta, now),
        storage: {
          dataDir,
          integrationId: integration.id,
          syncRunId: end.id,
          changeEvents: result.events.length,
        },
      };
    },
  };
}
