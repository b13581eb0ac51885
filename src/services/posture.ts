/**
 * Posture: the summary (counts, guardrail coverage, open findings, risk score now and its trend),
 * "fix first" (open findings grouped by the one change that clears them, ranked by the risk removed)
 * and exposure by traffic (share of runs and conversations through agents without blocking
 * guardrails). Definitions: docs/posture.md; scores: docs/risk-score.md.
 */
import {
  SEVERITY_WEIGHTS,
  UNKNOWN_WEIGHT_FACTOR,
  unitScore,
  type SeverityCounts,
} from '../findings/risk-score.ts';
import type { CheckStatus, FindingResourceType, RuleMeta, Severity } from '../findings/types.ts';
import { SEVERITIES } from '../findings/types.ts';
import { normalizeGuardrails, storeGuardrails } from '../inventory/guardrails.ts';
import type { AgentRecord, Snapshot } from '../inventory/types.ts';
import { getRule } from '../rules/catalog.ts';
import type { FindingRow, IntegrationView, Store } from '../store/index.ts';
import {
  createAgentIndex,
  emptySeverityCounts,
  GUARDRAIL_STATES,
  round1,
  type AgentIndex,
  type GuardrailState,
  type IntegrationIndex,
} from './agent-index.ts';
import type { Actor } from './context.ts';
import { integrationsInScope, utcDay } from './read-scope.ts';

export interface TrendPoint {
  at: string;
  syncRunId: string | null;
  score: number;
}

export interface PostureFigures {
  agents: number;
  models: number;
  files: number;
  libraries: number;
  /** Agents whose guardrails are null (as the scan JSON's summary.agentsWithoutGuardrails). */
  agentsWithoutGuardrails: number;
  agentsByGuardrailState: Record<GuardrailState, number>;
  /** Open, not muted findings (FAIL and UNKNOWN) by severity. */
  openFindingsBySeverity: Record<Severity, number>;
  /** null until a sync has finished: no data is never a score of 0. */
  riskScore: number | null;
  riskTrend: TrendPoint[];
}

export interface IntegrationPosture extends PostureFigures {
  integrationId: string;
  name: string;
  simulated: boolean;
  lastSyncRunId: string | null;
}

export interface PostureSummary {
  integrations: IntegrationPosture[];
  organization: PostureFigures;
}

export interface FixFirstFinding {
  id: string;
  ruleId: string;
  severity: Severity;
  lastStatus: CheckStatus;
  title: string;
}

export interface FixGroup {
  integrationId: string;
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  /** The change, in words. */
  change: string;
  /** The ready PATCH /v1/agents/{agent_id} body (TrustLens never sends it), or null. */
  patchAgentBody: Record<string, unknown> | null;
  /**
   * true: the findings were found cleared by re-running the rules on the agent with the change applied;
   * false: the rule's remediation declares the change (its body has placeholders to fill in).
   */
  verified: boolean;
  clears: FixFirstFinding[];
  /**
   * The risk the change removes: the sum of the severity weights of the findings it clears, on the
   * score's scale (docs/risk-score.md: a FAIL counts its weight × 100, critical 60, high 35, medium 15,
   * low 5; an UNKNOWN half of that). The ranking key.
   */
  riskRemoved: number;
  /** The resource's risk score now (the agent's, or the workspace unit's for other resources). */
  riskScore: number;
  /** The resource's risk score after this change alone. */
  riskScoreAfter: number;
}

export interface FixFirst {
  groups: FixGroup[];
}

export interface ExposureFigure {
  exposed: number;
  total: number;
  /** exposed / total, 0–1; null when total is 0. */
  share: number | null;
}

export interface ExposureWindow {
  from: string;
  to: string;
  runs: ExposureFigure;
  conversations: ExposureFigure;
}

export interface ExposureDay {
  day: string;
  runs: ExposureFigure;
  conversations: ExposureFigure;
}

export interface ExposureFigures {
  /** null when usage is unavailable (never 0 in place of unknown). */
  last7Days: ExposureWindow | null;
  last30Days: ExposureWindow | null;
  /** The 30 days of the last 30 days window, oldest first; null when usage is unavailable. */
  daily: ExposureDay[] | null;
}

export interface IntegrationExposure extends ExposureFigures {
  integrationId: string;
  name: string;
  usageAvailable: boolean;
}

