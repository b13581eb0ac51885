/**
 * CLI cold start (issue 12): how long each `trustlens` command takes from `node bin/trustlens …` to
 * exit, median of N runs, for the commands that do not call Mistral (target: under half a second).
 * Also the floor it stands on: bare Node, Node with tsx's loader registered, and the same command run
 * from an esbuild bundle (the cost of transpiling and resolving the TypeScript sources at each start).
 *
 *   node --import tsx bench/cli-startup.ts [--runs 9] [--no-bundle]
 *
 * The data-folder rows read a folder made once, untimed, by a `scan --data-dir` of a small simulated
 * workspace (src/simulator on 127.0.0.1).
 *
 * Prints a markdown table: wall time (median, min, max) and, where GNU time is installed, the child's CPU
 * time (user + system), which a loaded machine disturbs far less than the wall time. The first run of
 * each command is discarded (it warms tsx's transform cache in the OS temp dir, as the first run after
 * `npm ci` would).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startSimulator } from '../src/simulator/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    'no-bundle': { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Number(values.runs));
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'trustlens');
const TARGET_MS = 500;

const work = mkdtempSync(join(tmpdir(), 'trustlens-cli-bench-'));
const dataDir = join(work, 'data');
const env = {
  ...process.env,
  MISTRAL_API_KEY: undefined,
  DATABASE_URL: undefined,
  TRUSTLENS_DATA_DIR: undefined,
  NO_COLOR: '1',
};

// CPU time (user + system) of the child, from GNU time when installed: on a shared, loaded machine the
// wall time mostly measures the other processes; the CPU time is what the start-up itself costs.
const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%U', 'true'], { encoding: 'utf8' }).status === 0;
const cpuFile = join(work, 'cpu.txt');

function once(argv: string[]): { ms: number; cpuMs: number | null; code: number | null } {
  const t0 = performance.now();
  const r = GNU_TIME
    ? spawnSync('/usr/bin/time', ['-o', cpuFile, '-f', '%U %S', process.execPath, ...argv], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: ROOT,
      })
    : spawnSync(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  const ms = performance.now() - t0;
  if (r.status !== 0) process.stderr.write(`${argv.join(' ')}: exit ${r.status}\n${String(r.stderr)}\n`);
  let cpuMs: number | null = null;
  if (GNU_TIME) {
    const [u, sys] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpuMs = (u + sys) * 1000;
  }
  return { ms, cpuMs, code: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function measure(argv: string[]): { median: number; min: number; max: number; cpu: number | null } {
  once(argv); // warm-up: tsx transform cache, OS file cache
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = once(argv);
    xs.push(r.ms);
    if (r.cpuMs !== null) cpu.push(r.cpuMs);
  }
  return {
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    cpu: cpu.length ? median(cpu) : null,
  };
}

// A data folder for the commands that open one: one scan of a small simulated workspace kept in it
// (not timed). Its integration is named after the simulator's host.
const sim = await startSimulator({ seed: 1, generator: { agents: 5, conversations: 20 } });
const integrationName = new URL(sim.url).host;
// Asynchronously: the simulator runs in this process and must answer while the scan runs.
const setup = await new Promise<{ status: number | null; stderr: string }>((done) => {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'scan',
      '--quiet',
      '--base-url',
      sim.url,
      '--data-dir',
      dataDir,
      '--output',
      join(work, 'scan.txt'),
    ],
    { env: { ...env, MISTRAL_API_KEY: sim.apiKey }, stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.on('close', (status) => done({ status, stderr }));
});
await sim.close();
if (setup.status !== 0) throw new Error(`could not make the data folder: ${String(setup.stderr)}`);

interface Row {
  label: string;
  argv: string[];
  /** Counted against the half-second target (commands that do not call Mistral). */
  target: boolean;
}
const rows: Row[] = [
  { label: '`node -e 0` (Node alone)', argv: ['-e', '0'], target: false },
  {
    label: 'Node + tsx register(), nothing imported',
    argv: ['--input-type=module', '-e', "import { register } from 'tsx/esm/api'; register();"],
    target: false,
  },
  { label: '`trustlens --version`', argv: [BIN, '--version'], target: true },
  { label: '`trustlens --help`', argv: [BIN, '--help'], target: true },
  { label: '`trustlens scan --help`', argv: [BIN, 'scan', '--help'], target: true },
  { label: '`trustlens completion bash`', argv: [BIN, 'completion', 'bash'], target: true },
  { label: '`trustlens rules`', argv: [BIN, 'rules'], target: true },
  {
    label: '`trustlens keys status --data-dir D`',
    argv: [BIN, 'keys', 'status', '--data-dir', dataDir],
    target: true,
  },
  {
    label: '`trustlens integration list --data-dir D`',
    argv: [BIN, 'integration', 'list', '--data-dir', dataDir],
    target: true,
  },
  {
    label: '`trustlens findings list NAME --data-dir D`',
    argv: [BIN, 'findings', 'list', integrationName, '--data-dir', dataDir],
    target: true,
  },
  {
    label: '`trustlens posture --data-dir D`',
    argv: [BIN, 'posture', '--data-dir', dataDir],
    target: true,
  },
];

let bundle: string | undefined;
if (!values['no-bundle']) {
  // The same CLI as one esbuild bundle (packages left external): what a build step would save.
  // Inside the project, so that its bare imports resolve from node_modules as bin/trustlens's do.
  // Two folders deep in the project, so that `new URL('../../package.json', import.meta.url)` (src/shared/
  // version.ts) still finds package.json; removed at the end.
  const outdir = join(ROOT, '.bench-cli-startup', String(process.pid));
  const out = join(outdir, 'bin.js');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'src/cli/bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Code splitting keeps each `import()` a separate chunk: without it the lazy-loaded implementations
    // (and their packages: PGlite, fastify, the Mistral SDK) would all load at start-up.
    splitting: true,
    outdir,
    logLevel: 'silent',
  }).catch((e: unknown) => {
    process.stderr.write(`esbuild bundle failed (rows skipped): ${String(e)}\n`);
  });
  bundle = out;
  rows.push(
    { label: 'bundled (esbuild): `--version`', argv: [out, '--version'], target: false },
    { label: 'bundled (esbuild): `--help`', argv: [out, '--help'], target: false },
    { label: 'bundled (esbuild): `completion bash`', argv: [out, 'completion', 'bash'], target: false },
    { label: 'bundled (esbuild): `rules`', argv: [out, 'rules'], target: false },
  );
}

const lines = [
  `CLI start-up, median of ${RUNS} runs after one warm-up (Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})`,
  '',
  '| command | wall median (ms) | wall min (ms) | wall max (ms) | CPU median (ms) | under 500 ms (min wall) |',
  '| --- | ---: | ---: | ---: | ---: | :---: |',
];
for (const row of rows) {
  const m = measure(row.argv);
  lines.push(
    `| ${row.label} | ${m.median.toFixed(0)} | ${m.min.toFixed(0)} | ${m.max.toFixed(0)} | ${m.cpu === null ? 'n/a' : m.cpu.toFixed(0)} | ${row.target ? (m.min < TARGET_MS ? 'yes' : '**no**') : '–'} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
rmSync(work, { recursive: true, force: true });
if (bundle) rmSync(join(ROOT, '.bench-cli-startup'), { recursive: true, force: true });
