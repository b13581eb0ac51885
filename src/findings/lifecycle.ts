/**
 * Findings lifecycle: turns one sync's rule results into the updated set of findings.
 * Pure: no I/O, no clock (the sync time `at` is a parameter).
 *
 * Rules, for the findings of ONE integration (findings of other integrations pass through untouched):
 *
 * | this sync's result for (rule, resource)         | finding before      | finding after                                   |
 * |--------------------------------------------------|---------------------|-------------------------------------------------|
 * | FAIL or UNKNOWN                                   | none                | open; firstSeenAt = lastSeenAt = at ("opened")   |
 * | FAIL or UNKNOWN                                   | open                | open; lastSeenAt = at; detail/evidence updated   |
 * | FAIL                                              | resolved            | open; reopenCount + 1; resolvedAt = null ("reopened") |
 * | UNKNOWN                                           | resolved            | unchanged (stays resolved; no transition)        |
 * | PASS                                              | open                | resolved; resolvedAt = at ("passed")             |
 * | PASS                                              | resolved or none    | unchanged / nothing created                      |
 * | nothing, resource no longer live                  | open                | resolved; resolvedAt = at ("resource deleted")   |
 * | nothing, resource live                            | open                | resolved; resolvedAt = at ("no longer evaluated")|
 * | nothing, resource type not listed completely      | any                 | unchanged (not assessed this sync)               |
 * | nothing, rule skipped this sync (it crashed)      | any                 | unchanged (not assessed this sync)               |
 *
 * Decisions:
 * - UNKNOWN is tracked as an open finding (the scan output lists FAIL and UNKNOWN); `lastStatus`
 *   tells them apart, and the risk score weighs UNKNOWN lower (see risk-score.ts).
 * - A resolved finding reopens only when it FAILS again (issue 5): UNKNOWN means the problem could not
 *   be checked, not that it is back, so it leaves a resolved finding entirely as it was (status,
 *   lastStatus, lastSeenAt, detail, reopenCount). It still opens a finding where there was none, and
 *   keeps an open finding open.
 * - "No longer evaluated" (the rule returned nothing for a live resource, e.g. it no longer applies,
 *   or the rule left the catalog) resolves: an open finding nobody re-checks would never close.
 * - When a resource type's listing was incomplete in this snapshot (e.g. the beta agents endpoint
 *   failed), its resources are missing from the snapshot but NOT deleted: their findings are frozen
 *   rather than resolved as "resource deleted". Pass `unlistedResourceTypes` (see resource-coverage.ts).
 * - `lastSeenAt` is the last sync that observed the problem (FAIL/UNKNOWN). On resolution the
 *   finding keeps the detail/evidence of its last failing observation (what was wrong); `lastStatus`
 *   becomes PASS when a PASS resolved it, and is kept as it was when the resource was deleted or no
 *   longer evaluated.
 * - A mute belongs to the finding and survives resolution and reopening (accepted risk stays accepted
 *   until it expires or is lifted).
 * - Severity and title come from the rule catalog (`ruleMeta`) at each observation, so a catalog
 *   change is reflected at the next sync.
 * - Several results for the same (rule, resource) in one sync are merged: the worst status wins
 *   (FAIL > UNKNOWN > PASS), first one on ties.
 */
import { findingId, resourceKey } from './finding-id.ts';
import type {
  CheckStatus,
  FindingResourceType,
  FindingState,
  FindingStatus,
  RuleResult,
  Severity,
} from './types.ts';

export type TransitionReason = 'opened' | 'reopened' | 'passed' | 'resource deleted' | 'no longer evaluated';

export interface FindingTransition {
  findingId: string;
  /** null when the finding did not exist before this sync. */
  from: FindingStatus | null;
  to: FindingStatus;
  reason: TransitionReason;
}

export interface ReconcileInput {
  integrationId: string;
  /** Every known finding of this integration (others are returned unchanged). */
  existing: readonly FindingState[];
  /** Every rule result of this sync. */
  results: readonly RuleResult[];
  /** The sync time (ISO 8601). */
  at: string;
  /** Severity and title from the rule catalog. */
  ruleMeta: (ruleId: string) => { severity: Severity; title: string };
  /** resourceKey(type, id) ("type:id") of every resource present in this snapshot. */
  liveResourceIds: ReadonlySet<string>;
  /** Resource types whose listing was incomplete in this snapshot: their findings are left unchanged. */
  unlistedResourceTypes?: ReadonlySet<FindingResourceType>;
  /** Rules that did not run this sync (e.g. they threw): their findings are left unchanged. */
  skippedRuleIds?: ReadonlySet<string>;
}

