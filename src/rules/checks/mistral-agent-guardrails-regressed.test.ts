import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-regressed.ts';
import {
  UNGUARDED,
  agent,
  agentConfig,
  availability,
  context,
  guarded,
  policy,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const strong = guarded([policy()]);
const failOpen = guarded([policy({ blockOnError: false })]);

describe('mistral_agent_guardrails_regressed', () => {
  it('PASS: guardrails only got stronger', () => {
    const a = agent({
      version: 2,
      versions: [1, 2],
      ...strong,
      versionHistory: [agentConfig({ version: 1, ...UNGUARDED }), agentConfig({ version: 2, ...strong })],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'PASS');
  });

  it('PASS: a single version', () => {
    assert.match(one(rule, context({ agents: [agent()] })).detail, /only version/);
  });

  it('FAIL: version 3 fails open, version 1 was strong', () => {
    const a = agent({
      version: 3,
      versions: [1, 2, 3],
      ...failOpen,
      versionHistory: [
        agentConfig({ version: 1, ...strong }),
        agentConfig({ version: 2, ...UNGUARDED }),
        agentConfig({ version: 3, ...failOpen }),
      ],
    });
    const r = one(rule, context({ agents: [a] }));
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.strongerVersion, 1);
    assert.match(r.detail, /Version 3 has blocking guardrails that fail open .* weaker than version 1/);
  });

  it('FAIL: guardrails removed', () => {
    const a = agent({
      version: 2,
      versions: [1, 2],
      ...UNGUARDED,
      versionHistory: [agentConfig({ version: 1, ...strong })],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'FAIL');
  });

  it('UNKNOWN: version history unavailable', () => {
    const ctx = context({
      availability: availability({ versions: { status: 'unavailable' } }),
      agents: [agent({ versionHistory: [] })],
    });
    assert.equal(one(rule, ctx).status, 'UNKNOWN');
  });

  it('UNKNOWN: an earlier version is missing from the history', () => {
    const a = agent({
      version: 3,
      versions: [1, 2, 3],
      versionHistory: [agentConfig({ version: 2, ...UNGUARDED })],
    });
    const r = one(rule, context({ agents: [a] }));
    assert.equal(r.status, 'UNKNOWN');
    assert.deepEqual(r.evidence?.missingVersions, [1]);
  });
  it('UNKNOWN, never PASS or FAIL, when a policy could not be read (current or earlier version)', () => {
    const unreadable = guarded([policy({ format: 'unknown', blocks: false, action: null })]);
    const current = agent({
      version: 2,
      versions: [1, 2],
      ...unreadable,
      versionHistory: [agentConfig({ version: 1, ...strong }), agentConfig({ version: 2, ...unreadable })],
    });
    const r1 = one(rule, context({ agents: [current] }));
    assert.equal(r1.status, 'UNKNOWN');
    assert.match(r1.detail, /version 2 could not be read/);
    const earlier = agent({
      version: 2,
      versions: [1, 2],
      ...strong,
      versionHistory: [agentConfig({ version: 1, ...unreadable }), agentConfig({ version: 2, ...strong })],
    });
    const r2 = one(rule, context({ agents: [earlier] }));
    assert.equal(r2.status, 'UNKNOWN');
    assert.match(r2.detail, /version 1 could not be read/);
    // A readable earlier version that was stronger is still a FAIL, whatever else could not be read.
    const weaker = agent({
      version: 3,
      versions: [1, 2, 3],
      ...failOpen,
      versionHistory: [
        agentConfig({ version: 1, ...strong }),
        agentConfig({ version: 2, ...unreadable }),
        agentConfig({ version: 3, ...failOpen }),
      ],
    });
    assert.equal(one(rule, context({ agents: [weaker] })).status, 'FAIL');
  });
});
