import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-fail-open.ts';
import { UNGUARDED, agent, context, guarded, policy } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_guardrails_fail_open', () => {
  it('PASS: every blocking policy fails closed', () => {
    const a = agent({
      ...guarded([policy(), policy({ action: 'none', blocks: false, blockOnError: false })]),
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'PASS');
  });

  it('FAIL: a blocking policy has block_on_error false', () => {
    const a = agent({ ...guarded([policy(), policy({ blockOnError: false })]) });
    const r = one(rule, context({ agents: [a] }));
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence, { failOpenPolicies: [2] });
    assert.match(r.detail, /policy 2 has block_on_error false/);
  });

  it('UNKNOWN: an unreadable policy could be a fail-open one', () => {
    const a = agent({ ...guarded([policy(), policy({ format: 'unknown', blocks: false, action: null })]) });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });

  it('no result when nothing blocks or there are no guardrails', () => {
    const agents = [
      agent({ id: 'a', ...UNGUARDED }),
      agent({ id: 'b', ...guarded([policy({ action: 'none', blocks: false, blockOnError: false })]) }),
    ];
    assert.deepEqual(rule.evaluate(context({ agents })), []);
  });
});
