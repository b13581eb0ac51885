/**
 * Guardrails: kept as returned, plus a normalised view for the rules.
 *
 * Stored shape (product document): null when the agent has no guardrails (absent, null or an
 * empty list), else {"provider":"mistral","scope":"agent","policy_count":N,"policies":[raw…]}
 * where each policy is the raw object from the API, wire field names untouched.
 *
 * Normalisation accepts the three shapes seen in the wild (see ../shared/mistral-api.md §4.3, §20):
 *  - wire v2:  {block_on_error, moderation_llm_v2: {model_name?, custom_category_thresholds?,
 *              ignore_other_categories?, action?}}
 *  - wire v1:  the same under moderation_llm_v1 (v1 taxonomy: no jailbreaking, one
 *              dangerous_and_criminal_content category)
 *  - flat:     the product document's example: moderation_llm_v2 is a model-name string, and
 *              action, ignore_other_categories, custom_category_thresholds sit at the top level,
 *              with jailbreaking/pii as {"enabled": bool}
 *
 * Category semantics: a category is evaluated when it has a threshold entry, or when
 * ignore_other_categories is false and the category exists in the policy's taxonomy. A null
 * threshold means the moderation model's default. A flat-format {"enabled": false} turns the
 * category off whatever else is set.
 *
 * A field the normaliser knows but whose value has the wrong type (a threshold sent as the string
 * "0.99", ignore_other_categories as "true", block_on_error as 1, …) is not guessed at: the whole
 * policy is then format 'unknown' (the rules claim nothing about it, so no check passes on a value
 * that was never read), and `unreadFields` names each such field.
 */
import type { NormalizedCategory, NormalizedGuardrailPolicy, StoredGuardrails } from './types.ts';
import { V1_CATEGORIES, V2_CATEGORIES } from '../shared/mistral-wire.ts';

const ALL_CATEGORIES: readonly string[] = Array.from(new Set<string>([...V2_CATEGORIES, ...V1_CATEGORIES]));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The stored guardrails object for a raw `guardrails` value (anything the API may send). */
export function storeGuardrails(raw: unknown): StoredGuardrails | null {
  if (raw === null || raw === undefined) return null;
  const list = Array.isArray(raw) ? raw : [raw];
  const policies = list.filter(isRecord);
  if (policies.length === 0) return null;
  return { provider: 'mistral', scope: 'agent', policy_count: policies.length, policies };
}

/** Collects the wire fields whose value has a type the normaliser cannot read. */
class Unread {
  readonly fields: string[] = [];
  /** Records `path` when `value` is present (not undefined/null) and fails `ok`. */
  check(path: string, value: unknown, ok: (v: unknown) => boolean): void {
    if (value !== undefined && value !== null && !ok(value)) this.fields.push(path);
  }
}

const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isString = (v: unknown): boolean => typeof v === 'string';

function readThresholds(v: unknown, path: string, unread: Unread): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  unread.check(path, v, isRecord);
  if (!isRecord(v)) return out;
  for (const [k, t] of Object.entries(v)) {
    if (typeof t === 'number' && Number.isFinite(t)) out[k] = t;
    else if (t === null) out[k] = null;
    else unread.fields.push(`${path}.${k}`);
  }
  return out;
}

function categoriesFor(
  taxonomy: readonly string[],
  thresholds: Record<string, number | null>,
  ignoreOther: boolean,
  enabledFlags: Record<string, boolean>,
): Record<string, NormalizedCategory> {
  const out: Record<string, NormalizedCategory> = {};
  const names = new Set<string>([...ALL_CATEGORIES, ...Object.keys(thresholds)]);
  for (const name of names) {
    const inTaxonomy = taxonomy.includes(name);
    const listed = Object.prototype.hasOwnProperty.call(thresholds, name);
    // A threshold for a key outside the taxonomy (e.g. jailbreaking on v1) is ignored by the API.
    let evaluated = listed ? inTaxonomy : inTaxonomy && !ignoreOther;
    if (enabledFlags[name] === false) evaluated = false;
    if (enabledFlags[name] === true && inTaxonomy) evaluated = true;
    out[name] = { evaluated, threshold: evaluated && listed ? thresholds[name] : null };
  }
  return out;
}

