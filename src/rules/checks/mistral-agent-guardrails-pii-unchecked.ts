import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { judgeCategoryChecked } from '../guardrail-category-check.ts';
import { LAX_THRESHOLD } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_pii_unchecked',
  title: 'Agent guardrails do not check personal data',
  resourceType: 'agent',
  severity: 'medium',
  description: `No blocking guardrail policy checks the pii category with a usable threshold: no guardrails, ignore_other_categories true without a pii threshold, pii disabled in the flat format, or a pii threshold above ${LAX_THRESHOLD} (LAX_THRESHOLD).`,
  risk: 'Medium: users can paste personal data into the agent, where it is processed, possibly stored in conversations and passed to tools. It is a privacy and compliance exposure rather than a direct compromise.',
  remediation: {
    text: `Evaluate pii with a threshold of ${LAX_THRESHOLD} or lower (0.3 recommended) on a blocking policy.`,
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [owaspLlm('LLM02'), atlas('AML.T0057'), nist('MEASURE 2.10'), euAiAct('Art. 10')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => evaluateAgents(ctx, meta, (agent) => judgeCategoryChecked(agent, 'pii')),
};