export interface Exposure {
  integrations: IntegrationExposure[];
  /** Over the integrations whose usage is available; null when none is. */
  organization: ExposureFigures & { integrationsWithoutUsage: number };
}

export interface PostureService {
  summary(actor: Actor, query?: { integrationId?: string }): Promise<PostureSummary>;
  fixFirst(actor: Actor, query?: { integrationId?: string }): Promise<FixFirst>;
  exposure(actor: Actor, query?: { integrationId?: string }): Promise<Exposure>;
}

export interface PostureServiceDeps {
  store: Pick<Store, 'integrations' | 'queries' | 'riskScores' | 'snapshots' | 'syncRuns'>;
  agentIndex?: AgentIndex;
  now?: () => Date;
}

const zeroBySeverity = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/** 0.5 × max + 0.5 × mean (src/findings/risk-score.ts INTEGRATION_MAX_SHARE), 0 for no unit. */
export function blend(units: readonly number[]): number {
  if (units.length === 0) return 0;
  const max = Math.max(...units);
  const mean = units.reduce((a, b) => a + b, 0) / units.length;
  return 0.5 * max + 0.5 * mean;
}

/** The integration's risk score now: its units as computeRiskScores forms them, from counted findings now. */
export function integrationScore(idx: IntegrationIndex): number {
  const ids = new Set<string>();
  for (const a of idx.agents) if (a.summary.deletedAt === null) ids.add(a.summary.id);
  for (const id of idx.agentCounts.keys()) ids.add(id);
  const units = [unitScore(idx.workspaceCounts)];
  for (const id of ids) units.push(unitScore(idx.agentCounts.get(id) ?? emptySeverityCounts()));
  return round1(blend(units));
}

