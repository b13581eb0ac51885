/**
 * Snapshots stored in pieces (migration 013, src/store/snapshots-repository.ts), on both back ends: a
 * large snapshot round-trips exactly while no statement carries it whole; snapshots written before the
 * migration (whole in one jsonb value) are still read, next to new ones; pruning removes the parts; a
 * snapshot whose parts were not all written is never published.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Snapshot } from '../src/inventory/types.ts';
import { createStore, loadMigrations, migrate, type Database, type Store } from '../src/store/index.ts';
import { PART_CHARS, refill, splitSnapshot } from '../src/store/snapshots-repository.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import { agent, snapshot, testKeyring } from './store-fixtures.ts';

const T1 = '2026-04-01T00:00:00.000Z';
const T2 = '2026-04-02T00:00:00.000Z';
const T3 = '2026-04-03T00:00:00.000Z';
const T4 = '2026-04-04T00:00:00.000Z';

/** A snapshot of `n` agents with long instructions (~n × 3 KB of JSON), hostile text and nested arrays. */
function large(takenAt: string, n: number): Snapshot {
  const hostile = HOSTILE_PAYLOADS.join(' ');
  const s = snapshot(
    takenAt,
    Array.from({ length: n }, (_, i) =>
      agent(`ag_${i}`, {
        name: i % 7 === 0 ? hostile : `agent ${i}`,
        instructions: `${'Answer politely. '.repeat(150)}#${i} é 日本 \u202e`,
        versions: [1, 2, 3],
        // Own keys that are dangerous as object properties must come back as data.
        metadata: JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c", "n": 1}') as Record<
          string,
          unknown
        >,
      }),
    ),
  );
  return {
    ...s,
    dataQuality: [],
    errors: [{ feature: 'usage', code: 'UPSTREAM', message: hostile, remediation: 'retry' }] as never,
    admin: {
      apiKeys: null,
      members: [],
      invites: null,
      workspaces: null,
      auditLog: {
        entries: Array.from({ length: 50 }, (_, i) => ({ id: `audit_${i}`, detail: hostile })) as never,
        after: null,
        cursor: T1,
        truncated: false,
      },
      rateLimit: null,
      usage: null,
    },
  };
}

