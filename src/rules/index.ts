/** Rules: pure functions of a snapshot. Public face of src/rules. */
export { RULES, evaluateAll, getRule, ruleMetas } from './catalog.ts';
export type { EvaluateOptions } from './catalog.ts';
export { FRAMEWORKS, requirementTitle } from './frameworks/index.ts';
export type { FrameworkDefinition, FrameworkKey } from './frameworks/index.ts';
export {
  GUARDRAIL_LEVEL,
  GUARDRAIL_LEVEL_LABELS,
  LAX_THRESHOLD,
  compareGuardrailStrength,
  guardrailStrength,
} from './guardrail-strength.ts';
export type { GuardrailConfigView, GuardrailStrength } from './guardrail-strength.ts';
export { findSecrets } from './secret-scanner.ts';
export type { SecretKind, SecretLocation } from './secret-scanner.ts';
// Thresholds of the organization rules (issue 11), for views that show the same judgement.
export { KEY_EXPIRY_WARNING_DAYS } from './checks/mistral-integration-key-expiring.ts';
export { KEY_UNUSED_AFTER_DAYS } from './checks/mistral-integration-api-key-unused.ts';
export { KEY_MAX_LIFETIME_DAYS } from './checks/mistral-integration-api-key-old.ts';
export {
  MAX_ORG_ADMINS,
  MAX_ORG_ADMIN_SHARE,
  adminLimit,
} from './checks/mistral-integration-admins-excessive.ts';
export { INVITE_STALE_AFTER_DAYS } from './checks/mistral-integration-invite-stale.ts';
