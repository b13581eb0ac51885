/**
 * The `trustlens scan --format json` document. PUBLIC CONTRACT: users' pipelines parse it.
 * Add fields freely; never rename or drop one. schemaVersion changes only on a breaking change.
 */
import { ADMIN_FEATURE_KEYS, type AdminInventory } from '../inventory/admin.ts';
import type {
  AgentRecord,
  AvailabilityStatus,
  ExtraAvailability,
  FeatureKey,
  Snapshot,
  SyncErrorRecord,
} from '../inventory/types.ts';
import { EXTRA_FEATURE_KEYS, FEATURE_KEYS } from '../inventory/types.ts';
import type { ConnectorRecord } from '../inventory/connectors.ts';
import {
  REGISTRY_FEATURE_KEYS,
  type BatchJobRecord,
  type PromptRecord,
  type SkillRecord,
} from '../inventory/prompts-skills.ts';
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
    /** The organization's API keys (admin key); null when not read, never 0 for "unknown". */
    apiKeys: number | null;
    /** Organization members (admin key); null when not read. */
    members: number | null;
    /** Members holding an organization administration role; null when not read. */
    admins: number | null;
    /** Invitations not yet accepted and not expired; null when not read. */
    pendingInvites: number | null;
    /** Audit entries read by this scan or sync; null when the audit log was not read. */
    auditEntries: number | null;
    /** Prompts (ordinary key, GET /v2/prompts); null when not read, never 0 for "unknown". */
    prompts: number | null;
    /** Skills (GET /v2/skills); null when not read. */
    skills: number | null;
    /** Batch jobs (GET /v1/batch/jobs); null when not read. */
    batchJobs: number | null;
    /** Batch jobs that name an agent which no longer exists; null when not read. */
    batchJobsWithDeletedAgent: number | null;
  };
  agents: AgentRecord[];
  models: Snapshot['models'];
  files: Snapshot['files'];
  libraries: Snapshot['libraries'];
  workspaceUsage: Snapshot['workspaceUsage'];
  tokenUsage: string;
  findings: ScanFinding[];
  errors: Array<{
    feature: SyncErrorRecord['feature'];
    message: string;
    remediation: string;
    code: string;
  }>;
  dataQuality: Snapshot['dataQuality'];
  /**
   * Surfaces beyond the product document (issue 11): connectors and library sharing, the five
   * admin-key rows (adminApiKeys, adminMembers, auditLog, rateLimit, adminUsage), and prompts,
   * skills and batchJobs. A feature absent
   * from an older stored snapshot reads 'unavailable' ("not read").
   */
  extraAvailability: ExtraAvailability;
  /** MCP connectors, credentials as names/scopes/status only ([] when not read: see extraAvailability). */
  connectors: ConnectorRecord[];
  /**
   * What the optional admin key showed (issue 11): each section null when it was not read (no admin
   * key, a plan without it, an error: extraAvailability says which). Never a key's value.
   */
  admin: AdminInventory;
  /**
   * Prompts and skills (names, versions, aliases, counts; never their text) and batch jobs (status,
   * model or agent, counts; never messages or metadata values): null when not read (see
   * extraAvailability.prompts / skills / batchJobs).
   */
  prompts: PromptRecord[] | null;
  skills: SkillRecord[] | null;
  batchJobs: BatchJobRecord[] | null;
}

const NOT_READ = {
  status: 'unavailable' as const,
  message: 'Not read: this snapshot was taken before TrustLens read this feature.',
  remediation: 'Run a sync (or scan) again.',
};

const NO_ADMIN: AdminInventory = {
  apiKeys: null,
  members: null,
  invites: null,
  workspaces: null,
  auditLog: null,
  rateLimit: null,
  usage: null,
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
  const admin = snapshot.admin ?? NO_ADMIN;
  const status = syncStatus(snapshot.availability, snapshot.extraAvailability);
  const prompts = snapshot.prompts ?? null;
  const skills = snapshot.skills ?? null;
  const batchJobs = snapshot.batchJobs ?? null;
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    status,
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
      apiKeys: admin.apiKeys ? admin.apiKeys.length : null,
      members: admin.members ? admin.members.length : null,
      admins: admin.members ? admin.members.filter((m) => m.isAdmin).length : null,
      pendingInvites: admin.invites ? admin.invites.filter((i) => !i.expired).length : null,
      auditEntries: admin.auditLog ? admin.auditLog.entries.length : null,
      prompts: prompts ? prompts.length : null,
      skills: skills ? skills.length : null,
      batchJobs: batchJobs ? batchJobs.length : null,
      batchJobsWithDeletedAgent: batchJobs ? batchJobs.filter((j) => j.agentExists === false).length : null,
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
      [...EXTRA_FEATURE_KEYS, ...ADMIN_FEATURE_KEYS, ...REGISTRY_FEATURE_KEYS].map((k) => [
        k,
        snapshot.extraAvailability?.[k] ?? NOT_READ,
      ]),
    ) as ExtraAvailability,
    connectors: snapshot.connectors ?? [],
    admin: { ...NO_ADMIN, ...admin },
    prompts,
    skills,
    batchJobs,
  };
}
