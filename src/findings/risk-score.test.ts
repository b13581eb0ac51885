import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeRiskScores, unitScore, type SeverityCounts } from './risk-score.ts';
import type { CheckStatus, FindingResourceType, FindingState, RiskScore, Severity } from './types.ts';
import { SEVERITIES } from './types.ts';

const INT = 'int_1';
const NOW = '2026-11-20T00:00:00Z';
let seq = 0;

function finding(
  severity: Severity,
  resourceId = 'ag_1',
  over: Partial<FindingState> & { lastStatus?: CheckStatus; resourceType?: FindingResourceType } = {},
): FindingState {
  seq += 1;
  return {
    id: `f${seq}`,
    integrationId: INT,
    ruleId: `rule_${seq}`,
    severity,
    resourceType: 'agent',
    resourceId,
    resourceName: null,
    lastStatus: 'FAIL',
    status: 'open',
    title: 't',
    detail: 'd',
    evidence: {},
    firstSeenAt: '2026-11-01T00:00:00Z',
    lastSeenAt: '2026-11-01T00:00:00Z',
    resolvedAt: null,
    reopenCount: 0,
    mute: null,
    ...over,
  };
}

const zero = (): Record<Severity, number> => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

function agentScore(scores: RiskScore[], id: string): number {
  const s = scores.find((x) => x.scope === 'agent' && x.resourceId === id);
  assert.ok(s, `no score for ${id}`);
  return s.score;
}
function integrationScore(scores: RiskScore[]): number {
  return scores.find((x) => x.scope === 'integration')!.score;
}

describe('unitScore', () => {
  const counts = (
    fail: Partial<Record<Severity, number>>,
    unknown: Partial<Record<Severity, number>> = {},
  ): SeverityCounts => ({
    fail: { ...zero(), ...fail },
    unknown: { ...zero(), ...unknown },
  });

  it('gives the documented single-finding values', () => {
    assert.equal(unitScore(counts({})), 0);
    assert.equal(unitScore(counts({ critical: 1 })), 60);
    assert.equal(unitScore(counts({ high: 1 })), 35);
    assert.equal(Math.round(unitScore(counts({ medium: 1 })) * 1e9) / 1e9, 15);
    assert.equal(Math.round(unitScore(counts({ low: 1 })) * 1e9) / 1e9, 5);
    assert.equal(unitScore(counts({ info: 7 })), 0);
    assert.equal(Math.round(unitScore(counts({}, { high: 1 })) * 1e9) / 1e9, 17.5);
  });

  it('is monotonic, bounded and saturating', () => {
    for (const s of SEVERITIES) {
      let prev = 0;
      let prevGain = Infinity;
      for (let n = 1; n <= 60; n++) {
        const v = unitScore(counts({ [s]: n }));
        assert.ok(v >= prev, `${s} x${n} lowered the score`);
        assert.ok(v <= 100 && v >= 0);
        const gain = v - prev;
        assert.ok(gain <= prevGain + 1e-9, `${s} x${n} gained more than the previous finding`);
        prev = v;
        prevGain = gain;
      }
    }
    // Every added finding, of any severity and status, never lowers the score.
    const c = counts({});
    let prev = 0;
    for (let i = 0; i < 200; i++) {
      const s = SEVERITIES[(i * 7) % SEVERITIES.length];
      if (i % 3 === 0) c.unknown[s] += 1;
      else c.fail[s] += 1;
      const v = unitScore(c);
      assert.ok(v >= prev && v <= 100);
      prev = v;
    }
    assert.ok(unitScore(counts({ critical: 1 })) > unitScore(counts({ high: 1 })));
    assert.ok(unitScore(counts({ high: 1 })) > unitScore(counts({}, { high: 1 })));
  });
});