/** The database with every statement's parameters measured. */
function measuring(db: Database, sizes: number[]): Database {
  const wrap = (d: Database): Database => ({
    ...d,
    kind: d.kind,
    query: (sql, params) => {
      sizes.push((params ?? []).reduce<number>((n, p) => n + (typeof p === 'string' ? p.length : 0), 0));
      return d.query(sql, params);
    },
    execScript: (sql) => d.execScript(sql),
    close: () => d.close(),
    transaction: (fn) => d.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(db);
}

describe('snapshot split (pure)', () => {
  it('leaves the snapshot untouched; skeleton + parts give back its JSON', () => {
    const s = large(T1, 300);
    const before = JSON.stringify(s);
    const { skeleton, parts } = splitSnapshot(s);
    assert.equal(JSON.stringify(s), before, 'the snapshot itself is not modified');
    assert.deepEqual(skeleton.agents, []);
    const list = [...parts];
    assert.ok(list.filter((p) => p.path.join('.') === 'agents').length > 2, 'the agents span several parts');
    for (const p of list) assert.ok(p.json.length <= PART_CHARS, `part of ${p.path.join('.')} is bounded`);
    for (const p of list) refill(skeleton, p.path, JSON.parse(p.json) as unknown[]);
    assert.deepEqual(skeleton, JSON.parse(before));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  });

  it('writes an element larger than a part alone, and undefined elements as null (as JSON does)', () => {
    const big = agent('big', { instructions: 'x'.repeat(PART_CHARS * 2) });
    const s = { ...snapshot(T1, [agent('a'), big, agent('b')]), dataQuality: [undefined] as never };
    const list = [...splitSnapshot(s).parts];
    assert.deepEqual(
      list
        .filter((p) => p.path[0] === 'agents')
        .map((p) => (JSON.parse(p.json) as { id: string }[]).map((a) => a.id)),
      [['a'], ['big'], ['b']],
    );
    assert.equal(list.find((p) => p.path[0] === 'dataQuality')?.json, '[null]');
  });

  it('refuses a part whose array the skeleton lacks', () => {
    assert.throws(() => refill({ agents: [] }, ['models'], [1]), /lacks/);
  });
});

for (const backend of testBackends()) {
  describe(`snapshots in parts (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    const sizes: number[] = [];
    before(async () => {
      t = await backend.open();
      store = createStore(measuring(t.db, sizes), { keyring: testKeyring(), snapshotsKept: 2 });
    });
    after(() => t?.cleanup());

    async function integration(name: string): Promise<string> {
      return (await store.integrations.create({ name, apiKey: `sk-parts-${name.replace(/\W/g, '')}-0000` }))
        .id;
    }

    async function partRows(integrationId: string): Promise<{ snapshot: string; parts: number }[]> {
      const { rows } = await t.db.query<{ snapshot: string; parts: number }>(
        `SELECT s.id::text AS snapshot, count(p.part)::int AS parts FROM snapshots s
         LEFT JOIN snapshot_parts p ON p.snapshot_id = s.id WHERE s.integration_id = $1
         GROUP BY s.id ORDER BY s.id`,
        [integrationId],
      );
      return rows;
    }

    it('round-trips a large snapshot exactly, no statement carrying it whole', async () => {
      const id = await integration('large');
      const run = await store.syncRuns.start(id, T1);
      const s = large(T1, 600);
      const whole = JSON.stringify(s).length;
      assert.ok(whole > 6 * PART_CHARS, `the test snapshot is large (${whole} chars)`);
      sizes.length = 0;
      const staged = await store.snapshots.stage(id, run, s);
      assert.ok(Math.max(...sizes) <= PART_CHARS, `largest statement: ${Math.max(...sizes)} chars`);
      await store.snapshots.publish(id, staged, T1);

      const { rows } = await t.db.query<{ parts: number; agents: unknown[] }>(
        `SELECT parts, data->'agents' AS agents FROM snapshots WHERE id = $1::bigint`,
        [staged],
      );
      assert.deepEqual(rows[0].agents, [], 'the row holds the skeleton');
      assert.ok(rows[0].parts > 6, `${rows[0].parts} parts`);
      assert.deepEqual(await partRows(id), [{ snapshot: staged, parts: rows[0].parts }]);

      const latest = await store.snapshots.loadLatest(id);
      assert.deepEqual(latest, { syncRunId: run, takenAt: T1, snapshot: JSON.parse(JSON.stringify(s)) });
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('stores a small snapshot in one INSERT of parts, and empty arrays without parts', async () => {
      const id = await integration('small');
      const run = await store.syncRuns.start(id, T1);
      const s = snapshot(T1, [agent('a'), agent('b')]);
      await store.snapshots.save(id, run, s);
      const [row] = await partRows(id);
      assert.equal(row.parts, 2, 'agents and models; files, libraries, errors… are empty');
      assert.deepEqual((await store.snapshots.loadLatest(id))?.snapshot, s);
    });

    it('prunes old snapshots with their parts', async () => {
      const id = await integration('prune');
      const run = await store.syncRuns.start(id, T1);
      for (const at of [T1, T2, T3, T4]) await store.snapshots.save(id, run, large(at, 100));
      const rows = await partRows(id);
      assert.equal(rows.length, 2, 'two kept');
      const { rows: orphans } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM snapshot_parts p WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.id = p.snapshot_id)`,
      );
      assert.equal(orphans[0].n, 0);
      assert.deepEqual(
        (await store.snapshots.loadPrevious(id))?.snapshot,
        JSON.parse(JSON.stringify(large(T3, 100))),
      );
    });

    it('never publishes a snapshot whose parts were not all written', async () => {
      const id = await integration('half');
      const run = await store.syncRuns.start(id, T1);
      const staged = await store.snapshots.stage(id, run, large(T1, 50));
      await t.db.query('UPDATE snapshots SET parts = -1 WHERE id = $1::bigint', [staged]);
      await assert.rejects(store.snapshots.publish(id, staged, T1), /not staged/);
      assert.equal(await store.snapshots.loadLatest(id), null);
    });
  });

  describe(`snapshots written before migration 013 (${backend.kind})`, { skip: backend.skip }, () => {
    it('are read after it, next to new ones, and pruned alike', async () => {
      const t = await backend.openEmpty();
      try {
        await migrate(
          t.db,
          loadMigrations().filter((m) => m.version < 13),
        );
        const store = createStore(t.db, { keyring: testKeyring(), snapshotsKept: 2 });
        const id = (await store.integrations.create({ name: 'old', apiKey: 'sk-old-format-0000' })).id;
        const run = await store.syncRuns.start(id, T1);
        const old = large(T1, 40);
        // As the repository wrote it before migration 013: the whole snapshot in one jsonb value.
        await t.db.query(
          `INSERT INTO snapshots (integration_id, sync_run_id, taken_at, data) VALUES ($1, $2, $3, $4::jsonb)`,
          [id, run, T1, JSON.stringify(old)],
        );
        await migrate(t.db);
        const expected = JSON.parse(JSON.stringify(old)) as Snapshot;
        assert.deepEqual(await store.snapshots.loadLatest(id), {
          syncRunId: run,
          takenAt: T1,
          snapshot: expected,
        });

        await store.snapshots.save(id, run, large(T2, 40));
        assert.deepEqual((await store.snapshots.loadPrevious(id))?.snapshot, expected);
        assert.equal((await store.snapshots.loadLatest(id))?.takenAt, T2);
        await store.snapshots.save(id, run, large(T3, 40));
        assert.deepEqual(
          (await store.snapshots.list(id)).map((s) => s.takenAt),
          [T3, T2],
          'the old-format snapshot is pruned like any other',
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
