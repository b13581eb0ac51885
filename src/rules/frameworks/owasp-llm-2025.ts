import type { FrameworkDefinition } from './types.ts';

/** OWASP Top 10 for LLM Applications, 2025 edition (titles paraphrased). */
export const OWASP_LLM_2025: FrameworkDefinition = {
  key: 'owasp-llm-2025',
  name: 'OWASP Top 10 for LLM Applications 2025',
  url: 'https://genai.owasp.org/llm-top-10/',
  requirements: {
    LLM01: 'Prompt injection: crafted input changes what the model does',
    LLM02: 'Sensitive information disclosure: the model reveals private or secret data',
    LLM03: 'Supply chain: weaknesses in third-party models, data or components',
    LLM04: 'Data and model poisoning: tampered training or retrieval data',
    LLM05: 'Improper output handling: model output trusted downstream without checks',
    LLM06: 'Excessive agency: the model can act with more power than it needs',
    LLM07: 'System prompt leakage: instructions expose secrets or internal logic',
    LLM08: 'Vector and embedding weaknesses: flaws in retrieval stores',
    LLM09: 'Misinformation: wrong but convincing output is relied upon',
    LLM10: 'Unbounded consumption: uncontrolled use of model resources',
  },
};
