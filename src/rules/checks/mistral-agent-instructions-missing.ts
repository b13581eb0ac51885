import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import { evaluateAgents, fail, malformed, pass } from '../rule-helpers.ts';

/** Instructions shorter than this (after trimming whitespace) are "trivially short". */
export const MIN_INSTRUCTIONS_LENGTH = 40;

export const meta: RuleMeta = {
  id: 'mistral_agent_instructions_missing',
  title: 'Agent has no meaningful instructions',
  resourceType: 'agent',
  severity: 'low',
  description: `The agent's instructions are null, empty, or shorter than ${MIN_INSTRUCTIONS_LENGTH} characters after trimming (MIN_INSTRUCTIONS_LENGTH): too short to state a role, a scope and what the agent must refuse.`,
  risk: 'Low: without a stated scope and boundaries the agent does whatever users ask with its tools and knowledge, which makes misuse and off-topic use easier; it is a hardening gap, not an exposure by itself.',
  remediation: {
    text: "Write instructions that state the agent's purpose, what data and tools it may use, what it must refuse, and how to handle requests out of scope.",
    patchAgentBody: { instructions: '<role, scope, allowed tools and data, what to refuse>' },
  },
  references: [MISTRAL_AGENTS_DOC],
  compliance: [owaspLlm('LLM06'), owaspAgentic('T6'), nist('MAP 3.5'), euAiAct('Art. 9')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['instructions']);
      if (bad) return bad;
      if (agent.instructions === null) return fail('The agent has no instructions.', { length: 0 });
      const length = agent.instructions.trim().length;
      if (length === 0) return fail("The agent's instructions are empty.", { length });
      if (length < MIN_INSTRUCTIONS_LENGTH) {
        return fail(
          `The agent's instructions are ${length} characters long, under the ${MIN_INSTRUCTIONS_LENGTH}-character minimum.`,
          {
            length,
            minimum: MIN_INSTRUCTIONS_LENGTH,
          },
        );
      }
      return pass(`The agent's instructions are ${length} characters long.`, {
        length,
        minimum: MIN_INSTRUCTIONS_LENGTH,
      });
    }),
};
