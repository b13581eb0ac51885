/**
 * One small database interface over two back ends that speak the same SQL (PostgreSQL dialect):
 *  - PGlite (embedded PostgreSQL in WebAssembly) in a data folder, the default;
 *  - a PostgreSQL server through `pg` (a Pool) when a database URL is given.
 *
 * Rules for code using it: parameterised queries only ($1, $2 …; never interpolate data into SQL);
 * cast what you select to types both drivers return alike (::int, ::float8, ::text; jsonb parses
 * to objects in both; timestamptz comes back as Date; bytea as Buffer/Uint8Array: use `toBuffer`).
 *
 * PGlite is single-connection: its queries and transactions are serialised by PGlite itself. A
 * transaction's callback gets a `Database` bound to the transaction; calling `transaction` on it
 * joins the enclosing transaction (so repository methods can be composed in one transaction).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { AppError, isAppError } from '../errors/index.ts';
import { processAlive } from '../shared/process.ts';

export interface QueryResult<T> {
  rows: T[];
  /** Rows affected by INSERT/UPDATE/DELETE (or returned by SELECT). */
  rowCount: number;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations). */
  execScript(sql: string): Promise<void>;
  /** Runs `fn` in a transaction (joined when already inside one); commits on success, rolls back on throw. */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Only when this process is the database's only writer (PGlite: one process holds the data folder):
   * a number that changes after every write that ends through it (a statement other than a plain
   * SELECT, a script, a transaction). A value read from the database while `writeSeq()` stayed the same
   * is still current, so a read cache can skip its freshness query (src/store/queries-repository.ts).
   * Absent on PostgreSQL, where other processes write.
   */
  writeSeq?(): number;
}

export interface OpenDatabaseOptions {
  /** Data folder for PGlite (the database lives in `<dataDir>/pgdata`). Default ./.trustlens. */
  dataDir?: string;
  /** PostgreSQL connection URL; when set, PGlite is not used. */
  databaseUrl?: string;
  /** Apply pending migrations at open (default true). */
  migrate?: boolean;
  /**
   * PGlite only: the template folder a new data folder starts from (src/store/pglite-template.ts);
   * default dist/pglite-template, null never uses one (initdb).
   */
  pgliteTemplateDir?: string | null;
  /** PGlite only: told how the database was started — an existing folder, the template, or initdb (and why). */
  onPgliteStart?: (how: PgliteStart) => void;
}

export type PgliteStart =
  { from: 'existing' } | { from: 'template'; templateDir: string } | { from: 'initdb'; reason: string };

/**
 * Starts PGlite on `pgdata`: an existing database as it is; a new one from the template when it is usable
 * for this code (same PGlite version, migrations a prefix of ours): a copy of its folder, opened like an
 * existing one; else by initdb. The template is used only for an absent or empty folder: a folder that
 * holds files but no PG_VERSION (damaged, partly restored) is never replaced nor emptied — PGlite starts
 * on it as it is, as before templates existed. A template copy that fails leaves nothing behind: only
 * that copy is removed (the folder was empty before it, and the data folder's lock keeps other processes
 * out), and initdb runs.
 */
async function createPglite(pgdata: string, options: OpenDatabaseOptions): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const told = options.onPgliteStart ?? (() => undefined);
  const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])];
  if (existsSync(join(pgdata, 'PG_VERSION'))) {
    told({ from: 'existing' });
    return PGlite.create({ dataDir: pgdata, startParams });
  }
  let reason = 'the template is turned off';
  if (!isAbsentOrEmpty(pgdata))
    reason = `${pgdata} holds files but no PG_VERSION: not a new folder, so left as it is (no template)`;
  else if (options.pgliteTemplateDir !== null) {
    const { copyTemplateTo, defaultPgliteTemplateDir, findPgliteTemplate } =
      await import('./pglite-template.ts');
    const templateDir = options.pgliteTemplateDir ?? defaultPgliteTemplateDir();
    const found = findPgliteTemplate(templateDir);
    if (found.usable) {
      let copied = false;
      try {
        copyTemplateTo(found.pgdata, pgdata);
        copied = true;
        const instance = await PGlite.create({ dataDir: pgdata, startParams });
        told({ from: 'template', templateDir });
        return instance;
      } catch (e) {
        reason = `the template could not be used (${e instanceof Error ? e.message : String(e)})`;
        removeFailedCopy(pgdata, copied);
      }
    } else reason = found.reason;
  }
  told({ from: 'initdb', reason });
  return PGlite.create({ dataDir: pgdata, startParams });
}

/**
 * PostgreSQL settings of the embedded database, measured with bench/memory-bench.ts. PostgreSQL touches
 * all of shared_buffers at start, inside PGlite's WebAssembly memory (which never shrinks): the default
 * 128MB was most of a reopened database's ~300 MB resident. The data files live on the local disk, whose
 * page cache (outside the process) serves reads beyond the buffers.
 */
export const PGLITE_SETTINGS: readonly string[] = ['shared_buffers=16MB'];

function isAbsentOrEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

/**
 * After a failed start from the template, `dir` is again an empty 0700 folder. `copied`: the copy was renamed
 * into place, so `dir` holds only that copy (it was empty before) and is removed; otherwise copyTemplateTo
 * has removed its own temporary copy and `dir` is as it was (or gone, when it was empty).
 */
function removeFailedCopy(dir: string, copied: boolean): void {
  if (copied) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Reads TRUSTLENS_DATA_DIR / DATABASE_URL into OpenDatabaseOptions. */
export function databaseOptionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): OpenDatabaseOptions {
  return {
    dataDir: env.TRUSTLENS_DATA_DIR || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
  };
}

export function resolveDataDir(dataDir: string | undefined): string {
  return resolve(dataDir ?? './.trustlens');
}

/** Opens the database (PGlite or PostgreSQL) and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  let db: Database;
  if (options.databaseUrl) {
    db = createPostgresDatabase(new pg.Pool({ connectionString: options.databaseUrl, max: 10 }));
  } else {
    const dir = resolveDataDir(options.dataDir);
    const pgdata = join(dir, 'pgdata');
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 }); // holds master.key and the database
      mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new AppError('STORAGE_ERROR', `Cannot create the data folder ${dir}.`, {
        cause: e,
        remediation: 'Choose a writable folder with TRUSTLENS_DATA_DIR or --data-dir.',
      });
    }
    const releaseLock = acquireDataDirLock(join(dir, PGLITE_LOCK_FILE));
    let instance: PGlite;
    try {
      instance = await createPglite(pgdata, options);
    } catch (e) {
      releaseLock();
      throw new AppError('STORAGE_ERROR', `Cannot open the embedded database in ${pgdata}.`, {
        cause: e,
        remediation:
          'Check that the data folder is readable and writable and not damaged, or set DATABASE_URL to use a PostgreSQL server.',
      });
    }
    const embedded = createPgliteDatabase(instance);
    db = {
      ...embedded,
      async close() {
        try {
          await embedded.close();
        } finally {
          releaseLock();
        }
      },
    };
  }
  if (options.migrate !== false) {
    const { migrate } = await import('./migrate.ts');
    try {
      await migrate(db);
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
  }
  return db;
}

export const PGLITE_LOCK_FILE = 'pglite.lock';
/** Written by `trustlens serve` on an embedded database: `{ pid, url }`, to name it when the folder is locked. */
export const SERVER_INFO_FILE = 'server.json';

/** The running server holding a data folder, when the lock's owner is one. */
function serverHolding(dir: string, pid: number): { url: string } | null {
  try {
    const info = JSON.parse(readFileSync(join(dir, SERVER_INFO_FILE), 'utf8')) as {
      pid?: unknown;
      url?: unknown;
    };
    return info.pid === pid && typeof info.url === 'string' ? { url: info.url } : null;
  } catch {
    return null;
  }
}

/**
 * The embedded database is single-process: a lock file holding the owner's pid guards the data folder.
 * A lock left by a process that no longer runs is taken over. Returns the release function.
 */
function acquireDataDirLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError('STORAGE_ERROR', `Cannot create the lock file ${path}.`, {
          cause: e,
          remediation: 'Choose a writable folder with TRUSTLENS_DATA_DIR or --data-dir.',
        });
      }
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        // removed meanwhile: retry
      }
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        const server = serverHolding(dirname(path), owner);
        if (server) {
          throw new AppError(
            'STORAGE_ERROR',
            `The data folder is held by the TrustLens server running at ${server.url} (trustlens serve, pid ${owner}).`,
            {
              remediation: `The embedded database allows one process at a time. Either stop the server (Ctrl-C in its terminal, or kill ${owner}) and run this command again; or do it through the server's API (${server.url}/api/docs) with an API token; or run the server and the CLI on PostgreSQL (DATABASE_URL and TRUSTLENS_MASTER_KEY), which any number of processes can share.`,
              details: { lockFile: path, pid: owner, server: server.url },
            },
          );
        }
        throw new AppError(
          'STORAGE_ERROR',
          `The data folder is in use by another TrustLens process (pid ${owner}${owner === process.pid ? ', this one' : ''}).`,
          {
            remediation:
              'The embedded database allows one process at a time: stop the other process, use another --data-dir, or set DATABASE_URL to share a PostgreSQL server.',
            details: { lockFile: path, pid: owner },
          },
        );
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // someone else removed it: retry
      }
    }
  }
  throw new AppError('STORAGE_ERROR', `Cannot take the lock file ${path}.`, {
    remediation: 'Another process is starting on the same data folder; try again.',
  });
}

