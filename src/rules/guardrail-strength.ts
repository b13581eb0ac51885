/**
 * Guardrail strength: ONE ordering, used by the regressed and alias rules and by the drift module
 * (guardrails_weakened). It reads only the normalised policies (`guardrailPolicies`), so v1, v2 and
 * the product document's flattened shape are judged alike.
 *
 * Levels (higher is stronger):
 *   0 NONE          no guardrails at all (`guardrails` null or no policy)
 *   1 NOT_BLOCKING  policies exist but none blocks (action "none", "flag", absent, or unknown format)
 *   2 FAIL_OPEN     some policy blocks, but every blocking policy has block_on_error false,
 *                   so a moderation error lets the request through
 *   3 PARTIAL       a blocking, fail-closed policy exists, but jailbreaking or pii is not checked by
 *                   any blocking policy, or a blocking policy has a lax threshold
 *   4 STRONG        a blocking, fail-closed policy exists; jailbreaking and pii are checked by
 *                   blocking policies; no blocking policy has a lax threshold
 *
 * Within a level, the tie-break is the number of categories checked (evaluated, with a threshold that
 * is the model default or ≤ LAX_THRESHOLD) by at least one blocking policy. Moving a threshold within
 * the non-lax range does not change strength.
 *
 * A category is "checked" by a policy when the policy evaluates it (not ignored by
 * ignore_other_categories, not disabled in the flat format, present in the taxonomy of the policy's
 * version: v1 has no jailbreaking) and its threshold is null (the model's default) or ≤ LAX_THRESHOLD.
 */
import type { AgentConfig, NormalizedGuardrailPolicy } from '../inventory/types.ts';

/**
 * Thresholds are probability cut-offs in 0–1 (lower = stricter: a request is blocked when the
 * category score exceeds it). Above 0.7 only near-certain violations are blocked, so the category
 * blocks almost nothing in practice: we call such a threshold "lax".
 */
export const LAX_THRESHOLD = 0.7;

export const GUARDRAIL_LEVEL = {
  NONE: 0,
  NOT_BLOCKING: 1,
  FAIL_OPEN: 2,
  PARTIAL: 3,
  STRONG: 4,
} as const;

export const GUARDRAIL_LEVEL_LABELS: Record<number, string> = {
  0: 'no guardrails',
  1: 'guardrails that do not block',
  2: 'blocking guardrails that fail open',
  3: 'blocking guardrails with gaps',
  4: 'blocking, fail-closed guardrails checking jailbreaking and pii',
};

export type GuardrailConfigView = Pick<AgentConfig, 'guardrails' | 'guardrailPolicies'>;

export interface GuardrailStrength {
  level: number;
  /** Why the level is not higher (empty for STRONG), in plain words. */
  reasons: string[];
  label: string;
  /** Categories checked by at least one blocking policy (the tie-break), sorted. */
  checkedCategories: string[];
}

/** How one category fares in one policy. */
export type CategoryVerdict =
  | { state: 'checked'; threshold: number | null }
  | { state: 'lax'; threshold: number }
  | { state: 'not_in_taxonomy' } // v1 policy and jailbreaking
  | { state: 'not_evaluated' } // ignored (ignore_other_categories) or disabled (flat format)
  | { state: 'unknown_format' };

export function categoryVerdict(policy: NormalizedGuardrailPolicy, category: string): CategoryVerdict {
  if (policy.format === 'unknown') return { state: 'unknown_format' };
  if (policy.format === 'v1' && category === 'jailbreaking') return { state: 'not_in_taxonomy' };
  const c = policy.categories[category];
  if (!c || !c.evaluated) return { state: 'not_evaluated' };
  if (c.threshold !== null && c.threshold > LAX_THRESHOLD) return { state: 'lax', threshold: c.threshold };
  return { state: 'checked', threshold: c.threshold };
}

