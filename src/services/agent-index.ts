/**
 * The agent summaries of each integration, kept in memory so that agent lists at 5,000 agents do not
 * parse 5,000 jsonb documents per request.
 *
 * An integration's index is rebuilt when it is no longer current, which is checked with one small
 * query per request (store.queries.version): the latest finished sync run (inventory, usage and
 * findings change only in a sync's transaction) and the latest mute change (the mute history grows
 * with every mute and unmute, from any process sharing the database). It also expires at the next
 * UTC midnight (the 30-day window moves) and at the next mute expiry (an expired mute counts again).
 * Concurrent requests for a stale index share one rebuild.
 *
 * Views derived from an index and nothing newer (an agent's detail, a sorted page of agents) are kept in
 * its `memo` (src/services/read-cache.ts): they go when the index is replaced, so none outlives a sync,
 * a mute, an unmute, a mute expiry or a UTC midnight.
 *
 * Guardrail state of an agent (the `guardrails` filter and the posture/exposure figures), from its
 * normalised policies (src/inventory/guardrails.ts):
 *  - blocking:     at least one policy in a known format (v1, v2, flat) has action "block";
 *  - non_blocking: policies exist, all in a known format, none blocks (action none, flag, absent);
 *  - none:         no guardrails (null, or an empty list), and nothing flagged as unreadable;
 *  - unknown:      no blocking policy, and a policy in an unrecognised format or guardrail data flagged
 *                  as malformed: TrustLens cannot tell (never assumed to block).
 */
import type { RuleMeta, Severity } from '../findings/types.ts';
import { SEVERITIES } from '../findings/types.ts';
import { unitScore, type SeverityCounts } from '../findings/risk-score.ts';
import type { AgentStatus, ModelLifecycle } from '../inventory/types.ts';
import { flaggedFields, toolLabel } from '../rules/rule-helpers.ts';
import type { AgentListRow, ModelLifecycleRow, Store } from '../store/index.ts';
import { ReadCache } from './read-cache.ts';
import { utcDay } from './read-scope.ts';

export const GUARDRAIL_STATES = ['none', 'non_blocking', 'blocking', 'unknown'] as const;
export type GuardrailState = (typeof GUARDRAIL_STATES)[number];

export interface GuardrailView {
  guardrails: unknown;
  guardrailPolicies: { format: string; blocks: boolean }[];
  dataQuality: AgentListRow['dataQuality'];
}

export function guardrailState(agent: GuardrailView): GuardrailState {
  const policies = agent.guardrails === null ? [] : agent.guardrailPolicies;
  if (policies.some((p) => p.format !== 'unknown' && p.blocks)) return 'blocking';
  const flagged =
    flaggedFields(
      {
        dataQuality: agent.dataQuality,
        guardrails: agent.guardrails as never,
        guardrailPolicies: agent.guardrailPolicies as never,
      },
      ['guardrails'],
    ).length > 0;
  if (policies.some((p) => p.format === 'unknown') || flagged) return 'unknown';
  return policies.length === 0 ? 'none' : 'non_blocking';
}

export interface OpenFindingsCount {
  total: number;
  bySeverity: Record<Severity, number>;
}

export interface AgentSummary {
  id: string;
  integrationId: string;
  name: string | null;
  model: string | null;
  /** Lifecycle of the agent's model card (by id or alias); null when no discovered model matches. */
  modelLifecycle: ModelLifecycle | null;
  /** One label per tool: "web_search", "function lookup_order", "connector gmail". */
  tools: string[];
  guardrailState: GuardrailState;
  guardrailPolicyCount: number;
  deploymentChat: boolean;
  /** Open, not muted findings (FAIL and UNKNOWN) on the agent. */
  openFindings: OpenFindingsCount;
  /** Runs (docs/metrics.md) on the 30 UTC days ending today; null when usage is unavailable. */
  runs30d: number | null;
  lastActivityAt: string | null;
  status: AgentStatus;
  /** The agent's risk score now (docs/risk-score.md), from its open, not muted findings. */
  riskScore: number;
  firstSeenAt: string;
  /** Set when the agent is no longer in the workspace. */
  deletedAt: string | null;
}

export interface IndexedAgent {
  summary: AgentSummary;
  nameLower: string;
  /** Lower-cased tool types and labels, for the `tool` filter. */
  toolKeys: Set<string>;
  libraryIds: string[];
}

export interface IntegrationIndex {
  integrationId: string;
  /** The sync run the index reflects (null before the first sync). */
  latestRunId: string | null;
  agents: IndexedAgent[];
  byId: Map<string, IndexedAgent>;
  /** Counted findings (open, not muted, FAIL/UNKNOWN) per agent id, and for everything else. */
  agentCounts: Map<string, SeverityCounts>;
  workspaceCounts: SeverityCounts;
  models: ModelLifecycleRow[];
  /** What the index reflects: latest finished run, latest mute change, UTC day. */
  key: string;
  /** Views derived from this index (and from what changes only with it); empty when caching is off. */
  memo: ReadCache;
}

export interface AgentIndex {
  get(integrationId: string): Promise<IntegrationIndex>;
}

export function emptySeverityCounts(): SeverityCounts {
  const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  return { fail: zero(), unknown: zero() };
}

/** Rounds to one decimal, half up (as src/findings/risk-score.ts). */
export function round1(x: number): number {
  return Math.round(x * 10 + 1e-9) / 10;
}

