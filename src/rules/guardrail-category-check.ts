/**
 * The shared logic of the "category unchecked" rules (jailbreaking, pii): a category counts as checked
 * only when a blocking policy evaluates it with a threshold that is the model default or ≤ LAX_THRESHOLD
 * (see guardrail-strength.ts). Any other situation is explained policy by policy.
 */
import type { AgentRecord } from '../inventory/types.ts';
import { LAX_THRESHOLD, categoryVerdict, hasGuardrails, policiesOf } from './guardrail-strength.ts';
import type { Verdict } from './rule-helpers.ts';
import { fail, listWords, malformed, pass, unknown } from './rule-helpers.ts';

export function judgeCategoryChecked(agent: AgentRecord, category: string): Verdict {
  const bad = malformed(agent, ['guardrails']);
  if (bad) return bad;
  if (!hasGuardrails(agent)) {
    return fail(`The agent has no guardrails, so the ${category} category is not checked at all.`, {
      category,
      policies: 0,
    });
  }
  const policies = policiesOf(agent);
  const checkedBy: Array<{ policy: number; threshold: number | null }> = [];
  const why: string[] = [];
  let unreadable = 0;
  policies.forEach((p, i) => {
    const n = i + 1;
    const v = categoryVerdict(p, category);
    if (v.state === 'unknown_format') {
      unreadable++;
      const fields = p.unreadFields ?? [];
      why.push(
        fields.length > 0
          ? `policy ${n} could not be read (wrong type: ${listWords(fields)})`
          : `policy ${n} could not be read`,
      );
      return;
    }
    if (!p.blocks) {
      why.push(`policy ${n} does not block (action ${p.action ?? 'absent'})`);
      return;
    }
    switch (v.state) {
      case 'checked':
        checkedBy.push({ policy: n, threshold: v.threshold });
        return;
      case 'lax':
        why.push(`policy ${n} sets its threshold to ${v.threshold}, above the lax limit ${LAX_THRESHOLD}`);
        return;
      case 'not_in_taxonomy':
        why.push(`policy ${n} uses moderation_llm_v1, which has no ${category} category`);
        return;
      case 'not_evaluated':
        if (p.format === 'flat') why.push(`policy ${n} disables it`);
        else if (p.ignoreOtherCategories)
          why.push(`policy ${n} ignores it (ignore_other_categories without a ${category} threshold)`);
        else why.push(`policy ${n} does not evaluate it`);
        return;
    }
  });
  if (checkedBy.length > 0) {
    const t = checkedBy.map((c) => `policy ${c.policy} (threshold ${c.threshold ?? 'model default'})`);
    return pass(`The ${category} category is checked by blocking ${listWords(t)}.`, { category, checkedBy });
  }
  if (unreadable > 0) {
    return unknown(
      `The ${category} category is not checked by any readable blocking policy, and ${listWords(why.filter((w) => w.includes('could not be read')))}.`,
      {
        category,
        unreadablePolicies: unreadable,
      },
    );
  }
  return fail(`The ${category} category is not checked: ${listWords(why)}.`, { category, reasons: why });
}
