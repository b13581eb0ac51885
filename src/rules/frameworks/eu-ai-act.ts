import type { FrameworkDefinition } from './types.ts';

/** EU AI Act (Regulation (EU) 2024/1689) articles referenced by our rules (titles paraphrased). */
export const EU_AI_ACT: FrameworkDefinition = {
  key: 'eu-ai-act',
  name: 'EU AI Act (Regulation (EU) 2024/1689)',
  url: 'https://eur-lex.europa.eu/eli/reg/2024/1689/oj',
  requirements: {
    'Art. 9': "Run a risk management process over the system's lifetime",
    'Art. 10': 'Govern the data the system uses',
    'Art. 14': 'Design for effective human oversight',
    'Art. 15': 'Ensure accuracy, robustness and cybersecurity',
    'Art. 26': 'Deployers use and monitor the system as instructed',
    'Art. 72': 'Monitor the system after it is placed on the market',
  },
};
