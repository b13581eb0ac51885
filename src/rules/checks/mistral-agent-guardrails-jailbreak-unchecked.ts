import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { judgeCategoryChecked } from '../guardrail-category-check.ts';
import { LAX_THRESHOLD } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { evaluateAgents } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_jailbreak_unchecked',
  title: 'Agent guardrails do not check jailbreaking',
  resourceType: 'agent',
  severity: 'high',
  description: `No blocking guardrail policy checks the jailbreaking category with a usable threshold. This happens with no guardrails, with moderation_llm_v1 only (it has no jailbreaking category), when ignore_other_categories is true and jailbreaking has no threshold, when the flat format disables it, or when its threshold is above ${LAX_THRESHOLD} (LAX_THRESHOLD: thresholds are 0–1, lower is stricter, and above ${LAX_THRESHOLD} only near-certain attacks are blocked).`,
  risk: 'High: jailbreak and prompt-injection attempts are the main way to turn an agent against its instructions (leak data, misuse tools). Moderation of other categories does not detect them.',
  remediation: {
    text: `Use moderation_llm_v2 with a jailbreaking threshold of ${LAX_THRESHOLD} or lower (0.2 recommended) on a blocking policy.`,
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC, 'https://genai.owasp.org/llmrisk/llm01-prompt-injection/'],
  compliance: [
    owaspLlm('LLM01'),
    owaspAgentic('T6'),
    atlas('AML.T0054'),
    atlas('AML.T0051.000'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => evaluateAgents(ctx, meta, (agent) => judgeCategoryChecked(agent, 'jailbreaking')),
};
