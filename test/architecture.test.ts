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

test('alerts and exports are pure: no I/O; only the root wires the webhook sender (src/webhooks)', () => {
  const io = ['node:fs', 'node:net', 'node:http', 'node:https', 'node:dns', 'node:child_process', 'pg'];
  const allowedAreas: Record<string, string[]> = {
    alerts: ['alerts', 'findings', 'shared', 'errors'],
    exports: ['exports', 'findings', 'inventory', 'rules', 'shared', 'errors', 'drift'],
  };
  for (const s of all.filter((x) => x.area in allowedAreas)) {
    for (const a of localAreas(s)) assert.ok(allowedAreas[s.area].includes(a), `${s.file} imports src/${a}`);
    for (const m of s.imports) assert.ok(!io.includes(m), `${s.file} imports ${m}`);
  }
  assert.ok(all.some((s) => s.area === 'alerts') && all.some((s) => s.area === 'exports'));
  // The sender is an adapter: the root gives it to the alerts service; nothing else sends.
  const senders = allEdges
    .filter((e) => e.to.startsWith('webhooks/') && areaOf(e.from) !== 'webhooks' && !e.typeOnly)
    .map((e) => e.from);
  assert.deepEqual([...new Set(senders)].sort(), ['app/root.ts', 'services/alerts.ts']);
  // services/alerts.ts uses the URL policy (a pure check) and only the sender's type.
  assert.ok(
    allEdges.some((e) => e.from === 'services/alerts.ts' && e.to === 'webhooks/send.ts' && e.typeOnly),
  );
  assert.ok(
    !allEdges.some((e) => e.from === 'services/alerts.ts' && e.to === 'webhooks/send.ts' && !e.typeOnly),
  );
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

/** Imports with their kind: `import type` (erased at run time), static value imports, and `import()`. */
interface Edge {
  from: string; // relative to src/
  to: string; // resolved relative to src/
  typeOnly: boolean;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
        const text = readFileSync(p, 'utf8');
        const from = relative(SRC, p);
        const to = (spec: string) => relative(SRC, resolve(dirname(p), spec));
        for (const m of text.matchAll(
          /^\s*(?:import|export)\s+(type\s+)?([^'"]*?)from\s+['"](\.[^'"]+)['"]/gm,
        )) {
          // `import { type A, type B } from` is erased too.
          const names = m[2].trim();
          const typeOnly =
            Boolean(m[1]) ||
            /^\{\s*type\s+\w+(\s+as\s+\w+)?(\s*,\s*type\s+\w+(\s+as\s+\w+)?)*\s*,?\s*\}$/.test(names);
          out.push({ from, to: to(m[3]), typeOnly });
        }
        for (const m of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g))
          out.push({ from, to: to(m[1]), typeOnly: false });
      }
    }
  };
  walk(SRC);
  return out;
}

const allEdges = edges();
const areaOf = (file: string) => file.split('/')[0];

test('the CLI and the server reach the store, the keyring, Mistral and sync only through the composition root', () => {
  // What entry points may use: the root, the services, and pure domain code (types, the rule catalog, renderers).
  const allowed: Record<string, string[]> = {
    cli: [
      'cli',
      'app',
      'services',
      'exports',
      'shared',
      'errors',
      'findings',
      'rules',
      'inventory',
      'server',
      'simulator',
      'api-client',
    ],
    server: ['server', 'app', 'services', 'exports', 'shared', 'errors', 'findings', 'rules', 'inventory'],
  };
  // Known exceptions, each with its reason; remove the line when the reason is gone.
  const exceptions = new Set<string>([]);
  const seen = new Set<string>();
  for (const e of allEdges.filter((x) => areaOf(x.from) === 'cli' || areaOf(x.from) === 'server')) {
    const target = areaOf(e.to);
    const key = `${e.from} -> ${e.to}`;
    if (exceptions.has(key)) {
      seen.add(key);
      continue;
    }
    if (target === 'store' && e.typeOnly) continue; // row and view types only
    assert.ok(
      allowed[areaOf(e.from)].includes(target),
      `${key}: ${areaOf(e.from)} must not import src/${target}${target === 'store' ? ' (except through `import type`)' : ''}; go through the services`,
    );
  }
  // An exception that no longer occurs must be removed, so that the list stays true.
  assert.deepEqual(
    [...exceptions].filter((k) => !seen.has(k)),
    [],
    'stale exceptions',
  );
  // No CLI verb opens the store itself any more (open-store.ts is gone).
  assert.ok(!allEdges.some((e) => e.to === 'cli/open-store.ts'));
  // Only `trustlens serve` starts the HTTP server.
  assert.deepEqual(
    [
      ...new Set(
        allEdges.filter((e) => areaOf(e.from) === 'cli' && areaOf(e.to) === 'server').map((e) => e.from),
      ),
    ],
    ['cli/commands/serve.ts'],
  );
});

test('services never import the entry points (CLI, server) or the composition root', () => {
  for (const e of allEdges.filter((x) => areaOf(x.from) === 'services')) {
    assert.ok(!['cli', 'server', 'app'].includes(areaOf(e.to)), `${e.from} imports ${e.to}`);
  }
});

