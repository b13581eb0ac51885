import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents, fail, listWords, malformed, pass, plural, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_fail_open',
  title: 'Agent guardrails fail open',
  resourceType: 'agent',
  severity: 'medium',
  description:
    'A blocking guardrail policy has block_on_error false (the API default): when the moderation call itself errors or times out, the request goes through unmoderated.',
  risk: 'Medium: protection silently disappears during moderation outages, and an attacker who can make moderation fail (oversized or malformed input) bypasses it. The guardrail still works in normal operation, hence not high.',
  remediation: {
    text: 'Set block_on_error to true on every blocking policy, so a moderation error blocks the request (HTTP 403) instead of letting it through.',
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [owaspLlm('LLM01'), owaspAgentic('T4'), nist('MEASURE 2.7'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['guardrails']);
      if (bad) return bad;
      const policies = policiesOf(agent);
      const blocking = policies
        .map((p, i) => ({ p, n: i + 1 }))
        .filter(({ p }) => p.format !== 'unknown' && p.blocks);
      const unreadable = policies.filter((p) => p.format === 'unknown').length;
      const open = blocking.filter(({ p }) => !p.blockOnError).map(({ n }) => n);
      if (open.length > 0) {
        return fail(
          `Blocking ${open.length === 1 ? 'policy' : 'policies'} ${listWords(open.map(String))} ${open.length === 1 ? 'has' : 'have'} block_on_error false, so a moderation error lets requests through.`,
          { failOpenPolicies: open },
        );
      }
      if (unreadable > 0) {
        return unknown(
          `${plural(unreadable, 'policy', 'policies')} could not be read, so fail-open behaviour cannot be ruled out.`,
          {
            unreadablePolicies: unreadable,
          },
        );
      }
      if (blocking.length === 0) return null; // nothing blocks: mistral_agent_guardrails_not_blocking / _missing report it
      return pass(`Every blocking policy (${blocking.length}) has block_on_error true.`, {
        blockingPolicies: blocking.length,
      });
    }),
};
