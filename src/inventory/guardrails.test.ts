import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeGuardrailPolicy, normalizeGuardrails, storeGuardrails } from './guardrails.ts';
import { PRODUCT_DOC_GUARDRAIL_POLICY } from './testing/product-doc-guardrails.ts';

const wireV2 = {
  block_on_error: false,
  moderation_llm_v2: {
    model_name: 'mistral-moderation-2603',
    custom_category_thresholds: { sexual: 0.5, law: null, jailbreaking: 0.3, pii: 0.9 },
    ignore_other_categories: false,
    action: 'block',
  },
};

// The product document's example, verbatim.
const flat = PRODUCT_DOC_GUARDRAIL_POLICY;

test('storeGuardrails: null, absent and empty list all mean no guardrails', () => {
  assert.equal(storeGuardrails(null), null);
  assert.equal(storeGuardrails(undefined), null);
  assert.equal(storeGuardrails([]), null);
});

test('storeGuardrails keeps raw policies with wire names and counts them', () => {
  const stored = storeGuardrails([wireV2]);
  assert.deepEqual(stored, { provider: 'mistral', scope: 'agent', policy_count: 1, policies: [wireV2] });
  assert.equal(stored?.policies[0], wireV2, 'the raw object is kept as returned');
});

test('wire v2 normalises: action, fail-open, explicit and default thresholds', () => {
  const p = normalizeGuardrailPolicy(wireV2);
  assert.equal(p.format, 'v2');
  assert.equal(p.blocks, true);
  assert.equal(p.blockOnError, false);
  assert.equal(p.moderationModel, 'mistral-moderation-2603');
  assert.deepEqual(p.categories.jailbreaking, { evaluated: true, threshold: 0.3 });
  assert.deepEqual(p.categories.pii, { evaluated: true, threshold: 0.9 });
  assert.deepEqual(p.categories.law, { evaluated: true, threshold: null });
  // Not listed, but ignore_other_categories is false: evaluated at the default threshold.
  assert.deepEqual(p.categories.health, { evaluated: true, threshold: null });
  // v1-only category does not exist in v2.
  assert.equal(p.categories.dangerous_and_criminal_content.evaluated, false);
});

test('wire v2 with ignore_other_categories evaluates only listed categories', () => {
  const p = normalizeGuardrailPolicy({
    moderation_llm_v2: {
      custom_category_thresholds: { sexual: 0.2 },
      ignore_other_categories: true,
      action: 'none',
    },
  });
  assert.equal(p.blocks, false);
  assert.equal(p.action, 'none');
  assert.equal(p.blockOnError, false, 'block_on_error defaults to false');
  assert.equal(p.categories.sexual.evaluated, true);
  assert.equal(p.categories.jailbreaking.evaluated, false);
  assert.equal(p.categories.pii.evaluated, false);
});

test('wire v1 normalises with the v1 taxonomy: no jailbreaking category', () => {
  const p = normalizeGuardrailPolicy({ block_on_error: true, moderation_llm_v1: { action: 'block' } });
  assert.equal(p.format, 'v1');
  assert.equal(p.moderationModel, 'mistral-moderation-2411');
  assert.equal(p.categories.jailbreaking.evaluated, false);
  assert.equal(p.categories.dangerous_and_criminal_content.evaluated, true);
  assert.equal(p.categories.pii.evaluated, true);
});

test('the product document flattened shape normalises', () => {
  const p = normalizeGuardrailPolicy(flat);
  assert.equal(p.format, 'flat');
  assert.equal(p.moderationModel, 'mistral-moderation-2411');
  assert.equal(p.blocks, true);
  assert.equal(p.blockOnError, true);
  assert.deepEqual(p.categories.jailbreaking, { evaluated: true, threshold: 0.1 });
  assert.deepEqual(p.categories.pii, { evaluated: true, threshold: 0.2 });
  const off = normalizeGuardrailPolicy({ ...flat, pii: { enabled: false }, action: 'flag' });
  assert.equal(off.categories.pii.evaluated, false);
  assert.equal(off.blocks, false, '"flag" is not blocking');
});

test('an unknown policy shape claims nothing', () => {
  const p = normalizeGuardrailPolicy({ something_new: { x: 1 } });
  assert.equal(p.format, 'unknown');
  assert.equal(p.blocks, false);
  assert.ok(Object.values(p.categories).every((c) => !c.evaluated));
});

test('normalizeGuardrails maps every stored policy', () => {
  assert.deepEqual(normalizeGuardrails(null), []);
  assert.equal(normalizeGuardrails(storeGuardrails([wireV2, flat])).length, 2);
});

test('a known field with a value of the wrong type is not guessed at: the policy claims nothing and names it', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [
      {
        ...wireV2,
        moderation_llm_v2: {
          ...wireV2.moderation_llm_v2,
          custom_category_thresholds: { jailbreaking: '0.99', pii: 0.2 },
        },
      },
      ['moderation_llm_v2.custom_category_thresholds.jailbreaking'],
    ],
    [
      { ...wireV2, moderation_llm_v2: { ...wireV2.moderation_llm_v2, ignore_other_categories: 'true' } },
      ['moderation_llm_v2.ignore_other_categories'],
    ],
    [
      { block_on_error: 1, moderation_llm_v1: { action: ['block'], custom_category_thresholds: [0.2] } },
      ['block_on_error', 'moderation_llm_v1.action', 'moderation_llm_v1.custom_category_thresholds'],
    ],
    [{ ...flat, jailbreaking: { enabled: 'false' } }, ['jailbreaking.enabled']],
    [{ ...flat, pii: true }, ['pii']],
    [{ ...flat, ignore_other_categories: 0 }, ['ignore_other_categories']],
  ];
  for (const [raw, fields] of cases) {
    const p = normalizeGuardrailPolicy(raw);
    assert.equal(p.format, 'unknown', JSON.stringify(raw));
    assert.equal(p.blocks, false);
    assert.ok(Object.values(p.categories).every((c) => !c.evaluated));
    assert.deepEqual(p.unreadFields, fields);
  }
});

test('null stands for "not set" and is read, never flagged; a readable policy has no unreadFields', () => {
  const p = normalizeGuardrailPolicy({
    block_on_error: null,
    moderation_llm_v2: {
      action: 'block',
      model_name: null,
      ignore_other_categories: null,
      custom_category_thresholds: { pii: null },
    },
  });
  assert.equal(p.format, 'v2');
  assert.equal(p.unreadFields, undefined);
  assert.equal(normalizeGuardrailPolicy(wireV2).unreadFields, undefined);
  assert.equal(normalizeGuardrailPolicy(flat).unreadFields, undefined);
});
