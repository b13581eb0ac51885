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
 * | FAIL                                              | open, last FAIL     | open, as above; "worsened" when its offending items grew (below) |
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
 *   until it expires or is lifted). It does not survive new offending items: a "worsened" finding
 *   alerts even when muted (src/alerts/evaluate.ts; docs/alerts.md), the mute being about the items
 *   seen when it was made.
 * - "Worsened" (the audit gap of organization-wide findings: one finding per integration listing many
 *   items, so a second untrusted connector or a new never-expiring key changed nothing visible). It is
 *   decided for findings on the integration itself (resourceType 'integration': the connector-wide and
 *   admin rules), only between two FAIL observations (open, lastStatus FAIL, FAIL again now; PASS and
 *   UNKNOWN never worsen, and a FAIL after an UNKNOWN sync compares with nothing: the UNKNOWN replaced
 *   the evidence), and only from the evidence lists of ITEM_LISTS (new rules listing items should use
 *   admin-helpers' listResult: `failing` + `failingCount`):
 *
 *   | evidence list | total (list may be capped) | an item's id                 | rules                                   |
 *   |---------------|----------------------------|------------------------------|-----------------------------------------|
 *   | failing       | failingCount               | id                           | listResult: API keys, admins outside SSO, stale invites |
 *   | adminList     | admins                     | id                           | admins excessive                        |
 *   | connectors    | the list's length          | id                           | connector untrusted server              |
 *   | credentials   | the list's length          | connectorId + scope + name   | connector credentials failing           |
 *
 *   For each list present (as an array) in both the previous and this evidence:
 *   - ids on both sides and the previous list complete (its length ≥ its total): the items whose id was
 *     not in the previous list are new; at least max(new ids, total now − total before) are new;
 *   - ids on both sides but the previous list capped (MAX_LISTED in admin-helpers): an id missing
 *     before may just have been left out, so only a larger total counts (total now − total before
 *     new items, unnamed) — a capped list showing other items is not "grew";
 *   - an entry without an id on either side: only a larger total counts (unnamed).
 *   Items may be removed and others added in one sync: any new item worsens. The transition carries
 *   how many items are new and names those it can (ADDED_NAMED at most), for the alert.
 * - Severity and title come from the rule catalog (`ruleMeta`) at each observation, so a catalog
 *   change is reflected at the next sync.
 * - Several results for the same (rule, resource) in one sync are merged: the worst status wins
 *   (FAIL > UNKNOWN > PASS), first one on ties.
 */
import { findingId, resourceKey } from './finding-id.ts';
import type {
  AddedItems,
  CheckStatus,
  FindingChanges,
  FindingResourceType,
  FindingState,
  FindingStatus,
  RuleResult,
  Severity,
} from './types.ts';

export type TransitionReason =
  'opened' | 'reopened' | 'worsened' | 'passed' | 'resource deleted' | 'no longer evaluated';

export interface FindingTransition {
  findingId: string;
  /** null when the finding did not exist before this sync. */
  from: FindingStatus | null;
  to: FindingStatus;
  reason: TransitionReason;
  /** For 'worsened' only: the offending items that appeared. */
  added?: AddedItems;
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
  if (f.status === 'open') {
    const added =
      f.lastStatus === 'FAIL' && r.status === 'FAIL' && f.resourceType === 'integration'
        ? addedItems(f.evidence, observed.evidence)
        : null;
    if (!added) return { next: observed, transition: null };
    return {
      next: observed,
      transition: { findingId: f.id, from: 'open', to: 'open', reason: 'worsened', added },
    };
  }
  return {
    next: { ...observed, reopenCount: f.reopenCount + 1 },
    transition: { findingId: f.id, from: 'resolved', to: 'open', reason: 'reopened' },
  };
}

/** At most this many new items are named in a transition (the count says how many there are). */
export const ADDED_NAMED = 20;
const LABEL_MAX = 160;

interface ItemList {
  key: string;
  /** The evidence number that gives the list's total when the list is capped. */
  countKey?: string;
  id: (entry: Record<string, unknown>) => string | null;
  label: (entry: Record<string, unknown>) => string;
}

const text = (e: Record<string, unknown>, k: string): string | null => {
  const v = e[k];
  return typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null;
};

const byId = (e: Record<string, unknown>) => text(e, 'id');

/** A key, a member or an invite: its email, else its quoted name, else its id; a key's masked form. */
function recordLabel(e: Record<string, unknown>): string {
  const name = text(e, 'name');
  const main = text(e, 'email') ?? (name !== null ? `"${name}"` : (text(e, 'id') ?? '?'));
  const extra = text(e, 'hiddenKey') ?? text(e, 'server');
  return extra ? `${main} (${extra})` : main;
}

/** The evidence lists naming the offending items of an organization-wide finding (see the table above). */
const ITEM_LISTS: readonly ItemList[] = [
  { key: 'failing', countKey: 'failingCount', id: byId, label: recordLabel },
  { key: 'adminList', countKey: 'admins', id: byId, label: recordLabel },
  { key: 'connectors', id: byId, label: recordLabel },
  {
    key: 'credentials',
    id: (e) => {
      const connector = text(e, 'connectorId');
      const name = text(e, 'name');
      return connector !== null && name !== null ? `${connector}/${text(e, 'scope') ?? ''}/${name}` : null;
    },
    label: (e) =>
      `${text(e, 'connector') ?? text(e, 'connectorId') ?? '?'} ${text(e, 'scope') ?? ''} credentials "${text(e, 'name') ?? '?'}"`.replace(
        /\s+/g,
        ' ',
      ),
  },
];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The total of a list: its count field when it is a number at least the list's length, else its length. */
function totalOf(evidence: Record<string, unknown>, list: readonly unknown[], countKey?: string): number {
  const n = countKey === undefined ? undefined : evidence[countKey];
  return typeof n === 'number' && Number.isFinite(n) && n >= list.length ? n : list.length;
}

/** The ids of a list's entries, or null when one of them has none. */
function idsOf(list: readonly unknown[], spec: ItemList): string[] | null {
  const ids: string[] = [];
  for (const e of list) {
    const id = isRecord(e) ? spec.id(e) : null;
    if (id === null) return null;
    ids.push(id);
  }
  return ids;
}

/**
 * The offending items present in `now` that `before` did not have (both FAIL evidence of the same
 * finding), or null when none appeared. See "Worsened" in the header.
 */
export function addedItems(before: Record<string, unknown>, now: Record<string, unknown>): AddedItems | null {
  let count = 0;
  const items: AddedItems['items'] = [];
  for (const spec of ITEM_LISTS) {
    const prev = before[spec.key];
    const cur = now[spec.key];
    if (!Array.isArray(prev) || !Array.isArray(cur)) continue;
    const prevTotal = totalOf(before, prev, spec.countKey);
    const curTotal = totalOf(now, cur, spec.countKey);
    const grewBy = Math.max(0, curTotal - prevTotal);
    const prevIds = idsOf(prev, spec);
    const curIds = idsOf(cur, spec);
    if (prevIds === null || curIds === null || prev.length < prevTotal) {
      // No ids to compare, or the previous list was capped: only the totals tell.
      count += grewBy;
      continue;
    }
    const known = new Set(prevIds);
    const fresh: AddedItems['items'] = [];
    curIds.forEach((id, i) => {
      if (known.has(id) || fresh.some((x) => x.id === id)) return;
      fresh.push({ id, label: spec.label(cur[i] as Record<string, unknown>).slice(0, LABEL_MAX) });
    });
    count += Math.max(fresh.length, grewBy);
    for (const x of fresh) if (items.length < ADDED_NAMED) items.push(x);
  }
  return count > 0 ? { count, items } : null;
}

/** What a sync records of its transitions for the alerts (sync_runs.finding_changes). */
export function findingChangesOf(transitions: readonly FindingTransition[]): FindingChanges {
  const ids = (reason: TransitionReason) =>
    transitions.filter((t) => t.reason === reason).map((t) => t.findingId);
  const worsenedItems: Record<string, AddedItems> = {};
  for (const t of transitions) if (t.reason === 'worsened' && t.added) worsenedItems[t.findingId] = t.added;
  return { opened: ids('opened'), reopened: ids('reopened'), worsened: ids('worsened'), worsenedItems };
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
