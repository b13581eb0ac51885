/**
 * Export formats (issue 12): every format is a pure function of one scan report (docs/scan-json.md) and
 * an ExportContext, returning the file's text. Used by `trustlens scan --format`, `trustlens export`
 * and `GET /api/v1/integrations/{id}/export`. Renderers never receive a key or a token; agent
 * instructions are in the report (the scan JSON carries them) and each format decides what it keeps.
 */
import { createHash } from 'node:crypto';
import { VERSION } from '../shared/version.ts';
import type { ScanFinding, ScanReport } from './scan-report.ts';

export const EXPORT_FORMATS = ['json', 'ocsf', 'sarif', 'csv', 'cyclonedx', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What a stored finding adds to a scan finding (only exports of stored syncs have it). */
export interface FindingLifecycle {
  /** The stored finding's stable id (hash of rule, integration, resource type, resource id). */
  id: string;
  firstSeenAt: string;
  lastSeenAt: string;
  mute: { reason: string; by: string; at: string; expiresAt: string | null } | null;
}

export interface ExportContext {
  /** informationUri only when the operator configured one (TrustLens is self-hosted: no public home). */
  tool: { name: 'TrustLens'; version: string; informationUri?: string };
  /** When the export was produced (the report's generatedAt is when the workspace was read). */
  exportedAt: Date;
  /** Set for exports of a stored integration; absent for a one-shot scan. */
  integration?: { id: string; name: string };
  /** The workspace is TrustLens's built-in simulator: every format must say so plainly. */
  simulated?: boolean;
  /** Lifecycle of a finding of the report, when it comes from a stored sync. */
  lifecycle?: (finding: ScanFinding) => FindingLifecycle | undefined;
}

/** The context of an export made now by this TrustLens. */
export function exportContextNow(extra: Omit<ExportContext, 'tool' | 'exportedAt'> = {}): ExportContext {
  return { tool: { name: 'TrustLens', version: VERSION }, exportedAt: new Date(), ...extra };
}

export type Renderer = (report: ScanReport, context: ExportContext) => string;

/**
 * A finding's stable identifier across exports and runs: the stored id when there is one, otherwise a
 * hash of the workspace (base URL), rule and resource, so that re-scanning the same workspace gives the
 * same uid (SIEMs and code-scanning views deduplicate on it).
 */
export function findingUid(report: ScanReport, finding: ScanFinding, context: ExportContext): string {
  const stored = context.lifecycle?.(finding)?.id;
  if (stored) return stored;
  return createHash('sha256')
    .update([report.source.baseUrl, finding.ruleId, finding.resourceType, finding.resourceId].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

export const MEDIA_TYPES: Record<ExportFormat, { contentType: string; extension: string }> = {
  json: { contentType: 'application/json', extension: 'json' },
  ocsf: { contentType: 'application/json', extension: 'ocsf.json' },
  sarif: { contentType: 'application/sarif+json', extension: 'sarif' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  cyclonedx: { contentType: 'application/vnd.cyclonedx+json', extension: 'cdx.json' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
};
