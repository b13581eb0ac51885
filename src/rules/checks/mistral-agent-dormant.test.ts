import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-dormant.ts';
import { agent, availability, context, usage } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const idle = usage({ lastActivityAt: '2025-12-01T00:00:00.000Z' }, { totalRuns: 0, totalConversations: 0 });

describe('mistral_agent_dormant', () => {
  it('PASS: activity in the last 90 days', () => {
    assert.equal(one(rule, context()).status, 'PASS');
  });

  it('PASS: no activity but created less than 90 days ago', () => {
    const a = agent({
      createdAt: '2026-05-01T00:00:00.000Z',
      usage: usage({ lastActivityAt: null }, { totalRuns: 0, totalConversations: 0 }),
    });
    assert.match(one(rule, context({ agents: [a] })).detail, /created 31 days ago/);
  });

  it('FAIL: last used 182 days ago, or never used', () => {
    const r = one(rule, context({ agents: [agent({ usage: idle })] }));
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /last used 182 days ago/);
    const never = usage(
      { lastActivityAt: null, totalRuns: 0, totalConversations: 0 },
      { totalRuns: 0, totalConversations: 0 },
    );
    assert.match(one(rule, context({ agents: [agent({ usage: never })] })).detail, /never been used/);
  });

  it('UNKNOWN: usage not available (never a PASS)', () => {
    const ctx = context({
      availability: availability({ usage: { status: 'unavailable' } }),
      agents: [agent({ usage: null, status: 'unknown' })],
    });
    assert.equal(one(rule, ctx).status, 'UNKNOWN');
  });
});
