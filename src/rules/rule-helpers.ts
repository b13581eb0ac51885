/**
 * Shared plumbing for the checks: turning per-resource verdicts into RuleResults, data-availability
 * guards and data-quality lookups. Pure functions only.
 *
 * Availability semantics (never a false PASS):
 * - Agent rules evaluate `snapshot.agents`. Without agent discovery there are no agent records, so no
 *   result at all. If a snapshot still carries agents from an earlier sync while agent discovery is not
 *   available now, a PASS on that stale data is reported as UNKNOWN (a FAIL stays a FAIL).
 * - The same holds for libraries (availability.libraries), files and models.
 *
 * Data quality: a warning naming a field a rule reads makes it UNKNOWN (`malformed`), except a
 * warning on `guardrails` when every guardrail policy normalised to a known format (v1, v2, flat):
 * the product document's flat shape is rejected by the SDK but read by the normaliser.
 */
import type { CheckStatus, RuleContext, RuleMeta, RuleResult } from '../findings/types.ts';
import type {
  AgentConfig,
  AgentRecord,
  AgentUsage,
  DataQualityWarning,
  FeatureKey,
  Snapshot,
} from '../inventory/types.ts';
import type { WireTool } from '../shared/mistral-wire.ts';

export interface Verdict {
  status: CheckStatus;
  detail: string;
  evidence?: Record<string, unknown>;
}

export const pass = (detail: string, evidence?: Record<string, unknown>): Verdict => ({
  status: 'PASS',
  detail,
  evidence,
});
export const fail = (detail: string, evidence?: Record<string, unknown>): Verdict => ({
  status: 'FAIL',
  detail,
  evidence,
});
export const unknown = (detail: string, evidence?: Record<string, unknown>): Verdict => ({
  status: 'UNKNOWN',
  detail,
  evidence,
});

export function isAvailable(snapshot: Snapshot, feature: FeatureKey): boolean {
  return snapshot.availability[feature]?.status === 'available';
}

/** How a feature that is not available reads in a detail sentence: "X is unavailable", "X is not readable (an API error)". */
export function availabilityWord(snapshot: Snapshot, feature: FeatureKey): string {
  const status = snapshot.availability[feature]?.status ?? 'unavailable';
  return status === 'error' ? 'not readable (an API error)' : status;
}

function toResult(
  meta: RuleMeta,
  resource: { id: string; name: string | null },
  verdict: Verdict,
  stale: { feature: FeatureKey } | null,
): RuleResult {
  let { status, detail } = verdict;
  if (stale && status === 'PASS') {
    status = 'UNKNOWN';
    detail = `${detail.replace(/\.$/, '')}, but ${stale.feature} discovery was not available at this sync, so this is earlier data.`;
  }
  const out: RuleResult = {
    ruleId: meta.id,
    status,
    resourceType: meta.resourceType,
    resourceId: resource.id,
    resourceName: resource.name,
    detail,
  };
  if (verdict.evidence !== undefined) out.evidence = verdict.evidence;
  return out;
}

/**
 * Evaluate each resource of one kind. `judge` returns a verdict, or null when the rule does not apply to
 * that resource (no result: neither PASS nor FAIL).
 */
export function evaluateEach<T extends { id: string }>(
  ctx: RuleContext,
  meta: RuleMeta,
  feature: FeatureKey,
  resources: readonly T[],
  name: (r: T) => string | null,
  judge: (r: T) => Verdict | null,
): RuleResult[] {
  const stale = isAvailable(ctx.snapshot, feature) ? null : { feature };
  const out: RuleResult[] = [];
  for (const r of resources) {
    const v = judge(r);
    if (v) out.push(toResult(meta, { id: r.id, name: name(r) }, v, stale));
  }
  return out;
}

export function evaluateAgents(
  ctx: RuleContext,
  meta: RuleMeta,
  judge: (a: AgentRecord) => Verdict | null,
): RuleResult[] {
  return evaluateEach(ctx, meta, 'agents', ctx.snapshot.agents, (a) => a.name, judge);
}

/**
 * The guardrails of a record, when the record carries them (agents): used to excuse a `guardrails`
 * data-quality warning that the normaliser made moot.
 */
type MaybeGuardrails = Partial<Pick<AgentConfig, 'guardrails' | 'guardrailPolicies'>>;

