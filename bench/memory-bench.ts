/**
 * Memory benchmark (issue 13): peak resident memory of `trustlens scan --data-dir` at scale.
 *
 * A simulator (in a worker thread, so its memory and CPU are not the scan's) serves a generated workspace
 * of --agents agents and --conversations conversations behind a rate limit of --rps requests/second; then,
 * as child processes of this one (the CLI as users run it, `bin/trustlens`):
 *  1. `open (new folder)`: opening the embedded database in a new data folder, alone (the first open:
 *     from the template when there is one, else PGlite's initdb);
 *  2. `open (reopen)`: the same folder opened again;
 *  3. `scan (new folder)`: `trustlens scan --data-dir <new tmp folder>` against the simulator;
 *  4. `scan (same folder)`: the same scan again on that folder (a re-sync: usage incremental).
 * Each child's peak resident memory is its VmHWM (/proc/<pid>/status), read by the child itself when it
 * exits (a preload module given through NODE_OPTIONS); PGlite runs in-process as WebAssembly, so the Node
 * process's resident memory is the whole figure. With --trace, the preload also samples
 * process.memoryUsage() every second and the bench prints the timeline of each scan (where the memory
 * goes: heap, external — PGlite's WebAssembly memory counts there, not in arrayBuffers — or elsewhere).
 *
 *   node --import tsx bench/memory-bench.ts [--agents 2000] [--conversations 100000] [--rps 1000]
 *     [--concurrency 64] [--target-mb 512] [--trace] [--trace-ms 1000] [--keep] [--scan-only]
 *     [--node-options '--max-old-space-size=128']
 *
 * --scan-only runs the new-folder scan alone; --node-options adds Node options to the children only
 * (e.g. a heap limit, to see how much of the heap at the peak is garbage not yet collected); --keep keeps
 * the folders, the traces and the children's stderr.
 * Prints a markdown table, then as its last line `BENCH_JSON {...}` (figures in MB and seconds).
 * Linux only (/proc).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadMigrations } from '../src/store/migrate.ts';
import { findPgliteTemplate } from '../src/store/pglite-template.ts';
import { startWorkerSimulator } from '../test/helpers/sim-worker.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    conversations: { type: 'string', default: '100000' },
    rps: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '64' },
    'target-mb': { type: 'string', default: '512' },
    seed: { type: 'string', default: '7' },
    trace: { type: 'boolean', default: false },
    'trace-ms': { type: 'string', default: '1000' },
    'scan-only': { type: 'boolean', default: false },
    'node-options': { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
  },
});
const agents = Number(values.agents);
const conversations = Number(values.conversations);
const rps = Number(values.rps);
const targetMb = Number(values['target-mb']);

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'trustlens');
const work = mkdtempSync(join(tmpdir(), 'trustlens-membench-'));

// The preload: at exit, the process's own peak resident memory (VmHWM) into $BENCH_MEM_OUT; with
// $BENCH_MEM_TRACE, process.memoryUsage() every second into the same file's `trace`.
const preload = join(work, 'mem-preload.mjs');
writeFileSync(
  preload,
  `import { readFileSync, writeFileSync } from 'node:fs';
const out = process.env.BENCH_MEM_OUT;
const trace = [];
const t0 = Date.now();
const sample = () => {
  const m = process.memoryUsage();
  trace.push({ s: (Date.now() - t0) / 1000, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers });
};
if (out && process.env.BENCH_MEM_TRACE) setInterval(sample, Number(process.env.BENCH_MEM_TRACE)).unref();
if (out) process.on('exit', () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp('^' + k + ':\\\\s+(\\\\d+)', 'm').exec(status)?.[1] ?? NaN);
  if (process.env.BENCH_MEM_TRACE) sample();
  writeFileSync(out, JSON.stringify({ hwmKb: kb('VmHWM'), rssKb: kb('VmRSS'), trace }));
});
`,
);
// The open-only child: opens the embedded database in a folder (applying the migrations) and closes it.
const openScript = join(work, 'open-only.mts');
writeFileSync(
  openScript,
  `import { openDatabase } from ${JSON.stringify(join(ROOT, 'src', 'store', 'database.ts'))};
const db = await openDatabase({ dataDir: process.argv[2] });
await db.close();
`,
);

interface ChildResult {
  label: string;
  code: number | null;
  seconds: number;
  peakMb: number;
  stderrTail: string;
  trace: { s: number; rss: number; heapUsed: number; external: number; arrayBuffers: number }[];
}

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

async function runChild(label: string, argv: string[], env: Record<string, string>): Promise<ChildResult> {
  const out = join(work, `mem-${label.replace(/\W+/g, '-')}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${values['node-options']} --import=${preload}`.trim(),
      BENCH_MEM_OUT: out,
      ...(values.trace ? { BENCH_MEM_TRACE: String(values['trace-ms']) } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
    if (values.keep)
      appendFileSync(`${out}.stderr`, `[${((performance.now() - started) / 1000).toFixed(1)}] ${d}`);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  let peakMb = NaN;
  let trace: ChildResult['trace'] = [];
  try {
    const r = JSON.parse(readFileSync(out, 'utf8')) as { hwmKb: number; trace: ChildResult['trace'] };
    peakMb = Math.round(r.hwmKb / 1024);
    trace = r.trace;
  } catch {
    // the child died before its exit handler: no figure
  }
  return { label, code, seconds, peakMb, stderrTail: stderr.split('\n').slice(-6).join('\n'), trace };
}

// As `npm start`, `npm test` and the Dockerfile do: a new data folder is a copy of the build-time
// template (scripts/ensure-template.ts builds it when missing or stale, in its own process so that its
// memory is not measured); without one the first open is PGlite's initdb (~750–850 MB).
const ensured = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(ROOT, 'scripts', 'ensure-template.ts')],
  {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const template = findPgliteTemplate(undefined, loadMigrations());
console.error(
  template.usable
    ? 'template: new data folders are copies of dist/pglite-template'
    : `template: none usable (${template.reason}; ensure-template exited ${ensured.status}) — new folders run initdb`,
);

const t0 = performance.now();
const sim = await startWorkerSimulator({
  seed: Number(values.seed),
  generator: { agents, conversations },
  rateLimit: { rps },
});
const simSeconds = (performance.now() - t0) / 1000;
console.error(
  `simulator: ${agents} agents, ${conversations} conversations at ${sim.url} (${simSeconds.toFixed(1)} s)`,
);

const results: ChildResult[] = [];
try {
  const openDir = join(work, 'open');
  const tsx = ['--import', 'tsx', openScript, openDir];
  if (!values['scan-only']) {
    results.push(await runChild('open (new folder)', tsx, {}));
    results.push(await runChild('open (reopen)', tsx, {}));
  }

  const scanDir = join(work, 'scan');
  const scanArgv = [
    BIN,
    'scan',
    '--data-dir',
    scanDir,
    '--base-url',
    sim.url,
    '--format',
    'json',
    '--rps',
    String(rps),
    '--concurrency',
    String(values.concurrency),
    ...(values.keep ? [] : ['--quiet']),
  ];
  const scanEnv = { MISTRAL_API_KEY: sim.apiKey };
  for (const label of values['scan-only']
    ? ['scan (new folder)']
    : ['scan (new folder)', 'scan (same folder)']) {
    console.error(`${label}…`);
    const r = await runChild(label, scanArgv, scanEnv);
    results.push(r);
    if (r.code !== 0) console.error(`${label} exited ${r.code}:\n${r.stderrTail}`);
  }
} finally {
  await sim.close();
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else console.error(`kept ${work}`);
}

console.log(
  `\n### Peak resident memory, \`trustlens scan --data-dir\`: ${agents.toLocaleString('en')} agents / ${conversations.toLocaleString('en')} conversations, simulator at ${rps} req/s\n`,
);
console.log('| step | exit | wall (s) | peak RSS (MB) | ≤ target |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  const ok = r.label.startsWith('scan') ? (r.peakMb <= targetMb ? 'yes' : 'NO') : '';
  console.log(`| ${r.label} | ${r.code} | ${r.seconds.toFixed(1)} | ${r.peakMb} | ${ok} |`);
}
console.log(`\nTarget: ≤ ${targetMb} MB for both scans (issue 13).`);
for (const traced of results.filter((r) => r.label.startsWith('scan'))) {
  if (!values.trace || !traced.trace.length) continue;
  console.log(`\nTimeline of the ${traced.label.replace('scan ', 'scan, ')} (MB, ~30 samples):\n`);
  console.log('| s | rss | heapUsed | external | arrayBuffers |');
  console.log('|---|---|---|---|---|');
  const step = Math.max(1, Math.floor(traced.trace.length / 30));
  // The sample of the highest rss is always shown: where the peak is.
  const top = traced.trace.reduce((m, p, i) => (p.rss > traced.trace[m].rss ? i : m), 0);
  traced.trace.forEach((p, i) => {
    if (i % step === 0 || i === traced.trace.length - 1 || i === top)
      console.log(
        `| ${p.s.toFixed(0)}${i === top ? ' (max)' : ''} | ${mb(p.rss)} | ${mb(p.heapUsed)} | ${mb(p.external)} | ${mb(p.arrayBuffers)} |`,
      );
  });
}
const by = (label: string): ChildResult | undefined => results.find((r) => r.label === label);
const json = {
  label: `memory ${agents}/${conversations}`,
  agents,
  conversations,
  targetMb,
  /** 1 when new data folders were copies of the template, 0 when they ran initdb. */
  template: template.usable ? 1 : 0,
  openNewPeakMb: by('open (new folder)')?.peakMb ?? null,
  openNewSeconds: by('open (new folder)')?.seconds ?? null,
  reopenPeakMb: by('open (reopen)')?.peakMb ?? null,
  reopenSeconds: by('open (reopen)')?.seconds ?? null,
  scanNewPeakMb: by('scan (new folder)')?.peakMb ?? null,
  scanNewSeconds: by('scan (new folder)')?.seconds ?? null,
  scanNewExit: by('scan (new folder)')?.code ?? null,
  scanAgainPeakMb: by('scan (same folder)')?.peakMb ?? null,
  scanAgainSeconds: by('scan (same folder)')?.seconds ?? null,
  scanAgainExit: by('scan (same folder)')?.code ?? null,
};
console.log(`BENCH_JSON ${JSON.stringify(json)}`);
