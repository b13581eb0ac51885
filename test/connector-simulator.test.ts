/**
 * The connector against the workspace simulator: every record listed, GET only (proven by the
 * simulator's counters), 429 storms, injected faults, beta 403/404, bad key, a bad record kept.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, test } from 'node:test';
import {
  createMistralConnector,
  type ConnectorLogEvent,
  type ConnectorOptions,
  type MistralConnector,
} from '../src/mistral/index.ts';
import {
  peekEntries,
  startSimulator,
  type SimulatorHandle,
  type StartOptions,
} from '../src/simulator/index.ts';
import type { DataQualityWarning } from '../src/inventory/types.ts';

const sims: SimulatorHandle[] = [];
after(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(o: StartOptions): Promise<SimulatorHandle> {
  const s = await startSimulator(o);
  sims.push(s);
  return s;
}

function connect(s: SimulatorHandle, o: Partial<ConnectorOptions> = {}): MistralConnector {
  return createMistralConnector({
    apiKey: s.apiKey,
    baseUrl: s.url,
    requestsPerSecond: 2000,
    maxConcurrency: 8,
    pageSize: 5,
    maxRetryElapsedMs: 20_000,
    ...o,
  });
}

async function pool<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await f(items[k]);
      }
    }),
  );
  return out;
}

/** Lists everything a sync would: every collection, every agent's versions/aliases, documents, histories. */
async function crawl(c: MistralConnector) {
  const warnings: DataQualityWarning[] = [];
  const keep = <T extends { warnings: DataQualityWarning[] }>(r: T): T => (warnings.push(...r.warnings), r);
  const [models, files, agents, libraries, conversations] = await Promise.all([
    c.listModels().then(keep),
    c.listFiles().then(keep),
    c.listAgents().then(keep),
    c.listLibraries().then(keep),
    c.listConversations().then(keep),
  ]);
  const versions = await pool(agents.items, 16, (a) => c.listAgentVersions(a.id).then(keep));
  const aliases = await pool(agents.items, 16, (a) => c.listAgentAliases(a.id).then(keep));
  const documents = await pool(libraries.items, 16, (l) => c.listLibraryDocuments(l.id).then(keep));
  const histories = await pool(conversations.items, 16, (cv) => c.getConversationHistory(cv.id).then(keep));
  return {
    models,
    files,
    agents,
    libraries,
    conversations,
    versions,
    aliases,
    documents,
    histories,
    warnings,
  };
}

function assertComplete(s: SimulatorHandle, r: Awaited<ReturnType<typeof crawl>>): void {
  const ws = s.workspace;
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
  assert.deepEqual(ids(r.models.items), ids(ws.models));
  assert.deepEqual(ids(r.files.items), ids(ws.files));
  assert.deepEqual(ids(r.agents.items), ids(ws.agents.map((a) => a.current)));
  assert.deepEqual(ids(r.libraries.items), ids(ws.libraries.map((l) => l.library)));
  assert.deepEqual(ids(r.conversations.items), ids(ws.conversations.map((c) => c.conversation)));
  const byAgent = new Map(ws.agents.map((a) => [a.current.id, a]));
  r.agents.items.forEach((a, i) => {
    const simAgent = byAgent.get(a.id)!;
    assert.deepEqual(r.versions[i].items, simAgent.versions, `versions of ${a.id}`);
    assert.deepEqual(r.aliases[i].items, simAgent.aliases, `aliases of ${a.id}`);
    assert.deepEqual(a, simAgent.current, `agent ${a.id} raw`);
  });
  const byLib = new Map(ws.libraries.map((l) => [l.library.id, l]));
  r.libraries.items.forEach((l, i) =>
    assert.deepEqual(ids(r.documents[i].items), ids(byLib.get(l.id)!.documents)),
  );
  const byConv = new Map(ws.conversations.map((c) => [c.conversation.id, c]));
  r.conversations.items.forEach((cv, i) =>
    assert.deepEqual(r.histories[i].item.entries, peekEntries(byConv.get(cv.id)!), `history of ${cv.id}`),
  );
}

function assertGetOnly(s: SimulatorHandle): void {
  const st = s.stats();
  assert.ok(st.totalRequests > 0);
  assert.equal(st.refusedNonGet, 0);
  for (const r of st.byRoute) assert.equal(r.method, 'GET', `${r.method} ${r.route}`);
}

