import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { AgentUsage } from '../../inventory/types.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import {
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

export const meta: RuleMeta = {
  id: 'mistral_agent_unused_tool',
  title: 'Agent has a tool it never used in 90 days',
  resourceType: 'agent',
  severity: 'low',
  description:
    'The agent was active in the last 90 days (a run, a conversation, or any activity) but never called one of its tools in that time (usage.last90Days): code_interpreter, image_generation and document_library by their call counters, web_search and web_search_premium together by web search calls, functions by name. Connectors are counted only when their executions carry the connector id; otherwise they are reported as not measurable. Agents with no run in 90 days are left to mistral_agent_dormant.',
  risk: 'Low: an unused tool is attack surface with no benefit; if the agent is manipulated it can still use it (least privilege).',
  remediation: {
    text: 'Remove the tools the agent does not use (a new version), and keep the tool list to what its task needs.',
    patchAgentBody: { tools: ['<the tools the agent uses>'] },
  },
  references: [MISTRAL_AGENTS_DOC, 'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/'],
  compliance: [owaspLlm('LLM06'), owaspAgentic('T3'), nist('GOVERN 1.6'), euAiAct('Art. 9')],
};

/** Calls of a tool in the last 90 days, or null when they cannot be attributed to it. */
function callsOf(tool: WireTool, u: AgentUsage['last90Days']): number | null {
  switch (tool.type) {
    case 'code_interpreter':
      return u.codeInterpreterCalls;
    case 'image_generation':
      return u.imageGenerationCalls;
    case 'document_library':
      return u.fileSearchCalls;
    case 'web_search':
    case 'web_search_premium':
      return u.webSearchCalls;
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
      const unused: string[] = [];
      const unmeasured: string[] = [];
      for (const tool of agent.tools) {
        const calls = callsOf(tool, u);
        if (calls === null) unmeasured.push(toolLabel(tool));
        else if (calls === 0) unused.push(toolLabel(tool));
      }
      const facts = { runs90d: u.totalRuns, unused, unmeasured };
      if (unused.length > 0) {
        return fail(
          `In ${u.totalRuns > 0 ? plural(u.totalRuns, 'run') : plural(u.totalConversations, 'conversation')} over 90 days the agent never used ${listWords(unused)}.`,
          facts,
        );
      }
      if (unmeasured.length > 0)
        return unknown(
          `Use of ${listWords(unmeasured)} cannot be measured; every other tool was used.`,
          facts,
        );
      return passUnlessFlagged(
        agent,
        ['tools'],
        pass(`Every tool (${agent.tools.length}) was used in the last 90 days.`, facts),
      );
    }),
};
