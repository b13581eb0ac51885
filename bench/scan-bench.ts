/**
 * End-to-end `trustlens scan` benchmark (issue 13): the CLI as a process (`node bin/trustlens scan`,
 * start-up included) against a simulated workspace behind a real rate limit, compared with the lower
 * bound of that limit: successful requests ÷ rate. Target: ratio ≥ 0.95.
 *
 *   node --import tsx bench/scan-bench.ts [--agents 200] [--conversations 4000] [--rps 200]
 *       [--latency-ms 25] [--concurrency 16] [--data-dir]
 *
 * The simulator runs in a child process (bench/sim-process.ts), its limit is `--rps`, and the scan is
 * told the same rate (`--rps`), as an operator who knows the workspace's limit would. The CLI bundle is
 * built before the timed run (`trustlens --version`), as after any first start. Wall time runs from the
 * spawn to the exit of the scan process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startSimulatorProcess } from './sim-process.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '4000' },
    rps: { type: 'string', default: '200' },
    'latency-ms': { type: 'string', default: '25' },
    concurrency: { type: 'string' },
    'data-dir': { type: 'boolean', default: false },
    label: { type: 'string' },
  },
});
const agents = Number(values.agents);
const conversations = Number(values.conversations);
const rps = Number(values.rps);
const latencyMs = Number(values['latency-ms']);
const TARGET = 0.95;
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'trustlens');
const label = values.label ?? `scan ${agents} agents / ${conversations} conversations @ ${rps} rps`;

const work = mkdtempSync(join(tmpdir(), 'trustlens-scan-bench-'));
// The bundle is (re)built untimed: a first start after an edit is not what is measured.
spawnSync(process.execPath, [BIN, '--version'], { stdio: 'ignore', cwd: ROOT });

/**
 * Start-up: from the spawn of `trustlens scan` to its first request, against a local server that
 * answers every request 401 (the scan then exits 2). Median of 3.
 */
async function startupMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    let first = 0;
    const server = createServer((_req, res) => {
      first ||= performance.now();
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"Unauthorized"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [BIN, 'scan', '--quiet', '--base-url', `http://127.0.0.1:${port}`],
      {
        cwd: ROOT,
        env: { ...process.env, MISTRAL_API_KEY: 'bench-startup-key', NO_COLOR: '1' },
        stdio: 'ignore',
      },
    );
    await new Promise((r) => child.on('exit', r));
    server.close();
    if (first) times.push(first - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] ?? NaN;
}
const startup = await startupMs();

const sim = await startSimulatorProcess({ agents, conversations, rps, latencyMs });
try {
  await sim.reset();
  const out = join(work, 'scan.json');
  const argv = [BIN, 'scan', '--quiet', '--base-url', sim.url, '--rps', String(rps), '--format', 'json'];
  argv.push('--output', out);
  if (values.concurrency) argv.push('--concurrency', values.concurrency);
  if (values['data-dir']) argv.push('--data-dir', join(work, 'data'));
  // CPU time (user + system) of the scan, from GNU time when installed: on a shared machine the wall
  // time also measures the other processes; the CPU time is the scan's own cost.
  const gnuTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;
  const cpuFile = join(work, 'cpu.txt');
  const t0 = performance.now();
  const child = spawn(
    gnuTime ? '/usr/bin/time' : process.execPath,
    gnuTime ? ['-o', cpuFile, '-f', '%U %S %M', process.execPath, ...argv] : argv,
    {
      cwd: ROOT,
      env: { ...process.env, MISTRAL_API_KEY: sim.apiKey, NO_COLOR: '1', TRUSTLENS_DATA_DIR: undefined },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const wallS = (performance.now() - t0) / 1000;
  if (code !== 0) {
    process.stderr.write(`scan exited ${code}\n${stderr}\n`);
    process.exitCode = 1;
  }
  const st = await sim.stats();
  const lowerS = st.ok / rps;
  const ratio = lowerS / wallS;
  let cpuS: number | null = null;
  let maxRssMb: number | null = null;
  if (gnuTime) {
    const [u, sy, kb] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
    cpuS = u + sy;
    maxRssMb = kb / 1024;
  }
  const reportBytes = code === 0 ? statSync(out).size : 0;
  const rows: [string, string][] = [
    ['workspace', `${agents} agents, ${conversations} conversations (simulator, ${latencyMs} ms latency)`],
    ['rate limit (simulator = scan --rps)', `${rps} req/s`],
    ['scan', `node bin/trustlens scan${values['data-dir'] ? ' --data-dir' : ''} (exit ${code})`],
    ['successful requests', String(st.ok)],
    ['all requests / 429s', `${st.totalRequests} / ${st.rateLimited}`],
    ['peak concurrency (simulator)', String(st.peakConcurrency)],
    ['wall time (spawn → exit)', `${wallS.toFixed(2)} s`],
    ['lower bound (ok ÷ rps)', `${lowerS.toFixed(2)} s`],
    [
      'ratio lower bound / wall',
      `${ratio.toFixed(3)} (target ≥ ${TARGET}) ${ratio >= TARGET ? 'PASS' : 'FAIL'}`,
    ],
    [
      'scan CPU (user + system)',
      cpuS === null
        ? 'not measured (no GNU time)'
        : `${cpuS.toFixed(2)} s (${((1000 * cpuS) / st.totalRequests).toFixed(2)} ms per request), peak RSS ${maxRssMb!.toFixed(0)} MB`,
    ],
    ['start-up (spawn → first request, median of 3)', `${startup.toFixed(0)} ms`],
    ['report size', `${reportBytes} bytes`],
    ['machine load', `${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nScan benchmark: ${label}\n`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  console.log(
    `BENCH_JSON ${JSON.stringify({ label, agents, conversations, rps, ok: st.ok, wallS, lowerS, ratio, target: TARGET, cpuS, maxRssMb, startupMs: startup, exitCode: code })}`,
  );
} finally {
  await sim.close();
  rmSync(work, { recursive: true, force: true });
}
