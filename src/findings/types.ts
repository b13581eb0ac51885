/**
 * Findings: what rules produce and what the lifecycle keeps.
 * Rules (src/rules) are pure functions of a snapshot; the lifecycle (src/findings) is pure too;
 * the store persists FindingState, ChangeEvent and RiskScore as they are.
 */
import type { ResourceType, Snapshot } from '../inventory/types.ts';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** PASS only with data; UNKNOWN when the data needed is not available. */
export type CheckStatus = 'PASS' | 'FAIL' | 'UNKNOWN';

export type FindingResourceType = ResourceType | 'integration';

export interface FrameworkRef {
  framework: 'owasp-llm-2025' | 'owasp-agentic' | 'mitre-atlas' | 'nist-ai-rmf' | 'eu-ai-act';
  id: string;
}

export interface RuleMeta {
  id: string; // <provider>_<resource>_<condition>, equals the file name with '-' for '_'
  title: string;
  resourceType: FindingResourceType;
  severity: Severity;
  description: string;
  risk: string;
  remediation: {
    text: string;
    /** A ready PATCH /v1/agents/{agent_id} body, when it applies. TrustLens never sends it. */
    patchAgentBody?: Record<string, unknown>;
    consoleSteps?: string[];
  };
  references: string[];
  compliance: FrameworkRef[];
}

export interface RuleContext {
  snapshot: Snapshot;
  /** The previous snapshot of the same integration, when there is one (for drift-based rules). */
  previous: Snapshot | null;
  now: Date;
}

export interface RuleResult {
  ruleId: string;
  status: CheckStatus;
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  /** One sentence saying what was found; never contains a secret value. */
  detail: string;
  /** Small machine-readable facts behind the verdict (no secrets). */
  evidence?: Record<string, unknown>;
}

export interface Rule {
  meta: RuleMeta;
  evaluate(ctx: RuleContext): RuleResult[];
}

export type FindingStatus = 'open' | 'resolved';

export interface FindingMute {
  reason: string;
  by: string;
  at: string;
  /** null = until unmuted. */
  expiresAt: string | null;
}

/** A finding as kept across syncs. Stable id = hash(ruleId, integrationId, resourceType, resourceId). */
export interface FindingState {
  id: string;
  integrationId: string;
  ruleId: string;
  severity: Severity;
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  /** Last evaluated check status (FAIL or UNKNOWN keeps it open; PASS or resource gone resolves it). */
  lastStatus: CheckStatus;
  status: FindingStatus;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  /** How many times it reopened after being resolved. */
  reopenCount: number;
  mute: FindingMute | null;
}

/** Offending items that appeared in an organization-wide finding ("worsened", src/findings/lifecycle.ts). */
export interface AddedItems {
  /** How many items are new (at least): can exceed `items` when a capped list hid which ones. */
  count: number;
  /** The new items that can be named: the item's id in the evidence and how it reads. */
  items: Array<{ id: string; label: string }>;
}

/**
 * What a sync run records of its findings for the alerts (sync_runs.finding_changes, JSON): the ids of
 * the findings it opened, reopened and worsened. Rows written before "worsened" existed lack
 * `worsened` and `worsenedItems`.
 */
export interface FindingChanges {
  opened: string[];
  reopened: string[];
  worsened?: string[];
  /** For each worsened finding id: the items that appeared. */
  worsenedItems?: Record<string, AddedItems>;
}

export type ChangeEventType =
  | 'resource_created'
  | 'resource_deleted'
  | 'agent_changed'
  | 'guardrails_removed'
  | 'guardrails_weakened'
  | 'alias_moved'
  | 'model_newly_deprecated'
  // Security-relevant actions read from the admin audit log (issue 11; src/drift/audit-events.ts).
  | 'training_enabled'
  | 'public_sharing_enabled'
  | 'sso_disabled'
  | 'api_key_created'
  | 'api_key_rotated'
  | 'api_key_deleted'
  | 'connector_credentials_changed'
  | 'library_shared'
  | 'role_changed'
  | 'domain_authentication_disabled'
  | 'resource_shared'
  | 'location_sharing_enabled';

export interface FieldChange {
  field: string; // model | instructions | tools | knowledgeBases | guardrails | completionArgs | …
  before: unknown;
  after: unknown;
}

/**
 * Who made a change, from the admin audit log (issue 11): the entry of the matching event type on the
 * same resource between the two snapshots. Several candidates: the latest one, `candidates` > 1 (the
 * UI says "probably").
 */
export interface ChangeAttribution {
  /** An email, a name or a key's name, as the audit log said; null when it did not say. */
  actor: string | null;
  /** HUMAN | API_KEY | OTHER, as sent. */
  actorType: string;
  /** When the audit log recorded it. */
  at: string;
  /** The audit log's event type, e.g. "agent.update". */
  eventType: string;
  /** The audit entry's log id. */
  auditLogId: string;
  /** How many audit entries matched (1 = certain). */
  candidates: number;
}

/** What an audit-log event acted on, as the audit log named it (security events). */
export interface ChangeTarget {
  /** e.g. "API_KEY", "INTEGRATION", "LIBRARY", "ORGANIZATION". */
  type: string;
  id: string | null;
  name: string | null;
}

export interface ChangeEvent {
  type: ChangeEventType;
  /** 'integration' for security events that concern the whole workspace (API keys, SSO, training). */
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  at: string;
  summary: string;
  changes?: FieldChange[];
  /** Who made the change, when an admin key reads the audit log (absent otherwise). */
  attribution?: ChangeAttribution;
  /** For security events: what the audit log says was acted on. */
  target?: ChangeTarget;
}

export interface RiskScore {
  /** 'integration' or an agent id. */
  scope: 'integration' | 'agent';
  resourceId: string;
  score: number; // 0–100
  /** Open, unmuted findings whose last status is FAIL, by severity. */
  openBySeverity: Record<Severity, number>;
  /** Open, unmuted findings whose last status is UNKNOWN, by severity (they count at half weight). */
  unknownBySeverity?: Record<Severity, number>;
}
