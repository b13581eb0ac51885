import type { FrameworkDefinition } from './types.ts';

/** MITRE ATLAS techniques referenced by our rules (titles paraphrased). */
export const MITRE_ATLAS: FrameworkDefinition = {
  key: 'mitre-atlas',
  name: 'MITRE ATLAS',
  url: 'https://atlas.mitre.org/techniques',
  requirements: {
    'AML.T0010': 'Supply chain compromise of AI components',
    'AML.T0012': 'Valid accounts: an adversary signs in with legitimate credentials',
    'AML.T0051': 'LLM prompt injection',
    'AML.T0051.000': 'Direct prompt injection by the user',
    'AML.T0051.001': 'Indirect prompt injection through retrieved content',
    'AML.T0053': 'Abuse of the tools and plugins an LLM can call',
    'AML.T0054': "LLM jailbreak: bypassing the model's safety controls",
    'AML.T0055': 'Credentials left unsecured where an adversary can read them',
    'AML.T0056': 'Extraction of the system prompt',
    'AML.T0057': 'LLM data leakage: the model discloses sensitive data',
  },
};
