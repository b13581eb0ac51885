/**
 * Issue 14, "Load": 50 concurrent API clients (60 s in `npm run reliability`, a few seconds in
 * `npm test`) while three integrations sync one after the other without pause, on each back end.
 *
 * The server listens on 127.0.0.1 and the clients run in a worker thread with node's fetch (their
 * CPU is not charged to the server's event loop), as organization A's viewer and analyst, over the
 * console's reads: agents lists (sorts, filters, next pages), agents' details, findings lists, posture,
 * change events, sync runs, availability. Each integration has its own simulated workspace, which
 * evolves before each new sync, so that every sync has inventory, findings and usage to write.
 * The three simulators run in their own worker threads too (a real Mistral API is not starved by our
 * clients: in the server's thread, under 50 clients, they once missed the per-attempt timeout), and
 * the syncs keep the product's default retry budget and per-attempt timeout (not the shortened ones
 * of the other suites), so that the suite measures TrustLens, not a starved simulator.
 *
 * Expected: not one failed request (every answer 200), every sync `succeeded`, and afterwards each
 * integration's stored agents are exactly its workspace's (nothing lost, nothing duplicated).
 * p50/p95/p99 per endpoint go to RELIABILITY.md; no latency is asserted (the machine is shared).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { resolveSettings } from '../src/mistral/connector-core.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { recordReliability, reliabilitySize } from './helpers/reliability.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { startWorkerSimulator, type WorkerSimulator } from './helpers/sim-worker.ts';

const CLIENTS = 50;
const SECONDS = reliabilitySize({ ci: 6, full: 60 });
const AGENTS = reliabilitySize({ ci: 60, full: 400 });
const CONVERSATIONS = reliabilitySize({ ci: 240, full: 4000 });

/**
 * The syncs' connector: the product's retry budget and per-attempt timeout (CONNECTOR_DEFAULTS), only
 * the pace of the other suites (the simulator has no rate limit to respect).
 */
const LOAD_CONNECTOR = { requestsPerSecond: 300, maxConcurrency: 8 };
const loadConnectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({ ...o, ...LOAD_CONNECTOR });

interface Sample {
  endpoint: string;
  ms: number;
  status: number;
  error?: string;
}

