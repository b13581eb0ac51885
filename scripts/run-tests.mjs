#!/usr/bin/env node
// `npm test`: type-check (server and console), lint, format check, the console's component tests (Vitest),
// the console's build, then every *.test.ts under src/ and test/ with Node's test runner (test/browser/
// drives Chromium against the built console). Pass file or folder paths to run a subset:
// `npm test -- src/rules`, `npm test -- web` (component tests only), `npm test -- test/browser`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
// --serial: one test file at a time (scripts/reliability.ts: load figures not shared with another suite).
const serial = args.includes('--serial');
const targets = args.filter((a) => !a.startsWith('--'));

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!quick && targets.length === 0) {
  console.log('> tsc --noEmit');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'web')]);
  console.log('> eslint');
  run(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', '.']);
  console.log('> prettier --check');
  run(process.execPath, [
    join(root, 'node_modules/prettier/bin/prettier.cjs'),
    '--check',
    '--log-level=warn',
    '.',
  ]);
}

/** Starts a throwaway PostgreSQL for the store suites when none is given; returns a stop function. */
async function ensurePostgres() {
  if (process.env.TRUSTLENS_TEST_DATABASE_URL || process.env.TRUSTLENS_TEST_NO_POSTGRES) return () => {};
  const { createServer } = await import('node:net');
  const port = await new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => res(p));
    });
  });
  const r = spawnSync('bash', [join(root, 'scripts/start-test-postgres.sh'), '--env'], {
    cwd: root,
    env: { ...process.env, TRUSTLENS_TEST_PG_PORT: String(port) },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.log(`! could not start PostgreSQL (the PostgreSQL store suites will be skipped):\n${r.stderr}`);
    return () => {};
  }
  const vars = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  process.env.TRUSTLENS_TEST_DATABASE_URL = vars.TRUSTLENS_TEST_DATABASE_URL;
  console.log(`> PostgreSQL for the store suites at ${vars.TRUSTLENS_TEST_DATABASE_URL}`);
  return () =>
    spawnSync('bash', [join(root, 'scripts/start-test-postgres.sh'), '--stop', vars.TRUSTLENS_TEST_PG_DIR]);
}

const webDir = join(root, 'web');
const webTargets = targets.filter((t) => resolve(root, t).startsWith(webDir));
const nodeTargets = targets.filter((t) => !resolve(root, t).startsWith(webDir));
if (targets.length === 0 || webTargets.length) {
  console.log('> vitest (web console components)');
  run(process.execPath, [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--config',
    join(webDir, 'vitest.config.ts'),
    ...webTargets.map((t) => resolve(root, t)).filter((t) => t !== webDir),
  ]);
  if (nodeTargets.length === 0 && targets.length) process.exit(0);
}

const roots = nodeTargets.length
  ? nodeTargets.map((t) => resolve(root, t))
  : [join(root, 'src'), join(root, 'test')];
const files = roots.flatMap((p) => (statSync(p).isDirectory() ? collect(p, []) : [p])).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Only suites that use the PostgreSQL back end need a server.
const needsPostgres = files.some((f) =>
  /testBackends\(|TRUSTLENS_TEST_DATABASE_URL/.test(readFileSync(f, 'utf8')),
);
// The browser suites run against the built console: build it (a second or two) before them.
if (files.some((f) => f.includes(`${join('test', 'browser')}`))) {
  console.log('> vite build (web console)');
  run(process.execPath, [
    join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    join(webDir, 'vite.config.ts'),
    '--logLevel',
    'warn',
  ]);
}
// The CLI suites run bin/trustlens, which runs the CLI bundle (scripts/cli-bundle.mjs): build it once
// here rather than in several test processes at once.
const { cliBundle } = await import('./cli-bundle.mjs');
if (!(await cliBundle().catch(() => null)))
  console.log('> CLI bundle not built: bin/trustlens runs the sources (tsx)');
const stopPostgres = needsPostgres ? await ensurePostgres() : () => {};
console.log(`> node --test (${files.length} files)`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${serial ? 1 : 2}`, ...files],
  { cwd: root, stdio: 'inherit', env: process.env },
);
stopPostgres();
process.exit(result.status ?? 1);
