import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-not-blocking.ts';
import { UNGUARDED, agent, context, guarded, policy } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_guardrails_not_blocking', () => {
  it('PASS: one policy blocks', () => {
    const a = agent({ ...guarded([policy({ action: 'none', blocks: false }), policy()]) });
    assert.equal(one(rule, context({ agents: [a] })).status, 'PASS');
  });

  it('FAIL: actions "flag", "none" and absent', () => {
    const a = agent({
      ...guarded([
        policy({ action: 'flag', blocks: false, format: 'flat' }),
        policy({ action: 'none', blocks: false }),
        policy({ action: null, blocks: false }),
      ]),
    });
    const r = one(rule, context({ agents: [a] }));
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /policy 1 action "flag", policy 2 action "none" and policy 3 action absent/);
  });

  it('UNKNOWN: no readable policy blocks and one could not be read', () => {
    const a = agent({
      ...guarded([
        policy({ action: 'none', blocks: false }),
        policy({ format: 'unknown', blocks: false, action: null }),
      ]),
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });

  it('no result for an agent without guardrails (guardrails_missing reports it)', () => {
    assert.deepEqual(rule.evaluate(context({ agents: [agent({ ...UNGUARDED })] })), []);
  });
});
