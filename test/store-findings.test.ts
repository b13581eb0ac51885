/** Findings (upsert, filters, mute/unmute round trip), change events and risk scores, on both back ends. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../src/errors/index.ts';
import type { ChangeEvent, RiskScore } from '../src/findings/types.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { finding, testKeyring } from './store-fixtures.ts';

const NONE = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };

function appError(code: string) {
  return (e: unknown) => isAppError(e) && e.code === code;
}

for (const backend of testBackends()) {
  describe(`findings, events, risk scores (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    async function integration(name: string): Promise<string> {
      return (
        await store.integrations.create({ name, apiKey: `sk-findings-${name.replace(/\W/g, '')}-0000` })
      ).id;
    }

    it('saves findings and reads them back exactly', async () => {
      const id = await integration('round trip');
      const f = finding(id, `${id}-1`, {
        evidence: { kinds: ['api_key'], nested: { n: 1.5, ok: true }, empty: null },
        mute: { reason: 'test agent', by: 'alice', at: '2026-01-03T00:00:00.000Z', expiresAt: null },
      });
      const resolved = finding(id, `${id}-2`, {
        status: 'resolved',
        lastStatus: 'PASS',
        resolvedAt: '2026-01-05T00:00:00.000Z',
        reopenCount: 2,
        severity: 'low',
        resourceType: 'integration',
        resourceId: id,
        resourceName: null,
      });
      await store.findings.saveAll([f, resolved]);
      assert.deepEqual(await store.findings.get(f.id), f);
      assert.deepEqual(await store.findings.get(resolved.id), resolved);
      assert.equal(await store.findings.get('missing'), null);
      await store.findings.saveAll([]);
    });

    it('upserts by id and never undoes a mute with a sync', async () => {
      const id = await integration('upsert');
      const f = finding(id, `${id}-1`);
      await store.findings.saveAll([f]);
      await store.findings.mute(f.id, {
        reason: 'accepted',
        by: 'bob',
        expiresAt: null,
        at: '2026-01-02T10:00:00.000Z',
      });
      // A sync computed from the state before the mute saves it without one.
      const next = {
        ...f,
        lastSeenAt: '2026-01-03T00:00:00.000Z',
        detail: 'still failing',
        severity: 'critical' as const,
      };
      await store.findings.saveAll([next]);
      const got = await store.findings.get(f.id);
      assert.equal(got?.lastSeenAt, '2026-01-03T00:00:00.000Z');
      assert.equal(got?.detail, 'still failing');
      assert.equal(got?.severity, 'critical');
      assert.deepEqual(got?.mute, {
        reason: 'accepted',
        by: 'bob',
        at: '2026-01-02T10:00:00.000Z',
        expiresAt: null,
      });
      assert.equal(got?.firstSeenAt, f.firstSeenAt);
      const resolved = {
        ...next,
        status: 'resolved' as const,
        lastStatus: 'PASS' as const,
        resolvedAt: '2026-01-04T00:00:00.000Z',
      };
      await store.findings.saveAll([resolved]);
      assert.deepEqual(await store.findings.get(f.id), { ...resolved, mute: got?.mute });
    });

    it('filters by status, severity, rule and mute state', async () => {
      const id = await integration('filters');
      const other = await integration('filters other');
      await store.findings.saveAll([
        finding(id, `${id}-a`, { severity: 'critical', ruleId: 'mistral_agent_instructions_secret' }),
        finding(id, `${id}-b`, { severity: 'high' }),
        finding(id, `${id}-c`, {
          severity: 'low',
          status: 'resolved',
          lastStatus: 'PASS',
          resolvedAt: '2026-01-03T00:00:00.000Z',
        }),
        finding(id, `${id}-d`, { severity: 'medium' }),
        finding(other, `${other}-a`),
      ]);
      await store.findings.mute(`${id}-d`, { reason: 'accepted', by: 'carol', expiresAt: null });
      const ids = (list: { id: string }[]) => list.map((f) => f.id.slice(id.length + 1));
      assert.deepEqual(ids(await store.findings.list(id)), ['a', 'b'], 'open and not muted, by severity');
      assert.deepEqual(ids(await store.findings.list(id, { includeMuted: true })), ['a', 'b', 'd']);
      assert.deepEqual(ids(await store.findings.list(id, { includeMuted: 'only' })), ['d']);
      assert.deepEqual(ids(await store.findings.list(id, { status: 'resolved' })), ['c']);
      assert.deepEqual(ids(await store.findings.list(id, { status: 'all', includeMuted: true })), [
        'a',
        'b',
        'd',
        'c',
      ]);
      assert.deepEqual(ids(await store.findings.list(id, { severity: ['high', 'critical'] })), ['a', 'b']);
      assert.deepEqual(ids(await store.findings.list(id, { ruleId: 'mistral_agent_instructions_secret' })), [
        'a',
      ]);
      assert.deepEqual(ids(await store.findings.list(id, { resourceId: `ag_${id}-b` })), ['b']);
    });

    it('mutes and unmutes (round trip), validates, and lets an expired mute lapse', async () => {
      const id = await integration('mute');
      const f = finding(id, `${id}-1`);
      await store.findings.saveAll([f]);
      const muted = await store.findings.mute(f.id, {
        reason: '  test workspace only ',
        by: 'dave',
        at: '2026-01-10T00:00:00.000Z',
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      assert.deepEqual(muted.mute, {
        reason: 'test workspace only',
        by: 'dave',
        at: '2026-01-10T00:00:00.000Z',
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      assert.deepEqual(await store.findings.get(f.id), muted);
      assert.deepEqual(await store.findings.list(id), []);
      const unmuted = await store.findings.unmute(f.id);
      assert.deepEqual(unmuted, f);
      assert.deepEqual(await store.findings.list(id), [f]);

      await assert.rejects(
        () => store.findings.mute(f.id, { reason: ' ', by: 'dave', expiresAt: null }),
        appError('INVALID_INPUT'),
      );
      await assert.rejects(
        () => store.findings.mute(f.id, { reason: 'r', by: '', expiresAt: null }),
        appError('INVALID_INPUT'),
      );
      await assert.rejects(
        () =>
          store.findings.mute(f.id, {
            reason: 'r',
            by: 'd',
            at: '2026-01-10T00:00:00Z',
            expiresAt: '2026-01-09T00:00:00Z',
          }),
        appError('INVALID_INPUT'),
      );
      await assert.rejects(
        () => store.findings.mute('missing', { reason: 'r', by: 'd', expiresAt: null }),
        appError('NOT_FOUND'),
      );
      await assert.rejects(() => store.findings.unmute('missing'), appError('NOT_FOUND'));

      // A mute that expired: kept as history, but the finding is listed again.
      await store.findings.mute(f.id, {
        reason: 'for a week',
        by: 'erin',
        at: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-08T00:00:00.000Z',
      });
      assert.deepEqual(
        (await store.findings.list(id)).map((x) => x.id),
        [f.id],
      );
      assert.deepEqual(
        await store.findings.list(id, {}, '2026-01-05T00:00:00.000Z'),
        [],
        'still muted at that time',
      );
      assert.equal((await store.findings.get(f.id))?.mute?.expiresAt, '2026-01-08T00:00:00.000Z');
    });

    it('appends and lists change events, most recent first, with since and limit', async () => {
      const id = await integration('events');
      const run = await store.syncRuns.start(id, '2026-01-02T00:00:00Z');
      const events: ChangeEvent[] = [
        {
          type: 'resource_created',
          resourceType: 'agent',
          resourceId: 'ag1',
          resourceName: 'One',
          at: '2026-01-01T00:00:00.000Z',
          summary: 'Agent One appeared',
        },
        {
          type: 'agent_changed',
          resourceType: 'agent',
          resourceId: 'ag1',
          resourceName: 'One',
          at: '2026-01-02T00:00:00.000Z',
          summary: 'model and tools changed',
          changes: [
            { field: 'model', before: 'mistral-small-latest', after: 'mistral-large-2411' },
            { field: 'tools', before: [], after: [{ type: 'web_search' }] },
          ],
        },
        {
          type: 'guardrails_removed',
          resourceType: 'agent',
          resourceId: 'ag2',
          resourceName: null,
          at: '2026-01-02T00:00:00.000Z',
          summary: 'guardrails removed',
        },
      ];
      await store.events.append(id, run, events);
      await store.events.append(id, run, []);
      const listed = await store.events.list(id);
      assert.deepEqual(
        listed.map(({ id: _id, syncRunId, ...e }) => ({ ...e, run: syncRunId })),
        [events[2], events[1], events[0]].map((e) => ({ ...e, run })),
      );
      assert.deepEqual(
        (await store.events.list(id, { since: '2026-01-02T00:00:00Z' })).map((e) => e.type),
        ['guardrails_removed', 'agent_changed'],
      );
      assert.deepEqual(
        (await store.events.list(id, { limit: 1 })).map((e) => e.type),
        ['guardrails_removed'],
      );
      assert.deepEqual((await store.events.list(id, { resourceId: 'ag1' })).length, 2);
      assert.deepEqual(await store.events.list(await integration('events empty')), []);
    });

    it('keeps risk scores per sync and returns their history and the latest', async () => {
      const id = await integration('risk');
      const scores = (s: number, agent: number): RiskScore[] => [
        { scope: 'integration', resourceId: id, score: s, openBySeverity: { ...NONE, high: 2 } },
        { scope: 'agent', resourceId: 'ag1', score: agent, openBySeverity: { ...NONE, critical: 1 } },
      ];
      const r1 = await store.syncRuns.start(id, '2026-01-01T00:00:00Z');
      await store.syncRuns.interrupt([r1], '2026-01-01T00:00:01Z', 'test: the next run may start');
      const r2 = await store.syncRuns.start(id, '2026-01-02T00:00:00Z');
      await store.riskScores.save(id, r1, '2026-01-01T00:00:00.000Z', scores(40, 70.5));
      await store.riskScores.save(id, r2, '2026-01-02T00:00:00.000Z', scores(35, 0));
      assert.deepEqual(await store.riskScores.history(id, 'agent', 'ag1'), [
        {
          at: '2026-01-01T00:00:00.000Z',
          syncRunId: r1,
          score: 70.5,
          openBySeverity: { ...NONE, critical: 1 },
        },
        { at: '2026-01-02T00:00:00.000Z', syncRunId: r2, score: 0, openBySeverity: { ...NONE, critical: 1 } },
      ]);
      assert.deepEqual(
        (await store.riskScores.history(id, 'integration', id, 1)).map((p) => p.score),
        [35],
      );
      assert.deepEqual(await store.riskScores.history(id, 'agent', 'nobody'), []);
      assert.deepEqual(
        (await store.riskScores.latest(id)).map((s) => [s.scope, s.resourceId, s.score]),
        [
          ['integration', id, 35],
          ['agent', 'ag1', 0],
        ],
      );
      await assert.rejects(() =>
        store.riskScores.save(id, r2, '2026-01-03T00:00:00Z', [{ ...scores(1, 1)[0], score: 101 }]),
      );
    });
  });
}
