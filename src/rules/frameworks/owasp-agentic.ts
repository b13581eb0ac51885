import type { FrameworkDefinition } from './types.ts';

/** OWASP Agentic AI: Threats and Mitigations (agentic threat taxonomy T1–T15; titles paraphrased). */
export const OWASP_AGENTIC: FrameworkDefinition = {
  key: 'owasp-agentic',
  name: 'OWASP Agentic AI Threats and Mitigations',
  url: 'https://genai.owasp.org/resource/agentic-ai-threats-and-mitigations/',
  requirements: {
    T1: 'Memory poisoning: corrupting what the agent remembers or retrieves',
    T2: 'Tool misuse: steering the agent into harmful use of its tools',
    T3: 'Privilege compromise: the agent holds or gains more rights than intended',
    T4: 'Resource overload: exhausting the compute or services an agent depends on',
    T5: 'Cascading hallucinations: false output spreading through agent actions',
    T6: 'Intent breaking and goal manipulation: redirecting what the agent tries to achieve',
    T7: 'Misaligned and deceptive behaviour: the agent pursues harmful means',
    T8: 'Repudiation and untraceability: agent actions that cannot be attributed',
    T9: 'Identity spoofing: impersonating an agent or a user',
    T10: 'Overwhelming the human in the loop: oversight that cannot keep up',
    T11: 'Unexpected code execution: the agent runs attacker-influenced code',
    T12: 'Agent communication poisoning: tampering with messages between agents',
    T13: 'Rogue agents: a compromised or unmanaged agent in the system',
    T14: 'Human attacks on multi-agent systems: abusing delegation and trust between agents',
    T15: 'Human manipulation: the agent is used to deceive its users',
  },
};