/** The clients: plain JavaScript run in a worker thread (no TypeScript loader needed there). */
const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { baseUrl, tokens, integrations, agentIds, clients, seconds } = workerData;
const samples = [];
const deadline = Date.now() + seconds * 1000;
const pick = (a, i) => a[i % a.length];
const SORTS = ['name', 'riskScore', 'openFindings', 'runs', 'lastActivity', 'model'];
async function one(n, i) {
  const integ = pick(integrations, n + i);
  const ids = agentIds[integ];
  const kinds = [
    ['agents list', '/api/v1/agents?integrationId=' + integ + '&limit=50&sort=' + pick(SORTS, i) + (i % 3 ? '' : '&guardrails=none')],
    ['agent detail', '/api/v1/integrations/' + integ + '/agents/' + encodeURIComponent(pick(ids, n * 7 + i))],
    ['findings list', '/api/v1/findings?integrationId=' + integ + '&limit=50' + (i % 2 ? '&severity=high' : '')],
    ['posture', '/api/v1/posture?integrationId=' + integ],
    ['events', '/api/v1/events?integrationId=' + integ + '&limit=50'],
    ['sync runs', '/api/v1/integrations/' + integ + '/syncs?limit=10'],
    ['availability', '/api/v1/integrations/' + integ + '/availability'],
  ];
  const [endpoint, url] = pick(kinds, n + i * 3);
  const t0 = performance.now();
  try {
    const r = await fetch(baseUrl + url, { headers: { authorization: 'Bearer ' + pick(tokens, n) } });
    const text = await r.text();
    const sample = { endpoint, ms: performance.now() - t0, status: r.status };
    if (r.status !== 200) sample.error = url + ' → ' + text.slice(0, 300);
    samples.push(sample);
  } catch (e) {
    samples.push({ endpoint, ms: performance.now() - t0, status: 0, error: url + ': ' + String(e && e.message) });
  }
}
async function client(n) {
  for (let i = 0; Date.now() < deadline; i++) await one(n, i);
}
Promise.all(Array.from({ length: clients }, (_, n) => client(n))).then(() => parentPort.postMessage(samples));
`;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

for (const backend of testBackends()) {
  describe(
    `load: ${CLIENTS} API clients for ${SECONDS} s during three syncs (${backend.kind})`,
    { skip: backend.skip },
    () => {
      let h: TestServer;
      const sims: WorkerSimulator[] = [];
      const integrations: string[] = [];
      let baseUrl: string;

      before(async () => {
        h = await startTestServer(backend, { app: { connectorFactory: loadConnectorFactory } });
        const address = await h.server.listen({ host: '127.0.0.1', port: 0 });
        baseUrl = address.startsWith('http')
          ? address
          : `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
        for (const seed of [21, 31, 32]) {
          const sim = await startWorkerSimulator({
            seed,
            host: '127.0.0.1',
            latencyMs: 2,
            generator: { agents: AGENTS, conversations: CONVERSATIONS },
          });
          sims.push(sim);
          const created = await h.admin.request('POST', '/api/v1/integrations', {
            name: `load-${seed}`,
            apiKey: sim.apiKey,
            baseUrl: sim.url,
          });
          assert.equal(created.status, 201, created.text);
          integrations.push(created.body.id as string);
          await h.syncNow(created.body.id as string);
        }
      });

      after(async () => {
        await h?.close();
        for (const s of sims) await s.close();
      });

      it("syncs with the product's retry budget: a timed-out attempt is always retried", () => {
        // The other suites' connector gives up after one timed-out attempt (a 300 ms budget for a 5 s
        // timeout): under this load that failed syncs at full size with "after 1 attempts".
        const settings = resolveSettings(LOAD_CONNECTOR);
        assert.ok(
          settings.maxRetryElapsedMs >= 2 * settings.requestTimeoutMs,
          `a budget of ${settings.maxRetryElapsedMs} ms allows a retry after a ${settings.requestTimeoutMs} ms timeout`,
        );
      });

      it('answers every request and completes every sync, and loses nothing', async () => {
        const agentIds: Record<string, string[]> = {};
        for (const id of integrations) {
          const r: {
            status: number;
            text: string;
            body: { items: Array<{ id: string }>; nextCursor: string | null };
          } = await h.viewer.request('GET', `/api/v1/agents?integrationId=${id}&limit=200`);
          assert.equal(r.status, 200, r.text);
          agentIds[id] = (r.body.items as Array<{ id: string }>).map((a) => a.id);
          assert.ok(agentIds[id].length > 0);
        }

        // Three syncs at all times: each integration syncs again as soon as its previous sync ends.
        const deadline = Date.now() + SECONDS * 1000;
        const syncs: Array<{ integration: string; status: string; errors: string }> = [];
        const syncLoop = async (i: number) => {
          do {
            await sims[i].evolve({
              agentsAdded: 2,
              agentsEdited: 3,
              agentsDeleted: 1,
              guardrailsChanged: 2,
              conversationsAdded: 20,
            });
            const r = await h.analyst.request('POST', `/api/v1/integrations/${integrations[i]}/syncs`);
            assert.equal(r.status, 202, r.text);
            const runId = r.body.run.id as string;
            let run: { status: string; errors?: unknown } = r.body.run;
            while (run.status === 'running' || run.status === 'queued') {
              await new Promise((res) => setTimeout(res, 100));
              const g = await h.viewer.request(
                'GET',
                `/api/v1/integrations/${integrations[i]}/syncs/${runId}`,
              );
              assert.equal(g.status, 200, g.text);
              run = g.body;
            }
            syncs.push({
              integration: integrations[i],
              status: run.status,
              errors: JSON.stringify(run.errors ?? []),
            });
          } while (Date.now() < deadline);
        };

        const worker = new Worker(CLIENT_CODE, {
          eval: true,
          workerData: {
            baseUrl,
            tokens: [h.viewer.token, h.analyst.token],
            integrations,
            agentIds,
            clients: CLIENTS,
            seconds: SECONDS,
          },
        });
        const samplesPromise = new Promise<Sample[]>((res, rej) => {
          worker.once('message', res);
          worker.once('error', rej);
        });
        const [samples] = await Promise.all([samplesPromise, ...integrations.map((_, i) => syncLoop(i))]);
        await worker.terminate();

        // Figures, per endpoint.
        const byEndpoint = new Map<string, Sample[]>();
        for (const s of samples) byEndpoint.set(s.endpoint, [...(byEndpoint.get(s.endpoint) ?? []), s]);
        const failed = samples.filter((s) => s.status !== 200);
        const lost: string[] = [];
        for (const [i, id] of integrations.entries()) {
          const stored = new Set<string>();
          let cursor: string | null = null;
          do {
            const r: {
              status: number;
              text: string;
              body: { items: Array<{ id: string }>; nextCursor: string | null };
            } = await h.viewer.request(
              'GET',
              `/api/v1/agents?integrationId=${id}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
            );
            assert.equal(r.status, 200, r.text);
            for (const a of r.body.items) {
              if (stored.has(a.id)) lost.push(`${id}: agent ${a.id} listed twice`);
              stored.add(a.id);
            }
            cursor = r.body.nextCursor;
          } while (cursor);
          const truth = new Set(await sims[i].agentIds());
          for (const a of truth)
            if (!stored.has(a)) lost.push(`${id}: agent ${a} of the workspace not stored`);
          for (const a of stored)
            if (!truth.has(a)) lost.push(`${id}: agent ${a} stored but not in the workspace`);
        }
        const rows = [...byEndpoint.entries()].map(([endpoint, list]) => {
          const ms = list.map((s) => s.ms).sort((a, b) => a - b);
          return {
            case: `GET ${endpoint}`,
            tried: list.length,
            survived: list.filter((s) => s.status === 200).length,
            detail: `p50 ${quantile(ms, 0.5).toFixed(0)} ms, p95 ${quantile(ms, 0.95).toFixed(0)} ms, p99 ${quantile(ms, 0.99).toFixed(0)} ms`,
          };
        });
        const succeeded = syncs.filter((s) => s.status === 'succeeded').length;
        rows.push({
          case: 'syncs run meanwhile (three integrations, back to back)',
          tried: syncs.length,
          survived: succeeded,
          detail:
            syncs.length > succeeded
              ? syncs
                  .filter((s) => s.status !== 'succeeded')
                  .map((s) => s.status)
                  .join(', ')
              : '',
        });
        const all = samples.map((s) => s.ms).sort((a, b) => a - b);
        recordReliability({
          suite: 'load',
          title: `${CLIENTS} API clients for ${SECONDS} s while three integrations sync`,
          backend: backend.kind,
          rows: [
            ...rows.map((r) => ({ ...r, lost: undefined })),
            {
              case: "agents stored vs each workspace's agents after the load",
              tried: integrations.length,
              survived: integrations.length - new Set(lost.map((l) => l.split(':')[0])).size,
              lost: lost.length,
            },
          ],
          notes: [
            `${samples.length} requests (${(samples.length / SECONDS).toFixed(0)}/s), all endpoints: p50 ${quantile(all, 0.5).toFixed(0)} ms, p95 ${quantile(all, 0.95).toFixed(0)} ms, p99 ${quantile(all, 0.99).toFixed(0)} ms.`,
            `Workspaces of ${AGENTS} agents and ${CONVERSATIONS} conversations each, evolving before every sync; clients and simulators in worker threads over loopback; the syncs with the product's retry budget.`,
          ],
        });
        console.log(
          `load (${backend.kind}): ${samples.length} requests, ${failed.length} failed; ${syncs.length} syncs, ${succeeded} succeeded; ` +
            rows.map((r) => `${r.case}: ${r.detail}`).join('; '),
        );

        assert.deepEqual(
          failed.slice(0, 10).map((s) => `${s.status} ${s.error}`),
          [],
          `${failed.length} failed requests`,
        );
        assert.ok(samples.length >= CLIENTS, `the clients sent requests (${samples.length})`);
        assert.ok(syncs.length >= 3, `syncs ran during the load (${syncs.length})`);
        assert.deepEqual(
          syncs.filter((s) => s.status !== 'succeeded'),
          [],
          'every sync succeeded',
        );
        assert.deepEqual(lost, []);
      });
    },
  );
}
