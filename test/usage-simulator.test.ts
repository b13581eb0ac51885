/**
 * Incremental usage against the simulator serving a hand-written workspace (test/usage-fixtures.ts),
 * with hand-computed expected numbers and the requests counted by route on the simulator's side.
 * Run with the in-memory state store and with the SQL one (PGlite, and PostgreSQL when configured):
 * both must give the same numbers.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createMistralConnector, type MistralConnector } from '../src/mistral/index.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import {
  createMemoryUsageStateStore,
  loadDailySeries,
  syncUsage,
  type UsageStateStore,
} from '../src/usage/index.ts';
import type { UsageConnector } from '../src/usage/index.ts';
import { testKeyring } from './store-fixtures.ts';
import { agentConversation, functionCall, NOW, output, tool, usageWorkspace } from './usage-fixtures.ts';

const LIST = '/v1/conversations';
const HISTORY = '/v1/conversations/{conversation_id}/history';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function simulator(): Promise<SimulatorHandle> {
  const sim = await startSimulator({ host: '127.0.0.1', workspace: usageWorkspace() });
  cleanups.push(() => sim.close());
  return sim;
}

function connect(sim: SimulatorHandle): MistralConnector {
  return createMistralConnector({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    requestsPerSecond: 2000,
    maxConcurrency: 8,
    pageSize: 2,
    maxRetryElapsedMs: 5_000,
  });
}

/** Requests seen by the simulator for one route (any status), then reset. */
function takeRequests(sim: SimulatorHandle): { list: number; history: number; other: number } {
  const out = { list: 0, history: 0, other: 0 };
  for (const r of sim.stats().byRoute) {
    if (r.route === LIST) out.list += r.count;
    else if (r.route === HISTORY) out.history += r.count;
    else out.other += r.count;
  }
  sim.resetStats();
  return out;
}

interface StoreKind {
  name: string;
  skip: string | false;
  open(): Promise<UsageStateStore>;
}

const storeKinds: StoreKind[] = [
  { name: 'memory', skip: false, open: async () => createMemoryUsageStateStore() },
  ...testBackends().map((b): StoreKind => ({
    name: b.kind,
    skip: b.skip,
    open: async () => {
      const t: TestDatabase = await b.open();
      cleanups.push(() => t.cleanup());
      const store = createStore(t.db, { keyring: testKeyring() });
      const integration = await store.integrations.create({
        name: 'Usage test',
        apiKey: 'sk-usage-test-key-000',
      });
      return store.usage(integration.id);
    },
  })),
];

