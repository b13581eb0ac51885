import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingId, resourceKey } from './finding-id.ts';
import { reconcileFindings, type ReconcileInput } from './lifecycle.ts';
import type { FindingState, RuleResult, Severity } from './types.ts';

const INT = 'int_1';
const T1 = '2026-11-01T00:00:00Z';
const T2 = '2026-11-02T00:00:00Z';
const T3 = '2026-11-03T00:00:00Z';

const META: Record<string, { severity: Severity; title: string }> = {
  mistral_agent_guardrails_missing: { severity: 'high', title: 'Agent has no guardrails' },
  mistral_agent_dormant: { severity: 'low', title: 'Agent is dormant' },
  mistral_library_unused: { severity: 'info', title: 'Library is unused' },
};
const ruleMeta = (id: string) => {
  const m = META[id];
  if (!m) throw new Error(`unknown rule ${id}`);
  return m;
};

function result(
  ruleId: string,
  status: RuleResult['status'],
  resourceId = 'ag_1',
  resourceType: RuleResult['resourceType'] = 'agent',
  detail = `${status} detail`,
): RuleResult {
  return {
    ruleId,
    status,
    resourceType,
    resourceId,
    resourceName: `name of ${resourceId}`,
    detail,
    evidence: { k: status },
  };
}

function run(partial: Partial<ReconcileInput> & Pick<ReconcileInput, 'existing' | 'results' | 'at'>) {
  return reconcileFindings({
    integrationId: INT,
    ruleMeta,
    liveResourceIds: new Set([
      resourceKey('agent', 'ag_1'),
      resourceKey('agent', 'ag_2'),
      resourceKey('library', 'lib_1'),
    ]),
    ...partial,
  });
}

const GM = 'mistral_agent_guardrails_missing';

describe('findingId', () => {
  it('is a 16-hex SHA-256 prefix, stable and distinct per part', () => {
    const id = findingId(GM, INT, 'agent', 'ag_1');
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(id, findingId(GM, INT, 'agent', 'ag_1'));
    // sha256("mistral_agent_guardrails_missing\0int_1\0agent\0ag_1"), first 16 hex
    assert.equal(id, 'bb24fd08324e0026');
    assert.notEqual(id, findingId(GM, 'int_2', 'agent', 'ag_1'));
    assert.notEqual(id, findingId(GM, INT, 'library', 'ag_1'));
    assert.notEqual(id, findingId(GM, INT, 'agent', 'ag_2'));
    assert.notEqual(findingId('a', 'bc', 'agent', 'x'), findingId('ab', 'c', 'agent', 'x'));
  });
});

