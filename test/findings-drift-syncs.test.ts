/**
 * Cross-module: real rules → lifecycle → risk score, and drift, over three successive literal snapshots
 * of one integration (the composition the sync pipeline performs at each sync).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../src/inventory/types.ts';
import type { FindingState, Rule, RuleResult } from '../src/findings/types.ts';
import { computeRiskScores, findingId, reconcileFindings, resourceCoverage } from '../src/findings/index.ts';
import { diffSnapshots } from '../src/drift/index.ts';
import { rule as guardrailsMissing } from '../src/rules/checks/mistral-agent-guardrails-missing.ts';
import { rule as failOpen } from '../src/rules/checks/mistral-agent-guardrails-fail-open.ts';
import {
  agent,
  guarded,
  noBetaAvailability,
  policy,
  snapshot,
  UNGUARDED,
} from '../src/rules/testing/fixtures.ts';

const INT = 'int_1';
const RULES: Rule[] = [guardrailsMissing, failOpen];
const ruleMeta = (id: string) => {
  const r = RULES.find((x) => x.meta.id === id);
  if (!r) throw new Error(`unknown rule ${id}`);
  return { severity: r.meta.severity, title: r.meta.title };
};

function sync(existing: FindingState[], previous: Snapshot | null, current: Snapshot) {
  const at = current.takenAt;
  const results: RuleResult[] = RULES.flatMap((r) =>
    r.evaluate({ snapshot: current, previous, now: new Date(at) }),
  );
  const coverage = resourceCoverage(current, INT);
  const reconciled = reconcileFindings({ integrationId: INT, existing, results, at, ruleMeta, ...coverage });
  return {
    ...reconciled,
    events: diffSnapshots(previous, current, at),
    scores: computeRiskScores(reconciled.findings, current.agents, at, INT),
  };
}

const T1 = '2026-06-01T00:00:00.000Z';
const T2 = '2026-06-02T00:00:00.000Z';
const T3 = '2026-06-03T00:00:00.000Z';
const GM = 'mistral_agent_guardrails_missing';
const FO = 'mistral_agent_guardrails_fail_open';

describe('findings and drift across syncs', () => {
  it('opens, resolves, reopens, records events, and freezes during a beta outage', () => {
    assert.equal(guardrailsMissing.meta.severity, 'high', 'the scores below assume this severity');
    assert.equal(failOpen.meta.severity, 'medium', 'the scores below assume this severity');

    // Sync 1: A has no guardrails, B is strongly guarded.
    const s1 = snapshot({
      takenAt: T1,
      agents: [
        agent({ id: 'ag_a', name: 'A', ...UNGUARDED }),
        agent({ id: 'ag_b', name: 'B', ...guarded([policy()]) }),
      ],
    });
    const r1 = sync([], null, s1);
    assert.deepEqual(r1.events, []);
    assert.deepEqual(
      r1.findings.map((f) => [f.ruleId, f.resourceId, f.status, f.lastStatus]),
      [[GM, 'ag_a', 'open', 'FAIL']],
    );
    assert.equal(r1.findings[0].id, findingId(GM, INT, 'agent', 'ag_a'));
    assert.deepEqual(
      r1.scores.map((s) => [s.scope, s.resourceId, s.score]),
      [
        ['integration', INT, 23.3], // units [workspace 0, 35, 0]: 0.5 × 35 + 0.5 × 35/3 = 23.33
        ['agent', 'ag_a', 35],
        ['agent', 'ag_b', 0],
      ],
    );

    // Sync 2: A gets fail-open guardrails; B loses its guardrails; C appears.
    const s2 = snapshot({
      takenAt: T2,
      agents: [
        agent({ id: 'ag_a', name: 'A', version: 2, ...guarded([policy({ blockOnError: false })]) }),
        agent({ id: 'ag_b', name: 'B', version: 2, ...UNGUARDED }),
        agent({ id: 'ag_c', name: 'C', ...guarded([policy()]) }),
      ],
    });
    const r2 = sync(r1.findings, s1, s2);
    assert.deepEqual(
      r2.findings.map((f) => [f.ruleId, f.resourceId, f.status]),
      [
        [FO, 'ag_a', 'open'],
        [GM, 'ag_a', 'resolved'],
        [GM, 'ag_b', 'open'],
      ],
    );
    assert.deepEqual(
      r2.transitions.map((t) => [t.findingId, t.from, t.to, t.reason]),
      [
        [findingId(FO, INT, 'agent', 'ag_a'), null, 'open', 'opened'],
        [findingId(GM, INT, 'agent', 'ag_a'), 'open', 'resolved', 'passed'],
        [findingId(GM, INT, 'agent', 'ag_b'), null, 'open', 'opened'],
      ],
    );
    assert.deepEqual(
      r2.events.map((e) => `${e.type}:${e.resourceId}`),
      ['agent_changed:ag_a', 'agent_changed:ag_b', 'guardrails_removed:ag_b', 'resource_created:ag_c'],
    );
    // ag_a: 1 medium = 15; ag_b: 1 high = 35; ag_c 0; workspace 0 → 0.5 × 35 + 0.5 × 50/4 = 23.75
    assert.deepEqual(
      r2.scores.map((s) => [s.resourceId, s.score]),
      [
        [INT, 23.8],
        ['ag_a', 15],
        ['ag_b', 35],
        ['ag_c', 0],
      ],
    );

    // Sync 3: beta access lost: no agents listed. Nothing resolves, nothing is deleted.
    const s3 = snapshot({ takenAt: T3, availability: noBetaAvailability(), agents: [] });
    const r3 = sync(r2.findings, s2, s3);
    assert.deepEqual(r3.findings, r2.findings);
    assert.deepEqual(r3.transitions, []);
    assert.deepEqual(r3.events, []);
    // Agents with open findings are still scored although they were not listed.
    assert.deepEqual(
      r3.scores.map((s) => [s.resourceId, s.score]),
      [
        [INT, 25.8], // units [workspace 0, 15, 35]: 0.5 × 35 + 0.5 × 50/3 = 25.83
        ['ag_a', 15],
        ['ag_b', 35],
      ],
    );

    // Sync 4: access back, B fixed, A deleted.
    const s4 = snapshot({
      takenAt: '2026-06-04T00:00:00.000Z',
      agents: [agent({ id: 'ag_b', name: 'B', version: 3, ...guarded([policy()]) }), s2.agents[2]],
    });
    const r4 = sync(r3.findings, s3, s4);
    assert.deepEqual(
      r4.transitions.map((t) => [t.findingId, t.reason]),
      [
        [findingId(FO, INT, 'agent', 'ag_a'), 'resource deleted'],
        [findingId(GM, INT, 'agent', 'ag_b'), 'passed'],
      ],
    );
    assert.deepEqual(r4.events, []); // previous listing was incomplete: no created/deleted, and B is not in s3
    assert.equal(r4.scores[0].score, 0);
  });
});
