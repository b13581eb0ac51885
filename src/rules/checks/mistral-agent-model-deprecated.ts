import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { findModel } from '../model-lookup.ts';
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
  id: 'mistral_agent_model_deprecated',
  title: 'Agent uses a deprecated, retired or unlisted model',
  resourceType: 'agent',
  severity: 'medium',
  description:
    "The agent's model is deprecated (a deprecation date in the future), legacy (the date has passed), an archived fine-tune, or not listed by GET /v1/models at all (removed, or not accessible to this key).",
  risk: 'Medium: when the model is retired the agent stops working or is silently switched to a replacement whose behaviour and safety tuning were never tested with these instructions and tools; unlisted models may already be gone.',
  remediation: {
    text: 'Move the agent to the replacement model (or a current model of the same family), test it, then update the agent and its aliases.',
    patchAgentBody: { model: '<replacement model id>' },
  },
  references: ['https://docs.mistral.ai/getting-started/models/'],
  compliance: [
    owaspLlm('LLM03'),
    atlas('AML.T0010'),
    nist('GOVERN 6.1'),
    nist('MANAGE 3.1'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      if (!isAvailable(ctx.snapshot, 'models')) {
        return unknown(
          `Model discovery is ${availabilityWord(ctx.snapshot, 'models')}, so the lifecycle of ${agent.model} is unknown.`,
          {
            model: agent.model,
          },
        );
      }
      const bad = malformed(agent, ['model']);
      if (bad) return bad;
      const card = findModel(ctx.snapshot.models, agent.model);
      if (!card)
        return fail(`Model ${agent.model} is not listed by the models API (removed or not accessible).`, {
          model: agent.model,
          listed: false,
        });
      const facts = {
        model: agent.model,
        card: card.id,
        lifecycle: card.lifecycle,
        deprecationDate: card.deprecationDate,
        replacement: card.replacementModel,
      };
      const replacement = card.replacementModel ? `; replacement: ${card.replacementModel}` : '';
      if (card.lifecycle === 'legacy') {
        return fail(
          `Model ${agent.model} is legacy: its deprecation date ${card.deprecationDate ?? '(unknown)'} has passed${replacement}.`,
          facts,
        );
      }
      if (card.lifecycle === 'deprecated') {
        return fail(
          `Model ${agent.model} is deprecated and will be retired on ${card.deprecationDate ?? '(unknown)'}${replacement}.`,
          facts,
        );
      }
      if (card.fineTuned?.archived)
        return fail(`Fine-tuned model ${agent.model} is archived.`, { ...facts, archived: true });
      return pass(`Model ${agent.model} is listed and stable.`, facts);
    }),
};
