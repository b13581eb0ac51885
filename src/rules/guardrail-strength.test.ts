import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GUARDRAIL_LEVEL,
  LAX_THRESHOLD,
  compareGuardrailStrength,
  guardrailStrength,
  isCategoryChecked,
  laxCategories,
} from './guardrail-strength.ts';
import { UNGUARDED, guarded, policy, policyWithCategories } from './testing/fixtures.ts';

describe('guardrailStrength', () => {
  it('orders none < not blocking < fail open < partial < strong', () => {
    const ladder = [
      UNGUARDED,
      guarded([policy({ action: 'flag', blocks: false })]),
      guarded([policy({ blockOnError: false })]),
      guarded([policyWithCategories({ jailbreaking: { evaluated: false, threshold: null } })]),
      guarded([policy()]),
    ];
    const levels = ladder.map((c) => guardrailStrength(c).level);
    assert.deepEqual(levels, [0, 1, 2, 3, 4]);
    for (let i = 1; i < ladder.length; i++) {
      assert.ok(compareGuardrailStrength(ladder[i - 1], ladder[i]) < 0, `level ${i - 1} weaker than ${i}`);
      assert.ok(compareGuardrailStrength(ladder[i], ladder[i - 1]) > 0);
    }
    assert.equal(compareGuardrailStrength(guarded([policy()]), guarded([policy()])), 0);
  });

  it('treats guardrails null as none even if policies linger', () => {
    const s = guardrailStrength({ guardrails: null, guardrailPolicies: [policy()] });
    assert.equal(s.level, GUARDRAIL_LEVEL.NONE);
  });

  it('counts an unknown-format policy as not blocking', () => {
    const s = guardrailStrength(guarded([policy({ format: 'unknown', blocks: false, action: null })]));
    assert.equal(s.level, GUARDRAIL_LEVEL.NOT_BLOCKING);
    assert.match(s.reasons[0], /unrecognised format/);
  });

  it('a v1 policy never checks jailbreaking', () => {
    const v1 = guarded([policy({ format: 'v1', moderationModel: 'mistral-moderation-2411' })]);
    assert.equal(isCategoryChecked(v1, 'jailbreaking'), false);
    assert.equal(isCategoryChecked(v1, 'pii'), true);
    assert.equal(guardrailStrength(v1).level, GUARDRAIL_LEVEL.PARTIAL);
  });

  it('a threshold above LAX_THRESHOLD is lax, at it is not', () => {
    const at = guarded([policyWithCategories({ financial: { evaluated: true, threshold: LAX_THRESHOLD } })]);
    const above = guarded([policyWithCategories({ financial: { evaluated: true, threshold: 0.95 } })]);
    assert.equal(guardrailStrength(at).level, GUARDRAIL_LEVEL.STRONG);
    assert.equal(guardrailStrength(above).level, GUARDRAIL_LEVEL.PARTIAL);
    assert.deepEqual(laxCategories(above), [{ policyIndex: 0, category: 'financial', threshold: 0.95 }]);
    assert.match(guardrailStrength(above).reasons.join(' '), /financial 0\.95/);
  });

  it('a non-blocking policy checking jailbreaking does not count', () => {
    const config = guarded([
      policyWithCategories({ jailbreaking: { evaluated: false, threshold: null } }),
      policy({ action: 'none', blocks: false }),
    ]);
    assert.equal(isCategoryChecked(config, 'jailbreaking'), false);
  });

  it('breaks ties within a level by the number of checked categories', () => {
    const fewer = guarded([policyWithCategories({ law: { evaluated: false, threshold: null } })]);
    const more = guarded([policy()]);
    assert.equal(guardrailStrength(fewer).level, guardrailStrength(more).level);
    assert.ok(compareGuardrailStrength(fewer, more) < 0);
    // tightening a threshold inside the non-lax range does not change strength
    const tighter = guarded([policyWithCategories({ sexual: { evaluated: true, threshold: 0.1 } })]);
    assert.equal(compareGuardrailStrength(tighter, more), 0);
  });

  it('one fail-closed blocking policy is enough to leave FAIL_OPEN', () => {
    const config = guarded([policy({ blockOnError: false }), policy()]);
    assert.equal(guardrailStrength(config).level, GUARDRAIL_LEVEL.STRONG);
  });
});
