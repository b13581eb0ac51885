/**
 * Ready-made remediation payloads. TrustLens never sends them: the user reviews and applies them.
 * Wire shape per mistral-api.md §4.3/§20 (guardrails is an array of GuardrailConfig; moderation_llm_v2
 * is an object; thresholds are numbers, lower = stricter).
 */

/** Thresholds we recommend: strict on abuse, jailbreaking and pii; looser on advice-like categories. */
export const RECOMMENDED_THRESHOLDS: Readonly<Record<string, number>> = {
  sexual: 0.3,
  hate_and_discrimination: 0.3,
  violence_and_threats: 0.3,
  dangerous: 0.3,
  criminal: 0.3,
  selfharm: 0.3,
  health: 0.5,
  financial: 0.5,
  law: 0.5,
  pii: 0.3,
  jailbreaking: 0.2,
};

/**
 * PATCH /v1/agents/{agent_id} body attaching one blocking, fail-closed moderation_llm_v2 guardrail.
 * Note: it REPLACES the agent's guardrails list (and creates a new agent version).
 */
export function recommendedGuardrailsPatch(): Record<string, unknown> {
  return {
    guardrails: [
      {
        block_on_error: true,
        moderation_llm_v2: {
          custom_category_thresholds: { ...RECOMMENDED_THRESHOLDS },
          ignore_other_categories: false,
          action: 'block',
        },
      },
    ],
  };
}

export const GUARDRAILS_CONSOLE_STEPS: readonly string[] = [
  'Open the agent in Mistral AI Studio (console.mistral.ai) > Agents.',
  'Under Guardrails, enable moderation with the current (v2) model and set the action to block.',
  'Enable jailbreaking and pii with a strict threshold (0.3 or lower), and turn on "block on error".',
  'Save: this creates a new agent version; move your deployment aliases to it.',
];

export const MISTRAL_GUARDRAILS_DOC = 'https://docs.mistral.ai/capabilities/guardrailing/';
export const MISTRAL_AGENTS_DOC = 'https://docs.mistral.ai/agents/introduction/';
