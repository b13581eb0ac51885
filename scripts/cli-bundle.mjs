// The CLI's start-up without tsx: src/ bundled by esbuild (already installed, as tsx's own dependency)
// into dist/cli/<key>/, where <key> hashes the size and modification time of every source file and of
// package.json — a source that changes gives a new bundle on the next run, never a stale one. Code
// splitting keeps each lazily imported command in its own chunk, so `--help` loads only what it needs.
// Building takes about a second, once per change; it is written to a temporary folder and renamed, so
// concurrent processes never see half a bundle. Any failure returns null: bin/trustlens then runs the
// sources through tsx as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const OUT = join(ROOT, 'dist', 'cli');

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
  const pkg = statSync(join(ROOT, 'package.json'));
  h.update(`package.json\0${pkg.size}\0${pkg.mtimeMs}`);
  return h.digest('hex').slice(0, 16);
}

/** The bundle's entry file, built first if the sources changed; null when it cannot be built. */
export async function cliBundle() {
  const key = sourceKey();
  const entry = join(OUT, key, 'main.js');
  if (existsSync(entry)) return entry;
  const { build } = await import('esbuild');
  const tmp = join(OUT, `.tmp-${key}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(tmp), { recursive: true });
  await build({
    entryPoints: [join(SRC, 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
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
  // Older bundles are removed (a running process keeps its open files).
  for (const name of readdirSync(OUT)) {
    if (name !== key && !name.startsWith('.tmp-')) rmSync(join(OUT, name), { recursive: true, force: true });
  }
  return existsSync(entry) ? entry : null;
}
