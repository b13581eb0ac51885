import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { hasGuardrails, policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import { findModel } from '../model-lookup.ts';
import {
  availabilityWord,
  evaluateAgents,
  fail,
  isAvailable,
  listWords,
  malformed,
  pass,
  plural,
  unknown,
} from '../rule-helpers.ts';

/** Moderation models Mistral's documentation lists as deprecated (v1's default). */
export const DEPRECATED_MODERATION_MODELS: readonly string[] = ['mistral-moderation-2411'];

/**
 * Moderation models known to be current without asking the models API: the SDK's default for
 * moderation_llm_v2 (the model used when model_name is unset, as Mistral's docs recommend; the same
 * default src/inventory/guardrails.ts fills in). The models API still wins: a listed card marked
 * deprecated or legacy makes it a FAIL. Any other model is current only when the models listing is
 * available and lists it as stable; otherwise its status is UNKNOWN, never a PASS.
 */
export const CURRENT_MODERATION_MODELS: readonly string[] = ['mistral-moderation-2603'];

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_legacy_moderation',
  title: 'Agent guardrails use legacy moderation',
  resourceType: 'agent',
  severity: 'low',
  description: `A guardrail policy uses moderation_llm_v1 (no jailbreaking category, merged dangerous/criminal category) or a deprecated moderation model: ${DEPRECATED_MODERATION_MODELS.join(', ')}, or one the models API marks deprecated or legacy. A policy passes only when its model is known to be current (${CURRENT_MODERATION_MODELS.join(', ')}, the moderation_llm_v2 default) or the models API lists it as stable; a model that cannot be checked (model discovery unavailable, not listed, or no model named) is UNKNOWN.`,
  risk: 'Low: the policy still moderates, but with an older taxonomy and model that will be retired; when it is, the guardrail may error (and fail open) or change behaviour without notice.',
  remediation: {
    text: 'Move the policy to moderation_llm_v2 and leave model_name unset so the current moderation model is used.',
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC, 'https://docs.mistral.ai/getting-started/models/'],
  compliance: [owaspLlm('LLM03'), nist('MANAGE 3.1'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const modelsListed = isAvailable(ctx.snapshot, 'models');
    const retired = new Set(
      ctx.snapshot.models.filter((m) => m.lifecycle !== 'stable').flatMap((m) => [m.id, ...m.aliases]),
    );
    /** Whether a moderation model (not known deprecated) is known to be current. */
    const isCurrent = (m: string): boolean => {
      if (CURRENT_MODERATION_MODELS.includes(m)) return true;
      const card = modelsListed ? findModel(ctx.snapshot.models, m) : null;
      return card !== null && card.lifecycle === 'stable';
    };
    return evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['guardrails']);
      if (bad) return bad;
      if (!hasGuardrails(agent)) return null; // reported by mistral_agent_guardrails_missing
      const policies = policiesOf(agent);
      const problems: string[] = [];
      const unconfirmed: string[] = [];
      let unreadable = 0;
      policies.forEach((p, i) => {
        const n = i + 1;
        if (p.format === 'unknown') {
          unreadable++;
          return;
        }
        const m = p.moderationModel;
        const deprecatedModel =
          m !== null && (DEPRECATED_MODERATION_MODELS.includes(m) || (modelsListed && retired.has(m)));
        if (p.format === 'v1' && deprecatedModel)
          problems.push(`policy ${n} uses moderation_llm_v1 with the deprecated model ${m}`);
        else if (p.format === 'v1') problems.push(`policy ${n} uses moderation_llm_v1`);
        else if (deprecatedModel) problems.push(`policy ${n} uses the deprecated moderation model ${m}`);
        else if (m === null) unconfirmed.push(`policy ${n} names no moderation model`);
        else if (!isCurrent(m))
          unconfirmed.push(
            modelsListed
              ? `policy ${n} uses ${m}, which the models API does not list`
              : `policy ${n} uses ${m}, and model discovery is ${availabilityWord(ctx.snapshot, 'models')}`,
          );
      });
      if (problems.length > 0) return fail(`Legacy moderation: ${listWords(problems)}.`, { problems });
      if (unreadable > 0) {
        return unknown(
          `${plural(unreadable, 'policy', 'policies')} could not be read, so the moderation version is unknown.`,
          {
            unreadablePolicies: unreadable,
          },
        );
      }
      if (unconfirmed.length > 0) {
        return unknown(
          `Whether the moderation model is current cannot be confirmed: ${listWords(unconfirmed)}.`,
          { unconfirmed },
        );
      }
      return pass(`Every policy uses moderation_llm_v2 with a current model.`, {
        models: [...new Set(policies.map((p) => p.moderationModel ?? 'default'))],
      });
    });
  },
};
