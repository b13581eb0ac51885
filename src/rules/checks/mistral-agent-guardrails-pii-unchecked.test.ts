import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-pii-unchecked.ts';
import { agent, context, guarded, policy, policyWithCategories } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const result = (a: ReturnType<typeof agent>) => one(rule, context({ agents: [a] }));

describe('mistral_agent_guardrails_pii_unchecked', () => {
  it('PASS: v1 policies do check pii (v1 has a pii category)', () => {
    assert.equal(result(agent({ ...guarded([policy({ format: 'v1' })]) })).status, 'PASS');
  });

  it('FAIL: pii disabled in the flat format, and threshold too lax', () => {
    const disabled = policyWithCategories({ pii: { evaluated: false, threshold: null } }, { format: 'flat' });
    assert.equal(result(agent({ ...guarded([disabled]) })).status, 'FAIL');
    const lax = policyWithCategories({ pii: { evaluated: true, threshold: 0.8 } });
    const r = result(agent({ ...guarded([lax]) }));
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.category, 'pii');
  });

  it('UNKNOWN: guardrails flagged malformed, with a policy that could not be read', () => {
    // A warning alone no longer counts when every policy was read (rule-helpers: flaggedFields): here a
    // readable policy checks pii, but the flagged, unreadable one makes the verdict UNKNOWN.
    const a = agent({
      ...guarded([policy(), policy({ format: 'unknown', blocks: false, action: null })]),
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'guardrails[0].moderation_llm_v2: expected object',
        },
      ],
    });
    assert.equal(result(a).status, 'UNKNOWN');
  });
});
