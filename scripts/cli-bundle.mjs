// The CLI's start-up without tsx: src/ bundled by esbuild (already installed, as tsx's own dependency)
// into dist/cli/<key>/, where <key> hashes the size and modification time of every source file and of
// package.json — a source that changes gives a new bundle on the next run, never a stale one. Code
// splitting keeps each lazily imported command in its own chunk, so `--help` loads only what it needs.
// Building takes about a second, once per change; it is written to a temporary folder and renamed, so
// concurrent processes never see half a bundle. Any failure returns null: bin/trustlens then runs the
// sources through tsx as before. A process marks the bundle it runs from (`.in-use-<pid>`): an older
// bundle is removed only when no live process marked it, because a running `trustlens serve` still loads
// lazily imported chunks from its bundle long after it started (a `git pull` must not break it).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const OUT = join(ROOT, 'dist', 'cli');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BUNDLED = new Set(['@mistralai/mistralai']);
const BUNDLE_EXTERNAL = [
  ...Object.keys(PKG.dependencies ?? {}),
  ...Object.keys(PKG.devDependencies ?? {}),
].filter((n) => !BUNDLED.has(n));

function sourceKey() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const st = statSync(p);
        h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk(SRC);
  for (const name of ['package.json', 'package-lock.json']) {
    const st = existsSync(join(ROOT, name)) ? statSync(join(ROOT, name)) : { size: 0, mtimeMs: 0 };
    h.update(`${name}\0${st.size}\0${st.mtimeMs}\n`);
  }
  // The bundled packages' installed versions too: an install that leaves the lock file alone (npm link,
  // --no-package-lock, a patch) still gives a new bundle, never the old SDK.
  for (const name of BUNDLED) {
    const manifest = join(ROOT, 'node_modules', name, 'package.json');
    const st = existsSync(manifest) ? statSync(manifest) : { size: 0, mtimeMs: 0 };
    let version = '';
    try {
      version = JSON.parse(readFileSync(manifest, 'utf8')).version ?? '';
    } catch {
      // not installed: esbuild fails and bin/trustlens runs the sources
    }
    h.update(`${name}\0${version}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Marks the bundle as used by this process (before it is checked, so a cleanup never misses it). */
function markInUse(key) {
  const mark = join(OUT, key, `.in-use-${process.pid}`);
  try {
    writeFileSync(mark, '');
    // Gone with the process, so marks do not pile up between rebuilds (one per CLI run otherwise).
    process.once('exit', () => rmSync(mark, { force: true }));
  } catch {
    // No bundle folder (yet), or a read-only install: nothing to protect.
  }
}

/** Removes the other bundles under `out` no live process runs from, and the marks of processes gone. */
export function removeUnused(current, out = OUT) {
  for (const name of readdirSync(out)) {
    if (name.startsWith('.tmp-')) continue;
    const dir = join(out, name);
    let users = 0;
    for (const f of readdirSync(dir)) {
      const m = /^\.in-use-(\d+)$/.exec(f);
      if (!m) continue;
      if (Number(m[1]) !== process.pid && alive(Number(m[1]))) users++;
      else if (Number(m[1]) !== process.pid || name !== current) rmSync(join(dir, f), { force: true });
    }
    if (name !== current && users === 0) rmSync(dir, { recursive: true, force: true });
  }
}

/** The bundle's entry file, built first if the sources changed; null when it cannot be built. */
export async function cliBundle() {
  const key = sourceKey();
  const entry = join(OUT, key, 'bin.js');
  markInUse(key);
  if (existsSync(entry)) return entry;
  const { build } = await import('esbuild');
  const tmp = join(OUT, `.tmp-${key}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(tmp), { recursive: true });
  await build({
    // src/cli/bin.ts is the process (exit status, closed pipe); main.ts only exports main(argv, io).
    entryPoints: [join(SRC, 'cli', 'bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Every package stays external except the Mistral SDK: bundled, its modules are parsed once as part of
    // the chunk that uses them instead of being loaded file by file (~1.3 s of CPU less per start that
    // reaches the connector: scan, sync, serve). Its own dependencies (zod) stay external.
    external: BUNDLE_EXTERNAL,
    splitting: true,
    outdir: tmp,
    logLevel: 'silent',
  });
  try {
    renameSync(tmp, join(OUT, key));
  } catch {
    // Another process finished the same bundle first: use that one.
    rmSync(tmp, { recursive: true, force: true });
  }
  markInUse(key);
  removeUnused(key);
  return existsSync(entry) ? entry : null;
}
