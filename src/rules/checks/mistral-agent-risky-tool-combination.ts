import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { blockingPolicies, policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import type { AgentRecord } from '../../inventory/types.ts';
import type { Verdict } from '../rule-helpers.ts';
import {
  evaluateAgents,
  fail,
  listWords,
  malformed,
  pass,
  passUnlessFlagged,
  toolLabel,
  unknown,
} from '../rule-helpers.ts';

/** Tools that bring untrusted content into the context (indirect prompt injection). */
export const UNTRUSTED_INPUT_TOOLS: readonly string[] = ['web_search', 'web_search_premium'];
/** Tools that act on the world (call code or external systems). */
export const ACTION_TOOLS: readonly string[] = ['function', 'connector', 'code_interpreter'];
/** Tools that expose sensitive data to the model. */
export const SENSITIVE_DATA_TOOLS: readonly string[] = ['document_library'];

export const meta: RuleMeta = {
  id: 'mistral_agent_risky_tool_combination',
  title: 'Agent combines untrusted web input with actions or private data, without blocking guardrails',
  resourceType: 'agent',
  severity: 'high',
  description: `The agent has a tool that reads untrusted content (${UNTRUSTED_INPUT_TOOLS.join(', ')}) together with tools that act (${ACTION_TOOLS.join(', ')}) and/or tools that expose private data (${SENSITIVE_DATA_TOOLS.join(', ')}), and no guardrail policy blocks.`,
  risk: 'High: a web page can carry instructions (indirect prompt injection) that the agent then follows with its action tools, or uses to exfiltrate library content (the "lethal trifecta" of untrusted input, private data and a way out). Blocking guardrails are the only built-in screen; note they moderate user input only.',
  remediation: {
    text: 'Split the agent (one agent searches the web, another acts or reads private libraries), or remove the tools it does not need; add a blocking guardrail with a strict jailbreaking threshold and require confirmation for action tools.',
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC, 'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/'],
  compliance: [
    owaspLlm('LLM01'),
    owaspLlm('LLM06'),
    owaspAgentic('T2'),
    owaspAgentic('T6'),
    atlas('AML.T0051.001'),
    atlas('AML.T0053'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => evaluateAgents(ctx, meta, (agent) => passUnlessFlagged(agent, ['tools'], judge(agent))),
};

function judge(agent: AgentRecord): Verdict {
  const bad = malformed(agent, ['guardrails']);
  if (bad) return bad;
  const untrusted = agent.tools.filter((t) => UNTRUSTED_INPUT_TOOLS.includes(t.type)).map(toolLabel);
  const actions = agent.tools.filter((t) => ACTION_TOOLS.includes(t.type)).map(toolLabel);
  const sensitive = agent.tools.filter((t) => SENSITIVE_DATA_TOOLS.includes(t.type)).map(toolLabel);
  const facts = { untrustedInput: untrusted, actions, sensitiveData: sensitive };
  if (untrusted.length === 0 || (actions.length === 0 && sensitive.length === 0)) {
    return pass('The agent does not combine web input with action or private-data tools.', facts);
  }
  const combo = `${listWords(untrusted)} with ${listWords([...actions, ...sensitive])}`;
  if (blockingPolicies(agent).length > 0)
    return pass(`The agent combines ${combo}, behind a blocking guardrail.`, facts);
  if (policiesOf(agent).some((p) => p.format === 'unknown')) {
    return unknown(
      `The agent combines ${combo}, and a guardrail policy could not be read to tell whether it blocks.`,
      facts,
    );
  }
  return fail(`The agent combines ${combo}, with no blocking guardrail.`, facts);
}
