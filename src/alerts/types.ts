/**
 * Alerts (issue 12): what an organization wants to hear about after each sync, and where.
 * This folder is pure (no I/O): matching alert rules against one sync's facts, the digest it makes per
 * destination, the two wire formats (generic JSON, Slack incoming webhook), signing and the retry
 * schedule. Storage is src/store/alerts-repository.ts, sending src/webhooks, the use case
 * src/services/alerts.ts.
 */
import type { AddedItems, ChangeEventType, FindingResourceType, Severity } from '../findings/types.ts';

export const DESTINATION_KINDS = ['webhook', 'slack'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Change events an alert rule can choose, besides findings. */
export const ALERT_EVENT_KINDS = [
  'guardrails_removed',
  'guardrails_weakened',
  'alias_weaker',
  'new_agent_without_guardrails',
  // A security-relevant action in the admin audit log (issue 11; SECURITY_EVENT_TYPES of src/drift).
  'security_event',
  'sync_failing',
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

export interface AlertRule {
  id: string;
  organizationId: string;
  name: string;
  enabled: boolean;
  destinationIds: string[];
  /**
   * New, reopened and worsened failing findings at this severity or higher fire; null: findings do not.
   */
  minSeverity: Severity | null;
  /** Only these TrustLens rule ids (empty: every rule). */
  ruleIds: string[];
  /** Only these integrations (empty: every integration of the organization). */
  integrationIds: string[];
  events: AlertEventKind[];
  /** sync_failing fires when this many runs in a row have failed. */
  syncFailingRuns: number;
}

/**
 * A finding that this sync opened, reopened or worsened (what an alert may carry: no evidence, no
 * instructions; a worsened finding names its new items, as its detail sentence already does).
 */
export interface AlertFinding {
  id: string;
  ruleId: string;
  severity: Severity;
  title: string;
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  detail: string;
  remediation: string;
  /** worsened: an open, failing, organization-wide finding whose offending items grew (lifecycle.ts). */
  transition: AlertTransition;
  /** For 'worsened' only: the items that appeared (count ≥ items named). */
  newItems?: AddedItems;
  /** FAIL or UNKNOWN; only FAIL fires an alert. */
  lastStatus: 'FAIL' | 'UNKNOWN' | 'PASS';
  /** A mute in force: silences opened and reopened findings, never a worsened one. */
  muted: boolean;
}

export const ALERT_TRANSITIONS = ['opened', 'reopened', 'worsened'] as const;
export type AlertTransition = (typeof ALERT_TRANSITIONS)[number];

/** A finding as a digest carries it. */
export type DigestFinding = Omit<AlertFinding, 'lastStatus' | 'muted'> & {
  /** Present (true) only on a worsened finding that is muted: it fires because new items appeared. */
  muted?: true;
};

/** A change event worth an alert (its field-level changes are left out: they can quote instructions). */
export interface AlertEvent {
  kind: AlertEventKind;
  type: ChangeEventType | 'sync_failed';
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  summary: string;
  at: string;
}

/** What one finished sync run contributes. */
export interface SyncFacts {
  organization: { id: string; name: string };
  integration: { id: string; name: string; simulated: boolean };
  run: {
    id: string;
    status: 'succeeded' | 'partial' | 'failed' | 'interrupted';
    finishedAt: string | null;
    /** How many runs in a row (this one included) have failed; 0 when this one did not. */
    consecutiveFailures: number;
    /** The first error of a failed run, for the sync_failing alert. */
    error: { message: string; remediation: string } | null;
  };
  findings: AlertFinding[];
  /** Candidate events of every kind; rules choose among them. */
  events: AlertEvent[];
}

export const DIGEST_LIMIT = 50;

/** The JSON body of a generic webhook delivery (docs/alerts.md documents it field by field). */
export interface DigestPayload {
  type: 'trustlens.alert.digest' | 'trustlens.alert.test';
  version: 1;
  deliveryId: string;
  createdAt: string;
  simulated: boolean;
  organization: { id: string; name: string };
  integration: { id: string; name: string } | null;
  syncRun: { id: string; status: string; finishedAt: string | null } | null;
  alertRules: Array<{ id: string; name: string }>;
  summary: {
    findings: number;
    findingsBySeverity: Record<Severity, number>;
    events: number;
    /** How many of `findings` are worsened ones (absent in digests from before "worsened"). */
    worsenedFindings?: number;
    /** How many findings / events were left out of the lists (the lists keep the DIGEST_LIMIT first). */
    omittedFindings: number;
    omittedEvents: number;
  };
  findings: DigestFinding[];
  events: AlertEvent[];
  syncFailing: { consecutiveFailures: number; message: string; remediation: string } | null;
  /** For test alerts: a sentence saying so. */
  message?: string;
}
