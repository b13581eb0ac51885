/**
 * One normalised guardrail policy (GET …/agents/:agentId guardrailPolicies) in words: what it does with a
 * flagged message, whether it blocks, what happens when the moderation call fails, and which categories it
 * evaluates at which threshold. Pure (unit-tested); the page renders the result as text.
 */
import type { Schemas } from '../../api/client';

export type GuardrailPolicy = Schemas['GuardrailPolicy'];

export interface CategoryRow {
  name: string;
  /** "0.3", or "model default" when no explicit threshold is set. */
  threshold: string;
}

export interface PolicySummary {
  /** "Blocks flagged messages", "Only flags (does not block)", … */
  action: string;
  blocks: boolean;
  /** "fail-closed: blocks when the moderation call fails" / "fail-open: lets messages through …" */
  onError: string;
  failOpen: boolean;
  format: string;
  moderationModel: string;
  evaluated: CategoryRow[];
  /** Categories of the taxonomy the policy does not evaluate. */
  notEvaluated: string[];
  /** How categories outside the explicit list are treated. */
  otherCategories: string;
}

const FORMAT_LABEL: Record<GuardrailPolicy['format'], string> = {
  v1: 'moderation_llm_v1',
  v2: 'moderation_llm_v2',
  flat: 'flattened',
  unknown: 'unrecognised format',
};

export function describeAction(action: string | null, blocks: boolean): string {
  if (blocks) return 'Blocks flagged messages';
  if (action === null) return 'No action set (does not block)';
  if (action === 'none') return 'Takes no action (does not block)';
  return `Action “${action}” (does not block)`;
}

export function summarizePolicy(p: GuardrailPolicy): PolicySummary {
  const evaluated: CategoryRow[] = [];
  const notEvaluated: string[] = [];
  for (const name of Object.keys(p.categories).sort()) {
    const c = p.categories[name];
    if (c.evaluated) {
      evaluated.push({ name, threshold: c.threshold === null ? 'model default' : String(c.threshold) });
    } else {
      notEvaluated.push(name);
    }
  }
  return {
    action: describeAction(p.action, p.blocks),
    blocks: p.blocks,
    failOpen: !p.blockOnError,
    onError: p.blockOnError
      ? 'Fail-closed: blocks when the moderation call fails'
      : 'Fail-open: lets messages through when the moderation call fails',
    format: FORMAT_LABEL[p.format],
    moderationModel: p.moderationModel ?? 'default moderation model',
    evaluated,
    notEvaluated,
    otherCategories: p.ignoreOtherCategories
      ? 'Only the listed categories are evaluated'
      : 'Categories not listed are evaluated at the model default',
  };
}
