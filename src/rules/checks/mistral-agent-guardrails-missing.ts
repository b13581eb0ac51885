import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents, fail, malformed, pass, plural } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_missing',
  title: 'Agent has no guardrails',
  resourceType: 'agent',
  severity: 'high',
  description:
    'The agent has no guardrail configuration (guardrails is null or empty), so Mistral does not moderate its input at all.',
  risk: 'High: without guardrails any prompt reaches the model, including jailbreak and prompt-injection attempts and requests for harmful content; nothing stops the agent from acting on them. It is not critical on its own because exposure depends on who can reach the agent (see mistral_agent_chat_deployed_unguarded).',
  remediation: {
    text: "Attach a blocking moderation_llm_v2 guardrail with block_on_error true and strict jailbreaking and pii thresholds. The body below replaces the agent's guardrails and creates a new version; move deployment aliases to it.",
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [
    owaspLlm('LLM01'),
    owaspAgentic('T6'),
    atlas('AML.T0054'),
    atlas('AML.T0051'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      // A guardrails warning is moot when every policy was read (rule-helpers: flaggedFields); with
      // null guardrails it means the raw value held nothing readable, so "no guardrails" is not proven.
      const bad = malformed(agent, ['guardrails']);
      if (bad) return bad;
      if (agent.guardrails === null)
        return fail('The agent has no guardrails, so its input is not moderated.', { guardrails: null });
      const n = policiesOf(agent).length;
      return pass(`The agent has ${plural(n, 'guardrail policy', 'guardrail policies')}.`, {
        policyCount: n,
      });
    }),
};
