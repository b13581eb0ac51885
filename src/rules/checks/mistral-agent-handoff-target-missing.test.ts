import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentListingGap, handoffTargets, rule } from './mistral-agent-handoff-target-missing.ts';
import type { AgentRecord, DataQualityWarning } from '../../inventory/types.ts';
import { agent, availability, context, noBetaAvailability, snapshot } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const router = (handoffs: unknown, overrides: Partial<AgentRecord> = {}): AgentRecord =>
  agent({ id: 'ag_router', name: 'Router', handoffs: handoffs as string[] | null, ...overrides });
const legal = agent({ id: 'ag_legal', name: 'Legal' });
const billing = agent({ id: 'ag_billing', name: 'Billing' });

const leftOutAgent: DataQualityWarning = {
  resourceType: 'agent',
  resourceId: null,
  endpoint: '/v1/agents/pages',
  issue: 'id: expected string, received undefined',
  leftOut: true,
};

describe('mistral_agent_handoff_target_missing', () => {
  it('PASS: no handoffs, or every target is among the agents', () => {
    const none = one(rule, context({ agents: [router(null)] }), 'ag_router');
    assert.equal(none.status, 'PASS');
    assert.match(none.detail, /hands off to no other agent/);
    const all = one(
      rule,
      context({ agents: [router(['ag_legal', 'ag_billing']), legal, billing] }),
      'ag_router',
    );
    assert.equal(all.status, 'PASS');
    assert.equal(all.detail, 'Every agent it hands off to (2) exists.');
  });

  it('PASS: a target that exists is enough even when the listing was partial', () => {
    const ctx = context({
      availability: availability({ agents: { status: 'available', code: 'UPSTREAM_ERROR' } }),
      agents: [router(['ag_legal']), legal],
    });
    assert.equal(one(rule, ctx, 'ag_router').status, 'PASS');
  });

  it('FAIL: a target is not among the agents although they were listed completely', () => {
    const r = one(
      rule,
      context({ agents: [router(['ag_legal', 'ag_gone', 'ag_gone']), legal] }),
      'ag_router',
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(r.detail, 'The agent hands off to an agent that does not exist: ag_gone.');
    assert.deepEqual(r.evidence, { missingTargets: ['ag_gone'], handoffs: 2 });
    const two = one(rule, context({ agents: [router(['ag_a', 'ag_b'])] }), 'ag_router');
    assert.equal(two.detail, 'The agent hands off to agents that do not exist: ag_a and ag_b.');
  });

  it('UNKNOWN, never FAIL: the listing was partial, not read, or left records out', () => {
    const partial = one(
      rule,
      context({
        availability: availability({ agents: { status: 'available', code: 'UPSTREAM_ERROR' } }),
        agents: [router(['ag_gone'])],
      }),
    );
    assert.equal(partial.status, 'UNKNOWN');
    assert.equal(
      partial.detail,
      'The agent listing is incomplete (UPSTREAM_ERROR), so whether ag_gone exists is unknown.',
    );
    assert.deepEqual(partial.evidence, { unresolvedTargets: ['ag_gone'], handoffs: 1 });

    // Records kept from an earlier sync while agent discovery is not available now.
    const stale = one(rule, context({ availability: noBetaAvailability(), agents: [router(['ag_gone'])] }));
    assert.equal(stale.status, 'UNKNOWN');
    assert.match(stale.detail, /^Agent discovery is unavailable at this sync/);
    const staleOk = one(
      rule,
      context({ availability: noBetaAvailability(), agents: [router(['ag_legal']), legal] }),
      'ag_router',
    );
    assert.equal(staleOk.status, 'UNKNOWN', 'a PASS on earlier data is UNKNOWN');

    const leftOut = one(rule, context({ dataQuality: [leftOutAgent], agents: [router(['ag_gone'])] }));
    assert.equal(leftOut.status, 'UNKNOWN');
    assert.match(leftOut.detail, /^1 agent record was left out of the listing \(no usable id\)/);
  });

  it('UNKNOWN: an entry that is not an agent id, or handoffs flagged malformed (a proven FAIL stays)', () => {
    const odd = one(rule, context({ agents: [router(['ag_legal', 42]), legal] }), 'ag_router');
    assert.equal(odd.status, 'UNKNOWN');
    assert.match(odd.detail, /1 entry of the agent's handoffs is not an agent id/);

    const warning: DataQualityWarning = {
      resourceType: 'agent',
      resourceId: 'ag_router',
      endpoint: '/v1/agents/pages',
      issue: 'handoffs: expected array, received string',
    };
    const flagged = one(rule, context({ agents: [router(null, { dataQuality: [warning] })] }));
    assert.equal(flagged.status, 'UNKNOWN');
    assert.deepEqual(flagged.evidence?.dataQuality, [warning.issue]);
    const proven = one(rule, context({ agents: [router(['ag_gone'], { dataQuality: [warning] })] }));
    assert.equal(proven.status, 'FAIL');
  });

  it('helpers: distinct string ids; the listing gap in words', () => {
    assert.deepEqual(handoffTargets({ handoffs: ['a', 'b', 'a'] }), { ids: ['a', 'b'], unreadable: 0 });
    assert.deepEqual(handoffTargets({ handoffs: null }), { ids: [], unreadable: 0 });
    assert.equal(agentListingGap(snapshot()), null);
    assert.equal(
      agentListingGap(snapshot({ availability: availability({ agents: { status: 'error' } }) })),
      'agent discovery is not readable (an API error) at this sync',
    );
  });
});
