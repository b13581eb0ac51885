import type { FrameworkRef } from '../../findings/types.ts';
import { EU_AI_ACT } from './eu-ai-act.ts';
import { MITRE_ATLAS } from './mitre-atlas.ts';
import { NIST_AI_RMF } from './nist-ai-rmf.ts';
import { OWASP_AGENTIC } from './owasp-agentic.ts';
import { OWASP_LLM_2025 } from './owasp-llm-2025.ts';
import type { FrameworkDefinition, FrameworkKey } from './types.ts';

export type { FrameworkDefinition, FrameworkKey } from './types.ts';

/** Every framework we map to (exhaustive over FrameworkRef['framework']). */
export const FRAMEWORKS: Readonly<Record<FrameworkKey, FrameworkDefinition>> = {
  'owasp-llm-2025': OWASP_LLM_2025,
  'owasp-agentic': OWASP_AGENTIC,
  'mitre-atlas': MITRE_ATLAS,
  'nist-ai-rmf': NIST_AI_RMF,
  'eu-ai-act': EU_AI_ACT,
};

/** The short title of a mapped requirement, or null when the framework does not list it. */
export function requirementTitle(ref: FrameworkRef): string | null {
  return FRAMEWORKS[ref.framework]?.requirements[ref.id] ?? null;
}

/** Shorthands for compliance mappings in rule metadata. */
export const owaspLlm = (id: string): FrameworkRef => ({ framework: 'owasp-llm-2025', id });
export const owaspAgentic = (id: string): FrameworkRef => ({ framework: 'owasp-agentic', id });
export const atlas = (id: string): FrameworkRef => ({ framework: 'mitre-atlas', id });
export const nist = (id: string): FrameworkRef => ({ framework: 'nist-ai-rmf', id });
export const euAiAct = (id: string): FrameworkRef => ({ framework: 'eu-ai-act', id });
