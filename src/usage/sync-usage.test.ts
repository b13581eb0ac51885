import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors/app-error.ts';
import type { WireConversation, WireEntry } from '../shared/mistral-wire.ts';
import { loadDailySeries } from './daily-series.ts';
import { createMemoryUsageStateStore } from './memory-state-store.ts';
import { syncUsage, type UsageConnector } from './sync-usage.ts';

interface FakeWorkspace {
  conversations: Array<{ conversation: WireConversation; entries: WireEntry[] }>;
}

/** A literal connector over an in-memory workspace, recording the calls it gets. */
function fakeConnector(
  ws: FakeWorkspace,
  opts: { beta?: boolean; failing?: Set<string>; deleteOnFetch?: Set<string> } = {},
) {
  const calls = { list: 0, history: [] as string[] };
  const connector: UsageConnector = {
    async listConversations() {
      calls.list++;
      if (opts.beta === false) {
        throw new AppError('BETA_ACCESS_REQUIRED', 'Conversations need beta access.', {
          remediation: 'Ask Mistral.',
        });
      }
      return { items: ws.conversations.map((c) => structuredClone(c.conversation)), warnings: [] };
    },
    async getConversationHistory(id: string) {
      calls.history.push(id);
      await new Promise((r) => setImmediate(r));
      if (opts.failing?.has(id)) throw new AppError('UNEXPECTED_RESPONSE', 'HTTP 500 from Mistral');
      const c = opts.deleteOnFetch?.has(id)
        ? undefined
        : ws.conversations.find((x) => x.conversation.id === id);
      if (!c) throw new AppError('NOT_FOUND', `conversation not found`);
      return { item: { conversation_id: id, entries: structuredClone(c.entries) }, warnings: [] };
    },
  };
  return { connector, calls };
}

const NOW = new Date('2026-11-28T12:00:00Z');
const conv = (
  id: string,
  agent: string | null,
  updated: string,
  created = '2026-11-20T10:00:00Z',
): WireConversation =>
  agent === null
    ? { id, created_at: created, updated_at: updated, model: 'mistral-small-latest' }
    : { id, created_at: created, updated_at: updated, agent_id: agent };
const out = (t: string, ms: number | null, agent?: string): WireEntry => ({
  type: 'message.output',
  role: 'assistant',
  content: 'ok',
  created_at: t,
  completed_at: ms === null ? null : new Date(Date.parse(t) + ms).toISOString(),
  ...(agent ? { agent_id: agent } : {}),
});
const tool = (name: string, t: string, agent?: string): WireEntry => ({
  type: 'tool.execution',
  name,
  arguments: '{}',
  created_at: t,
  ...(agent ? { agent_id: agent } : {}),
});

function workspace(): FakeWorkspace {
  return {
    conversations: [
      // ag_a: 2 runs (1000 + 3000 ms), web_search; hands off to ag_b: 1 run (no completed_at), premium search
      {
        conversation: conv('c1', 'ag_a', '2026-11-20T10:05:00Z'),
        entries: [
          { type: 'message.input', role: 'user', content: 'q', created_at: '2026-11-20T10:00:00Z' },
          out('2026-11-20T10:00:01Z', 1000, 'ag_a'),
          tool('web_search', '2026-11-20T10:00:03Z', 'ag_a'),
          out('2026-11-20T10:00:04Z', 3000, 'ag_a'),
          {
            type: 'agent.handoff',
            previous_agent_id: 'ag_a',
            previous_agent_name: 'A',
            next_agent_id: 'ag_b',
            next_agent_name: 'B',
            created_at: '2026-11-20T10:00:08Z',
          },
          tool('web_search_premium', '2026-11-20T10:00:09Z', 'ag_b'),
          out('2026-11-20T10:00:10Z', null, 'ag_b'),
        ],
      },
      // ag_b started, 1 run 500 ms, function call — 200 days ago: outside last90Days
      {
        conversation: conv('c2', 'ag_b', '2026-05-12T09:00:00Z', '2026-05-12T09:00:00Z'),
        entries: [
          out('2026-05-12T09:00:01Z', 500, 'ag_b'),
          {
            type: 'function.call',
            tool_call_id: 'x',
            name: 'refund',
            arguments: '{}',
            created_at: '2026-05-12T09:00:02Z',
            agent_id: 'ag_b',
          },
        ],
      },
      // model-only: 2 runs
      {
        conversation: conv('m1', null, '2026-11-25T08:00:00Z', '2026-11-25T08:00:00Z'),
        entries: [out('2026-11-25T08:00:01Z', 200), out('2026-11-25T08:00:05Z', 400)],
      },
      // ag_c started, no entries yet
      { conversation: conv('c3', 'ag_c', '2026-11-27T08:00:00Z', '2026-11-27T08:00:00Z'), entries: [] },
    ],
  };
}

