#!/usr/bin/env node
// `npm test`: type-check (server and console), lint, format check, the console's component tests (Vitest),
// the console's build and the CLI bundle, then every *.test.ts under src/ and test/ with Node's test runner
// (test/browser/ drives Chromium against the built console). Pass file or folder paths to run a subset:
// `npm test -- src/rules`, `npm test -- web` (component tests only), `npm test -- test/browser`;
// `npm test -- --checks` runs the checks only.
//
// The checks before the tests run at the same time (TRUSTLENS_TEST_JOBS at once, default: one per core),
// each one's output held and printed as one block under its name when it ends; any failure fails the run
// once all have ended. The test files then run in three lanes (TRUSTLENS_TEST_LANES), longest first (the
// durations of the last run here, node_modules/.cache/trustlens/test-durations.json, else
// scripts/test-durations.json), so the lanes end together instead of a long file starting last; files
// that can share a process run in batches (TRUSTLENS_TEST_NO_BATCH=1: one process each).
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
// --serial: one test file at a time (scripts/reliability.ts: load figures not shared with another suite).
const serial = args.includes('--serial');
// --checks: the checks only (type-check, lint, format, Vitest, builds), no node:test file.
const checksOnly = args.includes('--checks');
const targets = args.filter((a) => !a.startsWith('--'));
const bin = (p) => join(root, 'node_modules', p);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const secondsSince = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

/** Runs a command with its output held; resolves with { ok, output }. */
function capture(cmd, cmdArgs, env = process.env) {
  return new Promise((done) => {
    const child = spawn(cmd, cmdArgs, {
      cwd: root,
      env: process.stdout.isTTY && !env.NO_COLOR ? { FORCE_COLOR: '1', ...env } : env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => done({ ok: false, output: `${output}${e.message}\n` }));
    child.on('close', (code, signal) =>
      done({ ok: code === 0, output: code === 0 ? output : `${output}(exit ${code ?? signal})\n` }),
    );
  });
}

/**
 * Runs the checks `limit` at a time, in the order given (longest first); prints each one's output as a
 * block under its name when it ends; returns the names of those that failed.
 */
async function runChecks(checks, limit) {
  const failed = [];
  const queue = [...checks];
  const lane = async () => {
    for (let check = queue.shift(); check; check = queue.shift()) {
      const started = performance.now();
      let result;
      try {
        result = await check.run();
      } catch (e) {
        result = { ok: false, output: `${e?.stack ?? e}\n` };
      }
      const head = `${result.ok ? '>' : '✖'} ${check.name} (${secondsSince(started)})${result.ok ? '' : ': FAILED'}`;
      const body = result.output.trimEnd();
      process.stdout.write(`${head}\n${body ? `${body}\n` : ''}`);
      if (!result.ok) failed.push(check.name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, checks.length) }, lane));
  return failed;
}

