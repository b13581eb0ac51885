import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-handoff-weaker-guardrails.ts';
import { compareGuardrailStrength } from '../guardrail-strength.ts';
import type { AgentRecord, DataQualityWarning } from '../../inventory/types.ts';
import {
  UNGUARDED,
  agent,
  availability,
  context,
  guarded,
  noBetaAvailability,
  policy,
  policyWithCategories,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const NOT_BLOCKING = guarded([policy({ action: 'none', blocks: false })]);
const FAIL_OPEN = guarded([policy({ blockOnError: false })]);
const UNREADABLE = guarded([policy({ format: 'unknown', blocks: false, action: null })]);

const source = (handoffs: string[] | null, overrides: Partial<AgentRecord> = {}): AgentRecord =>
  agent({ id: 'ag_src', name: 'Security analyst', handoffs, ...overrides });
const target = (id: string, name: string, overrides: Partial<AgentRecord> = {}): AgentRecord =>
  agent({ id, name, ...overrides });
const guardrailsWarning = (id: string): DataQualityWarning => ({
  resourceType: 'agent',
  resourceId: id,
  endpoint: '/v1/agents/pages',
  issue: 'guardrails[0]: Invalid input',
});

describe('mistral_agent_handoff_weaker_guardrails', () => {
  it('PASS: no handoffs', () => {
    const r = one(rule, context({ agents: [source(null)] }), 'ag_src');
    assert.equal(r.status, 'PASS');
    assert.equal(r.detail, 'The agent hands off to no other agent.');
  });

  it('PASS: every target is guarded at least as strongly (equal, stronger, itself)', () => {
    const ctx = context({
      agents: [
        source(['ag_same', 'ag_src'], FAIL_OPEN),
        target('ag_same', 'Same', FAIL_OPEN),
        target('ag_strong', 'Strong'),
      ],
    });
    const r = one(rule, ctx, 'ag_src');
    assert.equal(r.status, 'PASS');
    assert.equal(
      r.detail,
      'Every agent it hands off to (2) is guarded at least as strongly as the agent (blocking guardrails that fail open).',
    );
    const up = one(
      rule,
      context({ agents: [source(['ag_strong'], NOT_BLOCKING), target('ag_strong', 'Strong')] }),
      'ag_src',
    );
    assert.equal(up.status, 'PASS');
  });

  it('PASS: an agent without guardrails has no weaker target, even one not read', () => {
    const ctx = context({
      availability: availability({ agents: { status: 'available', code: 'UPSTREAM_ERROR' } }),
      agents: [source(['ag_unlisted'], UNGUARDED)],
    });
    const r = one(rule, ctx, 'ag_src');
    assert.equal(r.status, 'PASS');
    assert.match(
      r.detail,
      /has no guardrails of its own \(see mistral_agent_guardrails_missing\), so no agent it hands off to can be weaker/,
    );
  });

  it('PASS: a target proven not to exist is left to mistral_agent_handoff_target_missing', () => {
    const r = one(rule, context({ agents: [source(['ag_gone', 'ag_ok']), target('ag_ok', 'Ok')] }), 'ag_src');
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /ag_gone does not exist \(see mistral_agent_handoff_target_missing\)\.$/);
    assert.deepEqual(r.evidence?.missingTargets, ['ag_gone']);
  });

  it('FAIL: targets without guardrails, naming each target and both strengths (the demo case)', () => {
    const ctx = context({
      agents: [
        source(['ag_onb', 'ag_code'], NOT_BLOCKING),
        target('ag_onb', 'Onboarding buddy', UNGUARDED),
        target('ag_code', 'Code reviewer', UNGUARDED),
      ],
    });
    const r = one(rule, ctx, 'ag_src');
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail,
      'The agent hands off to "Onboarding buddy" (no guardrails) and "Code reviewer" (no guardrails), both weaker than its own guardrails that do not block.',
    );
    assert.deepEqual(r.evidence, {
      own: { level: 1, label: 'guardrails that do not block', checkedCategories: 0 },
      weakerTargets: [
        { id: 'ag_onb', name: 'Onboarding buddy', level: 0, label: 'no guardrails', checkedCategories: 0 },
        { id: 'ag_code', name: 'Code reviewer', level: 0, label: 'no guardrails', checkedCategories: 0 },
      ],
    });
  });

  it('FAIL: a lower level, and the same level with fewer categories checked (the one ordering)', () => {
    const fewer = guarded([
      policyWithCategories({
        sexual: { evaluated: false, threshold: null },
        hate_and_discrimination: { evaluated: false, threshold: null },
      }),
    ]);
    const a = target('ag_fo', 'Fail open', FAIL_OPEN);
    const b = target('ag_few', 'Fewer', fewer);
    const src = source(['ag_fo', 'ag_few', 'ag_eq'], guarded([policy()]));
    const eq = target('ag_eq', 'Equal');
    assert.ok(compareGuardrailStrength(b, src) < 0, 'fewer categories is weaker by guardrail-strength.ts');
    assert.equal(compareGuardrailStrength(eq, src), 0);
    const r = one(rule, context({ agents: [src, a, b, eq] }), 'ag_src');
    assert.equal(r.status, 'FAIL');
    assert.match(
      r.detail,
      /^The agent hands off to "Fail open" \(blocking guardrails that fail open\) and "Fewer" \(blocking, fail-closed guardrails checking jailbreaking and pii, \d+ categories checked\), both weaker than its own blocking, fail-closed guardrails checking jailbreaking and pii, \d+ categories checked\.$/,
    );
    assert.deepEqual(
      (r.evidence?.weakerTargets as Array<{ id: string }>).map((t) => t.id),
      ['ag_fo', 'ag_few'],
    );
  });

  it('FAIL stands when another target could not be judged', () => {
    const ctx = context({
      availability: availability({ agents: { status: 'available', code: 'UPSTREAM_ERROR' } }),
      agents: [source(['ag_none', 'ag_unlisted']), target('ag_none', 'HR assistant', UNGUARDED)],
    });
    const r = one(rule, ctx, 'ag_src');
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.unresolvedTargets, ['ag_unlisted']);
  });

  it('FAIL: any policy, even one that could not be read, is stronger than none', () => {
    const ctx = context({ agents: [source(['ag_none'], UNREADABLE), target('ag_none', 'HR', UNGUARDED)] });
    const r = one(rule, ctx, 'ag_src');
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /weaker than its own guardrails \(some of them unreadable\)/);
  });

  it('UNKNOWN: a target not among the agents read while the listing was incomplete', () => {
    for (const snap of [
      { availability: availability({ agents: { status: 'available', code: 'UPSTREAM_ERROR' } }) },
      {
        dataQuality: [
          {
            resourceType: 'agent' as const,
            resourceId: null,
            endpoint: '/v1/agents/pages',
            issue: 'id: expected string',
            leftOut: true as const,
          },
        ],
      },
    ]) {
      const r = one(rule, context({ ...snap, agents: [source(['ag_unlisted'])] }), 'ag_src');
      assert.equal(r.status, 'UNKNOWN');
      assert.match(
        r.detail,
        /^No readable handoff target is weaker, but ag_unlisted is not among the agents read/,
      );
    }
    // Agents kept from an earlier sync: a PASS on them is UNKNOWN.
    const stale = context({
      availability: noBetaAvailability(),
      agents: [source(['ag_ok']), target('ag_ok', 'Ok')],
    });
    assert.equal(one(rule, stale, 'ag_src').status, 'UNKNOWN');
  });

  it('UNKNOWN, never PASS: a policy of either side could not be read, or guardrails were flagged', () => {
    const unreadTarget = one(
      rule,
      context({ agents: [source(['ag_t']), target('ag_t', 'Target', UNREADABLE)] }),
      'ag_src',
    );
    assert.equal(unreadTarget.status, 'UNKNOWN');
    assert.match(unreadTarget.detail, /the guardrails of "Target" could not be read/);

    const unreadSource = one(
      rule,
      context({ agents: [source(['ag_t'], UNREADABLE), target('ag_t', 'Target', FAIL_OPEN)] }),
      'ag_src',
    );
    assert.equal(unreadSource.status, 'UNKNOWN');
    assert.equal(
      unreadSource.detail,
      'No readable handoff target is weaker, but a guardrail policy of the agent itself could not be read, so 1 guarded target cannot be compared with it.',
    );
    assert.equal(unreadSource.evidence?.unreadableTargets, undefined, 'the target itself was read');

    // A handoff to itself needs no comparison, even with an unreadable policy.
    const self = one(rule, context({ agents: [source(['ag_src'], UNREADABLE)] }), 'ag_src');
    assert.equal(self.status, 'PASS');

    // null guardrails with a warning: "no guardrails" is not proven for the target.
    const flaggedTarget = one(
      rule,
      context({
        agents: [
          source(['ag_t']),
          target('ag_t', 'Target', { ...UNGUARDED, dataQuality: [guardrailsWarning('ag_t')] }),
        ],
      }),
      'ag_src',
    );
    assert.equal(flaggedTarget.status, 'UNKNOWN');

    const flaggedSource = one(
      rule,
      context({
        agents: [
          source(['ag_t'], { ...UNREADABLE, dataQuality: [guardrailsWarning('ag_src')] }),
          target('ag_t', 'Target', UNGUARDED),
        ],
      }),
      'ag_src',
    );
    assert.equal(flaggedSource.status, 'UNKNOWN');
    assert.match(flaggedSource.detail, /flagged as malformed/);
  });

  it('UNKNOWN: handoffs flagged malformed or holding something other than an id', () => {
    const warning: DataQualityWarning = {
      resourceType: 'agent',
      resourceId: 'ag_src',
      endpoint: '/v1/agents/pages',
      issue: 'handoffs: expected array, received string',
    };
    const flagged = one(rule, context({ agents: [source(null, { dataQuality: [warning] })] }), 'ag_src');
    assert.equal(flagged.status, 'UNKNOWN');
    const odd = one(
      rule,
      context({ agents: [source(['ag_ok', 7] as unknown as string[]), target('ag_ok', 'Ok')] }),
      'ag_src',
    );
    assert.equal(odd.status, 'UNKNOWN');
    assert.match(odd.detail, /1 handoff entry is not an agent id/);
  });
});
