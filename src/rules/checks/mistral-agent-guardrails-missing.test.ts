import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-missing.ts';
import { UNGUARDED, agent, context, guarded, noBetaAvailability, policy } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_guardrails_missing', () => {
  it('PASS: the agent has a guardrail policy', () => {
    const r = one(rule, context({ agents: [agent({ ...guarded([policy(), policy()]) })] }));
    assert.equal(r.status, 'PASS');
    assert.deepEqual(r.evidence, { policyCount: 2 });
  });

  it('FAIL: guardrails null (the product document finding)', () => {
    const r = one(rule, context({ agents: [agent({ id: 'ag_x', name: 'Bot', ...UNGUARDED })] }));
    assert.equal(r.status, 'FAIL');
    assert.equal(r.resourceId, 'ag_x');
    assert.equal(r.resourceName, 'Bot');
  });

  it('UNKNOWN: the guardrails field was flagged as malformed', () => {
    const a = agent({
      ...UNGUARDED,
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'guardrails: expected array, received string',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });

  it('no result without agent discovery', () => {
    assert.deepEqual(rule.evaluate(context({ availability: noBetaAvailability(), agents: [] })), []);
  });

  it('remediation carries the wire-shape PATCH body', () => {
    const body = rule.meta.remediation.patchAgentBody as {
      guardrails: Array<{ block_on_error: boolean; moderation_llm_v2: { action: string } }>;
    };
    assert.equal(body.guardrails[0].block_on_error, true);
    assert.equal(body.guardrails[0].moderation_llm_v2.action, 'block');
  });
});
