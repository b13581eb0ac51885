/**
 * `npm run bench` (issue 13): runs each benchmark as a child process, one after the other (the machine
 * is shared: never two at once), reads the `BENCH_JSON {…}` last line each prints, and prints ONE
 * markdown table: each comparison, its target, the value measured and whether it is met. Every
 * comparison is a ratio measured within one child's run (no absolute-time target). The children's own
 * reports go to stderr as they run; the table goes to stdout.
 *
 *   npm run bench                 # the default set, about 5–8 minutes on an idle 2-core machine
 *   npm run bench -- --full       # adds the 100,000-conversation runs (scan, connector, usage, memory)
 *   npm run bench -- --only scan,rules   # a subset (ids: scan, sdk, connector, usage, rules, api, scan-large, memory)
 *
 * See bench/README.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    'timeout-min': { type: 'string', default: '20' },
  },
});
const ROOT = resolve(import.meta.dirname, '..');
const FULL = values.full;
const ONLY = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
const TIMEOUT_MS = Number(values['timeout-min']) * 60_000;
/** The large runs: 2,000 agents / 100,000 conversations behind 1,000 requests/second. */
const LARGE = { agents: 2000, conversations: 100_000, rps: 1000, concurrency: 64 };

type Figures = Record<string, unknown>;
interface Outcome {
  figures: Figures | null;
  code: number | null;
  seconds: number;
  /** Why there are no figures (not run, failed, timed out). */
  note?: string;
}

