/**
 * Seeded "time passes" step on a live workspace, for incremental-sync tests. Mutates the
 * workspace in place and returns exactly what changed (ids). New times fall in (from, to]
 * where to = from + advanceMs; `ws.now` becomes `to` (or the latest time written, if later).
 * A workspace with Admin API data (`ws.admin`) also gets the step's audit trail: agent.create,
 * agent.update (event_metadata `guardrails` = added | removed | weakened for a guardrail change)
 * and agent.delete, by a human organization admin, at the times of the changes (own RNG: the rest
 * of the step is the same with or without admin data).
 */
import type { WireGuardrailConfig } from '../shared/mistral-wire.ts';
import {
  addVersion,
  aliasRecord,
  applyDrift,
  buildAgent,
  GUARDRAIL_VARIANTS,
  v2StrictGuardrail,
  v2WeakGuardrail,
} from './agents.ts';
import { buildConversation, generateHistory, lastTime, speakerOf, type Speaker } from './conversations.ts';
import { auditAgentChange, humanAdmin } from './admin.ts';
import { agentContext, conversationId, handoffSpeakers } from './generator.ts';
import { createRng, mixSeed } from './prng.ts';
import type { EvolveOptions, EvolveSummary, GuardrailChange, SimAgent, SimWorkspace } from './types.ts';
import { iso } from './time.ts';

const HOUR_MS = 3_600_000;

function weaken(g: WireGuardrailConfig): WireGuardrailConfig {
  const out: WireGuardrailConfig = { ...g, block_on_error: false };
  for (const key of ['moderation_llm_v1', 'moderation_llm_v2'] as const) {
    const m = g[key];
    if (m && typeof m === 'object') {
      const thresholds: Record<string, number | null> = {};
      for (const [k, v] of Object.entries(m.custom_category_thresholds ?? {}))
        thresholds[k] = v === null ? null : 0.95;
      out[key] = { ...m, custom_category_thresholds: thresholds, action: 'none' };
    }
  }
  return out;
}

