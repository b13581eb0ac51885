import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import type { AgentRecord } from '../../inventory/types.ts';
import type { Verdict } from '../rule-helpers.ts';
import { evaluateAgents, fail, listWords, pass, passUnlessFlagged, toolLabel } from '../rule-helpers.ts';

/**
 * Tools that act on other systems and accept tool_configuration.requires_confirmation. Functions are
 * excluded: they have no tool_configuration and run in the caller's code, which decides itself.
 */
export const CONFIRMABLE_ACTION_TOOLS: readonly string[] = ['connector', 'code_interpreter'];

export const meta: RuleMeta = {
  id: 'mistral_agent_connector_unconfirmed',
  title: 'Agent action tools run without human confirmation',
  resourceType: 'agent',
  severity: 'medium',
  description: `A tool that acts (${CONFIRMABLE_ACTION_TOOLS.join(', ')}) has no tool_configuration.requires_confirmation, or its include list names tools that are not in requires_confirmation, so the agent runs them without asking the user first.`,
  risk: 'Medium: a manipulated or mistaken agent can send mail, change records or run code with no human in the loop; the damage depends on what the connector can reach, which TrustLens cannot see.',
  remediation: {
    text: "List the connector's state-changing tools in tool_configuration.requires_confirmation (and restrict it with include), so each call needs the user's approval.",
    patchAgentBody: {
      tools: [
        {
          type: 'connector',
          connector_id: '<connector id>',
          tool_configuration: { requires_confirmation: ['<tool name>'] },
        },
      ],
    },
  },
  references: [MISTRAL_AGENTS_DOC],
  compliance: [
    owaspLlm('LLM06'),
    owaspAgentic('T2'),
    owaspAgentic('T10'),
    owaspAgentic('T11'),
    nist('MAP 3.5'),
    euAiAct('Art. 14'),
  ],
};

function unconfirmed(tool: WireTool): string | null {
  if (tool.type === 'function') return null;
  const conf = tool.tool_configuration ?? null;
  const confirm = conf?.requires_confirmation ?? [];
  if (confirm.length === 0) return `${toolLabel(tool)} has no requires_confirmation`;
  const missing = (conf?.include ?? []).filter((name) => !confirm.includes(name));
  if (missing.length > 0) return `${toolLabel(tool)} includes ${listWords(missing)} without confirmation`;
  return null;
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) => evaluateAgents(ctx, meta, (agent) => passUnlessFlagged(agent, ['tools'], judge(agent))),
};

function judge(agent: AgentRecord): Verdict {
  const acting = agent.tools.filter((t) => CONFIRMABLE_ACTION_TOOLS.includes(t.type));
  if (acting.length === 0)
    return pass('The agent has no connector or code interpreter tool.', { actionTools: 0 });
  const problems = acting.map(unconfirmed).filter((p): p is string => p !== null);
  if (problems.length > 0)
    return fail(`Action tools run without confirmation: ${listWords(problems)}.`, { problems });
  return pass(`Every action tool (${acting.map(toolLabel).join(', ')}) requires confirmation.`, {
    actionTools: acting.length,
  });
}