export interface ReconcileOutput {
  /** Every finding (existing ones updated, new ones added), sorted by rule, resource, integration. */
  findings: FindingState[];
  /** Status changes of this sync, in the order of `findings`. */
  transitions: FindingTransition[];
}

const STATUS_RANK: Record<CheckStatus, number> = { PASS: 0, UNKNOWN: 1, FAIL: 2 };

export function reconcileFindings(input: ReconcileInput): ReconcileOutput {
  const { integrationId, at, ruleMeta, liveResourceIds } = input;
  const unlisted = input.unlistedResourceTypes ?? new Set<FindingResourceType>();
  const skipped = input.skippedRuleIds ?? new Set<string>();

  // One result per finding id: the worst status wins, the first one on ties.
  const resultById = new Map<string, RuleResult>();
  for (const r of input.results) {
    const id = findingId(r.ruleId, integrationId, r.resourceType, r.resourceId);
    const seen = resultById.get(id);
    if (!seen || STATUS_RANK[r.status] > STATUS_RANK[seen.status]) resultById.set(id, r);
  }

  const out = new Map<string, FindingState>();
  const transitions = new Map<string, FindingTransition>();

  for (const f of input.existing) {
    if (f.integrationId !== integrationId) {
      out.set(f.id, f);
      continue;
    }
    const result = resultById.get(f.id);
    if (result) {
      const { next, transition } = applyResult(f, result, at, ruleMeta);
      out.set(f.id, next);
      if (transition) transitions.set(f.id, transition);
      continue;
    }
    // No result for this finding this sync.
    if (f.status === 'resolved' || unlisted.has(f.resourceType) || skipped.has(f.ruleId)) {
      out.set(f.id, f);
      continue;
    }
    const reason: TransitionReason = liveResourceIds.has(resourceKey(f.resourceType, f.resourceId))
      ? 'no longer evaluated'
      : 'resource deleted';
    out.set(f.id, { ...f, status: 'resolved', resolvedAt: at });
    transitions.set(f.id, { findingId: f.id, from: 'open', to: 'resolved', reason });
  }

  for (const [id, r] of resultById) {
    if (out.has(id) || r.status === 'PASS') continue;
    const meta = ruleMeta(r.ruleId);
    out.set(id, {
      id,
      integrationId,
      ruleId: r.ruleId,
      severity: meta.severity,
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      resourceName: r.resourceName,
      lastStatus: r.status,
      status: 'open',
      title: meta.title,
      detail: r.detail,
      evidence: { ...(r.evidence ?? {}) },
      firstSeenAt: at,
      lastSeenAt: at,
      resolvedAt: null,
      reopenCount: 0,
      mute: null,
    });
    transitions.set(id, { findingId: id, from: null, to: 'open', reason: 'opened' });
  }

  const findings = [...out.values()].sort(compareFindings);
  const orderedTransitions: FindingTransition[] = [];
  for (const f of findings) {
    const t = transitions.get(f.id);
    if (t) orderedTransitions.push(t);
  }
  return { findings, transitions: orderedTransitions };
}

function applyResult(
  f: FindingState,
  r: RuleResult,
  at: string,
  ruleMeta: ReconcileInput['ruleMeta'],
): { next: FindingState; transition: FindingTransition | null } {
  if (r.status === 'PASS') {
    if (f.status === 'resolved') return { next: { ...f, lastStatus: 'PASS' }, transition: null };
    return {
      next: { ...f, lastStatus: 'PASS', status: 'resolved', resolvedAt: at, resourceName: r.resourceName },
      transition: { findingId: f.id, from: 'open', to: 'resolved', reason: 'passed' },
    };
  }
  // Only a FAIL reopens: UNKNOWN (could not be checked) leaves a resolved finding as it was.
  if (r.status === 'UNKNOWN' && f.status === 'resolved') return { next: f, transition: null };
  const meta = ruleMeta(r.ruleId);
  const observed: FindingState = {
    ...f,
    severity: meta.severity,
    title: meta.title,
    resourceName: r.resourceName,
    lastStatus: r.status,
    status: 'open',
    detail: r.detail,
    evidence: { ...(r.evidence ?? {}) },
    lastSeenAt: at,
    resolvedAt: null,
  };
  if (f.status === 'open') return { next: observed, transition: null };
  return {
    next: { ...observed, reopenCount: f.reopenCount + 1 },
    transition: { findingId: f.id, from: 'resolved', to: 'open', reason: 'reopened' },
  };
}

function compareFindings(a: FindingState, b: FindingState): number {
  return (
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resourceType, b.resourceType) ||
    cmp(a.resourceId, b.resourceId) ||
    cmp(a.integrationId, b.integrationId) ||
    cmp(a.id, b.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
