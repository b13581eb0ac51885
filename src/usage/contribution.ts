/**
 * One conversation's contribution to the usage metrics: PURE (no I/O, no clock).
 * Every definition applied here is written once in docs/metrics.md; the section names are quoted
 * next to the code that implements them.
 */
import type { WireConversation, WireEntry } from '../shared/mistral-wire.ts';
import { bump, emptyCounters, laterIso } from './counters.ts';
import type {
  ContributionFlags,
  ConversationContribution,
  ConversationState,
  UsageContributionRow,
} from './types.ts';

/** Tool names (tool.execution `name`) behind each built-in counter (docs/metrics.md § Tool counters). */
export const TOOL_COUNTER_BY_NAME: Readonly<
  Record<string, 'codeInterpreterCalls' | 'fileSearchCalls' | 'webSearchCalls' | 'imageGenerationCalls'>
> = Object.freeze({
  code_interpreter: 'codeInterpreterCalls',
  document_library: 'fileSearchCalls',
  web_search: 'webSearchCalls',
  web_search_premium: 'webSearchCalls',
  image_generation: 'imageGenerationCalls',
});

/** Parses an ISO instant to epoch ms; null when missing or unparsable. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const DAY_MS = 86_400_000;
/** Recent days' strings, by day number (a history's entries mostly fall on a few days). */
const dayCache = new Map<number, string>();

/** 'YYYY-MM-DD' of an epoch-ms instant, in UTC. */
export function utcDay(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  let day = dayCache.get(n);
  if (day === undefined) {
    day = new Date(ms).toISOString().slice(0, 10);
    if (dayCache.size >= 4096) dayCache.clear();
    dayCache.set(n, day);
  }
  return day;
}

function nonEmptyString(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The agent a conversation was started with, or null for a model conversation. */
export function conversationAgentId(conversation: WireConversation): string | null {
  return nonEmptyString((conversation as { agent_id?: unknown }).agent_id);
}

export function conversationState(conversation: WireConversation): ConversationState {
  const agentId = conversationAgentId(conversation);
  return {
    conversationId: conversation.id,
    updatedAt: conversation.updated_at,
    createdAt: conversation.created_at,
    agentId,
    model: agentId === null ? nonEmptyString((conversation as { model?: unknown }).model) : null,
  };
}

/**
 * Rows of one conversation: one per (agent, UTC day) with activity, agentId null for activity
 * with no agent (model conversations). See docs/metrics.md for each rule:
 * - Attribution: an entry's own agent_id; if it has none, the agent in effect (the conversation's
 *   agent_id, replaced by each agent.handoff's next_agent_id); in a model conversation, null.
 * - Runs: message.output entries. Latency: completed_at − created_at of message.output entries
 *   with both times, in ms; negative values are left out and flagged.
 * - Tool counters: tool.execution by name; function calls: function.call entries.
 * - Day: the UTC day of the entry's created_at, else of the conversation's created_at.
 * - Conversations: the starting agent (or, for a model conversation, the workspace's null agent)
 *   gets a zero row on the conversation's created_at day when it has no row of its own, so that
 *   it counts the conversation.
 */
export function conversationContribution(
  conversation: WireConversation,
  entries: readonly WireEntry[],
): ConversationContribution {
  const state = conversationState(conversation);
  const flags: ContributionFlags = { negativeLatency: 0, undatedEntries: 0 };
  const conversationCreatedMs = parseInstant(conversation.created_at);
  const conversationDay = conversationCreatedMs === null ? '1970-01-01' : utcDay(conversationCreatedMs);
  const rows = new Map<string, UsageContributionRow>();

  const rowFor = (agentId: string | null, day: string): UsageContributionRow => {
    const key = `${agentId === null ? '' : 'a:' + agentId}\u0000${day}`;
    let row = rows.get(key);
    if (!row) {
      row = { conversationId: conversation.id, agentId, day, lastEntryAt: null, ...emptyCounters() };
      rows.set(key, row);
    }
    return row;
  };

  const latestByRow = new Map<UsageContributionRow, number>();
  let agentInEffect: string | null = state.agentId;
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object') continue; // raw (unvalidated) histories may hold anything
    if (entry.type === 'agent.handoff') {
      agentInEffect = nonEmptyString(entry.next_agent_id) ?? agentInEffect;
      continue;
    }
    if (
      entry.type !== 'message.output' &&
      entry.type !== 'tool.execution' &&
      entry.type !== 'function.call'
    ) {
      continue; // message.input and function.result belong to no agent
    }
    const agentId = nonEmptyString(entry.agent_id) ?? agentInEffect;
    const createdMs = parseInstant(entry.created_at);
    if (createdMs === null) flags.undatedEntries++;
    const row = rowFor(agentId, createdMs === null ? conversationDay : utcDay(createdMs));
    const completedMs = parseInstant(entry.completed_at);
    const latestMs = Math.max(createdMs ?? -Infinity, completedMs ?? -Infinity);
    // The latest instant per row as a number; made an ISO string once, below.
    if (Number.isFinite(latestMs))
      latestByRow.set(row, Math.max(latestByRow.get(row) ?? -Infinity, latestMs));

    if (entry.type === 'message.output') {
      row.runs++;
      if (createdMs !== null && completedMs !== null) {
        const latency = completedMs - createdMs;
        if (latency >= 0) {
          row.latencySumMs += latency;
          row.latencyCount++;
        } else {
          flags.negativeLatency++;
        }
      }
    } else if (entry.type === 'tool.execution') {
      const name = typeof entry.name === 'string' ? entry.name : String(entry.name);
      bump(row.toolExecutionsByName, name);
      const counter = Object.prototype.hasOwnProperty.call(TOOL_COUNTER_BY_NAME, name)
        ? TOOL_COUNTER_BY_NAME[name]
        : undefined;
      if (counter) row[counter]++;
    } else {
      const name = typeof entry.name === 'string' ? entry.name : String(entry.name);
      row.functionCalls++;
      bump(row.functionCallsByName, name);
    }
  }

  for (const [row, ms] of latestByRow)
    row.lastEntryAt = laterIso(row.lastEntryAt, new Date(ms).toISOString());

  // The starting agent (or the workspace for a model conversation) counts the conversation.
  const starter = state.agentId;
  if (![...rows.values()].some((r) => r.agentId === starter)) {
    const row = rowFor(starter, conversationDay);
    row.lastEntryAt = conversationCreatedMs === null ? null : new Date(conversationCreatedMs).toISOString();
  }

  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...rows.values()].sort(
    (a, b) => cmp(a.agentId ?? '', b.agentId ?? '') || cmp(a.day, b.day),
  );
  return { state, rows: sorted, flags };
}
