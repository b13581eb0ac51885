/**
 * The `trustlens scan --format json` document. PUBLIC CONTRACT: users' pipelines parse it.
 * Add fields freely; never rename or drop one. schemaVersion changes only on a breaking change.
 */
import type { AdminFeatureKey } from '../inventory/admin.ts';
import type {
  AgentRecord,
  AvailabilityStatus,
  ExtraAvailability,
  ExtraFeatureKey,
  FeatureKey,
  Snapshot,
} from '../inventory/types.ts';
import { EXTRA_FEATURE_KEYS, FEATURE_KEYS } from '../inventory/types.ts';
import type { ConnectorRecord } from '../inventory/connectors.ts';
import { syncStatus, type SyncStatus } from '../inventory/sync-status.ts';
import type { CheckStatus, FindingResourceType, RuleMeta, RuleResult, Severity } from '../findings/types.ts';
import { SEVERITIES } from '../findings/types.ts';

export interface ScanFinding {
  ruleId: string;
  status: Exclude<CheckStatus, 'PASS'>;
  severity: Severity;
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  title: string;
  detail: string;
  remediation: string;
  evidence?: Record<string, unknown>;
}

export interface ScanReport {
  schemaVersion: 1;
  generatedAt: string;
  /**
   * succeeded: every feature was read or is unavailable without beta access; partial: some feature
   * failed (see errors); failed: no resource type could be listed at all.
   */
  status: SyncStatus;
  source: { provider: 'mistral'; baseUrl: string };
  availability: Record<FeatureKey, AvailabilityStatus>;
  availabilityDetails: Snapshot['availability'];
  summary: {
    agents: number;
    models: number;
    files: number;
    libraries: number;
    agentsWithoutGuardrails: number;
    findingsBySeverity: Record<Severity, number>;
    checks: { pass: number; fail: number; unknown: number };
    /** MCP connectors; null when they could not be read (see extraAvailability). */
    connectors: number | null;
  };
  agents: AgentRecord[];
  models: Snapshot['models'];
  files: Snapshot['files'];
  libraries: Snapshot['libraries'];
  workspaceUsage: Snapshot['workspaceUsage'];
  tokenUsage: string;
  findings: ScanFinding[];
  errors: Array<{
    feature: FeatureKey | ExtraFeatureKey | AdminFeatureKey;
    message: string;
    remediation: string;
    code: string;
  }>;
  dataQuality: Snapshot['dataQuality'];
  /**
   * Surfaces beyond the product document (issue 11): connectors and library sharing. A feature
   * absent from an older stored snapshot reads 'unavailable' ("not read").
   */
  extraAvailability: ExtraAvailability;
  /** MCP connectors, credentials as names/scopes/status only ([] when not read: see extraAvailability). */
  connectors: ConnectorRecord[];
}

const NOT_READ = {
  status: 'unavailable' as const,
  message: 'Not read: this snapshot was taken before TrustLens read this feature.',
  remediation: 'Run a sync (or scan) again.',
};

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export function buildScanReport(
  snapshot: Snapshot,
  results: RuleResult[],
  metaOf: (ruleId: string) => RuleMeta | undefined,
  generatedAt: Date,
): ScanReport {
  const findings: ScanFinding[] = [];
  const checks = { pass: 0, fail: 0, unknown: 0 };
  for (const r of results) {
    if (r.status === 'PASS') {
      checks.pass++;
      continue;
    }
    if (r.status === 'FAIL') checks.fail++;
    else checks.unknown++;
    const meta = metaOf(r.ruleId);
    findings.push({
      ruleId: r.ruleId,
      status: r.status,
      severity: meta?.severity ?? 'info',
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      resourceName: r.resourceName,
      title: meta?.title ?? r.ruleId,
      detail: r.detail,
      remediation: meta?.remediation.text ?? '',
      ...(r.evidence ? { evidence: r.evidence } : {}),
    });
  }
  findings.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.resourceId.localeCompare(b.resourceId),
  );
  const findingsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (f.status === 'FAIL') findingsBySeverity[f.severity]++;
  const availability = Object.fromEntries(
    FEATURE_KEYS.map((k) => [k, snapshot.availability[k].status]),
  ) as Record<FeatureKey, AvailabilityStatus>;
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    status: syncStatus(snapshot.availability, snapshot.extraAvailability),
    source: snapshot.source,
    availability,
    availabilityDetails: snapshot.availability,
    summary: {
      agents: snapshot.agents.length,
      models: snapshot.models.length,
      files: snapshot.files.length,
      libraries: snapshot.libraries.length,
      agentsWithoutGuardrails: snapshot.agents.filter((a) => a.guardrails === null).length,
      findingsBySeverity,
      checks,
      connectors:
        snapshot.extraAvailability?.connectors.status === 'available'
          ? (snapshot.connectors ?? []).length
          : null,
    },
    agents: snapshot.agents,
    models: snapshot.models,
    files: snapshot.files,
    libraries: snapshot.libraries,
    workspaceUsage: snapshot.workspaceUsage,
    tokenUsage: 'Token usage (input and output token counts) is not available from the Mistral API.',
    findings,
    errors: snapshot.errors.map((e) => ({
      feature: e.feature,
      message: e.message,
      remediation: e.remediation,
      code: e.code,
    })),
    dataQuality: snapshot.dataQuality,
    extraAvailability: Object.fromEntries(
      EXTRA_FEATURE_KEYS.map((k) => [k, snapshot.extraAvailability?.[k] ?? NOT_READ]),
    ) as ExtraAvailability,
    connectors: snapshot.connectors ?? [],
  };
}