function storageError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const err = e as { message?: string; code?: string };
  // Text PostgreSQL cannot store (a NUL character, invalid encoding) came from the input: a 400, not a 500.
  if (err.code === '22021' || err.code === '22P05') {
    return new AppError(
      'INVALID_INPUT',
      'The input contains a character that cannot be stored (such as NUL).',
      {
        cause: e,
        details: { sqlState: err.code },
        remediation: 'Remove control characters from the values sent, then try again.',
      },
    );
  }
  return new AppError('STORAGE_ERROR', `Database error: ${err.message ?? String(e)}`, {
    cause: e,
    details: err.code ? { sqlState: err.code } : {},
    remediation: 'Check that the database is reachable and its schema is up to date, then try again.',
  });
}

/** The SQLSTATE of a database error wrapped by this module (e.g. '23505' unique violation). */
export function sqlState(e: unknown): string | undefined {
  if (isAppError(e) && typeof e.details.sqlState === 'string') return e.details.sqlState;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// ---------------------------------------------------------------------------------------------
// PGlite

interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(fn: (tx: PgliteTxLike) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
interface PgliteTxLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

/**
 * Writes ended on each PGlite instance (see Database.writeSeq): kept per instance, not per wrapper, so
 * that two wrappers of one instance see each other's writes.
 */
const pgliteWrites = new WeakMap<object, { n: number }>();
function writesOf(instance: object): { n: number } {
  let w = pgliteWrites.get(instance);
  if (!w) pgliteWrites.set(instance, (w = { n: 0 }));
  return w;
}
const READ_ONLY = /^\s*SELECT\b/i;

async function pgliteQuery<T>(
  target: PgliteTxLike,
  sql: string,
  params: readonly unknown[] | undefined,
  writes: { n: number },
): Promise<QueryResult<T>> {
  try {
    const r = await target.query<T>(sql, params ? [...params] : []);
    return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
  } catch (e) {
    throw storageError(e);
  } finally {
    if (!READ_ONLY.test(sql)) writes.n++;
  }
}

/** A Database bound to an open transaction: nested transactions join it; it cannot be closed. */
function txDatabase(
  kind: Database['kind'],
  query: Database['query'],
  exec: (sql: string) => Promise<unknown>,
): Database {
  const self: Database = {
    kind,
    query,
    async execScript(sql) {
      try {
        await exec(sql);
      } catch (e) {
        throw storageError(e);
      }
    },
    transaction: (fn) => fn(self),
    async close() {
      throw new AppError('INTERNAL', 'close() called inside a transaction');
    },
  };
  return self;
}

function pgliteTxDatabase(tx: PgliteTxLike, writes: { n: number }): Database {
  return txDatabase(
    'pglite',
    (sql, params) => pgliteQuery(tx, sql, params, writes),
    (sql) => tx.exec(sql),
  );
}

/** Wraps an open PGlite instance (the caller has created it; `close` closes it). */
export function createPgliteDatabase(instance: PGlite): Database {
  const db = instance as unknown as PgliteLike;
  const writes = writesOf(instance);
  return {
    kind: 'pglite',
    query: (sql, params) => pgliteQuery(db, sql, params, writes),
    async execScript(sql) {
      try {
        await db.exec(sql);
      } catch (e) {
        throw storageError(e);
      } finally {
        writes.n++;
      }
    },
    async transaction(fn) {
      // Errors thrown by `fn` pass through unchanged; only BEGIN/COMMIT failures become STORAGE_ERROR.
      const fromFn = new Set<unknown>();
      try {
        return await db.transaction(async (tx) => {
          try {
            // Writes inside count once, at the end: until COMMIT no other query sees them (PGlite runs
            // no other query meanwhile), so read caches keyed by writeSeq keep answering during it.
            return await fn(pgliteTxDatabase(tx, { n: 0 }));
          } catch (e) {
            fromFn.add(e);
            throw e;
          }
        });
      } catch (e) {
        throw fromFn.has(e) ? e : storageError(e);
      } finally {
        // After COMMIT (or ROLLBACK): what the transaction wrote is visible from now on.
        writes.n++;
      }
    },
    close: () => db.close(),
    writeSeq: () => writes.n,
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (pg)

async function pgQuery<T>(
  client: pg.Pool | pg.PoolClient,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<T>> {
  try {
    const r = await client.query(sql, params ? [...params] : []);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  } catch (e) {
    throw storageError(e);
  }
}

function pgTxDatabase(client: pg.PoolClient): Database {
  return txDatabase(
    'postgres',
    (sql, params) => pgQuery(client, sql, params),
    (sql) => client.query(sql),
  );
}

/** Wraps a pg Pool (the caller has created it; `close` ends it). */
export function createPostgresDatabase(pool: pg.Pool): Database {
  // An idle client's connection error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    query: (sql, params) => pgQuery(pool, sql, params),
    async execScript(sql) {
      try {
        await pool.query(sql);
      } catch (e) {
        throw storageError(e);
      }
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw storageError(e);
      }
      let inFn = false;
      try {
        await client.query('BEGIN');
        inFn = true;
        const result = await fn(pgTxDatabase(client));
        inFn = false;
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        // Errors thrown by `fn` pass through unchanged; only BEGIN/COMMIT failures become STORAGE_ERROR.
        throw inFn ? e : storageError(e);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
