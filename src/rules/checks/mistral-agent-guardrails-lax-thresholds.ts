import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { LAX_THRESHOLD, laxCategories, policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents, fail, listWords, malformed, pass, plural, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_lax_thresholds',
  title: 'Agent guardrail thresholds block almost nothing',
  resourceType: 'agent',
  severity: 'medium',
  description: `A blocking policy evaluates a category with a threshold above ${LAX_THRESHOLD} (LAX_THRESHOLD), or evaluates no category at all. Thresholds are 0–1 and lower is stricter: above ${LAX_THRESHOLD} only near-certain violations are blocked, so the category blocks almost nothing in practice. A threshold left null uses the model default and is not lax.`,
  risk: 'Medium: the guardrail gives an impression of coverage while most harmful or manipulative input in those categories passes; the impact depends on which categories are loosened (jailbreaking and pii have their own rules).',
  remediation: {
    text: `Lower the listed thresholds to ${LAX_THRESHOLD} or less (or set them to null to use the model default), and make sure each blocking policy evaluates at least one category.`,
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [owaspLlm('LLM01'), atlas('AML.T0054'), nist('MEASURE 2.7'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['guardrails']);
      if (bad) return bad;
      const policies = policiesOf(agent);
      const lax = laxCategories(agent);
      const empty = policies
        .map((p, i) => ({ p, n: i + 1 }))
        .filter(
          ({ p }) =>
            p.format !== 'unknown' && p.blocks && !Object.values(p.categories).some((c) => c.evaluated),
        )
        .map(({ n }) => n);
      if (lax.length > 0 || empty.length > 0) {
        const parts = [
          ...lax.map((l) => `${l.category} ${l.threshold} (policy ${l.policyIndex + 1})`),
          ...empty.map((n) => `policy ${n} evaluates no category`),
        ];
        return fail(`Lax guardrail thresholds above ${LAX_THRESHOLD}: ${listWords(parts)}.`, {
          laxThreshold: LAX_THRESHOLD,
          lax: lax.map((l) => ({ policy: l.policyIndex + 1, category: l.category, threshold: l.threshold })),
          policiesEvaluatingNothing: empty,
        });
      }
      const unreadable = policies.filter((p) => p.format === 'unknown').length;
      if (unreadable > 0) {
        return unknown(
          `${plural(unreadable, 'policy', 'policies')} could not be read, so their thresholds are unknown.`,
          {
            unreadablePolicies: unreadable,
          },
        );
      }
      const blocking = policies.filter((p) => p.blocks).length;
      if (blocking === 0) return null; // nothing blocks: thresholds are moot (reported by not_blocking / missing)
      return pass(`No blocking policy has a threshold above ${LAX_THRESHOLD}.`, {
        laxThreshold: LAX_THRESHOLD,
      });
    }),
};