export function evolveWorkspace(ws: SimWorkspace, o: EvolveOptions & { seed: number }): EvolveSummary {
  const rng = createRng(mixSeed(o.seed, 0xe70));
  const fromMs = Date.parse(ws.now);
  const toMs = fromMs + Math.max(1000, o.advanceMs ?? HOUR_MS);
  const span = toMs - fromMs;
  const at = (): number => fromMs + 1 + Math.floor(rng.next() * (span - 1));
  let latest = toMs;
  const ctx = agentContext(ws);
  const summary: EvolveSummary = {
    from: ws.now,
    to: iso(toMs),
    agentsAdded: [],
    agentsEdited: [],
    agentsDeleted: [],
    guardrailsChanged: [],
    aliasesMoved: [],
    conversationsAdded: [],
    conversationsAppended: [],
    conversationsDeleted: [],
  };
  const touched = new Set<string>();
  const existing = ws.agents.slice();

  // Agents added (appended: the list stays ascending by created_at).
  for (let i = 0; i < (o.agentsAdded ?? 1); i++) {
    const id = `ag_${rng.hex(32)}`;
    const created = at();
    const a = rng.fork();
    const agent = buildAgent(a, ctx, {
      id,
      index: ws.agents.length,
      createdMs: created,
      maxMs: toMs,
      versionCount: a.int(1, 2),
      aliasCount: a.int(0, 1),
      guardrails: a.pick(GUARDRAIL_VARIANTS),
      allTools: false,
      handoffTargets: [],
    });
    ws.agents.push(agent);
    summary.agentsAdded.push(id);
    touched.add(id);
  }

  // Agents edited: a new version with one configuration change.
  for (const agent of rng.sample(existing, o.agentsEdited ?? 2)) {
    addVersion(agent, at(), (next) => applyDrift(rng, ctx, next));
    summary.agentsEdited.push(agent.current.id);
    touched.add(agent.current.id);
  }

  // Guardrails changed: added where there were none, otherwise removed or weakened.
  for (const agent of rng.sample(existing, o.guardrailsChanged ?? 2)) {
    const current = agent.current.guardrails;
    const change: GuardrailChange =
      !Array.isArray(current) || current.length === 0 ? 'added' : rng.chance(0.5) ? 'removed' : 'weakened';
    const v = addVersion(agent, at(), (next) => {
      if (change === 'added')
        next.guardrails = [rng.chance(0.5) ? v2StrictGuardrail(rng) : v2WeakGuardrail(rng)];
      else if (change === 'removed') next.guardrails = rng.chance(0.5) ? [] : null;
      else next.guardrails = (next.guardrails ?? []).map(weaken);
      next.version_message = `Guardrails ${change}`;
    });
    summary.guardrailsChanged.push({ agentId: agent.current.id, change, version: v.version });
    if (!summary.agentsEdited.includes(agent.current.id)) summary.agentsEdited.push(agent.current.id);
    touched.add(agent.current.id);
  }

  // Aliases moved to another version.
  const movable = existing.filter((a) => a.versions.length >= 2);
  for (const agent of rng.sample(movable, o.aliasesMoved ?? 1)) {
    const name = agent.aliases.length ? rng.pick(agent.aliases).alias : 'production';
    const prev = agent.aliases.find((a) => a.alias === name);
    const choices = agent.versions.map((v) => v.version).filter((v) => v !== prev?.version);
    const to = rng.pick(choices);
    const t = at();
    const fromVersion = prev ? prev.version : null;
    if (prev) {
      prev.version = to;
      prev.updated_at = iso(t);
    } else agent.aliases.push(aliasRecord(name, to, t, t));
    summary.aliasesMoved.push({ agentId: agent.current.id, alias: name, from: fromVersion, to });
  }

  // Old conversations get new entries (updated_at bumped).
  const byId = new Map(ws.agents.map((a) => [a.current.id, a]));
  const oldConversations = ws.conversations.slice();
  const appended = new Set<string>();
  for (const rec of rng.sample(oldConversations, o.conversationsAppended ?? 3)) {
    const conv = rec.conversation;
    const agentId = typeof conv.agent_id === 'string' ? conv.agent_id : null;
    const agent = agentId ? byId.get(agentId) : undefined;
    const model =
      typeof conv.model === 'string' ? conv.model : (agent?.current.model ?? 'mistral-small-latest');
    const speaker: Speaker = agent
      ? speakerOf(agent.current)
      : { agentId, name: agentId ?? model, model, builtIns: [], functions: [] };
    const entries = rec.entries;
    const start = Math.max(at(), lastTime(entries, 0) + 1000);
    const { entries: added } = generateHistory({
      seed: rng.int(0, 0xffffffff),
      startMs: start,
      entries: 2,
      speaker,
      handoffs: agent ? handoffSpeakers(agent, byId) : [],
      everyVariant: false,
    });
    entries.push(...added);
    const end = lastTime(added, start);
    conv.updated_at = iso(end);
    latest = Math.max(latest, end);
    appended.add(String(conv.id));
    summary.conversationsAppended.push({ conversationId: String(conv.id), entriesAdded: added.length });
  }

  // New conversations (prepended: the list stays newest first).
  const live = ws.agents;
  const fresh = [];
  const taken = new Set(ws.conversations.map((x) => String(x.conversation.id)));
  for (let i = 0; i < (o.conversationsAdded ?? 5); i++) {
    const c = rng.fork();
    const id = conversationId(c, taken);
    const start = at();
    const agent: SimAgent | undefined = live.length && c.chance(0.9) ? c.pick(live) : undefined;
    const model = agent ? agent.current.model : c.pick(ctx.chatModels);
    const rec = buildConversation(c, {
      id,
      plan: {
        seed: c.int(0, 0xffffffff),
        startMs: start,
        entries: c.int(2, 6),
        speaker: agent
          ? speakerOf(agent.current)
          : { agentId: null, name: model, model, builtIns: [], functions: [] },
        handoffs: agent ? handoffSpeakers(agent, byId) : [],
        everyVariant: false,
      },
      agent: agent
        ? {
            id: agent.current.id,
            versions: agent.current.versions,
            aliases: agent.aliases.map((a) => a.alias),
          }
        : undefined,
    });
    latest = Math.max(latest, Date.parse(String(rec.conversation.updated_at)));
    fresh.push({ start, rec });
    summary.conversationsAdded.push(id);
  }
  fresh.sort((a, b) => b.start - a.start);
  ws.conversations.unshift(...fresh.map((f) => f.rec));

  // Agents deleted (not ones changed in this step). Their conversations stay.
  const deletable = existing.filter((a) => !touched.has(a.current.id));
  for (const agent of rng.sample(deletable, o.agentsDeleted ?? 1)) {
    ws.agents.splice(ws.agents.indexOf(agent), 1);
    summary.agentsDeleted.push(agent.current.id);
  }

  // Conversations deleted (not ones appended to in this step).
  const deletableConvs = oldConversations.filter((c) => !appended.has(String(c.conversation.id)));
  for (const rec of rng.sample(deletableConvs, o.conversationsDeleted ?? 1)) {
    ws.conversations.splice(ws.conversations.indexOf(rec), 1);
    summary.conversationsDeleted.push(String(rec.conversation.id));
  }

  if (ws.admin) summary.auditEntriesAdded = auditStep(ws, summary, existing, o.seed, fromMs, toMs);

  ws.now = iso(latest);
  summary.to = ws.now;
  return summary;
}

/** The audit entries of one step's agent changes (see the header). Returns their log_ids. */
function auditStep(
  ws: SimWorkspace,
  summary: EvolveSummary,
  before: readonly SimAgent[],
  seed: number,
  fromMs: number,
  toMs: number,
): number[] {
  const rng = createRng(mixSeed(seed, 0xa0d1));
  const actor = humanAdmin(ws);
  const ids: number[] = [];
  const byId = new Map([...before, ...ws.agents].map((a) => [a.current.id, a]));
  for (const id of summary.agentsAdded) {
    const a = byId.get(id);
    if (a) ids.push(auditAgentChange(ws, actor, 'agent.create', a.current, a.current.created_at).log_id);
  }
  const guardrails = new Map(summary.guardrailsChanged.map((g) => [g.agentId, g]));
  for (const id of summary.agentsEdited) {
    const a = byId.get(id);
    if (!a) continue;
    const g = guardrails.get(id);
    const version = g ? a.versions.find((v) => v.version === g.version) : a.versions[a.versions.length - 1];
    const v = version ?? a.current;
    const details: Record<string, string> = g
      ? { updated_fields: 'guardrails', guardrails: g.change }
      : { updated_fields: 'configuration' };
    ids.push(auditAgentChange(ws, actor, 'agent.update', v, v.updated_at, details).log_id);
  }
  for (const id of summary.agentsDeleted) {
    const a = byId.get(id);
    if (!a) continue;
    const at = iso(fromMs + 1 + Math.floor(rng.next() * Math.max(1, toMs - fromMs - 1)));
    ids.push(auditAgentChange(ws, actor, 'agent.delete', a.current, at).log_id);
  }
  return ids;
}
