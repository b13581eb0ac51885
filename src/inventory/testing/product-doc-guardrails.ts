/**
 * The product document's "Example guardrails object for a Mistral agent", verbatim (test data only).
 * Its policy uses the flattened shape (moderation_llm_v2 as a model-name string, {enabled} flags),
 * which the official SDK rejects and TrustLens must still normalise.
 */
export const PRODUCT_DOC_GUARDRAIL_POLICY = {
  block_on_error: true,
  moderation_llm_v2: 'mistral-moderation-2411',
  action: 'block',
  ignore_other_categories: false,
  custom_category_thresholds: {
    sexual: 0.1,
    hate_and_discrimination: 0.1,
    violence_and_threats: 0.1,
    dangerous: 0.1,
    criminal: 0.1,
    selfharm: 0.1,
    health: 0.5,
    financial: 0.5,
    jailbreaking: 0.1,
    pii: 0.2,
  },
  jailbreaking: { enabled: true },
  pii: { enabled: true },
};

export const PRODUCT_DOC_GUARDRAILS = {
  provider: 'mistral',
  scope: 'agent',
  policy_count: 1,
  policies: [PRODUCT_DOC_GUARDRAIL_POLICY],
};