export function lifecycleOf(models: readonly ModelLifecycleRow[], id: string | null): ModelLifecycle | null {
  if (id === null) return null;
  const live = models.filter((m) => m.deletedAt === null);
  const m = live.find((x) => x.id === id) ?? live.find((x) => x.aliases.includes(id));
  const l = m?.lifecycle;
  return l === 'stable' || l === 'deprecated' || l === 'legacy' ? l : null;
}

export function createAgentIndex(deps: {
  store: Pick<Store, 'queries'>;
  now?: () => Date;
  /** Whether to keep indexes between calls (default true). */
  cache?: boolean;
  /** Derived views kept per index (default 2,000). */
  memoEntries?: number;
}): AgentIndex {
  const now = deps.now ?? (() => new Date());
  const q = deps.store.queries;
  const cached = new Map<string, { key: string; validUntil: number; index: IntegrationIndex }>();
  const building = new Map<string, { key: string; promise: Promise<IntegrationIndex> }>();
  let analyzed = false;

  async function build(
    integrationId: string,
    latestRunId: string | null,
    at: Date,
    key: string,
  ): Promise<IntegrationIndex> {
    const nowIso = at.toISOString();
    const [rows, models, counts, runs] = [
      await q.agentRows(integrationId),
      await q.modelLifecycles(integrationId),
      await q.openFindingCounts(integrationId, nowIso),
      await q.runsSince(integrationId, utcDay(at, 29)),
    ];
    const agentCounts = new Map<string, SeverityCounts>();
    const workspaceCounts = emptySeverityCounts();
    for (const c of counts) {
      let target = workspaceCounts;
      if (c.resourceType === 'agent') {
        target = agentCounts.get(c.resourceId) ?? emptySeverityCounts();
        agentCounts.set(c.resourceId, target);
      }
      target[c.lastStatus === 'FAIL' ? 'fail' : 'unknown'][c.severity] += c.n;
    }
    const agents = rows.map((r): IndexedAgent => {
      const c = agentCounts.get(r.id) ?? emptySeverityCounts();
      const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, c.fail[s] + c.unknown[s]])) as Record<
        Severity,
        number
      >;
      const labels = r.tools.map((t) => toolLabel(t));
      const toolKeys = new Set<string>();
      for (const t of r.tools) if (typeof t?.type === 'string') toolKeys.add(t.type.toLowerCase());
      for (const l of labels) toolKeys.add(l.toLowerCase());
      const summary: AgentSummary = {
        id: r.id,
        integrationId,
        name: r.name,
        model: r.model,
        modelLifecycle: lifecycleOf(models, r.model),
        tools: labels,
        guardrailState: guardrailState({
          guardrails: r.guardrailPolicyCount === null ? null : {},
          guardrailPolicies: r.guardrailPolicies,
          dataQuality: r.dataQuality,
        }),
        guardrailPolicyCount: r.guardrailPolicyCount ?? 0,
        deploymentChat: r.deploymentChat,
        openFindings: { total: SEVERITIES.reduce((n, s) => n + bySeverity[s], 0), bySeverity },
        runs30d: r.hasUsage ? (runs.get(r.id) ?? 0) : null,
        lastActivityAt: r.lastActivityAt,
        status: r.status ?? 'unknown',
        riskScore: round1(unitScore(c)),
        firstSeenAt: r.firstSeenAt,
        deletedAt: r.deletedAt,
      };
      return {
        summary,
        nameLower: (r.name ?? '').toLowerCase(),
        toolKeys,
        libraryIds: [...new Set(r.knowledgeBases.map((k) => k.id))],
      };
    });
    return {
      integrationId,
      latestRunId,
      agents,
      byId: new Map(agents.map((a) => [a.summary.id, a])),
      agentCounts,
      workspaceCounts,
      models,
      key,
      memo: new ReadCache(deps.cache === false ? 0 : (deps.memoEntries ?? 2000)),
    };
  }

  return {
    async get(integrationId) {
      const at = now();
      const v = await q.version(integrationId);
      const key = `${v.latestRunId ?? '-'} ${v.latestRunState ?? ''}|${v.muteSeq}|${utcDay(at)}`;
      const hit = cached.get(integrationId);
      if (hit && hit.key === key && at.getTime() < hit.validUntil) return hit.index;
      const pending = building.get(integrationId);
      if (pending && pending.key === key) return pending.promise;
      const promise = (async () => {
        if (deps.cache !== false && !analyzed) {
          analyzed = true; // PGlite has no autovacuum: statistics once per process (syncs refresh them)
          await q.analyze().catch(() => undefined);
        }
        const index = await build(integrationId, v.latestRunId, at, key);
        const nextExpiry = await q.nextMuteExpiry(integrationId, at.toISOString());
        const midnight = Date.parse(`${utcDay(at)}T00:00:00.000Z`) + 86_400_000;
        const validUntil = Math.min(midnight, nextExpiry ? Date.parse(nextExpiry) : Infinity);
        if (deps.cache !== false) cached.set(integrationId, { key, validUntil, index });
        return index;
      })();
      building.set(integrationId, { key, promise });
      try {
        return await promise;
      } finally {
        if (building.get(integrationId)?.promise === promise) building.delete(integrationId);
      }
    },
  };
}

/** Rules by id, for remediation lookups. */
export type RuleLookup = (id: string) => RuleMeta | undefined;
