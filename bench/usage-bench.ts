/**
 * Usage benchmark (issue 4): incremental usage sync against a simulated workspace behind a rate limit.
 *
 * For each size (default 4,000 and 100,000 conversations):
 *  1. full sync (empty state): wall time against the lower bound (successful requests ÷ rate limit);
 *     target ratio lower-bound / wall ≥ 0.9;
 *  2. the simulator evolves so that 1% of the conversations change (new entries, updated_at bumped);
 *     second sync: requests made against those needed (list pages + changed histories); target ≤ 1.05×.
 * Each sync's numbers are checked against the simulator's workspace (every message.output counted).
 *
 *   node --import tsx bench/usage-bench.ts [--sizes 4000,100000] [--rps 200] [--rps-large 1000]
 *     [--latency-ms 25] [--page-size 100] [--page-size-large 1000] [--concurrency 64]
 *
 * --rps and --page-size apply to sizes ≤ 10,000, --rps-large and --page-size-large above. Why the
 * large run is not faster: the sync's own thread is CPU-bound near 300 requests/s (the SDK's response
 * validation costs ~3 ms per history), so 250 req/s keeps the client from being the bottleneck; and
 * the 1,000 sequential list pages of 100 would add ~50 s of latency and parsing before the first
 * history can be fetched, so the large run lists with pages of 1,000 (the simulator's cap). The connector is configured with the
 * simulator's limit (requestsPerSecond = rps), as an operator would. The simulator runs in a worker
 * thread so that its CPU time is not charged to the sync (the real API is remote too).
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createMistralConnector } from '../src/mistral/index.ts';
import { peekEntries, startSimulator, type SimStats, type SimWorkspace } from '../src/simulator/index.ts';
import { createMemoryUsageStateStore, syncUsage, type SyncUsageResult } from '../src/usage/index.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '4000,100000' },
    rps: { type: 'string', default: '200' },
    'rps-large': { type: 'string', default: '250' },
    'latency-ms': { type: 'string', default: '25' },
    'page-size': { type: 'string', default: '100' },
    'page-size-large': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '64' },
    seed: { type: 'string', default: '7' },
  },
});
const latencyMs = Number(values['latency-ms']);
const concurrency = Number(values.concurrency);

type SimRequest =
  { type: 'stats' } | { type: 'reset' } | { type: 'close' } | { type: 'evolve'; changed: number };
type SimReply =
  | {
      type: 'ready';
      url: string;
      apiKey: string;
      now: string;
      outputs: number;
      conversations: number;
      listed: number;
    }
  | { type: 'stats'; stats: SimStats }
  | { type: 'evolved'; changed: number; outputs: number; conversations: number; listed: number }
  | { type: 'ok' };

/**
 * message.output entries and distinct conversations, as served: the simulator answers a history by
 * the FIRST conversation with that id (the generator can repeat an id), and a listing of a repeated
 * id is one conversation. Generates the lazy histories, before timing.
 */
function countWorkspace(ws: SimWorkspace): { outputs: number; conversations: number } {
  const seen = new Set<string>();
  let outputs = 0;
  for (const c of ws.conversations) {
    if (seen.has(c.conversation.id)) continue;
    seen.add(c.conversation.id);
    for (const e of peekEntries(c)) if (e.type === 'message.output') outputs++;
  }
  return { outputs, conversations: seen.size };
}