test('a full crawl lists every record of a seeded workspace, raw and unflagged, with GET only', async () => {
  // page size 5 with 10 agents and 5 documents-max: exact multiples and short pages both occur
  const s = await sim({
    seed: 7,
    generator: {
      agents: 10,
      conversationsPerAgent: 2,
      modelOnlyConversations: 5,
      files: 15,
      libraries: 5,
      documentsPerLibrary: 5,
    },
  });
  const c = connect(s);
  const r = await crawl(c);
  assertComplete(s, r);
  assert.deepEqual(r.warnings, []);
  assertGetOnly(s);
  const st = s.stats();
  assert.equal(c.stats().requests, st.totalRequests);
  assert.equal(c.stats().retries, 0);
});

test('several seeds: nothing lost, every response validates', async () => {
  for (const seed of [1, 2, 3]) {
    const s = await sim({ seed, generator: { agents: 7, conversationsPerAgent: 2 } });
    const r = await crawl(connect(s, { pageSize: 3 }));
    assertComplete(s, r);
    assert.deepEqual(r.warnings, [], `seed ${seed}`);
  }
});

test('an agent with tools: null is kept raw and flagged; its page is not lost', async () => {
  const s = await sim({ seed: 3, generator: { agents: 6 } });
  const victim = s.workspace.agents[2].current as unknown as Record<string, unknown>;
  victim.tools = null;
  const out = await connect(s).listAgents();
  assert.equal(out.items.length, 6);
  assert.equal(out.items.find((a) => a.id === victim.id)?.tools, null);
  assert.deepEqual(
    out.warnings.map((w) => [w.resourceType, w.resourceId]),
    [['agent', victim.id]],
  );
  assert.match(out.warnings[0].issue, /^tools/);
});

test('429 storm: the simulator rate limit is honoured; everything is still listed', async () => {
  const s = await sim({
    seed: 11,
    generator: { agents: 4, conversationsPerAgent: 3 },
    rateLimit: { rps: 40, burst: 4 },
  });
  const events: ConnectorLogEvent[] = [];
  const c = connect(s, { requestsPerSecond: 400, log: (e) => events.push(e) });
  const r = await crawl(c);
  assertComplete(s, r);
  const st = s.stats();
  assert.ok(st.rateLimited > 0, 'the storm happened');
  assert.equal(c.stats().rateLimited, st.rateLimited);
  assert.ok(c.stats().currentRate < 400, 'the client slowed down');
  assert.ok(events.some((e) => e.level === 'warn' && /429/.test(e.msg)));
  assertGetOnly(s);
});

test('injected faults (5xx, resets, truncated and malformed bodies): retried, nothing lost', async () => {
  const s = await sim({
    seed: 5,
    generator: { agents: 6, conversationsPerAgent: 2 },
    faults: { rate: 0.15, kinds: ['500', '502', '503', 'reset', 'truncated', 'malformed'] },
  });
  const c = connect(s, { maxRetryElapsedMs: 60_000 });
  const r = await crawl(c);
  assertComplete(s, r);
  assert.ok(s.stats().faultsInjected > 0);
  assert.equal(c.stats().retries, s.stats().faultsInjected);
  assertGetOnly(s);
});

for (const status of [403, 404] as const) {
  test(`beta off (${status}): agents, libraries and conversations say BETA_ACCESS_REQUIRED; models and files work`, async () => {
    const s = await sim({ seed: 2, beta: { enabled: false, status } });
    const c = connect(s);
    assert.ok((await c.listModels()).items.length > 0);
    assert.ok((await c.listFiles()).items.length > 0);
    for (const list of [c.listAgents, c.listLibraries, c.listConversations]) {
      const e = (await list().then(
        () => null,
        (x: unknown) => x,
      )) as { code?: string; remediation?: string } | null;
      assert.equal(e?.code, 'BETA_ACCESS_REQUIRED');
      assert.equal(
        e?.remediation,
        'Verify your workspace has beta API access enabled. Contact Mistral support if not.',
      );
    }
  });
}

test('a bad key: INVALID_API_KEY, and neither key appears in the error', async () => {
  const s = await sim({ seed: 1 });
  const wrong = 'sk-wrong-but-secret-9876543210';
  const events: ConnectorLogEvent[] = [];
  const c = createMistralConnector({ apiKey: wrong, baseUrl: s.url, log: (e) => events.push(e) });
  const e = (await c.validateKey().then(
    () => null,
    (x: unknown) => x,
  )) as Error & { code?: string };
  assert.equal(e?.code, 'INVALID_API_KEY');
  for (const text of [
    String(e),
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10 }),
    JSON.stringify(events),
  ]) {
    assert.ok(!text.includes(wrong) && !text.includes(s.apiKey));
  }
});
