/**
 * The flow of data in ../shared/design.md, checked rather than remembered:
 * connector → sync → snapshot → store → rules → findings; the simulator is a separate corner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

interface Source {
  file: string; // relative to src/, e.g. "rules/catalog.ts"
  area: string; // first folder under src/
  imports: string[]; // resolved relative to src/ for local imports, bare for packages and node:
}

function sources(dir = SRC, out: Source[] = []): Source[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (
      name.endsWith('.ts') &&
      !name.endsWith('.test.ts') &&
      !p.includes(`${join('src', 'rules', 'testing')}`) &&
      !p.endsWith(join('store', 'testing.ts'))
    ) {
      const text = readFileSync(p, 'utf8');
      const imports = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
        (m) => m[1],
      );
      const file = relative(SRC, p);
      out.push({
        file,
        area: file.split('/')[0],
        imports: imports.map((i) => (i.startsWith('.') ? relative(SRC, resolve(dirname(p), i)) : i)),
      });
    }
  }
  return out;
}

const all = sources();
const localAreas = (s: Source) =>
  s.imports
    .filter((i) => !i.startsWith('node:') && !i.startsWith('@') && i.includes('/'))
    .map((i) => i.split('/')[0]);

test('the simulator depends on nothing of ours but shared types, and only the CLI demo/sim import it', () => {
  for (const s of all.filter((x) => x.area === 'simulator')) {
    for (const a of localAreas(s))
      assert.ok(['simulator', 'shared'].includes(a), `${s.file} imports src/${a}`);
  }
  const importers = all
    .filter((s) => s.area !== 'simulator' && localAreas(s).includes('simulator'))
    .map((s) => s.file);
  assert.deepEqual(importers.sort(), [
    'cli/commands/demo.ts',
    'cli/commands/serve.ts',
    'cli/commands/sim.ts',
  ]);
});

test('rules, findings, drift and inventory are pure: no I/O, no store, no connector, no CLI', () => {
  const pure = ['rules', 'findings', 'drift', 'inventory'];
  const forbiddenAreas = ['store', 'mistral', 'cli', 'sync', 'simulator', 'crypto'];
  const forbiddenModules = [
    'node:fs',
    'node:net',
    'node:http',
    'node:https',
    'node:child_process',
    'pg',
    '@electric-sql/pglite',
  ];
  for (const s of all.filter((x) => pure.includes(x.area))) {
    for (const a of localAreas(s)) assert.ok(!forbiddenAreas.includes(a), `${s.file} imports src/${a}`);
    for (const m of s.imports) assert.ok(!forbiddenModules.includes(m), `${s.file} imports ${m}`);
  }
});

test('only the connector talks to Mistral (the SDK is imported nowhere else)', () => {
  const sdkUsers = all.filter((s) => s.imports.some((i) => i.startsWith('@mistralai/'))).map((s) => s.area);
  assert.deepEqual([...new Set(sdkUsers)], ['mistral']);
});

test('nothing below the CLI imports the CLI, and the store does not import sync or rules', () => {
  for (const s of all.filter((x) => x.area !== 'cli')) {
    assert.ok(!localAreas(s).includes('cli'), `${s.file} imports src/cli`);
  }
  for (const s of all.filter((x) => x.area === 'store')) {
    for (const a of localAreas(s))
      assert.ok(!['sync', 'rules', 'cli', 'simulator'].includes(a), `${s.file} imports src/${a}`);
  }
});

test('the import scan itself sees the code (so the checks above cannot pass on nothing)', () => {
  assert.ok(all.length > 80, `${all.length} source files`);
  const runSync = all.find((s) => s.file === 'sync/run-sync.ts');
  assert.ok(runSync?.imports.includes('store/store.ts'), 'multi-line and type imports are parsed');
  assert.ok(runSync?.imports.includes('drift/diff-snapshots.ts'));
});