async function simulatorWorker(): Promise<void> {
  const port = parentPort!;
  const { size, rps, latencyMs, seed } = workerData as {
    size: number;
    rps: number;
    latencyMs: number;
    seed: number;
  };
  const sim = await startSimulator({
    host: '127.0.0.1',
    seed,
    generator: { agents: 200, conversations: size, modelOnlyConversations: Math.round(size / 20) },
    rateLimit: { rps },
    latencyMs,
  });
  port.on('message', (m: SimRequest) => {
    if (m.type === 'stats') port.postMessage({ type: 'stats', stats: sim.stats() } satisfies SimReply);
    else if (m.type === 'reset') {
      sim.resetStats();
      port.postMessage({ type: 'ok' } satisfies SimReply);
    } else if (m.type === 'evolve') {
      const summary = sim.evolve({
        conversationsAppended: m.changed,
        conversationsAdded: 0,
        conversationsDeleted: 0,
        agentsAdded: 0,
        agentsEdited: 0,
        agentsDeleted: 0,
        guardrailsChanged: 0,
        aliasesMoved: 0,
      });
      const changed = new Set(summary.conversationsAppended.map((c) => c.conversationId)).size;
      const listed = sim.workspace.conversations.length;
      port.postMessage({
        type: 'evolved',
        changed,
        listed,
        ...countWorkspace(sim.workspace),
      } satisfies SimReply);
    } else void sim.close().then(() => port.close());
  });
  port.postMessage({
    type: 'ready',
    url: sim.url,
    apiKey: sim.apiKey,
    now: sim.workspace.now,
    ...countWorkspace(sim.workspace),
    listed: sim.workspace.conversations.length,
  } satisfies SimReply);
}

interface Row {
  size: number;
  rps: number;
  pageSize: number;
  phase: string;
  requests: number;
  reference: string;
  wallS: number;
  ratio: string;
  /** The ratio as a number (BENCH_JSON). */
  value: number;
  check: string;
  /** Event-loop utilisation of the sync's thread during the phase (0..1). */
  busy: number;
  pass: boolean;
}

function runs(r: SyncUsageResult): number {
  let n = r.workspace?.modelOnlyRuns ?? 0;
  for (const u of r.usage.values()) n += u.totalRuns;
  return n;
}

function okRequests(st: SimStats): number {
  return st.byRoute.filter((r) => r.status >= 200 && r.status < 300).reduce((n, r) => n + r.count, 0);
}