/** Starts a throwaway PostgreSQL for the store suites when none is given; returns a stop function. */
async function ensurePostgres() {
  if (process.env.TRUSTLENS_TEST_DATABASE_URL || process.env.TRUSTLENS_TEST_NO_POSTGRES)
    return { stop: () => {}, output: '' };
  const { createServer } = await import('node:net');
  const port = await new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => res(p));
    });
  });
  const r = await new Promise((done) => {
    const child = spawn('bash', [join(root, 'scripts/start-test-postgres.sh'), '--env'], {
      cwd: root,
      env: { ...process.env, TRUSTLENS_TEST_PG_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => done({ status: 1, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
  if (r.status !== 0) {
    return {
      stop: () => {},
      output: `! could not start PostgreSQL (the PostgreSQL store suites will be skipped):\n${r.stderr}`,
    };
  }
  const vars = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  process.env.TRUSTLENS_TEST_DATABASE_URL = vars.TRUSTLENS_TEST_DATABASE_URL;
  return {
    stop: () =>
      spawnSync('bash', [join(root, 'scripts/start-test-postgres.sh'), '--stop', vars.TRUSTLENS_TEST_PG_DIR]),
    output: `PostgreSQL for the store suites at ${vars.TRUSTLENS_TEST_DATABASE_URL}`,
  };
}

const webDir = join(root, 'web');
const webTargets = targets.filter((t) => resolve(root, t).startsWith(webDir));
const nodeTargets = targets.filter((t) => !resolve(root, t).startsWith(webDir));
const onlyWeb = checksOnly || (targets.length > 0 && nodeTargets.length === 0);

const roots = nodeTargets.length
  ? nodeTargets.map((t) => resolve(root, t))
  : [join(root, 'src'), join(root, 'test')];
const files = onlyWeb ? [] : roots.flatMap((p) => (statSync(p).isDirectory() ? collect(p, []) : [p])).sort();
if (!onlyWeb && files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Only suites that use the PostgreSQL back end need a server.
const needsPostgres = files.some((f) =>
  /testBackends\(|TRUSTLENS_TEST_DATABASE_URL/.test(readFileSync(f, 'utf8')),
);

// The checks, longest first (a full run in CI: Vitest ~60 s, tsc ~40 s, ESLint ~30 s, the rest less).
const checks = [];
if (targets.length === 0 || webTargets.length) {
  checks.push({
    name: 'vitest (web console components)',
    run: () =>
      capture(process.execPath, [
        bin('vitest/vitest.mjs'),
        'run',
        '--config',
        join(webDir, 'vitest.config.ts'),
        // Vitest's 5 s default per test is a timing bound, not a check: give a loaded machine room.
        '--testTimeout=30000',
        ...webTargets.map((t) => resolve(root, t)).filter((t) => t !== webDir),
      ]),
  });
}
if (!quick && targets.length === 0) {
  checks.push(
    {
      name: 'tsc --noEmit',
      run: () => capture(process.execPath, [bin('typescript/bin/tsc'), '--noEmit', '-p', root]),
    },
    {
      name: 'eslint',
      run: () => capture(process.execPath, [bin('eslint/bin/eslint.js'), '--max-warnings=0', '.']),
    },
    {
      name: 'tsc --noEmit -p web',
      run: () => capture(process.execPath, [bin('typescript/bin/tsc'), '--noEmit', '-p', webDir]),
    },
    {
      name: 'prettier --check',
      run: () =>
        capture(process.execPath, [bin('prettier/bin/prettier.cjs'), '--check', '--log-level=warn', '.']),
    },
  );
}
// The browser suites run against the built console: build it before them.
if (checksOnly || files.some((f) => f.includes(`${join('test', 'browser')}`))) {
  checks.push({
    name: 'vite build (web console)',
    run: () =>
      capture(process.execPath, [
        bin('vite/bin/vite.js'),
        'build',
        '--config',
        join(webDir, 'vite.config.ts'),
        '--logLevel',
        'warn',
      ]),
  });
}
// The CLI suites run bin/trustlens, which runs the CLI bundle (scripts/cli-bundle.mjs): build it once
// here rather than in several test processes at once.
if (checksOnly || files.length) {
  checks.push({
    name: 'CLI bundle',
    run: async () => {
      const { cliBundle } = await import('./cli-bundle.mjs');
      const built = await cliBundle().catch(() => null);
      return { ok: true, output: built ? '' : 'not built: bin/trustlens runs the sources (tsx)' };
    },
  });
}

// The test processes load the Mistral SDK as one esbuild bundle instead of ~1,200 modules through tsx
// (scripts/test-sdk-bundle.mjs: the SDK's import ~3.4 → ~1 s of CPU; a test process that imports the app,
// server, store and simulator ~4.7 → ~3.3 s, measured with /usr/bin/time).
let sdkTsconfig = null;
if (files.length) {
  checks.push({
    name: 'Mistral SDK bundle (tests)',
    run: async () => {
      const { testSdkBundle } = await import('./test-sdk-bundle.mjs');
      sdkTsconfig = await testSdkBundle().catch(() => null);
      return { ok: true, output: sdkTsconfig ? '' : 'not built: the tests load the installed SDK (slower)' };
    },
  });
}

// New embedded data folders (the CLI, serve and browser suites make dozens) start as a copy of the
// build-time template rather than PGlite's initdb (src/store/pglite-template.ts): build it when it is
// missing or behind the migrations (scripts/ensure-template.ts; at once otherwise). Started early: a
// build takes about 30 s.
if (checksOnly || files.length) {
  checks.splice(1, 0, {
    name: 'PGlite template',
    // Then the dumps the test databases start from (src/store/testing.ts), made once here rather than by
    // several test processes at once on a new machine.
    run: async () => {
      let output = '';
      for (const script of ['ensure-template.ts', 'warm-test-dumps.ts']) {
        const step = await capture(process.execPath, ['--import', 'tsx', join(root, 'scripts', script)]);
        output += step.output;
        if (!step.ok) return { ok: false, output };
      }
      return { ok: true, output };
    },
  });
}

// As many at once as there are cores, no more: the console's component tests wait for the page with
// short timeouts, which a CPU shared by more processes than cores overruns.
const limit = Math.max(1, Number(process.env.TRUSTLENS_TEST_JOBS) || availableParallelism());
const startedAll = performance.now();
// PostgreSQL starts beside the checks (it mostly waits on disk and on the server's start-up).
const postgres = needsPostgres ? ensurePostgres() : Promise.resolve({ stop: () => {}, output: '' });
const failed = await runChecks(checks, limit);
const pg = await postgres;
if (pg.output) console.log(`> ${pg.output}`);
if (failed.length) {
  pg.stop();
  console.error(`\n✖ failed: ${failed.join(', ')}`);
  process.exit(1);
}
if (checks.length > 1) console.log(`> checks done in ${secondsSince(startedAll)}`);
if (onlyWeb) process.exit(0);

// Longest first: the figures of the last run here, else the committed ones, else a middling guess.
function durations() {
  const read = (p) => {
    try {
      return JSON.parse(readFileSync(p, 'utf8'));
    } catch {
      return {};
    }
  };
  return {
    ...read(join(root, 'scripts/test-durations.json')).files,
    ...read(join(root, 'node_modules/.cache/trustlens/test-durations.json')),
  };
}
const seconds = durations();
const estimate = (f) => seconds[relative(root, f)] ?? 10;
const ordered = [...files].sort((a, b) => estimate(b) - estimate(a) || (a < b ? -1 : 1));

// Test files share processes (scripts/run-node-tests.mjs, `batch:` units): each file's own Node + tsx start
// and imports (~3 s of CPU for a file that reaches the app) cost more than many files' tests. A batch runs
// its files one after the other in one process. Only files known to take under BATCH_FILE_SECONDS, none
// that drives Chromium (its own suites), and none that touches what a file shares with the others in one
// process (the environment, the working directory, process handlers, global timers or globals, the exit
// code). Files are packed longest first into batches of about BATCH_SECONDS, and the batches take their
// place among the single files by their total. TRUSTLENS_TEST_NO_BATCH=1: one process each.
const BATCH_FILE_SECONDS = 20;
const BATCH_SECONDS = 45;
const unshareable =
  /process\.env\.\w+\s*(\?\?|\|\||&&)?=[^=]|process\.env\[[^\]]*\]\s*=[^=]|Object\.assign\(process\.env|delete process\.env|chdir|mock\.(timers|method)|process\.(on|once)\(|process\.exit|globalThis\.\w+\s*=[^=]/;
const batchable = (f) =>
  !relative(root, f).startsWith(join('test', 'browser')) &&
  (seconds[relative(root, f)] ?? Infinity) < BATCH_FILE_SECONDS &&
  !unshareable.test(readFileSync(f, 'utf8'));
const toBatch = process.env.TRUSTLENS_TEST_NO_BATCH ? [] : ordered.filter(batchable);
const bins = [];
for (const f of toBatch) {
  const bin = bins.find((b) => b.seconds + estimate(f) <= BATCH_SECONDS);
  if (bin) {
    bin.files.push(f);
    bin.seconds += estimate(f);
  } else bins.push({ files: [f], seconds: estimate(f) });
}
const units = [
  ...ordered.filter((f) => !toBatch.includes(f)).map((f) => ({ arg: f, seconds: estimate(f) })),
  ...bins.map((b) => ({
    arg: b.files.length > 1 ? `batch:${JSON.stringify(b.files)}` : b.files[0],
    seconds: b.seconds,
  })),
].sort((a, b) => b.seconds - a.seconds);
const batches = bins.filter((b) => b.files.length > 1);

// Three at once on 2 cores: most of a suite's wall time is waiting (a server, Chromium, a lease, a
// Retry-After), and with two lanes the cores were idle 30% of the time (vmstat); with three, about 1%
// (test phase 964 → 840 s in one comparison on this machine).
const lanes = serial ? 1 : Math.max(1, Number(process.env.TRUSTLENS_TEST_LANES) || 3);
console.log(
  `> node --test (${ordered.length} files, longest first, ${lanes} at once${batches.length ? `; ${batches.reduce((n, b) => n + b.files.length, 0)} of them in ${batches.length} shared processes` : ''})`,
);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    join(root, 'scripts/run-node-tests.mjs'),
    String(lanes),
    join(root, 'node_modules/.cache/trustlens/test-durations.json'),
    ...units.map((u) => u.arg),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: sdkTsconfig ? { ...process.env, TSX_TSCONFIG_PATH: sdkTsconfig } : process.env,
  },
);
pg.stop();
process.exit(result.status ?? 1);
