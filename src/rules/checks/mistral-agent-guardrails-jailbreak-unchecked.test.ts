import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-jailbreak-unchecked.ts';
import { UNGUARDED, agent, context, guarded, policy, policyWithCategories } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const status = (a: ReturnType<typeof agent>) => one(rule, context({ agents: [a] }));

describe('mistral_agent_guardrails_jailbreak_unchecked', () => {
  it('PASS: a blocking v2 policy evaluates jailbreaking at 0.4', () => {
    const r = status(
      agent({ ...guarded([policyWithCategories({ jailbreaking: { evaluated: true, threshold: 0.4 } })]) }),
    );
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /threshold 0\.4/);
  });

  it('FAIL: v1 only (no jailbreaking category)', () => {
    const r = status(
      agent({ ...guarded([policy({ format: 'v1', moderationModel: 'mistral-moderation-2411' })]) }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /moderation_llm_v1/);
  });

  it('FAIL: ignored because ignore_other_categories is set without a jailbreaking threshold', () => {
    const p = policyWithCategories(
      { jailbreaking: { evaluated: false, threshold: null } },
      { ignoreOtherCategories: true },
    );
    assert.match(status(agent({ ...guarded([p]) })).detail, /ignores it/);
  });

  it('FAIL: disabled in the flat format', () => {
    const p = policyWithCategories(
      { jailbreaking: { evaluated: false, threshold: null } },
      { format: 'flat' },
    );
    assert.match(status(agent({ ...guarded([p]) })).detail, /disables it/);
  });

  it('FAIL: threshold too lax (0.9 > LAX_THRESHOLD)', () => {
    const r = status(
      agent({ ...guarded([policyWithCategories({ jailbreaking: { evaluated: true, threshold: 0.9 } })]) }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /0\.9, above the lax limit 0\.7/);
  });

  it('FAIL: evaluated only by a policy that does not block, or no guardrails at all', () => {
    assert.equal(status(agent({ ...guarded([policy({ action: 'none', blocks: false })]) })).status, 'FAIL');
    assert.equal(status(agent({ ...UNGUARDED })).status, 'FAIL');
  });

  it('UNKNOWN: the only policy could not be read', () => {
    assert.equal(
      status(agent({ ...guarded([policy({ format: 'unknown', blocks: false, action: null })]) })).status,
      'UNKNOWN',
    );
  });
});