/** Runs `bench/<file>` with tsx; its output is echoed to stderr; resolves with its BENCH_JSON line. */
async function runBench(file: string, args: string[]): Promise<Outcome> {
  const path = join(ROOT, 'bench', file);
  if (!existsSync(path)) return { figures: null, code: null, seconds: 0, note: `${file} not present` };
  process.stderr.write(`\n$ node --import tsx bench/${file} ${args.join(' ')}\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a timeout stops the bench and what it started (simulator, scan) together.
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    process.stderr.write(d);
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  // Ctrl-C (or a SIGTERM) of this process stops the running bench's group too, which is not in ours.
  const stopChild = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopChild);
  process.once('SIGTERM', stopChild);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }, TIMEOUT_MS);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  clearTimeout(timer);
  process.off('SIGINT', stopChild);
  process.off('SIGTERM', stopChild);
  const seconds = (performance.now() - t0) / 1000;
  const line = out
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('BENCH_JSON '));
  let figures: Figures | null = null;
  if (line) {
    try {
      figures = JSON.parse(line.slice('BENCH_JSON '.length)) as Figures;
    } catch {
      figures = null;
    }
  }
  const note = timedOut
    ? `timed out after ${values['timeout-min']} min`
    : figures === null
      ? `no BENCH_JSON line (exit ${code})`
      : undefined;
  return { figures, code, seconds, ...(note ? { note } : {}) };
}

const num = (f: Figures | null, k: string): number | null =>
  f && typeof f[k] === 'number' && Number.isFinite(f[k]) ? (f[k] as number) : null;

interface Row {
  comparison: string;
  target: string;
  measured: string;
  met: 'yes' | 'no' | '—';
}
const rows: Row[] = [];
function row(
  comparison: string,
  target: string,
  value: number | null,
  show: (v: number) => string,
  ok: ((v: number) => boolean) | null,
  missing: string,
): void {
  rows.push({
    comparison,
    target,
    measured: value === null ? missing : show(value),
    met: value === null || ok === null ? '—' : ok(value) ? 'yes' : 'no',
  });
}
const want = (id: string, large = false): boolean => (ONLY ? ONLY.has(id) : !large || FULL);
const why = (o: Outcome | null, large = false): string =>
  o?.note ?? (o === null ? (large && !FULL ? 'not run (needs --full)' : 'not run') : 'not measured');
const started = performance.now();

// 1. End-to-end scan, 200 / 4,000 behind 200 requests/second.
const scan = want('scan') ? await runBench('scan-bench.ts', []) : null;
const sf = scan?.figures ?? null;
row(
  'End-to-end `trustlens scan`, 200 agents / 4,000 conversations @ 200 req/s: lower bound (ok ÷ rate) ÷ wall',
  '≥ 0.95',
  num(sf, 'ratio'),
  (v) =>
    `${v.toFixed(3)} (wall ${num(sf, 'wallS')!.toFixed(1)} s, bound ${num(sf, 'lowerS')!.toFixed(1)} s, start-up ${num(sf, 'startupMs')?.toFixed(0)} ms)`,
  (v) => v >= 0.95 && num(sf, 'exitCode') === 0,
  why(scan),
);

// 2. End-to-end scan, 2,000 / 100,000 behind 1,000 requests/second (--full).
const large = want('scan-large', true)
  ? await runBench('scan-bench.ts', [
      '--agents',
      String(LARGE.agents),
      '--conversations',
      String(LARGE.conversations),
      '--rps',
      String(LARGE.rps),
      '--concurrency',
      String(LARGE.concurrency),
    ])
  : null;
const lf = large?.figures ?? null;
row(
  `End-to-end \`trustlens scan\`, 2,000 agents / 100,000 conversations @ ${LARGE.rps.toLocaleString('en')} req/s: lower bound ÷ wall`,
  '≥ 0.95',
  num(lf, 'ratio'),
  (v) => `${v.toFixed(3)} (wall ${num(lf, 'wallS')!.toFixed(1)} s, bound ${num(lf, 'lowerS')!.toFixed(1)} s)`,
  (v) => v >= 0.95 && num(lf, 'exitCode') === 0,
  why(large, true),
);

// 3. The scan against a plain sequential loop over the official SDK (same reads, same simulator).
const sdk = want('sdk') ? await runBench('sdk-baseline.ts', []) : null;
const bf = sdk?.figures ?? null;
row(
  'Scan vs a sequential loop over the official SDK (200 / 4,000 @ 200 req/s): SDK wall ÷ scan wall',
  '≥ 5×',
  num(bf, 'factor'),
  (v) => `${v.toFixed(2)}× (SDK ${num(bf, 'sdkS')!.toFixed(1)} s, scan ${num(bf, 'scanS')!.toFixed(1)} s)`,
  (v) => v >= 5,
  why(sdk),
);

// 4. The connector alone: CPU per request and its own ratio (100,000 conversations with --full).
const connArgs = FULL
  ? [
      '--agents',
      String(LARGE.agents),
      '--conversations',
      String(LARGE.conversations),
      '--rps',
      String(LARGE.rps),
      // As the large scan: 16 in flight (the default) at 25 ms latency caps the rate near 640 req/s.
      '--concurrency',
      String(LARGE.concurrency),
    ]
  : [];
const conn = want('connector') ? await runBench('connector-bench.ts', connArgs) : null;
const cf = conn?.figures ?? null;
const connWhat = FULL ? `${LARGE.agents} / ${LARGE.conversations.toLocaleString('en')}` : '200 / 4,000';
row(
  `Connector CPU per request (${connWhat})`,
  '≤ 1 ms',
  num(cf, 'cpuMsPerRequest'),
  (v) => `${v.toFixed(2)} ms (${num(cf, 'requests')} requests)`,
  (v) => v <= 1,
  why(conn),
);
row(
  `Connector alone (${connWhat}): lower bound ÷ wall`,
  '≥ 0.9',
  num(cf, 'ratio'),
  (v) => v.toFixed(3),
  (v) => v >= 0.9,
  why(conn),
);

// 5. Re-sync with 1% changed (usage): requests made ÷ requests needed.
const usage = want('usage')
  ? await runBench('usage-bench.ts', ['--sizes', FULL ? '4000,100000' : '4000'])
  : null;
const uf = usage?.figures ?? null;
for (const size of FULL ? [4000, 100_000] : [4000]) {
  row(
    `Re-sync with 1% changed, ${size.toLocaleString('en')} conversations: requests ÷ needed`,
    '≤ 1.05',
    num(uf, `resync${size}Ratio`),
    (v) => `${v.toFixed(3)} (${num(uf, `resync${size}Requests`)} requests)`,
    (v) => v <= 1.05,
    why(usage),
  );
}

// 6. Rule evaluation throughput.
const rules = want('rules') ? await runBench('rules-bench.ts', []) : null;
const rf = rules?.figures ?? null;
row(
  `Rule evaluation throughput (${num(rf, 'rules') ?? 'all'} rules, 5,000 agents)`,
  'reported',
  num(rf, 'agentsPerSecond'),
  (v) => `${Math.round(v).toLocaleString('en')} agents/s`,
  null,
  why(rules),
);

// 7. API p95 on PostgreSQL at 5,000 agents, 20 clients, while two sync workers sync (a throwaway
// PostgreSQL is started when TRUSTLENS_TEST_DATABASE_URL is not set, as npm test does).
const api = want('api') ? await withPostgres((url) => runBench('api-bench.ts', apiArgs(url))) : null;
const af = api?.figures ?? null;
const API_ROUTES = ['agents_list', 'agent_detail', 'findings_list'];
const p95s = (phase: string) => API_ROUTES.map((r) => num(af, `postgres_${phase}_${r}_p95_ms`));
const worst = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));
row(
  `API p95 (agents list, agent detail, findings list), ${(num(af, 'agents') ?? 5000).toLocaleString('en')} agents, ${num(af, 'clients') ?? 20} clients, PostgreSQL, ${num(af, 'workers') ?? 2} workers syncing (${(num(af, 'worker_rps') ?? 2000).toLocaleString('en')} req/s each, whole syncs): worst route`,
  '< 100 ms',
  worst(p95s('sync')),
  (v) => {
    const [a, d, f] = p95s('sync');
    const idle = worst(p95s('idle'));
    return (
      `${v.toFixed(0)} ms (list ${a}, detail ${d}, findings ${f}); same run, no sync: ${idle?.toFixed(0)} ms ` +
      `(${(v / (idle ?? NaN)).toFixed(1)}×); server CPU ${num(af, 'postgres_sync_cpu_ms_per_request')} ms/request ` +
      `(no sync ${num(af, 'postgres_idle_cpu_ms_per_request')}); load ${num(af, 'postgres_sync_load')}` +
      (num(af, 'postgres_sync_covered') === 1 ? '' : '; the clients stopped before the syncs ended') +
      (af?.postgres_sync_status === 'succeeded' ? '' : `; syncs ${String(af?.postgres_sync_status)}`)
    );
  },
  // Met only when the clients read through the whole syncs and the syncs succeeded.
  (v) => v < 100 && num(af, 'postgres_sync_covered') === 1 && af?.postgres_sync_status === 'succeeded',
  why(api),
);

