import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { AgentConfig, AgentRecord, AgentUsage } from '../../inventory/types.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import {
  ACTIVITY_WINDOW_DAYS,
  DAY_MS,
  activeInWindow,
  availabilityWord,
  evaluateAgents,
  fail,
  isAvailable,
  listWords,
  malformed,
  pass,
  passUnlessFlagged,
  plural,
  toolLabel,
  unknown,
} from '../rule-helpers.ts';

/** A tool added less than this many days ago is not judged yet (it has had no fair chance to be used). */
export const MIN_TOOL_PRESENCE_DAYS = 7;

export const meta: RuleMeta = {
  id: 'mistral_agent_unused_tool',
  title: 'Agent has a tool it never used in 90 days',
  resourceType: 'agent',
  severity: 'low',
  description: `The agent was active in the last ${ACTIVITY_WINDOW_DAYS} days (a run, a conversation, or any activity) but never called one of its tools in that time (usage.last90Days): code_interpreter, image_generation and document_library by their call counters, web_search and web_search_premium each by its own tool executions (the shared web search counter only when neither has executions by name, and then only for an agent with one of the two), functions by name. Connectors are counted only when their executions carry the connector id; otherwise they are reported as not measurable. With version history, a tool is dated by the earliest version holding it (same type, function name or connector id; a version is dated by the later of its created_at and updated_at): a tool present for less than ${ACTIVITY_WINDOW_DAYS} days is judged on the time it has been there, and one present for less than ${MIN_TOOL_PRESENCE_DAYS} days is not judged yet; the detail says how long such a tool has been present. Agents with no run in ${ACTIVITY_WINDOW_DAYS} days are left to mistral_agent_dormant.`,
  risk: 'Low: an unused tool is attack surface with no benefit; if the agent is manipulated it can still use it (least privilege).',
  remediation: {
    text: 'Remove the tools the agent does not use (a new version), and keep the tool list to what its task needs.',
    patchAgentBody: { tools: ['<the tools the agent uses>'] },
  },
  references: [MISTRAL_AGENTS_DOC, 'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/'],
  compliance: [owaspLlm('LLM06'), owaspAgentic('T3'), nist('GOVERN 1.6'), euAiAct('Art. 9')],
};

const WEB_SEARCH_TOOLS: readonly string[] = ['web_search', 'web_search_premium'];

function countOf(byName: Record<string, number>, name: string): number {
  return Object.prototype.hasOwnProperty.call(byName, name) ? byName[name] : 0;
}

/**
 * Calls of a tool in the last 90 days, or null when they cannot be attributed to it. `bothWebTools`:
 * the agent has web_search and web_search_premium, so the shared web search counter cannot tell them apart.
 */
function callsOf(tool: WireTool, u: AgentUsage['last90Days'], bothWebTools: boolean): number | null {
  switch (tool.type) {
    case 'code_interpreter':
      return u.codeInterpreterCalls;
    case 'image_generation':
      return u.imageGenerationCalls;
    case 'document_library':
      return u.fileSearchCalls;
    case 'web_search':
    case 'web_search_premium': {
      const named = WEB_SEARCH_TOOLS.reduce((n, name) => n + countOf(u.toolExecutionsByName, name), 0);
      if (named > 0) return countOf(u.toolExecutionsByName, tool.type);
      // No executions by name for either: fall back to the shared counter, which can be attributed
      // only when the agent has one of the two tools (or when it is zero: neither was used).
      if (u.webSearchCalls === 0 || !bothWebTools) return u.webSearchCalls;
      return null;
    }
    case 'function':
      return u.functionCallsByName[tool.function?.name ?? ''] ?? 0;
    case 'connector': {
      const n = u.toolExecutionsByName[tool.connector_id];
      return n === undefined || n === 0 ? null : n;
    }
    default:
      return null;
  }
}

/** What makes two tools "the same tool" across versions: type, plus function name or connector id. */
function toolIdentity(tool: WireTool): string {
  if (tool.type === 'function') return `function\u0000${tool.function?.name ?? ''}`;
  if (tool.type === 'connector') return `connector\u0000${tool.connector_id}`;
  return tool.type;
}

/**
 * When a version was made: the later of its created_at and updated_at (a version record may repeat
 * the agent's created_at; versions are immutable, so updated_at is when the version was made).
 */
function versionTime(config: AgentConfig): number | null {
  const times = [config.createdAt, config.updatedAt]
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  return times.length === 0 ? null : Math.max(...times);
}