/** The policies of a configuration, [] when there are no guardrails. */
export function policiesOf(config: GuardrailConfigView): NormalizedGuardrailPolicy[] {
  if (config.guardrails === null) return [];
  return config.guardrailPolicies;
}

export function hasGuardrails(config: GuardrailConfigView): boolean {
  return policiesOf(config).length > 0;
}

export function blockingPolicies(config: GuardrailConfigView): NormalizedGuardrailPolicy[] {
  return policiesOf(config).filter((p) => p.format !== 'unknown' && p.blocks);
}

/** Whether at least one blocking policy checks the category. */
export function isCategoryChecked(config: GuardrailConfigView, category: string): boolean {
  return blockingPolicies(config).some((p) => categoryVerdict(p, category).state === 'checked');
}

/** Evaluated categories with a lax explicit threshold, in blocking policies: "financial 0.9". */
export function laxCategories(
  config: GuardrailConfigView,
): Array<{ policyIndex: number; category: string; threshold: number }> {
  const out: Array<{ policyIndex: number; category: string; threshold: number }> = [];
  policiesOf(config).forEach((p, policyIndex) => {
    if (p.format === 'unknown' || !p.blocks) return;
    for (const category of Object.keys(p.categories).sort()) {
      const v = categoryVerdict(p, category);
      if (v.state === 'lax') out.push({ policyIndex, category, threshold: v.threshold });
    }
  });
  return out;
}

function checkedCategories(config: GuardrailConfigView): string[] {
  const set = new Set<string>();
  for (const p of blockingPolicies(config)) {
    for (const category of Object.keys(p.categories)) {
      if (categoryVerdict(p, category).state === 'checked') set.add(category);
    }
  }
  return [...set].sort();
}

function result(level: number, reasons: string[], config: GuardrailConfigView): GuardrailStrength {
  return {
    level,
    reasons,
    label: GUARDRAIL_LEVEL_LABELS[level],
    checkedCategories: checkedCategories(config),
  };
}

export function guardrailStrength(config: GuardrailConfigView): GuardrailStrength {
  const policies = policiesOf(config);
  if (policies.length === 0) return result(GUARDRAIL_LEVEL.NONE, ['no guardrails are configured'], config);

  const blocking = blockingPolicies(config);
  if (blocking.length === 0) {
    const actions = [
      ...new Set(
        policies.map((p) => (p.format === 'unknown' ? 'unrecognised format' : (p.action ?? 'absent'))),
      ),
    ];
    return result(GUARDRAIL_LEVEL.NOT_BLOCKING, [`no policy blocks (action: ${actions.join(', ')})`], config);
  }

  if (!blocking.some((p) => p.blockOnError)) {
    return result(
      GUARDRAIL_LEVEL.FAIL_OPEN,
      ['every blocking policy fails open (block_on_error false)'],
      config,
    );
  }

  const reasons: string[] = [];
  for (const category of ['jailbreaking', 'pii']) {
    if (!isCategoryChecked(config, category)) reasons.push(`${category} is not checked by a blocking policy`);
  }
  const lax = laxCategories(config);
  if (lax.length > 0) {
    reasons.push(
      `lax thresholds (> ${LAX_THRESHOLD}): ${lax.map((l) => `${l.category} ${l.threshold}`).join(', ')}`,
    );
  }
  if (reasons.length > 0) return result(GUARDRAIL_LEVEL.PARTIAL, reasons, config);
  return result(GUARDRAIL_LEVEL.STRONG, [], config);
}

/** Compare two computed strengths: negative when `a` is weaker (level first, then checked categories). */
export function compareStrength(a: GuardrailStrength, b: GuardrailStrength): number {
  if (a.level !== b.level) return a.level - b.level;
  return a.checkedCategories.length - b.checkedCategories.length;
}

/** Negative when `a` is weaker than `b`, 0 when equally strong, positive when `a` is stronger. */
export function compareGuardrailStrength(a: GuardrailConfigView, b: GuardrailConfigView): number {
  return compareStrength(guardrailStrength(a), guardrailStrength(b));
}