describe('reconcileFindings', () => {
  it('opens a finding for FAIL and for UNKNOWN, and creates nothing for PASS', () => {
    const { findings, transitions } = run({
      existing: [],
      at: T1,
      results: [result(GM, 'FAIL'), result('mistral_agent_dormant', 'UNKNOWN'), result(GM, 'PASS', 'ag_2')],
    });
    assert.equal(findings.length, 2);
    const gm = findings.find((f) => f.ruleId === GM)!;
    assert.deepEqual(gm, {
      id: findingId(GM, INT, 'agent', 'ag_1'),
      integrationId: INT,
      ruleId: GM,
      severity: 'high',
      resourceType: 'agent',
      resourceId: 'ag_1',
      resourceName: 'name of ag_1',
      lastStatus: 'FAIL',
      status: 'open',
      title: 'Agent has no guardrails',
      detail: 'FAIL detail',
      evidence: { k: 'FAIL' },
      firstSeenAt: T1,
      lastSeenAt: T1,
      resolvedAt: null,
      reopenCount: 0,
      mute: null,
    });
    const dormant = findings.find((f) => f.ruleId === 'mistral_agent_dormant')!;
    assert.equal(dormant.status, 'open');
    assert.equal(dormant.lastStatus, 'UNKNOWN');
    assert.deepEqual(
      transitions.map((t) => [t.from, t.to, t.reason]),
      [
        [null, 'open', 'opened'],
        [null, 'open', 'opened'],
      ],
    );
  });

  it('keeps an open finding open: last seen and detail move, first seen stays, no transition', () => {
    const first = run({
      existing: [],
      at: T1,
      results: [result(GM, 'FAIL', 'ag_1', 'agent', 'old')],
    }).findings;
    const { findings, transitions } = run({
      existing: first,
      at: T2,
      results: [result(GM, 'UNKNOWN', 'ag_1', 'agent', 'new')],
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].firstSeenAt, T1);
    assert.equal(findings[0].lastSeenAt, T2);
    assert.equal(findings[0].detail, 'new');
    assert.equal(findings[0].lastStatus, 'UNKNOWN');
    assert.equal(findings[0].status, 'open');
    assert.deepEqual(transitions, []);
  });

  it('resolves on PASS, keeps the failing detail, and reopens on a new FAIL', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL', 'ag_1', 'agent', 'no guardrails')] });
    const s2 = run({ existing: s1.findings, at: T2, results: [result(GM, 'PASS')] });
    assert.equal(s2.findings[0].status, 'resolved');
    assert.equal(s2.findings[0].resolvedAt, T2);
    assert.equal(s2.findings[0].lastStatus, 'PASS');
    assert.equal(s2.findings[0].lastSeenAt, T1);
    assert.equal(s2.findings[0].detail, 'no guardrails');
    assert.deepEqual(s2.transitions, [
      { findingId: s1.findings[0].id, from: 'open', to: 'resolved', reason: 'passed' },
    ]);

    // PASS again: nothing changes.
    const s2b = run({ existing: s2.findings, at: T3, results: [result(GM, 'PASS')] });
    assert.deepEqual(s2b.findings, s2.findings);
    assert.deepEqual(s2b.transitions, []);

    const s3 = run({ existing: s2.findings, at: T3, results: [result(GM, 'FAIL')] });
    assert.equal(s3.findings.length, 1);
    const f = s3.findings[0];
    assert.equal(f.id, s1.findings[0].id);
    assert.equal(f.status, 'open');
    assert.equal(f.reopenCount, 1);
    assert.equal(f.resolvedAt, null);
    assert.equal(f.firstSeenAt, T1);
    assert.equal(f.lastSeenAt, T3);
    assert.deepEqual(s3.transitions, [{ findingId: f.id, from: 'resolved', to: 'open', reason: 'reopened' }]);
  });

  it('UNKNOWN leaves a resolved finding resolved and unchanged; only a FAIL reopens it', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL', 'ag_1', 'agent', 'no guardrails')] });
    const s2 = run({ existing: s1.findings, at: T2, results: [result(GM, 'PASS')] });
    assert.equal(s2.findings[0].status, 'resolved');

    const s3 = run({
      existing: s2.findings,
      at: T3,
      results: [result(GM, 'UNKNOWN', 'ag_1', 'agent', 'cannot check')],
    });
    assert.deepEqual(s3.findings, s2.findings);
    assert.deepEqual(s3.transitions, []);
    assert.equal(s3.findings[0].reopenCount, 0);
    assert.equal(s3.findings[0].lastStatus, 'PASS');
    assert.equal(s3.findings[0].lastSeenAt, T1);
    assert.equal(s3.findings[0].detail, 'no guardrails');

    const T4 = '2026-11-04T00:00:00Z';
    const s4 = run({
      existing: s3.findings,
      at: T4,
      results: [result(GM, 'FAIL', 'ag_1', 'agent', 'again')],
    });
    assert.equal(s4.findings[0].status, 'open');
    assert.equal(s4.findings[0].reopenCount, 1);
    assert.equal(s4.findings[0].lastSeenAt, T4);
    assert.deepEqual(s4.transitions, [
      { findingId: s1.findings[0].id, from: 'resolved', to: 'open', reason: 'reopened' },
    ]);
  });

  it('UNKNOWN merged with a FAIL for the same finding still reopens it (worst status wins)', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL')] });
    const s2 = run({ existing: s1.findings, at: T2, results: [result(GM, 'PASS')] });
    const s3 = run({ existing: s2.findings, at: T3, results: [result(GM, 'UNKNOWN'), result(GM, 'FAIL')] });
    assert.equal(s3.findings[0].status, 'open');
    assert.equal(s3.findings[0].lastStatus, 'FAIL');
    assert.equal(s3.findings[0].reopenCount, 1);
  });

  it('resolves a finding whose resource is gone as "resource deleted"', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL', 'ag_9')] });
    const s2 = run({ existing: s1.findings, at: T2, results: [] });
    assert.equal(s2.findings[0].status, 'resolved');
    assert.equal(s2.findings[0].resolvedAt, T2);
    assert.equal(s2.findings[0].lastStatus, 'FAIL');
    assert.deepEqual(
      s2.transitions.map((t) => t.reason),
      ['resource deleted'],
    );
  });

  it('resolves a finding on a live resource that the rule no longer evaluates as "no longer evaluated"', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL', 'ag_1')] });
    const s2 = run({
      existing: s1.findings,
      at: T2,
      results: [result('mistral_agent_dormant', 'PASS', 'ag_1')],
    });
    assert.equal(s2.findings.length, 1);
    assert.equal(s2.findings[0].status, 'resolved');
    assert.deepEqual(
      s2.transitions.map((t) => t.reason),
      ['no longer evaluated'],
    );
  });

  it('freezes findings of a resource type that was not listed completely, and of skipped rules', () => {
    const s1 = run({
      existing: [],
      at: T1,
      results: [result(GM, 'FAIL', 'ag_1'), result('mistral_library_unused', 'FAIL', 'lib_1', 'library')],
    });
    const s2 = run({
      existing: s1.findings,
      at: T2,
      results: [],
      liveResourceIds: new Set(),
      unlistedResourceTypes: new Set(['agent']),
      skippedRuleIds: new Set(['mistral_library_unused']),
    });
    assert.deepEqual(s2.findings, s1.findings);
    assert.deepEqual(s2.transitions, []);
  });

  it('keeps a mute across resolution and reopening', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL')] });
    const mute = { reason: 'accepted', by: 'alice', at: T1, expiresAt: null };
    const muted = [{ ...s1.findings[0], mute }];
    const s2 = run({ existing: muted, at: T2, results: [result(GM, 'PASS')] });
    const s3 = run({ existing: s2.findings, at: T3, results: [result(GM, 'FAIL')] });
    assert.deepEqual(s2.findings[0].mute, mute);
    assert.deepEqual(s3.findings[0].mute, mute);
  });

  it('leaves findings of other integrations untouched', () => {
    const other: FindingState = {
      ...run({ existing: [], at: T1, results: [result(GM, 'FAIL', 'ag_x')] }).findings[0],
      integrationId: 'int_other',
      id: findingId(GM, 'int_other', 'agent', 'ag_x'),
    };
    const s2 = run({ existing: [other], at: T2, results: [] });
    assert.deepEqual(s2.findings, [other]);
    assert.deepEqual(s2.transitions, []);
  });

  it('merges duplicate results for one (rule, resource): worst status wins', () => {
    const { findings } = run({
      existing: [],
      at: T1,
      results: [
        result(GM, 'PASS'),
        result(GM, 'UNKNOWN', 'ag_1', 'agent', 'u'),
        result(GM, 'FAIL', 'ag_1', 'agent', 'f1'),
        result(GM, 'FAIL', 'ag_1', 'agent', 'f2'),
      ],
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].lastStatus, 'FAIL');
    assert.equal(findings[0].detail, 'f1');
  });

  it('takes severity and title from the catalog at each observation', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL')] });
    const s2 = reconcileFindings({
      integrationId: INT,
      existing: s1.findings,
      results: [result(GM, 'FAIL')],
      at: T2,
      ruleMeta: () => ({ severity: 'critical', title: 'Renamed' }),
      liveResourceIds: new Set([resourceKey('agent', 'ag_1')]),
    });
    assert.equal(s2.findings[0].severity, 'critical');
    assert.equal(s2.findings[0].title, 'Renamed');
  });

  it('returns findings in a deterministic order whatever the input order', () => {
    const results = [
      result('mistral_library_unused', 'FAIL', 'lib_1', 'library'),
      result(GM, 'FAIL', 'ag_2'),
      result(GM, 'FAIL', 'ag_1'),
      result('mistral_agent_dormant', 'FAIL', 'ag_1'),
    ];
    const a = run({ existing: [], at: T1, results });
    const b = run({ existing: [], at: T1, results: [...results].reverse() });
    assert.deepEqual(a, b);
    assert.deepEqual(
      a.findings.map((f) => `${f.ruleId}/${f.resourceId}`),
      ['mistral_agent_dormant/ag_1', `${GM}/ag_1`, `${GM}/ag_2`, 'mistral_library_unused/lib_1'],
    );
    assert.deepEqual(
      a.transitions.map((t) => t.findingId),
      a.findings.map((f) => f.id),
    );
  });

  it('does not mutate its inputs', () => {
    const s1 = run({ existing: [], at: T1, results: [result(GM, 'FAIL')] });
    const snapshot = structuredClone(s1.findings);
    run({ existing: s1.findings, at: T2, results: [result(GM, 'PASS')] });
    assert.deepEqual(s1.findings, snapshot);
  });
});