// 8. Peak resident memory of scan --data-dir at 100,000 conversations, first open included (--full).
const memory = want('memory', true) ? await runBench('memory-bench.ts', []) : null;
const mf = memory?.figures ?? null;
const peaks = [num(mf, 'openNewPeakMb'), num(mf, 'scanNewPeakMb'), num(mf, 'scanAgainPeakMb')];
const peak = peaks.every((p) => p === null) ? null : Math.max(...peaks.map((p) => p ?? 0));
row(
  `Peak RSS, \`scan --data-dir\` ${(num(mf, 'agents') ?? LARGE.agents).toLocaleString('en')} / ${(num(mf, 'conversations') ?? LARGE.conversations).toLocaleString('en')}, first open included`,
  `≤ ${num(mf, 'targetMb') ?? 512} MB`,
  peak,
  (v) =>
    `${v.toFixed(0)} MB (first open ${num(mf, 'openNewPeakMb')?.toFixed(0)}, new-folder scan ${num(mf, 'scanNewPeakMb')?.toFixed(0)}, re-scan ${num(mf, 'scanAgainPeakMb')?.toFixed(0)})` +
    (num(mf, 'template') === 0 ? '; no usable template: new folders ran initdb' : ''),
  (v) => v <= (num(mf, 'targetMb') ?? 512) && num(mf, 'scanNewExit') === 0,
  memory === null && !FULL ? 'not measured (needs --full)' : why(memory, true),
);

/** The api bench's arguments: PostgreSQL only (the target is PostgreSQL's), bounded phases. */
function apiArgs(url: string): string[] {
  // --requests: a bound high enough that the "sync" phase runs until both syncs ended (their final
  // transactions and the caches they invalidate are in the figures); --seconds-sync still bounds it.
  return [
    '--no-pglite',
    '--postgres',
    url,
    '--workers',
    '2',
    '--worker-rps',
    '2000',
    '--seconds',
    '15',
    '--seconds-sync',
    '180',
    '--requests',
    '1000000',
  ];
}

/** Runs `fn` with a PostgreSQL URL: TRUSTLENS_TEST_DATABASE_URL, or a throwaway server stopped after. */
async function withPostgres(fn: (url: string) => Promise<Outcome>): Promise<Outcome> {
  const given = process.env.TRUSTLENS_TEST_DATABASE_URL;
  if (given) return fn(given);
  const script = join(ROOT, 'scripts', 'start-test-postgres.sh');
  const port = await freePort();
  const started = spawnSync('bash', [script, '--env'], {
    encoding: 'utf8',
    env: { ...process.env, TRUSTLENS_TEST_PG_PORT: String(port) },
  });
  const vars = Object.fromEntries(
    started.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  if (started.status !== 0 || !vars.TRUSTLENS_TEST_DATABASE_URL) {
    process.stderr.write(started.stderr);
    return { figures: null, code: started.status, seconds: 0, note: 'could not start PostgreSQL' };
  }
  try {
    return await fn(vars.TRUSTLENS_TEST_DATABASE_URL);
  } finally {
    spawnSync('bash', [script, '--stop', vars.TRUSTLENS_TEST_PG_DIR]);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolvePort(port));
    });
  });
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.log(
  `\n## TrustLens benchmarks (${FULL ? 'full' : 'default'} set; ${minutes} min; load ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs at the end)\n`,
);
console.log('| Comparison | Target | Measured | Met |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${esc(r.comparison)} | ${r.target} | ${esc(r.measured)} | ${r.met} |`);
if (rows.some((r) => r.met === 'no')) process.exitCode = 1;
