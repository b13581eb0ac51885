import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_INSTRUCTIONS_LENGTH, rule } from './mistral-agent-instructions-missing.ts';
import { agent, context } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const result = (instructions: string | null) => one(rule, context({ agents: [agent({ instructions })] }));

describe('mistral_agent_instructions_missing', () => {
  it('PASS: instructions of the minimum length', () => {
    assert.equal(result('x'.repeat(MIN_INSTRUCTIONS_LENGTH)).status, 'PASS');
  });

  it('FAIL: null, blank, or trivially short', () => {
    assert.equal(result(null).status, 'FAIL');
    assert.equal(result('   \n ').status, 'FAIL');
    const r = result('Answer briefly.');
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence, { length: 15, minimum: MIN_INSTRUCTIONS_LENGTH });
  });

  it('UNKNOWN: instructions flagged malformed', () => {
    const a = agent({
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'instructions: expected string',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });
});