describe('computeRiskScores', () => {
  it('scores agents and the integration with exact numbers', () => {
    const findings = [
      finding('critical', 'ag_1'),
      finding('high', 'ag_1'),
      finding('high', 'ag_3'),
      finding('high', 'ag_3'),
      finding('medium', 'lib_1', { resourceType: 'library' }),
    ];
    const scores = computeRiskScores(findings, [{ id: 'ag_2' }, { id: 'ag_1' }, { id: 'ag_3' }], NOW, INT);
    assert.deepEqual(
      scores.map((s) => [s.scope, s.resourceId, s.score]),
      [
        ['integration', INT, 55.3], // see below
        ['agent', 'ag_1', 74], // 100 × (1 − 0.4 × 0.65)
        ['agent', 'ag_2', 0],
        ['agent', 'ag_3', 57.8], // 100 × (1 − 0.65²) = 57.75
      ],
    );
    // units: workspace 15, ag_1 74, ag_2 0, ag_3 57.75 → 0.5 × 74 + 0.5 × (146.75 / 4) = 55.34375 → 55.3
    assert.deepEqual(scores[0].openBySeverity, { critical: 1, high: 3, medium: 1, low: 0, info: 0 });
    assert.deepEqual(scores[1].openBySeverity, { critical: 1, high: 1, medium: 0, low: 0, info: 0 });
    assert.deepEqual(scores[0].unknownBySeverity, zero());
  });

  it('integration example: one critical agent, one clean agent, one medium library finding = 42.5', () => {
    const scores = computeRiskScores(
      [finding('critical', 'ag_1'), finding('medium', 'lib_1', { resourceType: 'library' })],
      [{ id: 'ag_1' }, { id: 'ag_2' }],
      NOW,
      INT,
    );
    // units [15, 60, 0]: 0.5 × 60 + 0.5 × 25
    assert.equal(integrationScore(scores), 42.5);
  });

  it('is 0 with no agents and no findings, and equals the workspace unit with no agents', () => {
    assert.deepEqual(computeRiskScores([], [], NOW, INT), [
      { scope: 'integration', resourceId: INT, score: 0, openBySeverity: zero(), unknownBySeverity: zero() },
    ]);
    const s = computeRiskScores([finding('high', INT, { resourceType: 'integration' })], [], NOW, INT);
    assert.equal(integrationScore(s), 35);
    assert.equal(s.length, 1);
  });

  it('counts UNKNOWN at half weight and excludes resolved, PASS, muted and other integrations', () => {
    const findings = [
      finding('high', 'ag_1', { lastStatus: 'UNKNOWN' }),
      finding('critical', 'ag_1', { status: 'resolved', resolvedAt: NOW, lastStatus: 'PASS' }),
      finding('critical', 'ag_1', { mute: { reason: 'ok', by: 'a', at: NOW, expiresAt: null } }),
      finding('critical', 'ag_1', { integrationId: 'int_2' }),
    ];
    const scores = computeRiskScores(findings, [{ id: 'ag_1' }], NOW, INT);
    assert.equal(agentScore(scores, 'ag_1'), 17.5);
    assert.deepEqual(scores[1].openBySeverity, zero());
    assert.deepEqual(scores[1].unknownBySeverity, { ...zero(), high: 1 });
  });

  it('counts a finding again once its mute has expired', () => {
    const f = finding('critical', 'ag_1', {
      mute: { reason: 'ok', by: 'a', at: NOW, expiresAt: '2026-11-25T00:00:00Z' },
    });
    assert.equal(
      agentScore(computeRiskScores([f], [{ id: 'ag_1' }], '2026-11-24T00:00:00Z', INT), 'ag_1'),
      0,
    );
    assert.equal(
      agentScore(computeRiskScores([f], [{ id: 'ag_1' }], '2026-11-25T00:00:00Z', INT), 'ag_1'),
      60,
    );
  });

  it('scores an agent that is not listed but still has open findings', () => {
    const scores = computeRiskScores([finding('high', 'ag_gone')], [], NOW, INT);
    assert.equal(agentScore(scores, 'ag_gone'), 35);
    // units [0 (workspace), 35] → 0.5 × 35 + 0.5 × 17.5
    assert.equal(integrationScore(scores), 26.3);
  });

  it('integration score never decreases when a finding is added anywhere', () => {
    const agents = [{ id: 'ag_1' }, { id: 'ag_2' }, { id: 'ag_3' }];
    const places: Array<[string, FindingResourceType]> = [
      ['ag_1', 'agent'],
      ['ag_2', 'agent'],
      ['ag_3', 'agent'],
      ['lib_1', 'library'],
      ['m_1', 'model'],
      [INT, 'integration'],
    ];
    const list: FindingState[] = [];
    let prev = 0;
    for (let i = 0; i < 120; i++) {
      const [id, type] = places[(i * 5) % places.length];
      list.push(
        finding(SEVERITIES[(i * 3) % 5], id, {
          resourceType: type,
          lastStatus: i % 4 === 0 ? 'UNKNOWN' : 'FAIL',
        }),
      );
      const v = integrationScore(computeRiskScores(list, agents, NOW, INT));
      assert.ok(v >= prev, `adding finding ${i} lowered the integration score ${prev} → ${v}`);
      assert.ok(v >= 0 && v <= 100);
      prev = v;
    }
  });
});