/** Organization trend: at each integration's sync time, the blend of every integration's latest score so far. */
export function organizationTrend(trends: readonly TrendPoint[][]): TrendPoint[] {
  const events = trends
    .flatMap((points, i) => points.map((p) => ({ i, p })))
    .sort((a, b) => (a.p.at < b.p.at ? -1 : a.p.at > b.p.at ? 1 : a.i - b.i));
  const latest = new Map<number, number>();
  const out: TrendPoint[] = [];
  for (const { i, p } of events) {
    latest.set(i, p.score);
    const point = { at: p.at, syncRunId: p.syncRunId, score: round1(blend([...latest.values()])) };
    if (out.length > 0 && out[out.length - 1].at === p.at) out[out.length - 1] = point;
    else out.push(point);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fix first

const PLACEHOLDER = /<[^>]*>/;

function hasPlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return PLACEHOLDER.test(v);
  if (Array.isArray(v)) return v.some(hasPlaceholder);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasPlaceholder);
  return false;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const SIMULATED_KEYS = new Set(['guardrails', 'model', 'instructions', 'description', 'metadata']);

/**
 * The agent as it would be after PATCH /v1/agents/{id} with `body` (a new version, aliases untouched),
 * or null when the body cannot be applied as is (placeholders, fields we do not model).
 */
export function applyAgentPatch(
  agent: AgentRecord,
  body: Record<string, unknown>,
  at: string,
): AgentRecord | null {
  if (hasPlaceholder(body) || Object.keys(body).some((k) => !SIMULATED_KEYS.has(k))) return null;
  const next: AgentRecord = { ...agent };
  if ('guardrails' in body) {
    next.guardrails = storeGuardrails(body.guardrails);
    next.guardrailPolicies = normalizeGuardrails(next.guardrails);
    next.dataQuality = agent.dataQuality.filter((w) => !/guardrails/i.test(w.issue));
  }
  if (typeof body.model === 'string') next.model = body.model;
  if (typeof body.instructions === 'string') next.instructions = body.instructions;
  if (typeof body.description === 'string') next.description = body.description;
  if ('metadata' in body) next.metadata = (body.metadata as Record<string, unknown>) ?? null;
  const version =
    Math.max(agent.version, ...agent.versions, ...agent.versionHistory.map((v) => v.version)) + 1;
  next.version = version;
  next.versions = [...agent.versions, version];
  next.updatedAt = at;
  next.createdAt = agent.createdAt;
  const config = { ...next } as Partial<AgentRecord>;
  for (const k of [
    'id',
    'versions',
    'metadata',
    'ownerId',
    'source',
    'status',
    'versionHistory',
    'aliases',
    'usage',
    'dataQuality',
  ] as const) {
    delete config[k];
  }
  next.versionHistory =
    agent.versionHistory.length > 0 ? [...agent.versionHistory, config as AgentRecord] : [];
  return next;
}

/** "Attach a blocking moderation_llm_v2 policy (fail-closed, checking jailbreaking and pii) to agent “X”". */
export function describeChange(body: Record<string, unknown> | null, name: string, fallback: string): string {
  const who = `agent “${name}”`;
  if (body && Array.isArray(body.guardrails) && Object.keys(body).length === 1) {
    const parts = body.guardrails.map((p) => {
      const policy = p as Record<string, unknown>;
      const kind = Object.keys(policy).find((k) => k.startsWith('moderation_llm')) ?? 'guardrail';
      const cfg = (policy[kind] ?? {}) as Record<string, unknown>;
      const thresholds = Object.keys((cfg.custom_category_thresholds ?? {}) as object);
      const checks = ['jailbreaking', 'pii'].filter((c) => thresholds.includes(c));
      const traits = [
        policy.block_on_error === true ? 'fail-closed' : null,
        checks.length > 0 ? `checking ${checks.join(' and ')}` : null,
      ].filter(Boolean);
      return `a ${cfg.action === 'block' ? 'blocking ' : ''}${kind} policy${traits.length ? ` (${traits.join(', ')})` : ''}`;
    });
    return `Attach ${parts.join(' and ')} to ${who}`;
  }
  const first = fallback.split(/(?<=\.)\s/)[0] ?? fallback;
  return `${who}: ${first}`;
}

function countsOf(findings: readonly FindingRow[]): SeverityCounts {
  const c = emptySeverityCounts();
  for (const f of findings) c[f.lastStatus === 'FAIL' ? 'fail' : 'unknown'][f.severity] += 1;
  return c;
}

/** Σ severity weight × 100 (UNKNOWN at half weight): what clearing the findings removes. */
export function weightOf(findings: readonly FindingRow[]): number {
  let w = 0;
  for (const f of findings) {
    w += SEVERITY_WEIGHTS[f.severity] * (f.lastStatus === 'FAIL' ? 1 : UNKNOWN_WEIGHT_FACTOR) * 100;
  }
  return round1(w);
}

function brief(f: FindingRow): FixFirstFinding {
  return { id: f.id, ruleId: f.ruleId, severity: f.severity, lastStatus: f.lastStatus, title: f.title };
}

/**
 * Fix-first groups of one integration. For each agent: every distinct PATCH body its failing rules
 * recommend is a candidate change; a concrete body is applied to the agent and the rules of its open
 * findings are run again (a finding is cleared when its rule no longer fails or is unknown for the
 * agent); a body with placeholders clears the findings whose rules recommend it. Changes are taken
 * greedily, the one removing most risk first, until no candidate clears a remaining finding; what
 * is left (and every finding not on an agent) is one group per finding, its rule's remediation.
 */
export function fixFirstGroups(
  integrationId: string,
  open: readonly FindingRow[],
  snapshot: Snapshot | null,
  metaOf: (ruleId: string) => RuleMeta | undefined = (id) => getRule(id)?.meta,
): FixGroup[] {
  const groups: FixGroup[] = [];
  const byResource = new Map<string, FindingRow[]>();
  for (const f of open) {
    const key = `${f.resourceType}\u0000${f.resourceId}`;
    const list = byResource.get(key) ?? [];
    list.push(f);
    byResource.set(key, list);
  }
  const workspace = open.filter((f) => f.resourceType !== 'agent');
  const workspaceScore = unitScore(countsOf(workspace));
  const agents = new Map((snapshot?.agents ?? []).map((a) => [a.id, a]));
  const at = snapshot?.takenAt ?? new Date().toISOString();

  for (const findings of byResource.values()) {
    const head = findings[0];
    if (head.resourceType !== 'agent') {
      for (const f of findings) {
        const meta = metaOf(f.ruleId);
        const rest = workspace.filter((x) => x.id !== f.id);
        groups.push({
          integrationId,
          resourceType: f.resourceType,
          resourceId: f.resourceId,
          resourceName: f.resourceName,
          change: `${f.resourceType} “${f.resourceName ?? f.resourceId}”: ${(meta?.remediation.text ?? f.title).split(/(?<=\.)\s/)[0]}`,
          patchAgentBody: null,
          verified: false,
          clears: [brief(f)],
          riskRemoved: weightOf([f]),
          riskScore: round1(workspaceScore),
          riskScoreAfter: round1(unitScore(countsOf(rest))),
        });
      }
      continue;
    }
    const agent = agents.get(head.resourceId) ?? null;
    const name = agent?.name ?? head.resourceName ?? head.resourceId;
    const before = unitScore(countsOf(findings));
    const candidates = new Map<
      string,
      { body: Record<string, unknown>; clears: Set<string>; verified: boolean; ruleText: string }
    >();
    for (const f of findings) {
      const meta = metaOf(f.ruleId);
      const body = meta?.remediation.patchAgentBody;
      if (!body) continue;
      const key = canonical(body);
      if (!candidates.has(key))
        candidates.set(key, { body, clears: new Set(), verified: false, ruleText: meta.remediation.text });
    }
    for (const c of candidates.values()) {
      const changed = agent && snapshot ? applyAgentPatch(agent, c.body, at) : null;
      if (changed && snapshot) {
        c.verified = true;
        const ctx = { snapshot: { ...snapshot, agents: [changed] }, previous: null, now: new Date(at) };
        for (const f of findings) {
          const rule = getRule(f.ruleId);
          if (!rule) continue;
          let still = false;
          try {
            still = rule
              .evaluate(ctx)
              .some((r) => r.resourceId === f.resourceId && (r.status === 'FAIL' || r.status === 'UNKNOWN'));
          } catch {
            still = true;
          }
          if (!still) c.clears.add(f.id);
        }
      } else {
        const key = canonical(c.body);
        for (const f of findings) {
          const body = metaOf(f.ruleId)?.remediation.patchAgentBody;
          if (body && canonical(body) === key) c.clears.add(f.id);
        }
      }
    }
    let remaining = [...findings];
    const pool = [...candidates.values()];
    for (;;) {
      let best: { c: (typeof pool)[number]; cleared: FindingRow[]; removed: number } | null = null;
      for (const c of pool) {
        const cleared = remaining.filter((f) => c.clears.has(f.id));
        if (cleared.length === 0) continue;
        const removed = weightOf(cleared);
        if (
          !best ||
          removed > best.removed ||
          (removed === best.removed && cleared.length > best.cleared.length)
        ) {
          best = { c, cleared, removed };
        }
      }
      if (!best) break;
      groups.push({
        integrationId,
        resourceType: 'agent',
        resourceId: head.resourceId,
        resourceName: name,
        change: describeChange(best.c.body, name, best.c.ruleText),
        patchAgentBody: best.c.body,
        verified: best.c.verified,
        clears: best.cleared.map(brief),
        riskRemoved: best.removed,
        riskScore: round1(before),
        riskScoreAfter: round1(unitScore(countsOf(findings.filter((f) => !best.cleared.includes(f))))),
      });
      remaining = remaining.filter((f) => !best.cleared.includes(f));
      pool.splice(pool.indexOf(best.c), 1);
    }
    for (const f of remaining) {
      const meta = metaOf(f.ruleId);
      groups.push({
        integrationId,
        resourceType: 'agent',
        resourceId: f.resourceId,
        resourceName: name,
        change: describeChange(null, name, meta?.remediation.text ?? f.title),
        patchAgentBody: null,
        verified: false,
        clears: [brief(f)],
        riskRemoved: weightOf([f]),
        riskScore: round1(before),
        riskScoreAfter: round1(unitScore(countsOf(findings.filter((x) => x.id !== f.id)))),
      });
    }
  }
  const rank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  const worst = (g: FixGroup) => Math.min(...g.clears.map((f) => rank[f.severity]));
  return groups.sort(
    (a, b) =>
      b.riskRemoved - a.riskRemoved ||
      a.riskScoreAfter - b.riskScoreAfter ||
      b.clears.length - a.clears.length ||
      worst(a) - worst(b) ||
      (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0) ||
      (a.change < b.change ? -1 : a.change > b.change ? 1 : 0),
  );
}

// ---------------------------------------------------------------------------------------------

function figure(exposed: number, total: number): ExposureFigure {
  return { exposed, total, share: total > 0 ? exposed / total : null };
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

interface RawExposure {
  days: string[];
  /** per day: [exposedRuns, totalRuns, exposedConversations, totalConversations] */
  daily: Map<string, [number, number, number, number]>;
  w7: [number, number, number, number];
  w30: [number, number, number, number];
}

export function createPostureService(deps: PostureServiceDeps): PostureService {
  const now = deps.now ?? (() => new Date());
  const store = deps.store;
  const index = deps.agentIndex ?? createAgentIndex({ store, now });
  const fixCache = new Map<string, { key: string; groups: FixGroup[] }>();

  async function trendOf(integ: IntegrationView): Promise<TrendPoint[]> {
    const points = await store.riskScores.history(integ.id, 'integration', integ.id, 90);
    return points.map((p) => ({ at: p.at, syncRunId: p.syncRunId, score: p.score }));
  }

  async function integrationExposure(
    integ: IntegrationView,
    idx: IntegrationIndex,
    at: Date,
  ): Promise<RawExposure | null> {
    const availability = await store.syncRuns.latestAvailability(integ.id);
    if (!availability || availability.usage.status !== 'available') return null;
    const guarded = idx.agents
      .filter((a) => a.summary.guardrailState === 'blocking')
      .map((a) => a.summary.id);
    const guardedSet = new Set(guarded);
    const today = utcDay(at);
    const from30 = utcDay(at, 29);
    const from7 = utcDay(at, 6);
    const days = daysBetween(from30, today);
    const daily = new Map<string, [number, number, number, number]>(days.map((d) => [d, [0, 0, 0, 0]]));
    for (const r of await store.queries.dailyTraffic(integ.id, from30)) {
      const cell = daily.get(r.day);
      if (!cell || r.agentId === null) continue;
      cell[1] += r.runs;
      if (!guardedSet.has(r.agentId)) cell[0] += r.runs;
    }
    for (const r of await store.queries.dailyConversationShare(integ.id, guarded, from30)) {
      const cell = daily.get(r.day);
      if (!cell) continue;
      cell[2] = r.exposedConversations;
      cell[3] = r.agentConversations;
    }
    const window = async (from: string): Promise<[number, number, number, number]> => {
      let er = 0;
      let tr = 0;
      for (const [d, c] of daily) {
        if (d < from) continue;
        er += c[0];
        tr += c[1];
      }
      const conv = await store.queries.conversationShare(integ.id, guarded, from, today);
      return [er, tr, conv.exposedConversations, conv.agentConversations];
    };
    return { days, daily, w7: await window(from7), w30: await window(from30) };
  }

  function toFigures(raw: RawExposure, at: Date): ExposureFigures {
    const today = utcDay(at);
    const win = (from: string, w: [number, number, number, number]): ExposureWindow => ({
      from,
      to: today,
      runs: figure(w[0], w[1]),
      conversations: figure(w[2], w[3]),
    });
    return {
      last7Days: win(utcDay(at, 6), raw.w7),
      last30Days: win(utcDay(at, 29), raw.w30),
      daily: raw.days.map((day) => {
        const c = raw.daily.get(day) ?? [0, 0, 0, 0];
        return { day, runs: figure(c[0], c[1]), conversations: figure(c[2], c[3]) };
      }),
    };
  }

  return {
    async summary(actor, query = {}) {
      const integrations = await integrationsInScope(store, actor, query.integrationId);
      const out: IntegrationPosture[] = [];
      for (const integ of integrations) {
        const idx = await index.get(integ.id);
        const counts = await store.queries.liveCounts(integ.id);
        const live = idx.agents.filter((a) => a.summary.deletedAt === null);
        const byState = Object.fromEntries(GUARDRAIL_STATES.map((s) => [s, 0])) as Record<
          GuardrailState,
          number
        >;
        for (const a of live) byState[a.summary.guardrailState] += 1;
        const open = zeroBySeverity();
        const all = [idx.workspaceCounts, ...idx.agentCounts.values()];
        for (const c of all) for (const s of SEVERITIES) open[s] += c.fail[s] + c.unknown[s];
        out.push({
          integrationId: integ.id,
          name: integ.name,
          simulated: integ.simulated,
          lastSyncRunId: idx.latestRunId,
          agents: counts.agent,
          models: counts.model,
          files: counts.file,
          libraries: counts.library,
          agentsWithoutGuardrails: live.filter((a) => a.summary.guardrailPolicyCount === 0).length,
          agentsByGuardrailState: byState,
          openFindingsBySeverity: open,
          riskScore: idx.latestRunId === null ? null : integrationScore(idx),
          riskTrend: await trendOf(integ),
        });
      }
      const sum = (f: (p: IntegrationPosture) => number) => out.reduce((n, p) => n + f(p), 0);
      const byState = Object.fromEntries(
        GUARDRAIL_STATES.map((s) => [s, sum((p) => p.agentsByGuardrailState[s])]),
      ) as Record<GuardrailState, number>;
      const open = Object.fromEntries(
        SEVERITIES.map((s) => [s, sum((p) => p.openFindingsBySeverity[s])]),
      ) as Record<Severity, number>;
      return {
        integrations: out,
        organization: {
          agents: sum((p) => p.agents),
          models: sum((p) => p.models),
          files: sum((p) => p.files),
          libraries: sum((p) => p.libraries),
          agentsWithoutGuardrails: sum((p) => p.agentsWithoutGuardrails),
          agentsByGuardrailState: byState,
          openFindingsBySeverity: open,
          riskScore: (() => {
            const known = out.map((p) => p.riskScore).filter((x): x is number => x !== null);
            return known.length ? round1(blend(known)) : null;
          })(),
          riskTrend: organizationTrend(out.map((p) => p.riskTrend)),
        },
      };
    },

    async fixFirst(actor, query = {}) {
      const integrations = await integrationsInScope(store, actor, query.integrationId);
      const groups: FixGroup[] = [];
      for (const integ of integrations) {
        const idx = await index.get(integ.id);
        const v = await store.queries.version(integ.id);
        const key = `${v.latestRunId} ${v.latestRunState ?? ''}|${v.muteSeq}|${utcDay(now())}`;
        const hit = fixCache.get(integ.id);
        if (hit && hit.key === key && idx.latestRunId === v.latestRunId) {
          groups.push(...hit.groups);
          continue;
        }
        const open: FindingRow[] = [];
        let after: { rank: number; ruleId: string; resourceId: string; id: string } | null = null;
        const rank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
        for (;;) {
          const page = await store.queries.findings({
            integrationIds: [integ.id],
            status: 'open',
            muted: 'exclude',
            now: now().toISOString(),
            after,
            limit: 5000,
          });
          open.push(...page.filter((f) => f.lastStatus === 'FAIL' || f.lastStatus === 'UNKNOWN'));
          if (page.length < 5000) break;
          const last = page[page.length - 1];
          after = {
            rank: rank[last.severity],
            ruleId: last.ruleId,
            resourceId: last.resourceId,
            id: last.id,
          };
        }
        const snapshot = (await store.snapshots.loadLatest(integ.id))?.snapshot ?? null;
        const computed = fixFirstGroups(integ.id, open, snapshot);
        fixCache.set(integ.id, { key, groups: computed });
        groups.push(...computed);
      }
      groups.sort(
        (a, b) =>
          b.riskRemoved - a.riskRemoved ||
          a.riskScoreAfter - b.riskScoreAfter ||
          b.clears.length - a.clears.length,
      );
      return { groups };
    },

    async exposure(actor, query = {}) {
      const at = now();
      const integrations = await integrationsInScope(store, actor, query.integrationId);
      const items: IntegrationExposure[] = [];
      const raws: RawExposure[] = [];
      for (const integ of integrations) {
        const idx = await index.get(integ.id);
        const raw = await integrationExposure(integ, idx, at);
        if (raw) raws.push(raw);
        items.push({
          integrationId: integ.id,
          name: integ.name,
          usageAvailable: raw !== null,
          ...(raw ? toFigures(raw, at) : { last7Days: null, last30Days: null, daily: null }),
        });
      }
      let organization: ExposureFigures = { last7Days: null, last30Days: null, daily: null };
      if (raws.length > 0) {
        const add = (a: number[], b: number[]) =>
          a.map((x, i) => x + b[i]) as [number, number, number, number];
        const merged: RawExposure = {
          days: raws[0].days,
          daily: new Map(
            raws[0].days.map((d) => [
              d,
              raws.reduce((acc, r) => add(acc, r.daily.get(d) ?? [0, 0, 0, 0]), [0, 0, 0, 0] as [
                number,
                number,
                number,
                number,
              ]),
            ]),
          ),
          w7: raws.reduce((acc, r) => add(acc, r.w7), [0, 0, 0, 0] as [number, number, number, number]),
          w30: raws.reduce((acc, r) => add(acc, r.w30), [0, 0, 0, 0] as [number, number, number, number]),
        };
        organization = toFigures(merged, at);
      }
      return {
        integrations: items,
        organization: {
          ...organization,
          integrationsWithoutUsage: items.filter((i) => !i.usageAvailable).length,
        },
      };
    },
  };
}
