import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import { evaluateAgents, fail, listWords, malformed, pass } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_owner_missing',
  title: 'Agent has no owner or no description',
  resourceType: 'agent',
  severity: 'low',
  description:
    'The agent has no owner_id, or no description (null or blank), so nobody can tell who is accountable for it or what it is for.',
  risk: 'Low: findings on an agent nobody owns are not fixed, and an undescribed agent cannot be reviewed against its purpose; it is a governance gap that makes every other risk last longer.',
  remediation: {
    text: "Describe the agent's purpose and data in its description, and record its owning team (for example in metadata).",
    patchAgentBody: { description: '<purpose, data used, owning team>', metadata: { owner_team: '<team>' } },
  },
  references: [MISTRAL_AGENTS_DOC],
  compliance: [owaspAgentic('T8'), nist('GOVERN 2.1'), nist('GOVERN 1.6'), euAiAct('Art. 26')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['owner_id', 'description']);
      if (bad) return bad;
      const missing: string[] = [];
      if (agent.ownerId === null || agent.ownerId.trim() === '') missing.push('owner');
      if (agent.description === null || agent.description.trim() === '') missing.push('description');
      if (missing.length > 0)
        return fail(`The agent has no ${listWords(missing).replace(' and ', ' and no ')}.`, { missing });
      return pass('The agent has an owner and a description.', { missing });
    }),
};