/**
 * Whether a data-quality warning on `guardrails` is moot because every policy was read anyway: the
 * record has guardrails (not null, at least one policy) and every policy normalised to a known format
 * (v1, v2 or the product document's flat shape). The SDK rejects the flat shape (moderation_llm_v2 as
 * a model-name string), so such records carry a warning although src/inventory/guardrails.ts reads
 * them fine. A policy in format 'unknown', or a warning with no policy kept (null guardrails: the raw
 * value held nothing readable), still counts.
 */
export function guardrailsReadable(record: MaybeGuardrails): boolean {
  if (record.guardrails === undefined || record.guardrails === null) return false;
  const policies = record.guardrailPolicies ?? [];
  return policies.length > 0 && policies.every((p) => p.format !== 'unknown');
}

/**
 * Data-quality warnings on a record that concern one of the given fields (the warning's `issue` names
 * the field first, e.g. "tools: expected array, received null", or mentions it as a word). The field
 * `guardrails` is not counted when every guardrail policy was read anyway (see guardrailsReadable); a
 * warning that also names another of the given fields still counts.
 */
export function flaggedFields(
  record: { dataQuality: DataQualityWarning[] } & MaybeGuardrails,
  fields: readonly string[],
): DataQualityWarning[] {
  const checked = guardrailsReadable(record) ? fields.filter((f) => f !== 'guardrails') : fields;
  return record.dataQuality.filter((w) =>
    checked.some((f) => new RegExp(`(^|[^a-z_])${f}([^a-z_]|$)`, 'i').test(w.issue)),
  );
}

/**
 * An UNKNOWN verdict when the record's data for the given fields was flagged as malformed, else null
 * (a `guardrails` warning is moot when every policy was read: see flaggedFields).
 */
export function malformed(
  record: { dataQuality: DataQualityWarning[] } & MaybeGuardrails,
  fields: readonly string[],
): Verdict | null {
  const ws = flaggedFields(record, fields);
  if (ws.length === 0) return null;
  return unknown(
    `The ${fields.join('/')} data of this record was flagged as malformed, so it cannot be assessed.`,
    {
      dataQuality: ws.map((w) => w.issue),
    },
  );
}

/** A stable, human label for a tool: "web_search", "function lookup_order", "connector gmail". */
export function toolLabel(tool: WireTool): string {
  if (tool.type === 'function') return `function ${tool.function?.name ?? '(unnamed)'}`;
  if (tool.type === 'connector') return `connector ${tool.connector_id}`;
  return tool.type;
}

/** "a, b and c" */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days between an ISO time and now (null when the time does not parse). */
export function daysSince(iso: string | null, now: Date): number | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return Math.floor((now.getTime() - t) / DAY_MS);
}

/**
 * For rules that can still prove a FAIL from partly malformed data (e.g. one unknown tool among known
 * ones): keep a FAIL, but turn a PASS into UNKNOWN when the fields it relied on were flagged.
 */
export function passUnlessFlagged(
  record: { dataQuality: DataQualityWarning[] } & MaybeGuardrails,
  fields: readonly string[],
  verdict: Verdict | null,
): Verdict | null {
  if (verdict === null || verdict.status !== 'PASS') return verdict;
  const ws = flaggedFields(record, fields);
  if (ws.length === 0) return verdict;
  return unknown(
    `${verdict.detail.replace(/\.$/, '')}, but part of the ${fields.join('/')} data was flagged as malformed, so this cannot be confirmed.`,
    {
      ...(verdict.evidence ?? {}),
      dataQuality: ws.map((w) => w.issue),
    },
  );
}

/** The 90-day window of the least-privilege and dormancy rules. */
export const ACTIVITY_WINDOW_DAYS = 90;

/**
 * Whether an agent was active in the last 90 days: a run, a conversation (started with it or with
 * any entry of it), or a last activity inside the window. One definition for unused_tool and dormant.
 */
export function activeInWindow(usage: AgentUsage, now: Date): boolean {
  const idle = daysSince(usage.lastActivityAt, now);
  return (
    usage.last90Days.totalRuns > 0 ||
    usage.last90Days.totalConversations > 0 ||
    (idle !== null && idle < ACTIVITY_WINDOW_DAYS)
  );
}
