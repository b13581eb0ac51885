/**
 * New embedded data folders from the build-time template (src/store/pglite-template.ts): a folder made
 * from it is the same database as one made by initdb (same migrations recorded, same schema), and a
 * template that is missing or not for this code (another PGlite version, a migration changed since)
 * falls back to initdb without an error.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database, type PgliteStart } from '../src/store/database.ts';
import { loadMigrations } from '../src/store/migrate.ts';
import {
  buildPgliteTemplate,
  copyTemplateTo,
  findPgliteTemplate,
  installedPgliteVersion,
  TEMPLATE_META,
  TEMPLATE_PGDATA,
  type TemplateMeta,
} from '../src/store/pglite-template.ts';

const work = mkdtempSync(join(tmpdir(), 'trustlens-template-test-'));
const templateDir = join(work, 'template');
const migrations = loadMigrations();
// The template holds all but the last migration: opening from it must apply that one as usual.
const templateMigrations = migrations.slice(0, -1);

before(async () => {
  await buildPgliteTemplate(templateDir, templateMigrations);
});
after(() => rmSync(work, { recursive: true, force: true }));

async function open(
  dataDir: string,
  pgliteTemplateDir: string | null,
): Promise<{ db: Database; start: PgliteStart }> {
  let start: PgliteStart | undefined;
  const db = await openDatabase({ dataDir, pgliteTemplateDir, onPgliteStart: (s) => (start = s) });
  assert.ok(start, 'told how the database started');
  return { db, start };
}

/** Everything about the schema a migration can change, in a stable order. */
async function schemaOf(db: Database): Promise<unknown> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    migrations: await q('SELECT version::int AS version, name FROM schema_migrations ORDER BY version'),
    columns: await q(
      `SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, column_default::text,
         collation_name::text
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    ),
    indexes: await q(
      `SELECT tablename::text, indexname::text, indexdef::text FROM pg_indexes
       WHERE schemaname = 'public' ORDER BY tablename, indexname`,
    ),
    constraints: await q(
      `SELECT c.conrelid::regclass::text AS rel, c.conname::text, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'public' ORDER BY 1, 2`,
    ),
    functions: await q(
      `SELECT p.proname::text, pg_get_functiondef(p.oid) AS def FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1, 2`,
    ),
    triggers: await q(
      `SELECT tgrelid::regclass::text AS rel, tgname::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`,
    ),
    sequences: await q(
      `SELECT sequence_name::text, data_type::text FROM information_schema.sequences
       WHERE sequence_schema = 'public' ORDER BY 1`,
    ),
    settings: await q(
      `SELECT name::text, setting::text FROM pg_settings
       WHERE name IN ('server_encoding', 'lc_collate', 'lc_ctype', 'TimeZone', 'shared_buffers') ORDER BY 1`,
    ),
  };
}

test('a new data folder from the template is the same database as one from initdb, and reopens', async () => {
  const fromTemplate = await open(join(work, 'a'), templateDir);
  assert.deepEqual(fromTemplate.start, { from: 'template', templateDir });
  // An incompatible template (made by another PGlite version) is not used: initdb, no error.
  const otherVersion = join(work, 'other-version');
  cpSync(templateDir, otherVersion, { recursive: true });
  const meta = JSON.parse(readFileSync(join(otherVersion, TEMPLATE_META), 'utf8')) as TemplateMeta;
  writeFileSync(join(otherVersion, TEMPLATE_META), JSON.stringify({ ...meta, pgliteVersion: '0.0.1' }));
  const fromInitdb = await open(join(work, 'b'), otherVersion);
  assert.equal(fromInitdb.start.from, 'initdb');
  assert.match((fromInitdb.start as { reason: string }).reason, /PGlite 0\.0\.1/);
  try {
    const a = await schemaOf(fromTemplate.db);
    const b = await schemaOf(fromInitdb.db);
    assert.deepEqual(a, b);
    const applied = (a as { migrations: { version: number }[] }).migrations.map((m) => m.version);
    assert.deepEqual(
      applied,
      migrations.map((m) => m.version),
      'the migration after the template was applied at open',
    );
    // The template's folder is a copy: writing the new database leaves the template as it was.
    await fromTemplate.db.query('CREATE TABLE template_probe (x integer)');
  } finally {
    await fromTemplate.db.close();
    await fromInitdb.db.close();
  }
  const again = await open(join(work, 'a'), templateDir);
  try {
    assert.deepEqual(again.start, { from: 'existing' });
    assert.equal(
      (await again.db.query(`SELECT to_regclass('template_probe')::text AS t`)).rows[0]?.t,
      'template_probe',
      'the folder kept what was written',
    );
  } finally {
    await again.db.close();
  }
  const fresh = await open(join(work, 'c'), templateDir);
  try {
    assert.equal(fresh.start.from, 'template');
    assert.equal(
      (await fresh.db.query(`SELECT to_regclass('template_probe')::text AS t`)).rows[0]?.t,
      null,
      'the template itself was not written through a data folder made from it',
    );
  } finally {
    await fresh.db.close();
  }
});

test('a template not for this code is not used, and says why', () => {
  const usable = findPgliteTemplate(templateDir, migrations);
  assert.equal(usable.usable, true);
  assert.equal(usable.usable && usable.meta.pgliteVersion, installedPgliteVersion());

  const missing = findPgliteTemplate(join(work, 'nowhere'), migrations);
  assert.equal(missing.usable, false);
  assert.match((missing as { reason: string }).reason, /no template/);

  // A migration the template holds was edited since it was built.
  const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
  const changed = findPgliteTemplate(templateDir, edited);
  assert.equal(changed.usable, false);
  assert.match((changed as { reason: string }).reason, /migration 1 differs/);

  // The template is newer than this code (holds a migration it does not have).
  const older = findPgliteTemplate(templateDir, templateMigrations.slice(0, -1));
  assert.equal(older.usable, false);
  assert.match((older as { reason: string }).reason, /does not have/);

  // Metadata without the database folder next to it.
  const noFolder = join(work, 'no-folder');
  mkdirSync(noFolder);
  cpSync(join(templateDir, TEMPLATE_META), join(noFolder, TEMPLATE_META));
  const gone = findPgliteTemplate(noFolder, migrations);
  assert.equal(gone.usable, false);
  assert.match((gone as { reason: string }).reason, /missing/);
});

/** Every folder and file under `dir` (itself included) with its permission bits. */
function modesUnder(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out = [{ path: dir, dir: true, mode: statSync(dir).mode & 0o777 }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modesUnder(path));
    else out.push({ path, dir: false, mode: statSync(path).mode & 0o777 });
  }
  return out;
}

/** Folders 0755 and files 0644, as the image leaves the template (`chmod -R a+rX` for its runtime user). */
function makeReadableToAll(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeReadableToAll(path);
    else chmodSync(path, 0o644);
  }
}

/**
 * Every folder 0700 and every file 0600. `rewrittenAtStart`: file names PGlite itself wrote when it started
 * on the folder (its WebAssembly file system creates files 0644 whatever PostgreSQL asks — initdb's
 * PG_VERSION is 0666): those stay out of other users' reach through their 0700 folders.
 */
function assertPrivate(pgdata: string, rewrittenAtStart: string[] = []): void {
  const modes = modesUnder(pgdata);
  assert.ok(modes.filter((m) => !m.dir).length > 100, 'the database files were copied');
  const open = modes.filter(
    (m) =>
      m.mode !== (m.dir ? 0o700 : 0o600) &&
      !(!m.dir && rewrittenAtStart.some((name) => m.path.endsWith(`/${name}`))),
  );
  assert.deepEqual(
    open.slice(0, 5).map((m) => `${m.path.slice(pgdata.length)} ${m.mode.toString(8)}`),
    [],
    `every folder 0700 and every file 0600 (${open.length} are not)`,
  );
}

test('a folder made from a template readable to all is private: 0700 during the copy, then folders 0700 and files 0600', async () => {
  const readable = join(work, 'readable-template');
  cpSync(templateDir, readable, { recursive: true });
  makeReadableToAll(readable);
  const target = join(work, 'private', 'pgdata');
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const seen: { mode: number; entries: number }[] = [];
  copyTemplateTo(join(readable, TEMPLATE_PGDATA), target, {
    // What another user would find at the temporary folder while the copy runs into it.
    onTemporaryFolder: (tmp) =>
      seen.push({ mode: statSync(tmp).mode & 0o777, entries: readdirSync(tmp).length }),
  });
  assert.deepEqual(
    seen,
    [{ mode: 0o700, entries: 0 }],
    'the temporary folder is 0700 before anything is copied in',
  );
  assert.deepEqual(
    readdirSync(join(work, 'private')),
    ['pgdata'],
    'the temporary folder was renamed into place',
  );
  assertPrivate(target);
  assert.equal(
    statSync(join(readable, TEMPLATE_PGDATA, 'PG_VERSION')).mode & 0o777,
    0o644,
    'the template kept its modes',
  );

  // Through openDatabase, as the image's first start does.
  const dataDir = join(work, 'private-open');
  const { db, start } = await open(dataDir, readable);
  try {
    assert.deepEqual(start, { from: 'template', templateDir: readable });
  } finally {
    await db.close();
  }
  assertPrivate(join(dataDir, 'pgdata'), ['pg_internal.init']);
});

test('a non-empty data folder without PG_VERSION is not replaced by the template nor emptied', async () => {
  const dataDir = join(work, 'damaged');
  const pgdata = join(dataDir, 'pgdata');
  mkdirSync(join(pgdata, 'restored', '5'), { recursive: true, mode: 0o700 });
  writeFileSync(join(pgdata, 'restored', '5', '16384'), 'rows that were there');
  writeFileSync(join(pgdata, 'restore-notes.txt'), '# kept\n');
  let start: PgliteStart | undefined;
  try {
    const db = await openDatabase({
      dataDir,
      pgliteTemplateDir: templateDir,
      onPgliteStart: (s) => (start = s),
    });
    await db.close();
  } catch {
    // Whether PGlite can start on such a folder is not the point: what was there must still be there.
  }
  assert.equal(start?.from, 'initdb', 'the template was not used');
  assert.match((start as { reason: string }).reason, /holds files but no PG_VERSION/);
  assert.equal(readFileSync(join(pgdata, 'restored', '5', '16384'), 'utf8'), 'rows that were there');
  assert.equal(readFileSync(join(pgdata, 'restore-notes.txt'), 'utf8'), '# kept\n');
  assert.deepEqual(
    readdirSync(dataDir).filter((name) => name.includes('.template-')),
    [],
    'no temporary copy left',
  );
  assert.ok(existsSync(pgdata));
});
