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