for (const kind of storeKinds) {
  describe(`usage against the simulator (${kind.name} state store)`, { skip: kind.skip }, () => {
    it('computes hand-checked numbers, then re-syncs only what changed', async () => {
      const sim = await simulator();
      const connector = connect(sim);
      const state = await kind.open();

      // ---- sync 1: everything is new
      const r1 = await syncUsage({ connector, state, now: NOW, concurrency: 4 });
      assert.deepEqual(r1.stats, { listed: 5, fetched: 5, unchanged: 0, removed: 0, failed: 0 });
      assert.deepEqual(takeRequests(sim), { list: 3, history: 5, other: 0 }); // pages of 2: 2, 2, 1
      assert.deepEqual(r1.availability, { status: 'available' });

      const router = r1.usageFor('ag_router')!;
      assert.deepEqual(
        [
          router.totalRuns,
          router.totalConversations,
          router.avgLatencyMs,
          router.webSearchCalls,
          router.functionCalls,
        ],
        [1, 1, 800, 1, 0],
      );
      const legal = r1.usageFor('ag_legal')!;
      // c1: 2 runs (one without completed_at, one 1200 ms) + c3: 1 run (600 ms) → mean 900
      assert.deepEqual(
        [
          legal.totalRuns,
          legal.totalConversations,
          legal.avgLatencyMs,
          legal.webSearchCalls,
          legal.functionCalls,
        ],
        [3, 2, 900, 1, 2],
      );
      assert.equal(legal.lastActivityAt, '2026-11-20T10:00:14.000Z');
      // c3 is 150 days old: only c1 in the last 90 days
      assert.deepEqual(
        [legal.last90Days.totalRuns, legal.last90Days.totalConversations, legal.last90Days.avgLatencyMs],
        [2, 1, 1200],
      );
      assert.deepEqual(legal.last90Days.functionCallsByName, { lookup_case: 1 });
      assert.deepEqual(legal.last90Days.toolExecutionsByName, { web_search_premium: 1 });
      const support = r1.usageFor('ag_support')!;
      assert.deepEqual(
        [
          support.totalRuns,
          support.totalConversations,
          support.avgLatencyMs,
          support.codeInterpreterCalls,
          support.fileSearchCalls,
          support.webSearchCalls,
          support.imageGenerationCalls,
          support.functionCalls,
        ],
        [2, 2, 3000, 1, 1, 0, 1, 0],
      );
      assert.deepEqual(support.last90Days.toolExecutionsByName, {
        code_interpreter: 1,
        conn_jira: 1,
        document_library: 1,
        image_generation: 1,
      });
      assert.deepEqual(r1.workspace, {
        totalConversations: 5,
        agentConversations: 4,
        modelConversations: 1,
        modelOnlyRuns: 2,
        tokenUsage: 'not available from the Mistral API',
      });
      assert.equal(r1.usage.has('null'), false);
      const modelSeries = await loadDailySeries(state, null, { now: NOW });
      const m1Day = modelSeries.find((p) => p.day === '2026-11-27')!;
      assert.deepEqual(
        [m1Day.runs, m1Day.conversations, m1Day.avgLatencyMs, m1Day.webSearchCalls],
        [2, 1, 400, 1],
      );

      // ---- sync 2: c1 gets a new legal run (1000 ms), c3 is deleted, c5 is new (router)
      const ws = sim.workspace;
      const c1 = ws.conversations.find((c) => c.conversation.id === 'c1')!;
      c1.entries.push(output('2026-11-28T09:00:00Z', 1000, 'ag_legal'));
      c1.conversation.updated_at = '2026-11-28T09:00:01Z';
      ws.conversations = ws.conversations.filter((c) => c.conversation.id !== 'c3');
      ws.conversations.unshift({
        conversation: agentConversation('c5', 'ag_router', '2026-11-28T10:00:00Z', '2026-11-28T10:00:05Z'),
        entries: [
          output('2026-11-28T10:00:01Z', 200, 'ag_router'),
          tool('web_search_premium', '2026-11-28T10:00:02Z', 'ag_router'),
        ],
      });

      const r2 = await syncUsage({ connector, state, now: NOW, concurrency: 4 });
      assert.deepEqual(r2.stats, { listed: 5, fetched: 2, unchanged: 3, removed: 1, failed: 0 });
      // c1 and c5, and c3 (gone from the listing: asked for once, NOT_FOUND, so it leaves the totals);
      // a deletion was seen, so the conversations are listed once more (a listing whose pages shifted
      // may have skipped one): 3 pages twice.
      assert.deepEqual(takeRequests(sim), { list: 6, history: 3, other: 0 });
      const router2 = r2.usageFor('ag_router')!;
      assert.deepEqual(
        [router2.totalRuns, router2.totalConversations, router2.avgLatencyMs, router2.webSearchCalls],
        [2, 2, 500, 2],
      );
      const legal2 = r2.usageFor('ag_legal')!;
      assert.deepEqual(
        [legal2.totalRuns, legal2.totalConversations, legal2.avgLatencyMs, legal2.functionCalls],
        [3, 1, 1100, 1],
      );
      assert.equal(legal2.lastActivityAt, '2026-11-28T09:00:01.000Z');
      assert.deepEqual(r2.usageFor('ag_support'), support);
      assert.equal(r2.workspace?.totalConversations, 5);

      // ---- sync 3: c2 changes, then is deleted between the listing and its history fetch
      ws.conversations.find((c) => c.conversation.id === 'c2')!.conversation.updated_at =
        '2026-11-28T11:00:00Z';
      const racing: UsageConnector = {
        listConversations: async () => {
          const listed = await connector.listConversations();
          ws.conversations = ws.conversations.filter((c) => c.conversation.id !== 'c2');
          return listed;
        },
        getConversationHistory: (id) => connector.getConversationHistory(id),
      };
      const r3 = await syncUsage({ connector: racing, state, now: NOW });
      assert.deepEqual(r3.stats, { listed: 5, fetched: 0, unchanged: 4, removed: 1, failed: 0 });
      assert.deepEqual(takeRequests(sim), { list: 3, history: 1, other: 0 });
      const support3 = r3.usageFor('ag_support')!;
      assert.deepEqual(
        [support3.totalRuns, support3.totalConversations, support3.avgLatencyMs],
        [0, 1, null],
      );
      assert.equal(r3.workspace?.totalConversations, 4);

      // ---- sync 4: nothing changed → list pages only
      const r4 = await syncUsage({ connector, state, now: NOW });
      assert.deepEqual(r4.stats, { listed: 4, fetched: 0, unchanged: 4, removed: 0, failed: 0 });
      assert.deepEqual(takeRequests(sim), { list: 3, history: 0, other: 0 }); // 2, 2, then an empty page
      assert.deepEqual(r4.usageFor('ag_legal'), legal2);
    });

    it('a history that keeps failing leaves the old numbers and is fetched again next time', async () => {
      const sim = await simulator();
      const connector = connect(sim);
      const state = await kind.open();
      await syncUsage({ connector, state, now: NOW });
      takeRequests(sim);
      const c1 = sim.workspace.conversations.find((c) => c.conversation.id === 'c1')!;
      c1.entries.push(functionCall('open_ticket', '2026-11-28T09:00:00Z', 'ag_legal'));
      c1.conversation.updated_at = '2026-11-28T09:00:01Z';

      // The listing goes through; then every request fails with a 500, and a connector with no
      // retry budget gives up on c1's history at once.
      const listed = await connector.listConversations();
      sim.configure({ faults: { rate: 1, kinds: ['500'] } });
      const flaky = createMistralConnector({
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        requestsPerSecond: 2000,
        maxRetryElapsedMs: 1,
      });
      const r = await syncUsage({
        connector: {
          listConversations: async () => listed,
          getConversationHistory: (id) => flaky.getConversationHistory(id),
        },
        state,
        now: NOW,
      });
      assert.deepEqual(r.stats, { listed: 5, fetched: 0, unchanged: 4, removed: 0, failed: 1 });
      assert.equal(r.partial, true);
      assert.equal(r.availability.status, 'available');
      assert.equal(r.availability.code, 'UNEXPECTED_RESPONSE');
      assert.equal(r.usageFor('ag_legal')!.functionCalls, 2); // the old contribution of c1
      // c1 was started by ag_router: its figures would be incomplete, so they are unknown this sync
      assert.deepEqual(r.incompleteAgentIds, ['ag_router']);
      assert.equal(r.usageFor('ag_router'), null);

      sim.configure({ faults: null });
      takeRequests(sim);
      const r2 = await syncUsage({ connector, state, now: NOW });
      assert.deepEqual(r2.stats, { listed: 5, fetched: 1, unchanged: 4, removed: 0, failed: 0 });
      assert.equal(takeRequests(sim).history, 1);
      assert.equal(r2.usageFor('ag_legal')!.functionCalls, 3);
      assert.equal(r2.usageFor('ag_router')!.totalRuns, 1);
      assert.deepEqual(r2.usageFor('ag_legal')!.last90Days.functionCallsByName, {
        lookup_case: 1,
        open_ticket: 1,
      });
    });
  });
}

describe('usage without beta access (simulator answers 403 / 404)', () => {
  for (const status of [403, 404] as const) {
    it(`${status}: usage unavailable, every agent's usage null, no history request`, async () => {
      const sim = await simulator();
      sim.configure({ beta: { enabled: false, status } });
      const r = await syncUsage({ connector: connect(sim), state: createMemoryUsageStateStore(), now: NOW });
      assert.equal(r.availability.status, 'unavailable');
      assert.equal(r.availability.code, 'BETA_ACCESS_REQUIRED');
      assert.ok(r.availability.remediation);
      assert.equal(r.usageFor('ag_router'), null);
      assert.equal(r.usageFor('ag_never_seen'), null);
      assert.equal(r.workspace, null);
      // (on a 404 the connector may probe a non-beta endpoint to tell "no beta" from "not found")
      const requests = takeRequests(sim);
      assert.deepEqual([requests.list, requests.history], [1, 0]);
    });
  }
});