test('the composition root (src/app) is imported only by entry points: the CLI and the server', () => {
  const importers = new Set(
    allEdges.filter((e) => areaOf(e.to) === 'app' && areaOf(e.from) !== 'app').map((e) => areaOf(e.from)),
  );
  for (const a of importers) assert.ok(['cli', 'server'].includes(a), `src/${a} imports src/app`);
  assert.ok(importers.has('cli'), 'the scan sees the CLI using the root');
  // The edge scan itself sees type-only and value imports apart.
  assert.ok(
    allEdges.some((e) => e.from === 'cli/commands/integration.ts' && e.to === 'store/index.ts' && e.typeOnly),
  );
  assert.ok(allEdges.some((e) => e.from === 'cli/open-app.ts' && e.to === 'app/root.ts' && !e.typeOnly));
});

test('a scan without a data folder (src/app/scanner.ts) loads no store, job queue, keyring or account code', () => {
  const reached = new Set<string>(['app/scanner.ts']);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of allEdges)
      if (!e.typeOnly && reached.has(e.from) && !reached.has(e.to)) {
        reached.add(e.to);
        grew = true;
      }
  }
  assert.ok(reached.has('services/scan.ts') && reached.has('app/connectors.ts'), 'the scan is reached');
  const heavy = [...reached].filter(
    (f) =>
      f === 'app/root.ts' ||
      f === 'store/database.ts' ||
      f === 'store/index.ts' ||
      f.startsWith('jobs/') ||
      f === 'services/accounts.ts' ||
      f.startsWith('crypto/master-key'),
  );
  assert.deepEqual(heavy, [], 'the scanner reaches code it never uses');
});

test('the web console talks to the server only over HTTP: web/ imports nothing from src/, src/ nothing from web/', () => {
  const WEB = join(ROOT, 'web', 'src');
  const webFiles: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(name)) webFiles.push(p);
    }
  };
  walk(WEB);
  assert.ok(webFiles.length > 10, `${webFiles.length} console source files`);
  for (const p of webFiles) {
    const text = readFileSync(p, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)) {
      const target = m[1].startsWith('.') ? resolve(dirname(p), m[1]) : m[1];
      assert.ok(
        !target.startsWith(SRC) && !target.startsWith('node:'),
        `${relative(ROOT, p)} imports ${m[1]}: the console uses the API (web/src/api), never server code`,
      );
    }
    // Workspace data is untrusted: never rendered as HTML.
    assert.doesNotMatch(
      text,
      /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write/,
      relative(ROOT, p),
    );
  }
  for (const s of all) {
    assert.ok(
      !s.imports.some((i) => i.startsWith('web/') || i.includes('/web/')),
      `${s.file} imports the console`,
    );
  }
  // The API types come from the generated contract, not a copy.
  const client = readFileSync(join(WEB, 'api', 'client.ts'), 'utf8');
  assert.match(client, /from '\.\/schema'/);
});

test('the API client (src/api-client) is an adapter for entry points: only the CLI uses it, and it uses no store, root or server', () => {
  const importers = new Set(
    allEdges
      .filter((e) => areaOf(e.to) === 'api-client' && areaOf(e.from) !== 'api-client')
      .map((e) => areaOf(e.from)),
  );
  assert.deepEqual([...importers], ['cli'], 'only the CLI talks to a server through the API client');
  // It speaks HTTP: no database, no composition root, no server code, no Mistral, no CLI. From the
  // services and the store it takes the shapes only (`import type`), so both adapters have one interface.
  const own = allEdges.filter((e) => areaOf(e.from) === 'api-client');
  assert.ok(own.length > 0, 'the scan sees src/api-client');
  for (const e of own) {
    const target = areaOf(e.to);
    if (['services', 'store'].includes(target)) {
      assert.ok(e.typeOnly, `${e.from} -> ${e.to}: types only`);
      continue;
    }
    assert.ok(['api-client', 'errors', 'shared'].includes(target), `${e.from} imports src/${target}`);
  }
  for (const s of all.filter((x) => x.area === 'api-client')) {
    for (const m of s.imports)
      assert.ok(
        !['pg', '@electric-sql/pglite', 'fastify', 'commander'].includes(m),
        `${s.file} imports ${m}`,
      );
  }
  // Services and the domain never reach for a server.
  for (const e of allEdges.filter((x) => !['cli', 'api-client'].includes(areaOf(x.from)))) {
    assert.ok(areaOf(e.to) !== 'api-client', `${e.from} imports ${e.to}`);
  }
  // The CLI loads it only in server mode (a lazy import), so local commands never pay for it.
  assert.ok(
    allEdges.some((e) => e.from === 'cli/backend.ts' && e.to === 'api-client/http.ts' && !e.typeOnly),
  );
  assert.ok(
    !allEdges.some(
      (e) =>
        areaOf(e.from) === 'cli' &&
        areaOf(e.to) === 'api-client' &&
        !e.typeOnly &&
        e.from !== 'cli/backend.ts',
    ),
    'only cli/backend.ts loads the API client',
  );
});