/**
 * Whole days the tool has been on the agent: since the earliest version holding a tool of the same
 * identity. null when that cannot be told (no version history, an earlier version missing from it, or
 * no parsable time), in which case the tool is judged over the whole window, as before.
 */
function daysPresent(agent: AgentRecord, tool: WireTool, now: Date): number | null {
  if (agent.versionHistory.length === 0) return null;
  const configs: AgentConfig[] = [...agent.versionHistory];
  if (!configs.some((c) => c.version === agent.version)) configs.push(agent);
  const id = toolIdentity(tool);
  const holding = configs
    .filter((c) => c.tools.some((t) => toolIdentity(t) === id))
    .sort((a, b) => a.version - b.version);
  if (holding.length === 0) return null;
  const earliest = holding[0];
  const known = new Set(configs.map((c) => c.version));
  if (agent.versions.some((v) => v < earliest.version && !known.has(v))) return null;
  const t = versionTime(earliest);
  if (t === null) return null;
  return Math.max(0, Math.floor((now.getTime() - t) / DAY_MS));
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      if (!isAvailable(ctx.snapshot, 'usage') || agent.usage === null) {
        return unknown(
          `Usage metrics are ${agent.usage === null && isAvailable(ctx.snapshot, 'usage') ? 'missing for this agent' : availabilityWord(ctx.snapshot, 'usage')}, so tool use is unknown.`,
        );
      }
      const bad = malformed(agent, ['usage']);
      if (bad) return bad;
      const u = agent.usage.last90Days;
      if (!activeInWindow(agent.usage, ctx.now)) return null; // not active: mistral_agent_dormant reports it
      const withHistory = isAvailable(ctx.snapshot, 'versions');
      const bothWebTools = WEB_SEARCH_TOOLS.every((w) => agent.tools.some((t) => t.type === w));
      /** label: for evidence; shown: for the detail, with how long a recent tool has been present. */
      type Seen = { label: string; shown: string };
      const unused: Seen[] = [];
      const unmeasured: Seen[] = [];
      const notYetJudged: Seen[] = [];
      /** Tools present for less than the 90-day window: label → whole days present. */
      const presentDays: Record<string, number> = {};
      for (const tool of agent.tools) {
        const label = toolLabel(tool);
        const days = withHistory ? daysPresent(agent, tool, ctx.now) : null;
        if (days === null || days >= ACTIVITY_WINDOW_DAYS) {
          const calls = callsOf(tool, u, bothWebTools);
          if (calls === null) unmeasured.push({ label, shown: label });
          else if (calls === 0) unused.push({ label, shown: label });
          continue;
        }
        presentDays[label] = days;
        const seen = { label, shown: `${label} (present for ${plural(days, 'day')})` };
        if (days < MIN_TOOL_PRESENCE_DAYS) {
          notYetJudged.push(seen);
          continue;
        }
        const calls = callsOf(tool, u, bothWebTools);
        if (calls === null) unmeasured.push(seen);
        else if (calls === 0) unused.push(seen);
      }
      const facts: Record<string, unknown> = {
        runs90d: u.totalRuns,
        unused: unused.map((t) => t.label),
        unmeasured: unmeasured.map((t) => t.label),
      };
      if (Object.keys(presentDays).length > 0) facts.presentDays = presentDays;
      if (notYetJudged.length > 0) facts.notYetJudged = notYetJudged.map((t) => t.label);
      const shown = (ts: Seen[]): string => listWords(ts.map((t) => t.shown));
      const recentNote =
        notYetJudged.length === 0
          ? ''
          : ` ${shown(notYetJudged)} ${notYetJudged.length === 1 ? 'is' : 'are'} not judged yet (present for less than ${MIN_TOOL_PRESENCE_DAYS} days).`;
      if (unused.length > 0) {
        return fail(
          `In ${u.totalRuns > 0 ? plural(u.totalRuns, 'run') : plural(u.totalConversations, 'conversation')} over 90 days the agent never used ${shown(unused)}.${recentNote}`,
          facts,
        );
      }
      if (unmeasured.length > 0)
        return unknown(
          `Use of ${shown(unmeasured)} cannot be measured; every other tool was used.${recentNote}`,
          facts,
        );
      const judged = agent.tools.length - notYetJudged.length;
      return passUnlessFlagged(
        agent,
        ['tools'],
        pass(
          notYetJudged.length === 0
            ? `Every tool (${agent.tools.length}) was used in the last 90 days.`
            : `Every tool judged (${judged}) was used in the last 90 days.${recentNote}`,
          facts,
        ),
      );
    }),
};
