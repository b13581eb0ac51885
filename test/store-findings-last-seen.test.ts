/**
 * A finding's lastSeenAt through the integration's shared value (migration 012), on both back ends: a
 * sync that observes findings again moves one row instead of one per finding, and every reader (get, list,
 * the API's queries) still sees each finding's own lastSeenAt — the ones observed by the latest sync,
 * those it did not observe (resolved, not covered), across several syncs, with writes and rollbacks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FindingState } from '../src/findings/types.ts';
import { createStore, type Database, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { finding, testKeyring } from './store-fixtures.ts';

/** Counts the rows that UPDATE findings statements change. */
function countingUpdates(db: Database, log: number[]): Database {
  const wrap = (d: Database): Database => ({
    ...d,
    kind: d.kind,
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const r = await d.query<T>(sql, params);
      if (/^\s*UPDATE findings\b/.test(sql)) log.push(r.rowCount);
      return r;
    },
    execScript: (sql) => d.execScript(sql),
    close: () => d.close(),
    transaction: (fn) => d.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(db);
}

const T1 = '2026-02-01T00:00:00.000Z';
const T2 = '2026-02-02T00:00:00.000Z';
const T3 = '2026-02-03T00:00:00.000Z';

for (const backend of testBackends()) {
  describe(`findings' shared lastSeenAt (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    async function integration(name: string): Promise<string> {
      return (await store.integrations.create({ name, apiKey: `sk-lastseen-${name}-00000000` })).id;
    }
    /** lastSeenAt by id, as every reader gives it. */
    async function seen(id: string): Promise<Record<string, string>> {
      const fromList = await store.findings.list(id, { status: 'all', includeMuted: true });
      const fromQueries = await store.queries.findings({
        integrationIds: [id],
        status: 'all',
        muted: 'include',
        now: new Date().toISOString(),
        limit: 1000,
      });
      const out: Record<string, string> = {};
      for (const f of fromList) out[f.id] = f.lastSeenAt;
      assert.deepEqual(
        Object.fromEntries(fromQueries.map((f) => [f.id, f.lastSeenAt])),
        out,
        'queries.findings agrees with findings.list',
      );
      for (const f of fromList) {
        assert.equal((await store.findings.get(f.id))?.lastSeenAt, f.lastSeenAt, 'get agrees');
        const of = await store.queries.findingsOf(id, f.resourceType, f.resourceId);
        assert.equal(of.find((x) => x.id === f.id)?.lastSeenAt, f.lastSeenAt, 'findingsOf agrees');
      }
      return out;
    }
    async function ownValues(id: string): Promise<number> {
      const { rows } = await t.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM findings WHERE integration_id = $1 AND last_seen_at IS NOT NULL',
        [id],
      );
      return rows[0].n;
    }
    const at = (fs: FindingState[], when: string, ids: string[]) =>
      fs.map((f) => (ids.includes(f.id) ? { ...f, lastSeenAt: when } : f));

    it('keeps every finding’s own lastSeenAt over several syncs, writing one row per sync', async () => {
      const id = await integration('a');
      const other = await integration('b');
      const ids = ['a1', 'a2', 'a3', 'a4'].map((x) => `${id}-${x}`);
      const [a1, a2, a3, a4] = ids;
      const foreign = finding(other, `${other}-x`, { lastSeenAt: T1 });
      await store.findings.saveAll([...ids.map((x) => finding(id, x, { lastSeenAt: T1 })), foreign]);

      // Sync 2 observes a1..a3 again; a4 (resolved or not covered) keeps T1.
      let prev = await store.findings.list(id, { status: 'all', includeMuted: true });
      let next = at(prev, T2, [a1, a2, a3]);
      assert.deepEqual(await store.findings.saveChanges(next, prev), {
        written: 0,
        touched: 3,
        unchanged: 1,
      });
      assert.deepEqual(await seen(id), { [a1]: T2, [a2]: T2, [a3]: T2, [a4]: T1 });
      assert.equal(await ownValues(id), 1, 'only a4 keeps a value of its own');

      // Sync 3 observes a1 and a4 (a4 again after a pause), writes a2 (changed), does not observe a3.
      prev = await store.findings.list(id, { status: 'all', includeMuted: true });
      next = at(prev, T3, [a1, a4]).map((f) =>
        f.id === a2 ? { ...f, detail: 'changed', lastSeenAt: T3 } : f,
      );
      const log: number[] = [];
      const recording = createStore(countingUpdates(t.db, log), { keyring: testKeyring() });
      assert.deepEqual(await recording.findings.saveChanges(next, prev), {
        written: 1,
        touched: 2,
        unchanged: 1,
      });
      assert.deepEqual(await seen(id), { [a1]: T3, [a2]: T3, [a3]: T2, [a4]: T3 });
      // Rows updated: a2 and a3 keep T2 as their own (a1's NULL now means T3), a4 takes the shared value.
      assert.ok(
        log.reduce((n, x) => n + x, 0) <= 3,
        `at most the findings whose own value changed are updated (${log.join(', ')})`,
      );
      assert.deepEqual(await store.findings.get(foreign.id), foreign, 'another integration untouched');

      // A sync whose final transaction fails leaves every lastSeenAt as it was.
      prev = await store.findings.list(id, { status: 'all', includeMuted: true });
      await assert.rejects(
        store.transaction(async (s) => {
          await s.findings.saveChanges(at(prev, '2026-02-04T00:00:00.000Z', ids), prev);
          throw new Error('the final transaction fails');
        }),
        /final transaction fails/,
      );
      assert.deepEqual(await seen(id), { [a1]: T3, [a2]: T3, [a3]: T2, [a4]: T3 });

      // A new finding first seen now, and saveAll with explicit values, are kept as given.
      prev = await store.findings.list(id, { status: 'all', includeMuted: true });
      const a5 = finding(id, `${id}-a5`, { firstSeenAt: T1, lastSeenAt: T1 });
      await store.findings.saveChanges([...prev, a5], prev);
      await store.findings.saveAll([{ ...prev.find((f) => f.id === a1)!, lastSeenAt: T2 }]);
      assert.deepEqual(await seen(id), { [a1]: T2, [a2]: T3, [a3]: T2, [a4]: T3, [a5.id]: T1 });
    });

    it('a first sync (every finding written) stores them with the shared value already', async () => {
      const id = await integration('first');
      const fs = [1, 2, 3].map((n) => finding(id, `${id}-${n}`, { firstSeenAt: T1, lastSeenAt: T1 }));
      const odd = finding(id, `${id}-odd`, { firstSeenAt: T1, lastSeenAt: T2 });
      await store.findings.saveChanges([...fs, odd], []);
      assert.equal(await ownValues(id), 1, 'only the one with another lastSeenAt keeps its own');
      assert.deepEqual(await seen(id), { [fs[0].id]: T1, [fs[1].id]: T1, [fs[2].id]: T1, [odd.id]: T2 });
      // The second sync observes them again: no finding row is updated, the shared value moves.
      const prev = await store.findings.list(id, { status: 'all', includeMuted: true });
      const log: number[] = [];
      const recording = createStore(countingUpdates(t.db, log), { keyring: testKeyring() });
      await recording.findings.saveChanges(
        at(
          prev,
          T3,
          fs.map((f) => f.id),
        ),
        prev,
      );
      assert.equal(
        log.reduce((n, x) => n + x, 0),
        0,
        'no finding row updated (odd keeps T2 as its own)',
      );
      assert.deepEqual(await seen(id), { [fs[0].id]: T3, [fs[1].id]: T3, [fs[2].id]: T3, [odd.id]: T2 });
    });

    it('an integration’s deletion removes its shared value', async () => {
      const id = await integration('c');
      await store.findings.saveAll([finding(id, `${id}-1`, { lastSeenAt: T1 })]);
      const prev = await store.findings.list(id, { status: 'all', includeMuted: true });
      await store.findings.saveChanges(at(prev, T2, [`${id}-1`]), prev);
      await store.integrations.delete(id);
      const { rows } = await t.db.query('SELECT 1 FROM findings_last_seen WHERE integration_id = $1', [id]);
      assert.equal(rows.length, 0);
    });
  });
}
