/**
 * Exports of a stored integration (`trustlens export`, GET /api/v1/integrations/{id}/export): the
 * latest snapshot turned into the scan report (docs/scan-json.md) — its rules evaluated again on that
 * snapshot and the one before it, exactly as the sync that stored it did — with each finding's stored
 * lifecycle (id, first and last seen, mute), then rendered in the asked format (src/exports).
 */
import { AppError } from '../errors/index.ts';
import { safeText } from '../shared/text.ts';
import { buildScanReport, type ScanFinding, type ScanReport } from '../exports/scan-report.ts';
import { renderExport } from '../exports/render.ts';
import {
  exportContextNow,
  MEDIA_TYPES,
  type ExportContext,
  type ExportFormat,
  type FindingLifecycle,
} from '../exports/types.ts';
import { evaluateAll, getRule } from '../rules/catalog.ts';
import type { Store } from '../store/index.ts';
import type { AuditService } from './audit.ts';
import type { Actor } from './context.ts';
import type { IntegrationsService } from './integrations.ts';

/** For the entry points. */
export { EXPORT_FORMATS, MEDIA_TYPES, type ExportFormat } from '../exports/types.ts';

export interface ExportFile {
  format: ExportFormat;
  contentType: string;
  /** A suggested file name: trustlens-<integration>-<date>.<extension>. */
  filename: string;
  body: string;
}

export interface ExportsService {
  /** The stored integration's latest state as the scan report, with the context its renderers take. */
  report(actor: Actor, integrationId: string): Promise<{ report: ScanReport; context: ExportContext }>;
  render(actor: Actor, integrationId: string, format: ExportFormat): Promise<ExportFile>;
}

const key = (f: { ruleId: string; resourceType: string; resourceId: string }) =>
  `${f.ruleId}\u0000${f.resourceType}\u0000${f.resourceId}`;

export function createExportsService(deps: {
  store: Store;
  integrations: IntegrationsService;
  audit: AuditService;
}): ExportsService {
  const { store } = deps;

  async function report(actor: Actor, integrationId: string) {
    const integration = await deps.integrations.get(actor, integrationId);
    const latest = await store.snapshots.loadLatest(integration.id);
    if (!latest) {
      throw new AppError(
        'NOT_FOUND',
        `Integration "${safeText(integration.name, 100)}" has not been synced yet: there is nothing to export.`,
        {
          remediation: 'Run a sync first (Sync now in the console, or `trustlens sync`), then export again.',
        },
      );
    }
    const previous = (await store.snapshots.loadPrevious(integration.id))?.snapshot ?? null;
    const takenAt = new Date(latest.takenAt);
    const results = evaluateAll({ snapshot: latest.snapshot, previous, now: takenAt });
    const report = buildScanReport(latest.snapshot, results, (id) => getRule(id)?.meta, takenAt);
    const stored = await store.findings.list(
      integration.id,
      { status: 'all', includeMuted: true },
      new Date(),
    );
    const lifecycles = new Map<string, FindingLifecycle>();
    for (const f of stored) {
      lifecycles.set(key(f), {
        id: f.id,
        firstSeenAt: f.firstSeenAt,
        lastSeenAt: f.lastSeenAt,
        mute: f.mute
          ? { reason: f.mute.reason, by: f.mute.by, at: f.mute.at, expiresAt: f.mute.expiresAt }
          : null,
      });
    }
    const context = exportContextNow({
      integration: { id: integration.id, name: integration.name },
      simulated: integration.simulated,
      lifecycle: (f: ScanFinding) => lifecycles.get(key(f)),
    });
    return { report, context, organizationId: integration.organizationId };
  }

  return {
    report,
    async render(actor, integrationId, format) {
      const { report: r, context, organizationId } = await report(actor, integrationId);
      const body = await renderExport(format, r, context);
      const slug =
        (context.integration?.name ?? 'workspace')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'workspace';
      const date = context.exportedAt.toISOString().slice(0, 10);
      await deps.audit.record(
        actor,
        'export',
        { type: 'integration', id: integrationId },
        { format },
        { organizationId },
      );
      return {
        format,
        contentType: MEDIA_TYPES[format].contentType,
        filename: `trustlens-${slug}-${date}.${MEDIA_TYPES[format].extension}`,
        body,
      };
    },
  };
}
