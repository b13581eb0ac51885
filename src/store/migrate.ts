/**
 * Schema migrations: numbered SQL files in ./migrations (`NNN-name.sql`), applied in order, each once,
 * inside one transaction holding a transaction-scoped advisory lock, so two processes opening the same
 * database at once (server + worker) never race: the second waits, then finds nothing left to apply.
 * Applied versions are recorded in `schema_migrations`. A database whose schema is newer than this code
 * is refused (STORAGE_ERROR): running old code on it could corrupt data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.ts';
import { AppError } from '../errors/index.ts';
import type { Database } from './database.ts';

/** Arbitrary constant shared by every TrustLens process: the advisory lock key for migrations. */
export const MIGRATION_LOCK_KEY = '7214550093311876';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(projectRoot(), 'src', 'store', 'migrations');

/** The migrations shipped with this code, ascending by version. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^(\d+)-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({
      version: Number(m[1]),
      name: m[2],
      sql: readFileSync(join(dir, file), 'utf8'),
    });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i].version === out[i - 1].version)
      throw new Error(`duplicate migration version ${out[i].version}`);
  }
  return out;
}

export interface MigrateResult {
  applied: number[];
  version: number;
}

export async function migrate(
  db: Database,
  migrations: Migration[] = loadMigrations(),
): Promise<MigrateResult> {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await tx.query<{ version: number }>(
      'SELECT version::int AS version FROM schema_migrations',
    );
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new AppError(
        'STORAGE_ERROR',
        `The database schema (version ${newest}) is newer than this version of TrustLens supports (version ${latest}).`,
        {
          remediation:
            'Upgrade TrustLens to the version that last used this database, or point TRUSTLENS_DATA_DIR / DATABASE_URL at another database.',
          details: { databaseVersion: newest, codeVersion: latest },
        },
      );
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.execScript(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return { applied, version: Math.max(newest, latest) };
  });
}