describe('syncUsage', () => {
  it('computes per-agent and workspace usage with hand-computed numbers', async () => {
    const ws = workspace();
    const { connector, calls } = fakeConnector(ws);
    const state = createMemoryUsageStateStore();
    const r = await syncUsage({ connector, state, now: NOW, concurrency: 3 });
    assert.deepEqual(r.stats, { listed: 4, fetched: 4, unchanged: 0, removed: 0, failed: 0 });
    assert.equal(calls.list, 1);
    assert.deepEqual([...calls.history].sort(), ['c1', 'c2', 'c3', 'm1']);
    assert.deepEqual(r.availability, { status: 'available' });
    assert.equal(r.partial, false);

    const a = r.usageFor('ag_a')!;
    assert.deepEqual(
      [
        a.totalRuns,
        a.totalConversations,
        a.avgLatencyMs,
        a.webSearchCalls,
        a.functionCalls,
        a.lastActivityAt,
      ],
      [2, 1, 2000, 1, 0, '2026-11-20T10:00:07.000Z'],
    );
    const b = r.usageFor('ag_b')!;
    // runs: c1 (1, no latency) + c2 (1, 500 ms); conversations c1 + c2
    assert.deepEqual(
      [b.totalRuns, b.totalConversations, b.avgLatencyMs, b.webSearchCalls, b.functionCalls],
      [2, 2, 500, 1, 1],
    );
    assert.deepEqual(
      [
        b.last90Days.totalRuns,
        b.last90Days.totalConversations,
        b.last90Days.avgLatencyMs,
        b.last90Days.functionCalls,
      ],
      [1, 1, null, 0],
    );
    assert.deepEqual(b.last90Days.toolExecutionsByName, { web_search_premium: 1 });
    assert.deepEqual(b.last90Days.functionCallsByName, {});
    const c = r.usageFor('ag_c')!;
    assert.deepEqual([c.totalRuns, c.totalConversations, c.avgLatencyMs], [0, 1, null]);
    // an agent with no conversation at all: zeros, not null
    assert.deepEqual([r.usageFor('ag_zzz')!.totalRuns, r.usageFor('ag_zzz')!.avgLatencyMs], [0, null]);
    assert.deepEqual(r.workspace, {
      totalConversations: 4,
      agentConversations: 3,
      modelConversations: 1,
      modelOnlyRuns: 2,
      tokenUsage: 'not available from the Mistral API',
    });

    const series = await loadDailySeries(state, 'ag_a', { now: NOW });
    assert.equal(series.length, 90);
    assert.equal(series[0].day, '2026-08-31');
    assert.equal(series[89].day, '2026-11-28');
    const day = series.find((p) => p.day === '2026-11-20')!;
    assert.deepEqual([day.runs, day.conversations, day.avgLatencyMs, day.webSearchCalls], [2, 1, 2000, 1]);
    assert.equal(series.filter((p) => p.runs > 0).length, 1);
  });

  it('second sync fetches only new and changed conversations, and drops vanished ones', async () => {
    const ws = workspace();
    const { connector, calls } = fakeConnector(ws);
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector, state, now: NOW });
    calls.history.length = 0;

    // c1 gets a new run by ag_a (+5000 ms) and a bumped updated_at; c2 disappears; c4 is new (ag_a).
    const c1 = ws.conversations[0];
    c1.entries.push(out('2026-11-28T09:00:00Z', 5000, 'ag_a'));
    c1.conversation.updated_at = '2026-11-28T09:00:05Z';
    ws.conversations.splice(1, 1);
    ws.conversations.push({
      conversation: conv('c4', 'ag_a', '2026-11-28T10:00:00Z', '2026-11-28T10:00:00Z'),
      entries: [out('2026-11-28T10:00:01Z', 1000, 'ag_a')],
    });

    const r = await syncUsage({ connector, state, now: NOW });
    assert.deepEqual(r.stats, { listed: 4, fetched: 2, unchanged: 2, removed: 1, failed: 0 });
    // c1 and c4 changed or new; c2 missing from the listing is asked for (NOT_FOUND: it leaves the totals).
    assert.deepEqual([...calls.history].sort(), ['c1', 'c2', 'c4']);
    const a = r.usageFor('ag_a')!;
    // runs 1000, 3000, 5000 (c1) + 1000 (c4) → 4 runs, mean 2500
    assert.deepEqual([a.totalRuns, a.totalConversations, a.avgLatencyMs], [4, 2, 2500]);
    assert.equal(a.lastActivityAt, '2026-11-28T10:00:02.000Z');
    const b = r.usageFor('ag_b')!;
    assert.deepEqual([b.totalRuns, b.totalConversations, b.functionCalls], [1, 1, 0]);
    assert.equal(r.workspace?.totalConversations, 4);

    // Nothing changed: a third sync makes no history request.
    calls.history.length = 0;
    const r3 = await syncUsage({ connector, state, now: NOW });
    assert.deepEqual(r3.stats, { listed: 4, fetched: 0, unchanged: 4, removed: 0, failed: 0 });
    assert.deepEqual(calls.history, []);
  });

  it('treats NOT_FOUND between list and fetch as removed', async () => {
    const ws = workspace();
    const first = fakeConnector(ws);
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: first.connector, state, now: NOW });
    ws.conversations[0].conversation.updated_at = '2026-11-28T11:00:00Z'; // c1 changed, but deleted before fetch
    ws.conversations.push({ conversation: conv('c9', 'ag_z', '2026-11-28T11:00:00Z'), entries: [] }); // new, also deleted
    const second = fakeConnector(ws, { deleteOnFetch: new Set(['c1', 'c9']) });
    const r = await syncUsage({ connector: second.connector, state, now: NOW });
    assert.deepEqual(r.stats, { listed: 5, fetched: 0, unchanged: 3, removed: 2, failed: 0 });
    assert.equal(r.usage.has('ag_a'), false);
    assert.equal(r.usage.has('ag_z'), false);
    assert.deepEqual([r.usageFor('ag_b')!.totalRuns, r.usageFor('ag_b')!.totalConversations], [1, 1]);
    assert.equal(r.workspace?.totalConversations, 3);
  });

  it('keeps a conversation missing from the listing while it still exists (pages that shifted), or cannot be asked', async () => {
    const ws = workspace();
    const state = createMemoryUsageStateStore();
    const first = await syncUsage({ connector: fakeConnector(ws).connector, state, now: NOW });
    const before = first.workspace?.totalConversations;
    // A listing that skips c1 (a deletion on an earlier page shifted the next one), though c1 exists.
    const skipping = fakeConnector(ws);
    const skipped: UsageConnector = {
      ...skipping.connector,
      listConversations: async () => {
        const r = await skipping.connector.listConversations();
        return { ...r, items: r.items.filter((c) => c.id !== 'c1') };
      },
    };
    const r = await syncUsage({ connector: skipped, state, now: NOW });
    assert.deepEqual(skipping.calls.history, ['c1'], 'the missing one is asked for');
    assert.equal(r.stats.removed, 0);
    assert.equal(r.workspace?.totalConversations, before, 'nothing left the totals');
    assert.equal(r.partial, false);
    // The same, but c1 cannot be asked (HTTP 500): kept too, and the usage says it is partial.
    const failing = fakeConnector(ws, { failing: new Set(['c1']) });
    const r2 = await syncUsage({
      connector: { ...failing.connector, listConversations: skipped.listConversations },
      state,
      now: NOW,
    });
    assert.equal(r2.stats.removed, 0);
    assert.equal(r2.stats.failed, 1);
    assert.equal(r2.partial, true);
    assert.equal(r2.workspace?.totalConversations, before);
  });

  it('lists again after a deletion, so a new conversation the shifted pages skipped is read in the same sync', async () => {
    const ws = workspace();
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: fakeConnector(ws).connector, state, now: NOW });
    // c2 is deleted while the listing is read, and the shifted pages skip c5, a new conversation.
    ws.conversations.splice(1, 1);
    ws.conversations.push({
      conversation: conv('c5', 'ag_a', '2026-11-28T10:00:00Z', '2026-11-28T10:00:00Z'),
      entries: [out('2026-11-28T10:00:01Z', 1000, 'ag_a')],
    });
    const base = fakeConnector(ws);
    let listings = 0;
    const shifted: UsageConnector = {
      ...base.connector,
      listConversations: async () => {
        const r = await base.connector.listConversations();
        listings++;
        return listings === 1 ? { ...r, items: r.items.filter((c) => c.id !== 'c5') } : r;
      },
    };
    const r = await syncUsage({ connector: shifted, state, now: NOW });
    assert.equal(listings, 2, 'a deletion was seen: listed once more');
    assert.deepEqual([...base.calls.history].sort(), ['c2', 'c5']);
    assert.deepEqual(r.stats, { listed: 4, fetched: 1, unchanged: 3, removed: 1, failed: 0 });
    assert.equal(r.workspace?.totalConversations, 4);
    assert.equal(r.usageFor('ag_a')!.totalConversations, 2, 'c1 and the recovered c5');

    // No deletion: one listing only (the re-list costs nothing in ordinary syncs).
    listings = 0;
    await syncUsage({ connector: shifted, state, now: NOW });
    assert.equal(listings, 1);
  });

  it('a failed listing after a deletion leaves the usage partial, never complete', async () => {
    const ws = workspace();
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: fakeConnector(ws).connector, state, now: NOW });
    // c2 is deleted while the listing is read, and the shifted pages skip c5, a new conversation; the
    // second listing, the only one that would show c5, fails.
    ws.conversations.splice(1, 1);
    ws.conversations.push({
      conversation: conv('c5', 'ag_a', '2026-11-28T10:00:00Z', '2026-11-28T10:00:00Z'),
      entries: [out('2026-11-28T10:00:01Z', 1000, 'ag_a')],
    });
    const base = fakeConnector(ws);
    let listings = 0;
    const logged: Array<{ msg: string; code?: unknown }> = [];
    const shifted: UsageConnector = {
      ...base.connector,
      listConversations: async () => {
        const r = await base.connector.listConversations();
        listings++;
        if (listings > 1) throw new AppError('UNEXPECTED_RESPONSE', 'HTTP 502 from Mistral');
        return { ...r, items: r.items.filter((c) => c.id !== 'c5') };
      },
    };
    const r = await syncUsage({ connector: shifted, state, now: NOW, log: (e) => logged.push(e) });
    assert.equal(listings, 2, 'a deletion was seen: listed once more');
    assert.deepEqual(base.calls.history, ['c2'], 'c5 was never seen');
    assert.deepEqual(r.stats, { listed: 3, fetched: 0, unchanged: 3, removed: 1, failed: 0 });
    assert.equal(r.partial, true);
    assert.equal(r.availability.status, 'available');
    assert.equal(r.availability.code, 'UNEXPECTED_RESPONSE');
    assert.match(
      r.availability.message ?? '',
      /^Usage is partial: .*listing them again failed \(UNEXPECTED_RESPONSE\)/,
    );
    assert.ok(logged.some((e) => e.msg === 'usage: listing again after a deletion failed'));
    // What the first listing read is kept: c2 left the totals, the others stay.
    assert.equal(r.workspace?.totalConversations, 3);

    // With a history failing too, both are said, under the history's code.
    listings = 0;
    ws.conversations[0].conversation.updated_at = '2026-11-28T11:00:00Z';
    ws.conversations.splice(1, 1); // c3 deleted
    const failing = fakeConnector(ws, { failing: new Set(['c1']) });
    const r2 = await syncUsage({
      connector: {
        ...failing.connector,
        listConversations: async () => {
          listings++;
          if (listings > 1) throw new AppError('RATE_LIMITED', 'HTTP 429 from Mistral');
          return failing.connector.listConversations();
        },
      },
      state,
      now: NOW,
    });
    assert.equal(listings, 2);
    assert.equal(r2.partial, true);
    assert.equal(r2.availability.code, 'UNEXPECTED_RESPONSE');
    assert.match(r2.availability.message ?? '', /1 conversation histories could not be read/);
    assert.match(r2.availability.message ?? '', /listing them again failed \(RATE_LIMITED\)/);

    // A second listing that works: complete again (c5 is read now).
    const healed = fakeConnector(ws);
    const r3 = await syncUsage({ connector: healed.connector, state, now: NOW });
    assert.equal(r3.partial, false);
    assert.equal(r3.availability.code, undefined);
  });

  it('keeps the old state of a conversation whose history fails, and retries it next time', async () => {
    const ws = workspace();
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: fakeConnector(ws).connector, state, now: NOW });
    ws.conversations[0].entries.push(out('2026-11-28T09:00:00Z', 5000, 'ag_a'));
    ws.conversations[0].conversation.updated_at = '2026-11-28T09:00:05Z';
    ws.conversations.push({
      conversation: conv('c5', 'ag_a', '2026-11-28T10:00:00Z'),
      entries: [out('2026-11-28T10:00:01Z', 1000, 'ag_a')],
    });

    const failing = fakeConnector(ws, { failing: new Set(['c1', 'c5']) });
    const r = await syncUsage({ connector: failing.connector, state, now: NOW });
    assert.deepEqual(r.stats, { listed: 5, fetched: 0, unchanged: 3, removed: 0, failed: 2 });
    assert.equal(r.partial, true);
    assert.equal(r.availability.status, 'available');
    assert.equal(r.availability.code, 'UNEXPECTED_RESPONSE');
    assert.match(r.availability.message ?? '', /partial: 2 conversation histories/);
    // ag_a started the failed conversations: its figures would be an undercount, so they are unknown.
    assert.equal(r.usageFor('ag_a'), null);
    assert.equal(r.usage.has('ag_a'), false);
    assert.deepEqual(r.incompleteAgentIds, ['ag_a']);
    // The stored state keeps c1's old contribution and lacks c5 until they are read.
    const totals = await state.loadTotals();
    assert.deepEqual([totals.byAgent.get('ag_a')!.runs, totals.byAgent.get('ag_a')!.conversations], [2, 1]);

    const healed = fakeConnector(ws);
    const r2 = await syncUsage({ connector: healed.connector, state, now: NOW });
    assert.deepEqual([...healed.calls.history].sort(), ['c1', 'c5']);
    assert.deepEqual(r2.stats, { listed: 5, fetched: 2, unchanged: 3, removed: 0, failed: 0 });
    assert.deepEqual([r2.usageFor('ag_a')!.totalRuns, r2.usageFor('ag_a')!.totalConversations], [4, 2]);
  });

  it('without beta access: unavailable, null usage for every agent, no history request', async () => {
    const { connector, calls } = fakeConnector(workspace(), { beta: false });
    const r = await syncUsage({ connector, state: createMemoryUsageStateStore(), now: NOW });
    assert.equal(r.availability.status, 'unavailable');
    assert.equal(r.availability.code, 'BETA_ACCESS_REQUIRED');
    assert.equal(r.availability.remediation, 'Ask Mistral.');
    assert.equal(r.usageFor('ag_a'), null);
    assert.equal(r.usage.size, 0);
    assert.equal(r.workspace, null);
    assert.deepEqual(calls.history, []);
  });

  it('stops fetching after an invalid key and reports an error, not numbers', async () => {
    const ws = workspace();
    let n = 0;
    const connector: UsageConnector = {
      listConversations: async () => ({ items: ws.conversations.map((c) => c.conversation), warnings: [] }),
      getConversationHistory: async () => {
        n++;
        throw new AppError('INVALID_API_KEY', 'The API key was rejected.');
      },
    };
    const r = await syncUsage({ connector, state: createMemoryUsageStateStore(), now: NOW, concurrency: 1 });
    assert.equal(n, 1);
    assert.equal(r.availability.status, 'error');
    assert.equal(r.stats.failed, 4);
    assert.equal(r.usageFor('ag_a'), null);
  });

  it('bounds the number of history requests in flight and commits in batches', async () => {
    const conversations = Array.from({ length: 50 }, (_, i) => ({
      conversation: conv(`k${i}`, 'ag_a', '2026-11-20T10:00:00Z'),
      entries: [out('2026-11-20T10:00:01Z', 100, 'ag_a')],
    }));
    let inFlight = 0;
    let maxInFlight = 0;
    const connector: UsageConnector = {
      listConversations: async () => ({ items: conversations.map((c) => c.conversation), warnings: [] }),
      getConversationHistory: async (id) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        const c = conversations.find((x) => x.conversation.id === id)!;
        return { item: { conversation_id: id, entries: c.entries }, warnings: [] };
      },
    };
    const inner = createMemoryUsageStateStore();
    const batches: number[] = [];
    const state = {
      ...inner,
      applyChanges: async (ch: Parameters<typeof inner.applyChanges>[0]) => {
        batches.push(ch.upserts.length);
        await inner.applyChanges(ch);
      },
    };
    const r = await syncUsage({ connector, state, now: NOW, concurrency: 4, commitBatchSize: 16 });
    assert.equal(maxInFlight, 4);
    assert.deepEqual(
      batches.reduce((s, x) => s + x, 0),
      50,
    );
    assert.ok(batches.length >= 4 && batches.every((b) => b <= 16 + 4), `batches ${batches.join(',')}`);
    assert.deepEqual([r.usageFor('ag_a')!.totalRuns, r.usageFor('ag_a')!.avgLatencyMs], [50, 100]);
  });
});
