/** Migrations on both back ends: applied at open, idempotent, concurrent-safe, newer schema refused. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { isAppError } from '../src/errors/index.ts';
import {
  loadMigrations,
  migrate,
  openDatabase,
  PGLITE_LOCK_FILE,
  type Database,
} from '../src/store/index.ts';
import { testBackends } from '../src/store/testing.ts';

const latest = loadMigrations().at(-1)!.version;

async function tables(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

async function applied(db: Database): Promise<number[]> {
  const { rows } = await db.query<{ v: number }>(
    'SELECT version::int AS v FROM schema_migrations ORDER BY 1',
  );
  return rows.map((r) => r.v);
}

for (const backend of testBackends()) {
  describe(`migrations (${backend.kind})`, { skip: backend.skip }, () => {
    it('applies every migration once, then nothing (idempotent)', async () => {
      const t = await backend.openEmpty();
      try {
        const first = await migrate(t.db);
        assert.deepEqual(first, { applied: loadMigrations().map((m) => m.version), version: latest });
        const names = await tables(t.db);
        for (const table of [
          'integrations',
          'integration_keys',
          'inventory_records',
          'usage_rows',
          'findings',
        ]) {
          assert.ok(names.includes(table), table);
        }
        const second = await migrate(t.db);
        assert.deepEqual(second, { applied: [], version: latest });
        assert.deepEqual(
          await applied(t.db),
          loadMigrations().map((m) => m.version),
        );
      } finally {
        await t.cleanup();
      }
    });

    it('is safe when two processes migrate at once', async () => {
      const t = await backend.openEmpty();
      try {
        // PostgreSQL: two separate connection pools (two "processes"); PGlite: two concurrent calls.
        const other = t.connectAgain ? await t.connectAgain() : t.db;
        const results = await Promise.all([migrate(t.db), migrate(other), migrate(t.db)]);
        const appliedTotal = results.flatMap((r) => r.applied);
        assert.deepEqual(
          appliedTotal.sort(),
          loadMigrations()
            .map((m) => m.version)
            .sort(),
        );
        assert.deepEqual(
          await applied(t.db),
          loadMigrations().map((m) => m.version),
        );
      } finally {
        await t.cleanup();
      }
    });

    it('refuses a database whose schema is newer than the code', async () => {
      const t = await backend.open();
      try {
        await t.db.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from-the-future')`, [
          latest + 1,
        ]);
        await assert.rejects(
          () => migrate(t.db),
          (e: unknown) =>
            isAppError(e) &&
            e.code === 'STORAGE_ERROR' &&
            e.message.includes(`version ${latest + 1}`) &&
            /Upgrade TrustLens/.test(e.remediation ?? ''),
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}

describe('openDatabase (PGlite in a data folder)', () => {
  it('creates the folder, migrates at open, and reopens the same data', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trustlens-open-'));
    const dataDir = join(root, 'nested', 'data');
    try {
      const db = await openDatabase({ dataDir });
      assert.equal(db.kind, 'pglite');
      assert.ok(statSync(join(dataDir, 'pgdata')).isDirectory());
      await db.query(`INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'org', now())`);
      await db.query(
        `INSERT INTO integrations (id, name, base_url, sync_frequency_minutes, created_at, updated_at, organization_id)
         VALUES ('i1', 'kept', 'https://api.mistral.ai', 60, now(), now(), 'o1')`,
      );
      await assert.rejects(
        () => openDatabase({ dataDir }),
        (e: unknown) =>
          isAppError(e) &&
          e.code === 'STORAGE_ERROR' &&
          /in use/.test(e.message) &&
          /DATABASE_URL/.test(e.remediation ?? ''),
        'a second open of the same folder is refused while the first is open',
      );
      await db.close();
      assert.ok(!existsSync(join(dataDir, PGLITE_LOCK_FILE)), 'close releases the lock');
      // A lock left by a process that has exited is taken over.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      writeFileSync(join(dataDir, PGLITE_LOCK_FILE), String(dead));
      const again = await openDatabase({ dataDir });
      try {
        assert.deepEqual(
          await applied(again),
          loadMigrations().map((m) => m.version),
        );
        const { rows } = await again.query<{ name: string }>('SELECT name FROM integrations');
        assert.deepEqual(rows, [{ name: 'kept' }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('openDatabase (PostgreSQL URL)', { skip: testBackends()[1].skip }, () => {
  const url = process.env.TRUSTLENS_TEST_DATABASE_URL ?? '';

  it('opens DATABASE_URL with pg and migrates at open', async () => {
    const schema = `trustlens_open_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`CREATE SCHEMA ${schema}`);
      const sep = url.includes('?') ? '&' : '?';
      const db = await openDatabase({
        databaseUrl: `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      });
      try {
        assert.equal(db.kind, 'postgres');
        assert.deepEqual(
          await applied(db),
          loadMigrations().map((m) => m.version),
        );
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'findings'`,
          [schema],
        );
        assert.equal(rows[0].n, 1);
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('reports an unreachable server as STORAGE_ERROR', async () => {
    await assert.rejects(
      () => openDatabase({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }),
      (e: unknown) => isAppError(e) && e.code === 'STORAGE_ERROR' && !!e.remediation,
    );
  });
});
