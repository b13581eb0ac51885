import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingId, resourceKey } from './finding-id.ts';
import { addedItems, findingChangesOf, reconcileFindings, type ReconcileInput } from './lifecycle.ts';
import type { FindingState, RuleResult, Severity } from './types.ts';

const INT = 'int_1';
const T1 = '2026-11-01T00:00:00Z';
const T2 = '2026-11-02T00:00:00Z';
const T3 = '2026-11-03T00:00:00Z';

const META: Record<string, { severity: Severity; title: string }> = {
  mistral_agent_guardrails_missing: { severity: 'high', title: 'Agent has no guardrails' },
  mistral_agent_dormant: { severity: 'low', title: 'Agent is dormant' },
  mistral_library_unused: { severity: 'info', title: 'Library is unused' },
  mistral_integration_api_key_no_expiry: { severity: 'medium', title: 'API keys without expiry' },
  mistral_integration_connector_untrusted_server: { severity: 'high', title: 'Untrusted connector' },
  mistral_integration_connector_credentials_failing: { severity: 'medium', title: 'Credentials failing' },
  mistral_integration_admins_excessive: { severity: 'medium', title: 'Too many admins' },
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

describe('worsened: an organization-wide finding whose offending items grew', () => {
  const NX = 'mistral_integration_api_key_no_expiry';
  const key = (id: string) => ({ id, name: `key ${id}`, hiddenKey: `${id}...xx`, expiresOn: null });
  /** An organization-wide result listing keys the way admin-helpers' listResult does. */
  const keys = (
    status: RuleResult['status'],
    ids: string[],
    failingCount = ids.length,
    ruleId = NX,
  ): RuleResult => ({
    ruleId,
    status,
    resourceType: 'integration',
    resourceId: INT,
    resourceName: 'prod',
    detail: `${failingCount} keys`,
    evidence:
      status === 'FAIL'
        ? { judged: failingCount, failing: ids.map(key), failingCount }
        : status === 'UNKNOWN'
          ? { feature: 'adminApiKeys', availability: 'error' }
          : { judged: 3 },
  });
  const step = (existing: FindingState[], at: string, r: RuleResult) =>
    run({ existing, at, results: [r], liveResourceIds: new Set([resourceKey('integration', INT)]) });
  const id = findingId(NX, INT, 'integration', INT);
  const T4 = '2026-11-04T00:00:00Z';

  it('a new item id in the list: "worsened", naming it; the finding stays open, its mute is kept', () => {
    const s1 = step([], T1, keys('FAIL', ['k1']));
    const mute = { reason: 'k1 is accepted', by: 'alice', at: T1, expiresAt: null };
    const s2 = step([{ ...s1.findings[0], mute }], T2, keys('FAIL', ['k1', 'k2']));
    assert.deepEqual(s2.transitions, [
      {
        findingId: id,
        from: 'open',
        to: 'open',
        reason: 'worsened',
        added: { count: 1, items: [{ id: 'k2', label: '"key k2" (k2...xx)' }] },
      },
    ]);
    const f = s2.findings[0];
    assert.equal(f.status, 'open');
    assert.equal(f.reopenCount, 0);
    assert.equal(f.firstSeenAt, T1);
    assert.equal(f.lastSeenAt, T2);
    assert.deepEqual(f.mute, mute);
    assert.deepEqual((f.evidence.failing as unknown[]).length, 2);
    // One removed and another added in the same sync: still a new item.
    const s3 = step(s2.findings, T3, keys('FAIL', ['k2', 'k3']));
    assert.deepEqual(
      s3.transitions.map((t) => [t.reason, t.added]),
      [['worsened', { count: 1, items: [{ id: 'k3', label: '"key k3" (k3...xx)' }] }]],
    );
  });

  it('the same items or fewer: no transition', () => {
    const s1 = step([], T1, keys('FAIL', ['k1', 'k2']));
    const same = step(s1.findings, T2, keys('FAIL', ['k2', 'k1']));
    assert.deepEqual(same.transitions, []);
    const fewer = step(same.findings, T3, keys('FAIL', ['k2']));
    assert.deepEqual(fewer.transitions, []);
    // Back to two: k1 was listed two syncs ago but not at the last one, so it is new again.
    const back = step(fewer.findings, T4, keys('FAIL', ['k1', 'k2']));
    assert.deepEqual(
      back.transitions.map((t) => t.reason),
      ['worsened'],
    );
  });

  it('PASS and UNKNOWN are unaffected; a FAIL after UNKNOWN or after resolution is not "worsened"', () => {
    const s1 = step([], T1, keys('FAIL', ['k1']));
    const passed = step(s1.findings, T2, keys('PASS', []));
    assert.deepEqual(
      passed.transitions.map((t) => t.reason),
      ['passed'],
    );
    const reopened = step(passed.findings, T3, keys('FAIL', ['k1', 'k2']));
    assert.deepEqual(
      reopened.transitions.map((t) => [t.reason, t.added]),
      [['reopened', undefined]],
    );
    const unknown = step(reopened.findings, T4, keys('UNKNOWN', []));
    assert.deepEqual(unknown.transitions, []);
    assert.equal(unknown.findings[0].lastStatus, 'UNKNOWN');
    // The UNKNOWN replaced the evidence: nothing to compare with (documented in lifecycle.ts).
    const after = step(unknown.findings, '2026-11-05T00:00:00Z', keys('FAIL', ['k1', 'k2', 'k3']));
    assert.deepEqual(after.transitions, []);
    // An UNKNOWN result never worsens an open FAIL either.
    const first = step([], T1, keys('FAIL', ['k1']));
    assert.deepEqual(step(first.findings, T2, keys('UNKNOWN', [])).transitions, []);
  });

  it('a capped list showing other items is not "grew"; a larger total is, unnamed', () => {
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => `k${from + i}`);
    // 60 keys, 50 listed (MAX_LISTED); the next sync lists another 50 of the same 60.
    const s1 = step([], T1, keys('FAIL', range(0, 50), 60));
    const shuffled = step(s1.findings, T2, keys('FAIL', range(10, 50), 60));
    assert.deepEqual(shuffled.transitions, []);
    // Two more keys in total: worsened by 2, not named (the previous list did not show them all).
    const grew = step(shuffled.findings, T3, keys('FAIL', range(5, 50), 62));
    assert.deepEqual(
      grew.transitions.map((t) => [t.reason, t.added]),
      [['worsened', { count: 2, items: [] }]],
    );
    // A complete previous list: the new ids shown are certainly new, and the total says how many.
    const small = step([], T1, keys('FAIL', ['a', 'b'], 2));
    const big = step(small.findings, T2, keys('FAIL', [...range(0, 50)], 70));
    const t = big.transitions[0];
    assert.equal(t.reason, 'worsened');
    assert.equal(t.added?.count, 68);
    assert.equal(t.added?.items.length, 20, 'at most ADDED_NAMED named');
  });

  it('connector lists by id, credentials by connector, scope and name; entries without ids by count', () => {
    const connector = (cid: string, problems = ['http, not HTTPS']) => ({
      id: cid,
      name: cid,
      server: `http://${cid}.internal/mcp`,
      problems,
    });
    assert.deepEqual(
      addedItems(
        { connectors: [connector('c1')], customConnectors: 3 },
        { connectors: [connector('c1', ['a credential in its URL']), connector('c2')], customConnectors: 3 },
      ),
      { count: 1, items: [{ id: 'c2', label: '"c2" (http://c2.internal/mcp)' }] },
    );
    const cred = (connectorId: string, scope: string, name: string, problem = 'oauth expired') => ({
      connectorId,
      connector: connectorId,
      scope,
      name,
      problem,
    });
    // A credential whose problem changed is the same credential; another scope is another one.
    assert.equal(
      addedItems(
        { credentials: [cred('github', 'organization', 'default')] },
        { credentials: [cred('github', 'organization', 'default', 'oauth refresh error')] },
      ),
      null,
    );
    assert.deepEqual(
      addedItems(
        { credentials: [cred('github', 'organization', 'default')] },
        {
          credentials: [cred('github', 'organization', 'default'), cred('github', 'workspace', 'default')],
        },
      ),
      {
        count: 1,
        items: [{ id: 'github/workspace/default', label: 'github workspace credentials "default"' }],
      },
    );
    // Admins listed with their total.
    const admin = (a: string) => ({ id: a, email: `${a}@example.com`, name: a, roles: ['A'] });
    assert.deepEqual(
      addedItems(
        { admins: 6, adminList: ['a', 'b', 'c', 'd', 'e', 'f'].map(admin) },
        { admins: 7, adminList: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(admin) },
      ),
      { count: 1, items: [{ id: 'g', label: 'g@example.com' }] },
    );
    // No ids: only a larger count tells.
    assert.equal(addedItems({ failing: ['x'], failingCount: 1 }, { failing: ['y'], failingCount: 1 }), null);
    assert.deepEqual(
      addedItems({ failing: ['x'], failingCount: 1 }, { failing: ['x', 'y'], failingCount: 2 }),
      {
        count: 1,
        items: [],
      },
    );
    // Lists other than those of the table (unjudged, the org's keys, …) and a list missing on one side.
    assert.equal(addedItems({ unjudged: [key('a')] }, { unjudged: [key('a'), key('b')] }), null);
    assert.equal(addedItems({}, { failing: [key('a')], failingCount: 1 }), null);
  });

  it('per-resource findings never worsen (a new offending resource opens its own finding)', () => {
    const agentResult = (ids: string[]): RuleResult => ({
      ...result(GM, 'FAIL'),
      evidence: { failing: ids.map(key), failingCount: ids.length },
    });
    const s1 = run({ existing: [], at: T1, results: [agentResult(['a'])] });
    const s2 = run({ existing: s1.findings, at: T2, results: [agentResult(['a', 'b'])] });
    assert.deepEqual(s2.transitions, []);
  });

  it('findingChangesOf records opened, reopened and worsened ids, and the items of each worsened one', () => {
    const s1 = step([], T1, keys('FAIL', ['k1']));
    const s2 = step(s1.findings, T2, keys('FAIL', ['k1', 'k2']));
    assert.deepEqual(findingChangesOf(s1.transitions), {
      opened: [id],
      reopened: [],
      worsened: [],
      worsenedItems: {},
    });
    assert.deepEqual(findingChangesOf(s2.transitions), {
      opened: [],
      reopened: [],
      worsened: [id],
      worsenedItems: { [id]: { count: 1, items: [{ id: 'k2', label: '"key k2" (k2...xx)' }] } },
    });
  });
});
