import type { FrameworkDefinition } from './types.ts';

/** NIST AI Risk Management Framework 1.0 subcategories referenced by our rules (titles paraphrased). */
export const NIST_AI_RMF: FrameworkDefinition = {
  key: 'nist-ai-rmf',
  name: 'NIST AI Risk Management Framework 1.0',
  url: 'https://www.nist.gov/itl/ai-risk-management-framework',
  requirements: {
    'GOVERN 1.6': 'Keep an inventory of AI systems',
    'GOVERN 1.7': 'Retire AI systems safely when they are no longer needed',
    'GOVERN 2.1': 'Assign and document who is responsible for each AI system',
    'GOVERN 6.1': 'Manage risks that come from third-party AI components',
    'MAP 3.5': "Define how humans oversee the system's actions",
    'MEASURE 2.7': 'Evaluate and document security and resilience',
    'MEASURE 2.10': 'Examine and document privacy risk',
    'MANAGE 3.1': 'Monitor third-party AI resources and their risks',
    'MANAGE 4.1': 'Monitor deployed systems, including changes and incidents',
  },
};
