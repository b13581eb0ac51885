/**
 * The template a new embedded (PGlite) data folder starts from, instead of PGlite's initdb.
 *
 * Why: initdb in PGlite runs a second PostgreSQL instance and the initdb WebAssembly module next to the
 * database's own; a first open took ~25 s and ~950 MB resident, more than the rest of a 100,000-
 * conversation scan. A new folder is instead a copy of a database folder made at build time, then
 * opened like any existing one: its files copied on disk, nothing through PGlite's memory. (PGlite's own
 * `loadDataDir` from a dumped tarball was measured too: it untars in memory, ~85 MB more at its peak
 * than the copy, held until the next garbage collection; bench/memory-bench.ts measures the open.)
 *
 * The template is a build artifact, never committed (~40 MB of files):
 * `node --import tsx scripts/build-pglite-template.ts` (the Dockerfile runs it) writes
 * `dist/pglite-template/` — `pgdata/`, the folder of a database with the migrations applied and shut down
 * cleanly, and `template.json` saying which PGlite version made it and which migrations (version and
 * SHA-256 of the SQL) it holds. A new data folder uses it only when PGlite is that same
 * version and the template's migrations are a prefix of this code's (same versions, same SQL); the
 * migrations after them run as usual at open. Anything else — no template, another PGlite version, a
 * migration edited or dropped since, a copy that fails — falls back to initdb, as before.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../shared/paths.ts';
import { loadMigrations, migrate, type Migration } from './migrate.ts';
import { createPgliteDatabase } from './database.ts';

export const TEMPLATE_FORMAT = 1;
export const TEMPLATE_META = 'template.json';
export const TEMPLATE_PGDATA = 'pgdata';

/** Where the build writes the template and where a new data folder looks for it. */
export function defaultPgliteTemplateDir(): string {
  return join(projectRoot(), 'dist', 'pglite-template');
}

export interface TemplateMeta {
  format: number;
  pgliteVersion: string;
  migrations: { version: number; name: string; sha256: string }[];
  createdAt: string;
}

/** The installed PGlite's version (from its package.json, found next to its entry point). */
export function installedPgliteVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('the package.json of @electric-sql/pglite was not found');
    dir = up;
  }
}

function migrationDigest(m: Migration): TemplateMeta['migrations'][number] {
  return { version: m.version, name: m.name, sha256: createHash('sha256').update(m.sql).digest('hex') };
}

export type TemplateLookup =
  { usable: true; pgdata: string; meta: TemplateMeta } | { usable: false; reason: string };

/**
 * Whether the template in `dir` can start a new data folder for this code: same PGlite version, its
 * migrations a prefix of `migrations`. Never throws: an unusable template is a reason, not an error.
 */
export function findPgliteTemplate(
  dir: string = defaultPgliteTemplateDir(),
  migrations: Migration[] = loadMigrations(),
): TemplateLookup {
  let meta: TemplateMeta;
  try {
    meta = JSON.parse(readFileSync(join(dir, TEMPLATE_META), 'utf8')) as TemplateMeta;
  } catch {
    return { usable: false, reason: `no template in ${dir}` };
  }
  if (meta.format !== TEMPLATE_FORMAT || !Array.isArray(meta.migrations))
    return { usable: false, reason: `template format ${String(meta.format)} is not ${TEMPLATE_FORMAT}` };
  let installed: string;
  try {
    installed = installedPgliteVersion();
  } catch (e) {
    return { usable: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (meta.pgliteVersion !== installed)
    return {
      usable: false,
      reason: `template made by PGlite ${meta.pgliteVersion}, this is PGlite ${installed}`,
    };
  if (meta.migrations.length > migrations.length)
    return { usable: false, reason: 'the template holds migrations this code does not have' };
  for (let i = 0; i < meta.migrations.length; i++) {
    const want = migrationDigest(migrations[i]);
    const got = meta.migrations[i];
    if (got.version !== want.version || got.sha256 !== want.sha256)
      return {
        usable: false,
        reason: `the template's migration ${got.version} differs from this code's migration ${want.version}`,
      };
  }
  const pgdata = join(dir, TEMPLATE_PGDATA);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) return { usable: false, reason: `${pgdata} is missing` };
  return { usable: true, pgdata, meta };
}

/**
 * Makes `target` (absent, or an empty folder) a copy of the template's database folder. The copy goes
 * to a temporary sibling first and is renamed into place, so an interrupted copy never leaves a
 * half database where the next open would find it. Throws when the copy fails (the caller falls back
 * to initdb); the temporary copy is removed.
 *
 * Private like a folder PostgreSQL's initdb makes (the database holds the encrypted keys): the temporary
 * folder is created 0700 before anything is copied into it (Node's cpSync would create it with the
 * umask's mode, 0755, and set the template's own mode only once filled), so no other user can open
 * anything inside it during the copy; then every folder of the copy is set 0700 and every file 0600
 * (the template is readable to all: the image makes it so for its runtime user) before the rename.
 * `onTemporaryFolder` (tests) is told the temporary folder once it exists, before the copy.
 */
export function copyTemplateTo(
  templatePgdata: string,
  target: string,
  options: { onTemporaryFolder?: (tmp: string) => void } = {},
): void {
  const tmp = `${target}.template-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { mode: 0o700 });
  try {
    chmodSync(tmp, 0o700); // the mode given to mkdir is masked by the umask; only tighter is possible, be explicit
    options.onTemporaryFolder?.(tmp);
    // Into an existing folder, cpSync copies the contents and leaves the folder's own mode as it is.
    cpSync(templatePgdata, tmp, { recursive: true, errorOnExist: true, force: false });
    makePrivate(tmp);
    if (existsSync(target)) rmdirSync(target); // refuses when the folder holds anything
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Every folder under `dir` (and `dir`) 0700, every file 0600; symbolic links are not followed. */
function makePrivate(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makePrivate(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/**
 * Builds the template into `dir` (replacing what is there): a new PGlite database folder (initdb, once,
 * here at build time), `migrations` applied as `migrate` applies them at open, shut down cleanly. Written to a
 * temporary folder then renamed, so a process opening a data folder meanwhile sees the old template or
 * the new one, never half of one. Returns the template's metadata.
 */
export async function buildPgliteTemplate(
  dir: string = defaultPgliteTemplateDir(),
  migrations: Migration[] = loadMigrations(),
): Promise<TemplateMeta> {
  const { PGlite } = await import('@electric-sql/pglite');
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, TEMPLATE_PGDATA), { recursive: true, mode: 0o700 });
  try {
    const instance = await PGlite.create({ dataDir: join(tmp, TEMPLATE_PGDATA) });
    try {
      await migrate(createPgliteDatabase(instance), migrations);
      await instance.exec('CHECKPOINT');
    } finally {
      await instance.close(); // a clean shutdown: the folder opens without recovery
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const meta: TemplateMeta = {
    format: TEMPLATE_FORMAT,
    pgliteVersion: installedPgliteVersion(),
    migrations: migrations.map(migrationDigest),
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(tmp, TEMPLATE_META), `${JSON.stringify(meta, null, 2)}\n`);
  const old = `${dir}.old-${process.pid}`;
  mkdirSync(dirname(dir), { recursive: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
  return meta;
}
