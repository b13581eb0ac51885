import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { findModel, looksPinned } from '../model-lookup.ts';
import {
  availabilityWord,
  evaluateAgents,
  fail,
  isAvailable,
  malformed,
  pass,
  unknown,
} from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_model_unpinned',
  title: 'Agent uses a moving model alias',
  resourceType: 'agent',
  severity: 'low',
  description:
    'The agent\'s model id ends with "-latest", or is an undated alias that the models API lists among the aliases of a dated model (for example "mistral-large" for "mistral-large-2411"). Such ids move to new model releases without any change to the agent.',
  risk: 'Low: a model upgrade can change how the agent follows its instructions, refuses harmful requests or calls tools, without review; it also makes findings and tests non-reproducible. Not a direct exposure.',
  remediation: {
    text: 'Pin the agent to a dated model id (the card the alias currently resolves to), and upgrade deliberately after testing.',
    patchAgentBody: { model: '<dated model id, e.g. mistral-medium-2505>' },
  },
  references: ['https://docs.mistral.ai/getting-started/models/'],
  compliance: [owaspLlm('LLM03'), nist('GOVERN 6.1'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['model']);
      if (bad) return bad;
      const id = agent.model;
      if (id.endsWith('-latest')) return fail(`Model ${id} is a moving "-latest" alias.`, { model: id });
      if (looksPinned(id)) return pass(`Model ${id} is a pinned version.`, { model: id });
      if (!isAvailable(ctx.snapshot, 'models')) {
        return unknown(
          `Model ${id} carries no version and model discovery is ${availabilityWord(ctx.snapshot, 'models')}, so it cannot be told apart from an alias.`,
          {
            model: id,
          },
        );
      }
      const card = findModel(ctx.snapshot.models, id);
      const resolvesTo = ctx.snapshot.models.find(
        (m) => m.id !== id && m.aliases.includes(id) && looksPinned(m.id),
      );
      if (resolvesTo)
        return fail(`Model ${id} is an alias of ${resolvesTo.id} and moves with new releases.`, {
          model: id,
          resolvesTo: resolvesTo.id,
        });
      if (card?.type === 'fine-tuned') return pass(`Model ${id} is a fine-tuned model.`, { model: id });
      return pass(`Model ${id} is not an alias of a dated model.`, { model: id, listed: card !== null });
    }),
};