/** Normalises one raw guardrail policy (wire v1, wire v2, or the flattened product-document shape). */
export function normalizeGuardrailPolicy(raw: Record<string, unknown>): NormalizedGuardrailPolicy {
  const policy = readPolicy(raw);
  if (policy.unread.fields.length === 0 || policy.value.format === 'unknown') return policy.value;
  return { ...unknownPolicy(policy.value.blockOnError), unreadFields: policy.unread.fields };
}

function readPolicy(raw: Record<string, unknown>): { value: NormalizedGuardrailPolicy; unread: Unread } {
  const unread = new Unread();
  unread.check('block_on_error', raw.block_on_error, isBoolean);
  const blockOnError = raw.block_on_error === true;
  const v2 = raw.moderation_llm_v2;
  const v1 = raw.moderation_llm_v1;
  if (isRecord(v2) || isRecord(v1)) {
    const isV2 = isRecord(v2);
    const key = isV2 ? 'moderation_llm_v2' : 'moderation_llm_v1';
    const cfg = (isV2 ? v2 : v1) as Record<string, unknown>;
    unread.check(`${key}.action`, cfg.action, isString);
    unread.check(`${key}.ignore_other_categories`, cfg.ignore_other_categories, isBoolean);
    unread.check(`${key}.model_name`, cfg.model_name, isString);
    const action = typeof cfg.action === 'string' ? cfg.action : null;
    const ignoreOther = cfg.ignore_other_categories === true;
    const modelName =
      typeof cfg.model_name === 'string'
        ? cfg.model_name
        : isV2
          ? 'mistral-moderation-2603' // SDK default for v2 when unset
          : 'mistral-moderation-2411'; // SDK default for v1 when unset
    const thresholds = readThresholds(
      cfg.custom_category_thresholds,
      `${key}.custom_category_thresholds`,
      unread,
    );
    const value: NormalizedGuardrailPolicy = {
      format: isV2 ? 'v2' : 'v1',
      moderationModel: modelName,
      action,
      blocks: action === 'block',
      blockOnError,
      ignoreOtherCategories: ignoreOther,
      categories: categoriesFor(isV2 ? V2_CATEGORIES : V1_CATEGORIES, thresholds, ignoreOther, {}),
    };
    return { value, unread };
  }
  if (
    typeof v2 === 'string' ||
    typeof v1 === 'string' ||
    'custom_category_thresholds' in raw ||
    'action' in raw
  ) {
    unread.check('action', raw.action, isString);
    unread.check('ignore_other_categories', raw.ignore_other_categories, isBoolean);
    const action = typeof raw.action === 'string' ? raw.action : null;
    const ignoreOther = raw.ignore_other_categories === true;
    const flags: Record<string, boolean> = {};
    for (const key of ['jailbreaking', 'pii']) {
      const f = raw[key];
      unread.check(key, f, isRecord);
      if (isRecord(f)) unread.check(`${key}.enabled`, f.enabled, isBoolean);
      if (isRecord(f) && typeof f.enabled === 'boolean') flags[key] = f.enabled;
    }
    const isV1 = typeof v1 === 'string' && typeof v2 !== 'string';
    const thresholds = readThresholds(raw.custom_category_thresholds, 'custom_category_thresholds', unread);
    const value: NormalizedGuardrailPolicy = {
      format: 'flat',
      moderationModel: typeof v2 === 'string' ? v2 : typeof v1 === 'string' ? v1 : null,
      action,
      blocks: action === 'block',
      blockOnError,
      ignoreOtherCategories: ignoreOther,
      categories: categoriesFor(isV1 ? V1_CATEGORIES : V2_CATEGORIES, thresholds, ignoreOther, flags),
    };
    return { value, unread };
  }
  // Unknown policy shape: keep it, but claim nothing about it.
  return { value: unknownPolicy(blockOnError), unread };
}

function unknownPolicy(blockOnError: boolean): NormalizedGuardrailPolicy {
  const categories: Record<string, NormalizedCategory> = {};
  for (const name of ALL_CATEGORIES) categories[name] = { evaluated: false, threshold: null };
  return {
    format: 'unknown',
    moderationModel: null,
    action: null,
    blocks: false,
    blockOnError,
    ignoreOtherCategories: false,
    categories,
  };
}

export function normalizeGuardrails(stored: StoredGuardrails | null): NormalizedGuardrailPolicy[] {
  return stored ? stored.policies.map(normalizeGuardrailPolicy) : [];
}
