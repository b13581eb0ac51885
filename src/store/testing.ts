/**
 * Test databases for both back ends. Only tests import this file (src code never does).
 *
 *  - PGlite: one migrated template per test process (its dump is also cached in a private folder of
 *    the OS temp folder, keyed by PGlite's version and the migrations' content, so later processes skip
 *    initdb); each `open()` loads a fresh in-memory copy (~1 s), and `openEmpty()` one of a database
 *    initdb left (cached the same way). Close what you open: each instance holds a few hundred MB.
 *  - PostgreSQL: when TRUSTLENS_TEST_DATABASE_URL is set (scripts/start-test-postgres.sh), each
 *    `open()` creates a fresh schema and connects with search_path set to it; cleanup drops it.
 *    When the variable is unset, `skip` holds the reason (pass it to node:test's `skip` option).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createPgliteDatabase, createPostgresDatabase, PGLITE_SETTINGS, type Database } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { installedPgliteVersion } from './pglite-template.ts';

export interface TestDatabase {
  db: Database;
  /** Another connection to the same database (PostgreSQL only; PGlite is single-connection). */
  connectAgain?: () => Promise<Database>;
  cleanup(): Promise<void>;
}

export interface TestBackend {
  kind: 'pglite' | 'postgres';
  /** Why this back end's tests are skipped, or false. */
  skip: string | false;
  /** A fresh database with every migration applied. */
  open(): Promise<TestDatabase>;
  /** A fresh database with no migration applied. */
  openEmpty(): Promise<TestDatabase>;
}

let templatePromise: Promise<Blob> | undefined;
let emptyPromise: Promise<Blob> | undefined;

/** The embedded database's settings in production (PGLITE_SETTINGS): tests run what users run, and a
 * smaller shared_buffers starts ~0.3 s of CPU sooner. */
const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])];

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const m of loadMigrations()) h.update(`${m.version}\u0000${m.sql}\u0000`);
  return h.digest('hex').slice(0, 16);
}

/**
 * A data folder's dump, cached in the OS temp folder under `name` (which names what it depends on), or
 * made by `make` on the first call on this machine.
 */
async function cachedDump(name: string, make: () => Promise<PGlite>): Promise<Blob> {
  const cache = join(dumpsDir(), `pglite-${name}-${installedPgliteVersion()}.tar`);
  if (existsSync(cache)) return new Blob([readFileSync(cache)]);
  const instance = await make();
  try {
    const dump = await instance.dumpDataDir('none');
    const bytes = Buffer.from(await dump.arrayBuffer());
    const tmp = `${cache}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, cache); // atomic: concurrent processes never read a half-written file
    return new Blob([bytes]);
  } finally {
    await instance.close();
  }
}

/** This user's folder of dumps (private: another user's files are never read, nor ours shown). */
function dumpsDir(): string {
  const dir = join(tmpdir(), `trustlens-test-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A new database as initdb leaves it, no migration applied (initdb itself runs once per machine). */
function pgliteEmpty(): Promise<Blob> {
  emptyPromise ??= cachedDump('empty', () => PGlite.create()).catch((e: unknown) => {
    emptyPromise = undefined; // a failure is not kept: the next open tries again
    throw e;
  });
  return emptyPromise;
}

export function pgliteTemplate(): Promise<Blob> {
  templatePromise ??= cachedDump(`template-${migrationsHash()}`, async () => {
    const instance = await PGlite.create({ loadDataDir: await pgliteEmpty() });
    await migrate(createPgliteDatabase(instance));
    return instance;
  }).catch((e: unknown) => {
    templatePromise = undefined;
    throw e;
  });
  return templatePromise;
}

/**
 * Starts PGlite on a dump. One that cannot be loaded (a damaged file) is removed with the other dumps of
 * this process before the error goes on, so the next open makes them again.
 */
async function fromDump(dump: Promise<Blob>): Promise<PGlite> {
  const loadDataDir = await dump;
  try {
    return await PGlite.create({ loadDataDir, startParams });
  } catch (e) {
    for (const f of readdirSync(dumpsDir()))
      if (f.startsWith('pglite-')) rmSync(join(dumpsDir(), f), { force: true });
    emptyPromise = templatePromise = undefined;
    throw e;
  }
}

/** A PGlite instance on a new database with no migration applied; the caller closes it. */
export function emptyPgliteInstance(): Promise<PGlite> {
  return fromDump(pgliteEmpty());
}

export const pgliteBackend: TestBackend = {
  kind: 'pglite',
  skip: false,
  async open() {
    const instance = await fromDump(pgliteTemplate());
    const db = createPgliteDatabase(instance);
    return { db, cleanup: () => db.close() };
  },
  async openEmpty() {
    const db = createPgliteDatabase(await emptyPgliteInstance());
    return { db, cleanup: () => db.close() };
  },
};

function postgresBackend(url: string | undefined): TestBackend {
  async function fresh(migrated: boolean): Promise<TestDatabase> {
    const schema = `trustlens_test_${process.pid}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`); // generated identifier, not data
    } finally {
      await admin.end();
    }
    const pools: pg.Pool[] = [];
    const connect = async (): Promise<Database> => {
      const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 5 });
      pools.push(pool);
      return createPostgresDatabase(pool);
    };
    const db = await connect();
    if (migrated) await migrate(db);
    return {
      db,
      connectAgain: connect,
      async cleanup() {
        for (const p of pools) await p.end().catch(() => undefined);
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await c.end();
        }
      },
    };
  }
  return {
    kind: 'postgres',
    skip: url
      ? false
      : 'TRUSTLENS_TEST_DATABASE_URL is not set (run: export TRUSTLENS_TEST_DATABASE_URL=$(scripts/start-test-postgres.sh))',
    open: () => fresh(true),
    openEmpty: () => fresh(false),
  };
}

/** PGlite always; PostgreSQL when TRUSTLENS_TEST_DATABASE_URL is set (skipped with a reason otherwise). */
export function testBackends(env: Record<string, string | undefined> = process.env): TestBackend[] {
  return [pgliteBackend, postgresBackend(env.TRUSTLENS_TEST_DATABASE_URL || undefined)];
}
