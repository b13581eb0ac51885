/**
 * Baseline (issue 13): a plain sequential loop over the official SDK (@mistralai/mistralai) doing the
 * reads of a scan — models, files, agents with each agent's versions and aliases, libraries with each
 * library's documents, conversations with each history — against the same simulated workspace and rate
 * limit as `trustlens scan`, which is run in the same bench against the same simulator. Target: the
 * scan is at least 5× faster (factor = baseline wall ÷ scan wall, both measured here, in one run).
 *
 *   node --import tsx bench/sdk-baseline.ts [--agents 200] [--conversations 4000] [--rps 200] [--latency-ms 25]
 *
 * The loop is what a script author would write: one request at a time, every page to the end (page
 * numbers until a short page; the libraries' page token), the SDK's own response validation, its
 * backoff on 429/5xx. The scan reads more than the loop (connectors, library sharing, prompts, skills,
 * batch jobs), so the factor is, if anything, conservative.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Mistral } from '@mistralai/mistralai';
import { startSimulatorProcess, type SimProcess } from './sim-process.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '4000' },
    rps: { type: 'string', default: '200' },
    'latency-ms': { type: 'string', default: '25' },
  },
});
const agents = Number(values.agents);
const conversations = Number(values.conversations);
const rps = Number(values.rps);
const latencyMs = Number(values['latency-ms']);
const TARGET = 5;
const PAGE = 100;
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'trustlens');

/** Every page of a page-numbered listing: until a page shorter than asked. */
async function allPages<T>(list: (page: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 0; ; page++) {
    const items = await list(page);
    out.push(...items);
    if (items.length < PAGE) return out;
  }
}

async function sdkLoop(sim: SimProcess): Promise<Record<string, number>> {
  const sdk = new Mistral({
    apiKey: sim.apiKey,
    serverURL: sim.url,
    retryConfig: {
      strategy: 'backoff',
      backoff: { initialInterval: 200, maxInterval: 5000, exponent: 1.5, maxElapsedTime: 60_000 },
      retryConnectionErrors: true,
    },
  });
  const n: Record<string, number> = {};
  n.models = (await sdk.models.list()).data?.length ?? 0;
  n.files = (await allPages(async (page) => (await sdk.files.list({ page, pageSize: PAGE })).data)).length;
  const agentList = await allPages((page) => sdk.beta.agents.list({ page, pageSize: PAGE }));
  n.agents = agentList.length;
  n['agent versions'] = 0;
  n.aliases = 0;
  for (const a of agentList) {
    n['agent versions'] += (
      await allPages((page) => sdk.beta.agents.listVersions({ agentId: a.id, page, pageSize: PAGE }))
    ).length;
    n.aliases += (await sdk.beta.agents.listVersionAliases({ agentId: a.id })).length;
  }
  const libraries = [];
  for (let token: string | null = null, page = 0; ; page++) {
    const r = await sdk.beta.libraries.list({ pageSize: PAGE, pageToken: token });
    libraries.push(...r.data);
    const next = (r as { nextPageToken?: string | null }).nextPageToken ?? null;
    if (!next) break;
    token = next;
  }
  n.libraries = libraries.length;
  n.documents = 0;
  for (const l of libraries) {
    n.documents += (
      await allPages(
        async (page) =>
          (await sdk.beta.libraries.documents.list({ libraryId: l.id, page, pageSize: PAGE })).data,
      )
    ).length;
  }
  const convs = await allPages((page) => sdk.beta.conversations.list({ page, pageSize: PAGE }));
  n.conversations = convs.length;
  n['history entries'] = 0;
  for (const c of convs) {
    n['history entries'] += (
      await sdk.beta.conversations.getHistory({ conversationId: c.id })
    ).entries.length;
  }
  return n;
}

async function scanOnce(sim: SimProcess): Promise<{ wallS: number; code: number | null }> {
  const work = mkdtempSync(join(tmpdir(), 'trustlens-sdk-baseline-'));
  try {
    const argv = [BIN, 'scan', '--quiet', '--base-url', sim.url, '--rps', String(rps), '--format', 'json'];
    argv.push('--output', join(work, 'scan.json'));
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, MISTRAL_API_KEY: sim.apiKey, NO_COLOR: '1', TRUSTLENS_DATA_DIR: undefined },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    return { wallS: (performance.now() - t0) / 1000, code };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

spawnSync(process.execPath, [BIN, '--version'], { stdio: 'ignore', cwd: ROOT }); // build the bundle untimed
const sim = await startSimulatorProcess({ agents, conversations, rps, latencyMs });
try {
  await sim.reset();
  const t0 = performance.now();
  const counts = await sdkLoop(sim);
  const sdkS = (performance.now() - t0) / 1000;
  const sdkStats = await sim.stats();
  // Let the simulator's bucket refill, then the scan against the same workspace.
  await new Promise((r) => setTimeout(r, 1100));
  await sim.reset();
  const scan = await scanOnce(sim);
  const scanStats = await sim.stats();
  if (scan.code !== 0) process.exitCode = 1;
  const factor = sdkS / scan.wallS;
  const rows: [string, string][] = [
    [
      'workspace',
      `${agents} agents, ${conversations} conversations (simulator, ${latencyMs} ms latency, ${rps} req/s)`,
    ],
    ['SDK loop: requests / wall', `${sdkStats.ok} ok of ${sdkStats.totalRequests} / ${sdkS.toFixed(2)} s`],
    [
      'trustlens scan: requests / wall',
      `${scanStats.ok} ok of ${scanStats.totalRequests} / ${scan.wallS.toFixed(2)} s (exit ${scan.code})`,
    ],
    [
      'factor (SDK wall ÷ scan wall)',
      `${factor.toFixed(2)}× (target ≥ ${TARGET}×) ${factor >= TARGET ? 'PASS' : 'FAIL'}`,
    ],
    ['machine load', `${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log('\nSDK baseline vs trustlens scan\n');
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  console.log('\nread by the SDK loop');
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(16)} ${String(v).padStart(7)}`);
  console.log(
    `BENCH_JSON ${JSON.stringify({ label: `SDK baseline ${agents}/${conversations} @ ${rps} rps`, agents, conversations, rps, sdkS, sdkOk: sdkStats.ok, scanS: scan.wallS, scanOk: scanStats.ok, factor, target: TARGET })}`,
  );
} finally {
  await sim.close();
}
