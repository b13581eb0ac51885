import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-instructions-secret.ts';
import { agent, agentConfig, availability, context } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const AWS = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const PASSWORD = ['Tr0ub4dor', '&3horse'].join('');

/** No 5-character window of the secret appears in the text. */
function assertNoPartOf(secret: string, text: string): void {
  for (let i = 0; i + 5 <= secret.length; i++)
    assert.ok(!text.includes(secret.slice(i, i + 5)), `leaks "${secret.slice(i, i + 5)}…"`);
}

describe('mistral_agent_instructions_secret', () => {
  it('PASS: clean instructions (current and earlier versions)', () => {
    const r = one(rule, context());
    assert.equal(r.status, 'PASS');
    assert.deepEqual(r.evidence, { versionsScanned: 1 });
  });

  it('PASS: no instructions at all has nothing to leak', () => {
    assert.equal(one(rule, context({ agents: [agent({ instructions: null })] })).status, 'PASS');
  });

  it('FAIL: reports kind and line/column, never the value or a part of it', () => {
    const instructions = `You are the billing bot.\nCall the API with key ${AWS}.\nadmin password: ${PASSWORD}`;
    const r = one(rule, context({ agents: [agent({ instructions })] }));
    assert.equal(r.status, 'FAIL');
    assert.match(
      r.detail,
      /an AWS access key id at line 2, column 23 and a password or secret assignment at line 3, column 7/,
    );
    const text = r.detail + JSON.stringify(r.evidence);
    assertNoPartOf(AWS, text);
    assertNoPartOf(PASSWORD, text);
  });

  it('FAIL: a credential only in an earlier version still readable through the API', () => {
    const a = agent({
      version: 2,
      versions: [1, 2],
      versionHistory: [
        agentConfig({ version: 1, instructions: `token=${PASSWORD}` }),
        agentConfig({ version: 2 }),
      ],
    });
    const r = one(rule, context({ agents: [a] }));
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /version 1/);
    assertNoPartOf(PASSWORD, r.detail + JSON.stringify(r.evidence));
  });

  it('UNKNOWN: instructions flagged malformed', () => {
    const a = agent({
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'instructions: expected string, received number',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });

  it('without version history the current version is scanned, but clean instructions are UNKNOWN, not PASS', () => {
    const a = agent({
      version: 2,
      versions: [1, 2],
      versionHistory: [agentConfig({ version: 1, instructions: `token=${PASSWORD}` })],
    });
    const ctx = context({ agents: [a], availability: availability({ versions: { status: 'unavailable' } }) });
    const r = one(rule, ctx);
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /earlier version 1 could not be scanned/);
    const leaky = agent({ version: 2, versions: [1, 2], instructions: `token=${PASSWORD}` });
    assert.equal(
      one(rule, context({ agents: [leaky], availability: ctx.snapshot.availability })).status,
      'FAIL',
    );
    // A single version needs no history.
    assert.equal(
      one(rule, context({ agents: [agent()], availability: ctx.snapshot.availability })).status,
      'PASS',
    );
  });

  it('an earlier version missing from the history makes clean instructions UNKNOWN', () => {
    const a = agent({ version: 3, versions: [1, 2, 3], versionHistory: [agentConfig({ version: 2 })] });
    const r = one(rule, context({ agents: [a] }));
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /version 1 is missing from the version history/);
  });

  it('a finding found in an earlier version is not resolved when the history cannot be read next time', () => {
    const history = [
      agentConfig({ version: 1, instructions: `token=${PASSWORD}` }),
      agentConfig({ version: 2 }),
    ];
    const a = agent({ version: 2, versions: [1, 2], versionHistory: history });
    assert.equal(one(rule, context({ agents: [a] })).status, 'FAIL');
    const failed = availability({
      versions: { status: 'error', code: 'UPSTREAM_ERROR', message: 'HTTP 503' },
    });
    assert.equal(one(rule, context({ agents: [a], availability: failed })).status, 'UNKNOWN');
  });
});
