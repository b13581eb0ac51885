/**
 * Database.writeSeq (PGlite: this process is the only writer) lets queries.version() answer without a
 * query while nothing was written. Every kind of write makes it ask again: a statement, a transaction
 * (also one that rolls back), a script, and a write through another wrapper of the same instance.
 * PostgreSQL has no writeSeq: version() always asks (other processes write).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPgliteDatabase, type Database } from '../src/store/database.ts';
import { createQueriesRepository } from '../src/store/queries-repository.ts';
import { emptyPgliteInstance, pgliteBackend, testBackends, type TestDatabase } from '../src/store/testing.ts';

/** A Database that counts the version queries it sees. */
function counting(db: Database): { db: Database; versionQueries: () => number } {
  let n = 0;
  return {
    db: {
      ...db,
      query: (sql, params) => {
        if (sql.includes('FROM finding_mute_history')) n++;
        return db.query(sql, params);
      },
    },
    versionQueries: () => n,
  };
}

describe('queries.version() on PGlite: no query while nothing was written', () => {
  let t: TestDatabase;
  before(async () => {
    t = await pgliteBackend.open();
  });
  after(async () => {
    await t?.cleanup();
  });

  it('asks once, then again after each kind of write', async () => {
    const c = counting(t.db);
    const q = createQueriesRepository(c.db);
    const id = '00000000-0000-4000-8000-000000000001';
    const first = await q.version(id);
    await q.version(id);
    await q.version(id);
    assert.equal(c.versionQueries(), 1, 'one query for three calls');
    assert.deepEqual(first, { latestRunId: null, latestRunState: null, muteSeq: 0 });

    await t.db.query('SELECT 1'); // a read changes nothing
    await q.version(id);
    assert.equal(c.versionQueries(), 1);

    await t.db.query('CREATE TEMP TABLE IF NOT EXISTS scratch (x int)');
    await q.version(id);
    assert.equal(c.versionQueries(), 2, 'a statement');

    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO scratch VALUES (1)');
    });
    await q.version(id);
    assert.equal(c.versionQueries(), 3, 'a transaction');

    await t.db
      .transaction(async () => {
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await q.version(id);
    assert.equal(c.versionQueries(), 4, 'a rolled-back transaction');

    await t.db.execScript('INSERT INTO scratch VALUES (2); INSERT INTO scratch VALUES (3);');
    await q.version(id);
    assert.equal(c.versionQueries(), 5, 'a script');

    await q.version('00000000-0000-4000-8000-000000000002');
    assert.equal(c.versionQueries(), 6, 'each integration has its own answer');
  });

  it('answers from before a transaction while it runs, without waiting for it; asks again after COMMIT', async () => {
    const c = counting(t.db);
    const q = createQueriesRepository(c.db);
    const id = '00000000-0000-4000-8000-000000000003';
    await q.version(id);
    const asked = c.versionQueries();
    let during: Promise<unknown> | null = null;
    let settledDuring = false;
    await t.db.transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE IF NOT EXISTS scratch2 (x int)');
      await tx.query('INSERT INTO scratch2 VALUES (1)');
      // A read through the database outside the transaction would wait for its end: a cached answer does not.
      during = q.version(id).then(() => (settledDuring = true));
      await tx.query('SELECT 1');
      await tx.query('SELECT 1');
      assert.equal(settledDuring, true, 'version() answered while the transaction held the database');
    });
    await during;
    assert.equal(c.versionQueries(), asked, 'no query during the transaction');
    await q.version(id);
    assert.equal(c.versionQueries(), asked + 1, 'asks again once the transaction ended');
  });

  it('sees a write made through another wrapper of the same PGlite instance', async () => {
    const instance = await emptyPgliteInstance();
    try {
      const one = counting(createPgliteDatabase(instance));
      const two = createPgliteDatabase(instance);
      await two.execScript(
        'CREATE TABLE sync_runs (id text, integration_id text, status text, seq int, finished_at text); CREATE TABLE finding_mute_history (id int);',
      );
      const q = createQueriesRepository(one.db);
      const id = 'i1';
      assert.deepEqual(await q.version(id), { latestRunId: null, latestRunState: null, muteSeq: 0 });
      await two.query(`INSERT INTO sync_runs VALUES ('run-1', 'i1', 'interrupted', 1, 't1')`);
      assert.deepEqual(await q.version(id), {
        latestRunId: 'run-1',
        latestRunState: 'interrupted t1',
        muteSeq: 0,
      });
      await two.query('INSERT INTO finding_mute_history VALUES (7)');
      assert.deepEqual(await q.version(id), {
        latestRunId: 'run-1',
        latestRunState: 'interrupted t1',
        muteSeq: 7,
      });
      // A worker resumes the interrupted run: while it runs, the run before it (none) is the latest ended.
      await two.query(`UPDATE sync_runs SET status = 'running', finished_at = NULL WHERE id = 'run-1'`);
      assert.deepEqual(await q.version(id), { latestRunId: null, latestRunState: null, muteSeq: 7 });
      await two.query(`INSERT INTO sync_runs VALUES ('run-2', 'i1', 'queued', 2, NULL)`);
      assert.deepEqual(
        await q.version(id),
        { latestRunId: null, latestRunState: null, muteSeq: 7 },
        'queued has not ended',
      );
      // The resumed run ends: same id, another state, so no cache keyed by the interrupted one is reused.
      await two.query(`UPDATE sync_runs SET status = 'succeeded', finished_at = 't2' WHERE id = 'run-1'`);
      assert.deepEqual(await q.version(id), {
        latestRunId: 'run-1',
        latestRunState: 'succeeded t2',
        muteSeq: 7,
      });
      assert.equal(one.versionQueries(), 6);
    } finally {
      await instance.close();
    }
  });
});

for (const backend of testBackends().filter((b) => b.kind === 'postgres')) {
  describe('queries.version() on PostgreSQL: always asks', { skip: backend.skip }, () => {
    it('queries on every call', async () => {
      const t = await backend.open();
      try {
        assert.equal(t.db.writeSeq, undefined);
        const c = counting(t.db);
        const q = createQueriesRepository(c.db);
        await q.version('00000000-0000-4000-8000-000000000001');
        await q.version('00000000-0000-4000-8000-000000000001');
        assert.equal(c.versionQueries(), 2);
      } finally {
        await t.cleanup();
      }
    });
  });
}
