/**
 * Which alert rules a sync's facts fire, and the digest each destination receives: one per destination
 * per sync, however many rules and findings matched.
 */
import { SEVERITIES, type Severity } from '../findings/types.ts';
import {
  DIGEST_LIMIT,
  type AlertEvent,
  type AlertFinding,
  type AlertRule,
  type DigestPayload,
  type SyncFacts,
} from './types.ts';

export interface PlannedDigest {
  destinationId: string;
  alertRules: Array<{ id: string; name: string }>;
  findings: AlertFinding[];
  events: AlertEvent[];
  syncFailing: boolean;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * Findings of the facts that `rule` fires on: new, reopened or worsened, failing, at its threshold, not
 * muted — except a worsened one: a mute accepts the items seen when it was made, never new ones
 * (docs/alerts.md).
 */
export function matchingFindings(rule: AlertRule, facts: SyncFacts): AlertFinding[] {
  if (rule.minSeverity === null) return [];
  const limit = rank(rule.minSeverity);
  return facts.findings.filter(
    (f) =>
      f.lastStatus === 'FAIL' &&
      (!f.muted || f.transition === 'worsened') &&
      rank(f.severity) <= limit &&
      (rule.ruleIds.length === 0 || rule.ruleIds.includes(f.ruleId)),
  );
}

function appliesTo(rule: AlertRule, facts: SyncFacts): boolean {
  return (
    rule.enabled &&
    rule.organizationId === facts.organization.id &&
    (rule.integrationIds.length === 0 || rule.integrationIds.includes(facts.integration.id))
  );
}

/** Plans one digest per destination; destinations with nothing to say get none. */
export function planDigests(rules: readonly AlertRule[], facts: SyncFacts): PlannedDigest[] {
  const byDestination = new Map<string, PlannedDigest>();
  for (const rule of rules) {
    if (!appliesTo(rule, facts)) continue;
    const findings = matchingFindings(rule, facts);
    const events = facts.events.filter((e) => e.kind !== 'sync_failing' && rule.events.includes(e.kind));
    const failing =
      rule.events.includes('sync_failing') &&
      facts.run.status === 'failed' &&
      facts.run.consecutiveFailures === rule.syncFailingRuns;
    if (findings.length === 0 && events.length === 0 && !failing) continue;
    for (const destinationId of rule.destinationIds) {
      const d = byDestination.get(destinationId) ?? {
        destinationId,
        alertRules: [],
        findings: [],
        events: [],
        syncFailing: false,
      };
      d.alertRules.push({ id: rule.id, name: rule.name });
      for (const f of findings) if (!d.findings.some((x) => x.id === f.id)) d.findings.push(f);
      for (const e of events) if (!d.events.includes(e)) d.events.push(e);
      d.syncFailing ||= failing;
      byDestination.set(destinationId, d);
    }
  }
  for (const d of byDestination.values()) {
    d.findings.sort((a, b) => rank(a.severity) - rank(b.severity) || a.ruleId.localeCompare(b.ruleId));
  }
  return [...byDestination.values()];
}

/** The body of a digest (the same for every attempt). */
export function digestPayload(
  plan: PlannedDigest,
  facts: SyncFacts,
  deliveryId: string,
  createdAt: Date,
): DigestPayload {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of plan.findings) bySeverity[f.severity]++;
  return {
    type: 'trustlens.alert.digest',
    version: 1,
    deliveryId,
    createdAt: createdAt.toISOString(),
    simulated: facts.integration.simulated,
    organization: facts.organization,
    integration: { id: facts.integration.id, name: facts.integration.name },
    syncRun: { id: facts.run.id, status: facts.run.status, finishedAt: facts.run.finishedAt },
    alertRules: plan.alertRules,
    summary: {
      findings: plan.findings.length,
      findingsBySeverity: bySeverity,
      worsenedFindings: plan.findings.filter((f) => f.transition === 'worsened').length,
      events: plan.events.length,
      omittedFindings: Math.max(0, plan.findings.length - DIGEST_LIMIT),
      omittedEvents: Math.max(0, plan.events.length - DIGEST_LIMIT),
    },
    findings: plan.findings
      .slice(0, DIGEST_LIMIT)
      .map(({ lastStatus: _s, muted, ...f }) => (muted && f.transition === 'worsened' ? { ...f, muted } : f)),
    events: plan.events.slice(0, DIGEST_LIMIT),
    syncFailing: plan.syncFailing
      ? {
          consecutiveFailures: facts.run.consecutiveFailures,
          message: facts.run.error?.message ?? 'The sync failed.',
          remediation: facts.run.error?.remediation ?? '',
        }
      : null,
  };
}