async function benchSize(size: number, rps: number, pageSize: number): Promise<Row[]> {
  // The worker registers tsx itself before importing this file: an inherited `--import tsx` can
  // lose the race against the worker's entry module on Node 20 (ERR_UNKNOWN_FILE_EXTENSION).
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    execArgv: [],
    workerData: { role: 'simulator', size, rps, latencyMs, seed: Number(values.seed) },
  });
  const ask = async (m: SimRequest): Promise<SimReply> => {
    worker.postMessage(m);
    const [reply] = (await once(worker, 'message')) as [SimReply];
    return reply;
  };
  const stats = async (): Promise<SimStats> => {
    const r = await ask({ type: 'stats' });
    if (r.type !== 'stats') throw new Error('no simulator stats');
    return r.stats;
  };
  const [ready] = (await once(worker, 'message')) as [SimReply];
  if (ready.type !== 'ready') throw new Error('simulator worker did not start');
  const rows: Row[] = [];
  try {
    await new Promise((r) => setTimeout(r, 1100)); // let the simulator's bucket fill as at rest
    await ask({ type: 'reset' });
    const connector = createMistralConnector({
      apiKey: ready.apiKey,
      baseUrl: ready.url,
      requestsPerSecond: rps,
      maxConcurrency: concurrency,
      pageSize,
    });
    const state = createMemoryUsageStateStore();
    const now = new Date(ready.now);

    // 1. Full sync.
    let elu0 = performance.eventLoopUtilization();
    let t0 = performance.now();
    const full = await syncUsage({ connector, state, now, concurrency });
    let wallS = (performance.now() - t0) / 1000;
    let busy = performance.eventLoopUtilization(elu0).utilization;
    let st = await stats();
    const ok = okRequests(st);
    const lowerS = ok / rps;
    const fullRatio = lowerS / wallS;
    const fullCheck =
      full.stats.fetched === ready.conversations &&
      full.workspace?.totalConversations === ready.conversations &&
      runs(full) === ready.outputs;
    rows.push({
      size,
      rps,
      pageSize,
      phase: 'full sync',
      requests: st.totalRequests,
      reference: `lower bound ${lowerS.toFixed(1)} s (${ok} ok ÷ ${rps})`,
      wallS,
      ratio: `${fullRatio.toFixed(3)} (≥ 0.9)`,
      value: fullRatio,
      check: `${runs(full)}/${ready.outputs} runs, ${st.rateLimited} 429s`,
      busy,
      pass: fullRatio >= 0.9 && fullCheck,
    });

    // 2. 1% of the conversations change; second sync.
    const evolved = await ask({ type: 'evolve', changed: Math.round(size / 100) });
    if (evolved.type !== 'evolved') throw new Error('simulator did not evolve');
    await new Promise((r) => setTimeout(r, 1100));
    await ask({ type: 'reset' });
    elu0 = performance.eventLoopUtilization();
    t0 = performance.now();
    const second = await syncUsage({ connector, state, now, concurrency });
    wallS = (performance.now() - t0) / 1000;
    busy = performance.eventLoopUtilization(elu0).utilization;
    st = await stats();
    const listPages = Math.floor(evolved.listed / pageSize) + 1; // a full page is always followed by one more
    const needed = listPages + evolved.changed;
    const made = st.totalRequests;
    const secondRatio = made / needed;
    const secondCheck =
      second.stats.fetched === evolved.changed &&
      second.stats.unchanged === evolved.conversations - evolved.changed &&
      runs(second) === evolved.outputs;
    rows.push({
      size,
      rps,
      pageSize,
      phase: '1% changed',
      requests: made,
      reference: `needed ${needed} (${listPages} pages + ${evolved.changed} histories)`,
      wallS,
      ratio: `${secondRatio.toFixed(3)} (≤ 1.05)`,
      value: secondRatio,
      check: `${runs(second)}/${evolved.outputs} runs, fetched ${second.stats.fetched}`,
      busy,
      pass: secondRatio <= 1.05 && secondCheck,
    });
  } finally {
    worker.postMessage({ type: 'close' } satisfies SimRequest);
    await once(worker, 'exit');
  }
  return rows;
}

async function main(): Promise<void> {
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  const rows: Row[] = [];
  for (const size of sizes) {
    const small = size <= 10_000;
    const rps = Number(small ? values.rps : values['rps-large']);
    const pageSize = Number(small ? values['page-size'] : values['page-size-large']);
    console.log(
      `… ${size} conversations at ${rps} req/s, ${latencyMs} ms latency, list pages of ${pageSize}`,
    );
    rows.push(...(await benchSize(size, rps, pageSize)));
  }
  const table = [
    [
      'conversations',
      'rate',
      'page',
      'phase',
      'requests',
      'reference',
      'wall',
      'ratio (target)',
      'sync thread busy',
      'check',
      'result',
    ],
    ...rows.map((r) => [
      String(r.size),
      `${r.rps}/s`,
      String(r.pageSize),
      r.phase,
      String(r.requests),
      r.reference,
      `${r.wallS.toFixed(2)} s`,
      r.ratio,
      `${Math.round(r.busy * 100)} %`,
      r.check,
      r.pass ? 'PASS' : 'FAIL',
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  console.log(`\nUsage sync benchmark (latency ${latencyMs} ms, concurrency ${concurrency})\n`);
  for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
  // One line for `npm run bench` (bench/index.ts): each size's full-sync and 1%-changed ratios.
  const figures: Record<string, number | string | boolean> = { label: 'usage sync' };
  for (const r of rows) {
    const key = r.phase === 'full sync' ? `full${r.size}` : `resync${r.size}`;
    figures[`${key}Ratio`] = r.value;
    figures[`${key}Requests`] = r.requests;
    figures[`${key}Pass`] = r.pass;
  }
  console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
}

if (isMainThread) await main();
else if ((workerData as { role?: string } | null)?.role === 'simulator') await simulatorWorker();
