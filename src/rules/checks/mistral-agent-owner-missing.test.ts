import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-owner-missing.ts';
import { agent, context } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_owner_missing', () => {
  it('PASS: owner and description', () => {
    assert.equal(one(rule, context()).status, 'PASS');
  });

  it('FAIL: no owner, blank description, or both', () => {
    assert.equal(
      one(rule, context({ agents: [agent({ ownerId: null })] })).detail,
      'The agent has no owner.',
    );
    assert.equal(
      one(rule, context({ agents: [agent({ description: '  ' })] })).detail,
      'The agent has no description.',
    );
    assert.equal(
      one(rule, context({ agents: [agent({ ownerId: null, description: null })] })).detail,
      'The agent has no owner and no description.',
    );
  });

  it('UNKNOWN only when the fields were flagged malformed: both fields are always present on a record', () => {
    const a = agent({
      ownerId: null,
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'owner_id: expected string, received number',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });
});
