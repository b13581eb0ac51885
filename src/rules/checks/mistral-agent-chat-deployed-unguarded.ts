import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { blockingPolicies, hasGuardrails, policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents, fail, malformed, pass, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_chat_deployed_unguarded',
  title: 'Agent deployed to Le Chat without blocking guardrails',
  resourceType: 'agent',
  severity: 'critical',
  description:
    "The agent is deployed to chat (deployment_chat true), where the organisation's users talk to it directly, and it has no guardrails or none that block.",
  risk: 'Critical: a chat deployment puts the agent in front of many people with its tools and knowledge bases, and nothing screens what they send: jailbreaks, prompt injection and harmful requests reach the model at scale.',
  remediation: {
    text: 'Attach a blocking, fail-closed guardrail before keeping the agent in chat, or remove it from chat until it has one.',
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [
    owaspLlm('LLM01'),
    owaspAgentic('T15'),
    atlas('AML.T0051.000'),
    atlas('AML.T0054'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
    euAiAct('Art. 26'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['guardrails', 'deployment_chat']);
      if (bad) return bad;
      if (!agent.deploymentChat) return pass('The agent is not deployed to chat.', { deploymentChat: false });
      if (blockingPolicies(agent).length > 0)
        return pass('The agent is deployed to chat behind a blocking guardrail.', { deploymentChat: true });
      if (policiesOf(agent).some((p) => p.format === 'unknown')) {
        return unknown(
          'The agent is deployed to chat and a guardrail policy could not be read to tell whether it blocks.',
          { deploymentChat: true },
        );
      }
      const what = hasGuardrails(agent) ? 'guardrails that do not block' : 'no guardrails';
      return fail(`The agent is deployed to chat with ${what}.`, {
        deploymentChat: true,
        guardrails: hasGuardrails(agent),
      });
    }),
};
