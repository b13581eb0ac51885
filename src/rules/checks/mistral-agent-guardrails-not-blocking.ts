import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { blockingPolicies, hasGuardrails, policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents, fail, listWords, malformed, pass, plural, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_not_blocking',
  title: 'Agent guardrails do not block anything',
  resourceType: 'agent',
  severity: 'high',
  description:
    'The agent has guardrails, but no policy has action "block" (the action is "none", "flag" or absent). Mistral guardrails can only block; "flag" is not a Mistral action and does nothing.',
  risk: 'High: the configuration looks protected in a review while every request still reaches the model, which is as exposed as an agent with no guardrails and harder to notice.',
  remediation: {
    text: 'Set action to "block" on the agent\'s moderation policy (inside moderation_llm_v2), with block_on_error true. The body below replaces the guardrails with a recommended blocking policy.',
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [
    owaspLlm('LLM01'),
    owaspAgentic('T6'),
    atlas('AML.T0054'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['guardrails']);
      if (bad) return bad;
      if (!hasGuardrails(agent)) return null; // mistral_agent_guardrails_missing reports it
      const policies = policiesOf(agent);
      const blocking = blockingPolicies(agent);
      if (blocking.length > 0) {
        return pass(`${plural(blocking.length, 'policy blocks', 'policies block')} of ${policies.length}.`, {
          blockingPolicies: blocking.length,
        });
      }
      const unreadable = policies.filter((p) => p.format === 'unknown').length;
      if (unreadable > 0) {
        return unknown(
          `No readable policy blocks and ${plural(unreadable, 'policy', 'policies')} could not be read.`,
          {
            unreadablePolicies: unreadable,
          },
        );
      }
      const actions = policies.map(
        (p, i) => `policy ${i + 1} action ${p.action === null ? 'absent' : `"${p.action}"`}`,
      );
      return fail(`No guardrail policy blocks: ${listWords(actions)}.`, {
        actions: policies.map((p) => p.action),
      });
    }),
};
