/**
 * The sync's short final transaction, on both back ends: findings are written only when they changed
 * (the rest get lastSeenAt in bulk, mutes untouched, no cross-integration write), snapshots are staged
 * invisible then published, and a sync whose final transaction fails leaves the previous state — the
 * latest snapshot, inventory, findings — exactly as it was, its staged snapshot removed by the next sync.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { loadScenario, startSimulator } from '../src/simulator/index.ts';
import { createStore, type Database, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';
import { finding, snapshot, testKeyring } from './store-fixtures.ts';
import { FAST_SIMULATOR_CONNECTOR } from './helpers/fast-connector.ts';

const SCENARIO = resolve(import.meta.dirname, '../scenarios/small.json');
const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({ ...o, ...FAST_SIMULATOR_CONNECTOR });

/** The database with every statement's SQL recorded. */
function recording(db: Database, log: string[]): Database {
  const wrap = (d: Database): Database => ({
    ...d,
    kind: d.kind,
    query: (sql, params) => {
      log.push(sql.replace(/\s+/g, ' ').trim());
      return d.query(sql, params);
    },
    execScript: (sql) => d.execScript(sql),
    close: () => d.close(),
    transaction: (fn) => d.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(db);
}

async function rawSnapshots(db: Database, integrationId: string) {
  const { rows } = await db.query<{ sync_run_id: string; published: boolean }>(
    `SELECT sync_run_id, taken_at <> '-infinity'::timestamptz AS published FROM snapshots
     WHERE integration_id = $1 ORDER BY id`,
    [integrationId],
  );
  return rows;
}

for (const backend of testBackends()) {
  describe(`short sync transaction (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    async function integration(name: string): Promise<string> {
      return (await store.integrations.create({ name, apiKey: `sk-short-${name.replace(/\W/g, '')}-0000` }))
        .id;
    }

    it('saveChanges writes changed findings in full, moves lastSeenAt of the rest, keeps mutes', async () => {
      const id = await integration('changes');
      const other = await integration('other');
      const a = finding(id, `${id}-a`, { evidence: { b: 1, a: [1, { y: 2, x: 1 }] } });
      const b = finding(id, `${id}-b`);
      const c = finding(id, `${id}-c`);
      const foreign = finding(other, `${other}-x`);
      await store.findings.saveAll([a, b, c, foreign]);
      await store.findings.mute(b.id, { reason: 'accepted', by: 'alice', expiresAt: null });
      const previous = await store.findings.list(id, { status: 'all', includeMuted: true });
      assert.equal(previous.length, 3);

      const seen = '2026-01-09T00:00:00.000Z';
      const next = [
        // Same content, evidence keys in another order: only lastSeenAt moves.
        { ...a, evidence: { a: [1, { x: 1, y: 2 }], b: 1 }, lastSeenAt: seen },
        // Resolved: written in full, its mute (made meanwhile) kept.
        {
          ...b,
          status: 'resolved' as const,
          lastStatus: 'PASS' as const,
          resolvedAt: seen,
          lastSeenAt: seen,
        },
        // Untouched (not covered by this sync).
        c,
        // New.
        finding(id, `${id}-d`, { firstSeenAt: seen, lastSeenAt: seen }),
        // Another integration's id under this one's: never written.
        { ...foreign, integrationId: id, lastSeenAt: seen },
      ];
      const log: string[] = [];
      const recorded = createStore(recording(t.db, log), { keyring: testKeyring() });
      const result = await recorded.findings.saveChanges(next, [
        ...previous,
        { ...foreign, integrationId: id },
      ]);
      assert.deepEqual(result, { written: 2, touched: 2, unchanged: 1 });
      assert.equal(log.filter((s) => s.startsWith('INSERT INTO findings ')).length, 1);

      assert.equal((await store.findings.get(a.id))?.lastSeenAt, seen);
      assert.deepEqual((await store.findings.get(a.id))?.evidence, a.evidence);
      const gotB = await store.findings.get(b.id);
      assert.equal(gotB?.status, 'resolved');
      assert.equal(gotB?.mute?.reason, 'accepted', 'a sync never undoes a mute');
      assert.deepEqual(await store.findings.get(c.id), c);
      assert.equal((await store.findings.get(`${id}-d`))?.firstSeenAt, seen);
      assert.deepEqual(await store.findings.get(foreign.id), foreign, 'other integration untouched');
      assert.deepEqual(await store.findings.saveChanges([], previous), {
        written: 0,
        touched: 0,
        unchanged: 0,
      });
    });

    it('staged snapshots are invisible until published; publish drops stale staged rows', async () => {
      const id = await integration('snapshots');
      const run1 = await store.syncRuns.start(id, '2026-01-01T00:00:00.000Z');
      const s1 = snapshot('2026-01-01T00:00:00.000Z');
      await store.snapshots.save(id, run1, s1);
      const staged = await store.snapshots.stage(id, run1, snapshot('2026-01-02T00:00:00.000Z'));
      assert.equal((await store.snapshots.loadLatest(id))?.snapshot.takenAt, s1.takenAt);
      assert.equal(await store.snapshots.loadPrevious(id), null);
      assert.deepEqual(
        (await store.snapshots.list(id)).map((x) => x.takenAt),
        [s1.takenAt],
      );
      // A second staged row (an earlier run that never finished) is dropped by the next publish.
      const stale = await store.snapshots.stage(id, run1, snapshot('2026-01-02T00:00:00.000Z'));
      assert.notEqual(stale, staged);
      await store.snapshots.publish(id, staged, '2026-01-02T00:00:00.000Z');
      assert.equal((await store.snapshots.loadLatest(id))?.takenAt, '2026-01-02T00:00:00.000Z');
      assert.equal((await store.snapshots.loadPrevious(id))?.takenAt, s1.takenAt);
      assert.deepEqual(
        (await rawSnapshots(t.db, id)).map((r) => r.published),
        [true, true],
      );
      await assert.rejects(store.snapshots.publish(id, stale, '2026-01-03T00:00:00.000Z'));
    });

    it('a sync whose final transaction fails leaves the previous state intact', async () => {
      const sim = await startSimulator({ workspace: loadScenario(SCENARIO) });
      try {
        const s = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
        const integ = await s.integrations.create({ name: 'atomic', apiKey: sim.apiKey, baseUrl: sim.url });
        const r1 = await runStoredSync({
          store: s,
          integrationId: integ.id,
          connectorFactory,
          now: new Date('2026-06-02T00:00:00Z'),
        });
        assert.equal(r1.pipeline.status, 'succeeded');
        const before = {
          latest: await s.snapshots.loadLatest(integ.id),
          live: await s.inventory.loadLive(integ.id),
          findings: await s.findings.list(integ.id, { status: 'all', includeMuted: true }),
        };
        sim.workspace.agents = sim.workspace.agents.slice(1);

        // The final transaction fails at its last step (after inventory, snapshot and findings writes).
        const failing: Store = {
          ...s,
          transaction: (fn) =>
            s.transaction((tx) =>
              fn({
                ...tx,
                riskScores: {
                  ...tx.riskScores,
                  save: async () => {
                    throw new Error('disk full (test)');
                  },
                },
              }),
            ),
        };
        await assert.rejects(
          runStoredSync({
            store: failing,
            integrationId: integ.id,
            connectorFactory,
            now: new Date('2026-06-03T00:00:00Z'),
          }),
          /disk full/,
        );
        assert.deepEqual(await s.snapshots.loadLatest(integ.id), before.latest);
        assert.deepEqual(await s.inventory.loadLive(integ.id), before.live);
        assert.deepEqual(
          await s.findings.list(integ.id, { status: 'all', includeMuted: true }),
          before.findings,
        );
        const raw = await rawSnapshots(t.db, integ.id);
        assert.deepEqual(
          raw.map((r) => r.published),
          [true, false],
          'the failed run left only an unpublished snapshot',
        );

        // The next sync succeeds and removes the stale staged row.
        const running = await s.syncRuns.running();
        await s.syncRuns.interrupt(
          running.filter((r) => r.integrationId === integ.id).map((r) => r.id),
          '2026-06-03T00:00:01Z',
          'test',
        );
        const r3 = await runStoredSync({
          store: s,
          integrationId: integ.id,
          connectorFactory,
          now: new Date('2026-06-04T00:00:00Z'),
        });
        assert.equal(r3.pipeline.status, 'succeeded');
        assert.equal(r3.events.filter((e) => e.type === 'resource_deleted').length, 1);
        assert.deepEqual(
          (await rawSnapshots(t.db, integ.id)).map((r) => [r.sync_run_id, r.published]),
          [
            [r1.runId, true],
            [r3.runId, true],
          ],
        );
        // Findings after an unchanged re-sync: same set, lastSeenAt moved.
        const r4 = await runStoredSync({
          store: s,
          integrationId: integ.id,
          connectorFactory,
          now: new Date('2026-06-05T00:00:00Z'),
        });
        assert.deepEqual(r4.events, []);
        const after4 = await s.findings.list(integ.id, { status: 'all', includeMuted: true });
        const open = after4.filter((f) => f.status === 'open');
        assert.ok(open.length > 0);
        for (const f of open) assert.equal(f.lastSeenAt, '2026-06-05T00:00:00.000Z');
      } finally {
        await sim.close();
      }
    });
  });
}
