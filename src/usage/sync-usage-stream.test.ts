/**
 * syncUsage with a connector that streams the conversation listing page by page (`onPage`): the
 * histories start while the listing is still read, and every property of the non-streamed sync holds
 * (unchanged ones skipped, deletions only after the full listing, the re-list, partial on failures).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors/app-error.ts';
import type { WireConversation, WireEntry } from '../shared/mistral-wire.ts';
import { createMemoryUsageStateStore } from './memory-state-store.ts';
import { syncUsage, type UsageConnector } from './sync-usage.ts';

const NOW = new Date('2026-11-28T12:00:00Z');

interface Conv {
  conversation: WireConversation;
  entries: WireEntry[];
}

const conv = (i: number, updated = '2026-11-20T10:05:00Z'): Conv => ({
  conversation: {
    id: `c${i}`,
    created_at: '2026-11-20T10:00:00Z',
    updated_at: updated,
    agent_id: `ag_${i % 3}`,
  },
  entries: [
    {
      type: 'message.output',
      role: 'assistant',
      content: 'ok',
      created_at: '2026-11-20T10:00:01Z',
      completed_at: '2026-11-20T10:00:02Z',
      agent_id: `ag_${i % 3}`,
    },
  ],
});

/**
 * Pages of `pageSize`, each delivered to onPage (when `stream`) after a turn of the event loop;
 * `log` records the order of listing pages and history requests.
 */
function pagedConnector(
  list: () => Conv[],
  opts: { stream?: boolean; pageSize?: number; failAtPage?: number; gone?: Set<string> } = {},
) {
  const log: string[] = [];
  let listings = 0;
  const connector: UsageConnector = {
    async listConversations(o) {
      listings++;
      const all = list();
      const size = opts.pageSize ?? 2;
      const items: WireConversation[] = [];
      for (let p = 0; p * size < all.length; p++) {
        await new Promise((r) => setImmediate(r));
        if (opts.failAtPage === p) throw new AppError('UNEXPECTED_RESPONSE', 'HTTP 500 from Mistral');
        log.push(`page ${p}`);
        const page = all.slice(p * size, (p + 1) * size).map((c) => structuredClone(c.conversation));
        items.push(...page);
        if (opts.stream !== false) o?.onPage?.(page);
      }
      log.push('listed');
      return { items, warnings: [] };
    },
    async getConversationHistory(id) {
      log.push(`history ${id}`);
      await new Promise((r) => setImmediate(r));
      const c = opts.gone?.has(id) ? undefined : list().find((x) => x.conversation.id === id);
      if (!c) throw new AppError('NOT_FOUND', 'conversation not found');
      return { item: { conversation_id: id, entries: structuredClone(c.entries) }, warnings: [] };
    },
  };
  return { connector, log, listings: () => listings };
}

describe('syncUsage with a streamed listing', () => {
  it('fetches histories while the listing is still read, with the same result as a listing read whole', async () => {
    const ws = Array.from({ length: 10 }, (_, i) => conv(i));
    const streamed = pagedConnector(() => ws);
    const whole = pagedConnector(() => ws, { stream: false });
    const a = await syncUsage({
      connector: streamed.connector,
      state: createMemoryUsageStateStore(),
      now: NOW,
    });
    const b = await syncUsage({ connector: whole.connector, state: createMemoryUsageStateStore(), now: NOW });
    const firstHistory = streamed.log.findIndex((l) => l.startsWith('history'));
    assert.ok(
      firstHistory >= 0 && firstHistory < streamed.log.indexOf('listed'),
      `a history was fetched before the listing ended: ${streamed.log.join(', ')}`,
    );
    assert.ok(whole.log.indexOf('listed') < whole.log.findIndex((l) => l.startsWith('history')));
    assert.deepEqual(a.stats, b.stats);
    assert.deepEqual(a.stats, { listed: 10, fetched: 10, unchanged: 0, removed: 0, failed: 0 });
    assert.deepEqual(a.workspace, b.workspace);
    assert.deepEqual(a.usageFor('ag_1'), b.usageFor('ag_1'));
  });

  it('skips unchanged ones, and asks for a stored conversation missing from the listing only after the full listing', async () => {
    let ws = Array.from({ length: 6 }, (_, i) => conv(i));
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: pagedConnector(() => ws).connector, state, now: NOW });
    // c1 changed; c5 deleted (asked for, NOT_FOUND); c0 is missing from the listing but still exists.
    ws = ws.map((c, i) => (i === 1 ? conv(1, '2026-11-27T10:00:00Z') : c));
    const exists = ws[0];
    const listing = ws.slice(1, 5);
    const c = pagedConnector(() => listing, { gone: new Set(['c5']) });
    const origHistory = c.connector.getConversationHistory;
    c.connector.getConversationHistory = (id) =>
      id === 'c0'
        ? Promise.resolve({ item: { conversation_id: 'c0', entries: exists.entries }, warnings: [] })
        : origHistory(id);
    const r = await syncUsage({ connector: c.connector, state, now: NOW });
    const listed = c.log.indexOf('listed');
    assert.ok(c.log.indexOf('history c5') > listed, 'c5 asked for after the full listing');
    assert.deepEqual(
      c.log.filter((l) => l.startsWith('history')),
      ['history c1', 'history c5'],
      'only the changed one and the missing one; c0 is answered by the override above',
    );
    assert.deepEqual(r.stats, { listed: 4, fetched: 1, unchanged: 3, removed: 1, failed: 0 });
    assert.equal(c.listings(), 2, 'a deletion was seen: listed once more');
    assert.equal(r.workspace?.totalConversations, 5, 'c0 kept, c5 removed');
  });

  it('a listing that fails part-way removes nothing and reports the error; what was read is kept', async () => {
    const ws = Array.from({ length: 6 }, (_, i) => conv(i));
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: pagedConnector(() => ws).connector, state, now: NOW });
    const before = await state.loadConversationStates();
    const failing = pagedConnector(() => ws.slice(0, 3), { failAtPage: 1 });
    const r = await syncUsage({ connector: failing.connector, state, now: NOW });
    assert.equal(r.availability.status, 'error');
    assert.equal(r.availability.code, 'UNEXPECTED_RESPONSE');
    assert.equal(r.workspace, null);
    assert.equal(r.usageFor('ag_0'), null);
    assert.deepEqual(await state.loadConversationStates(), before, 'nothing removed');
    assert.equal(failing.log.filter((l) => l.startsWith('history')).length, 0, 'page 0 was unchanged');
  });

  it('a record seen again newer on a later page is fetched once, with its newest updated_at stored', async () => {
    const ws = Array.from({ length: 4 }, (_, i) => conv(i));
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector: pagedConnector(() => ws).connector, state, now: NOW });
    // Shifted pages: c0 listed unchanged on page 0, then again, updated, on page 2.
    const newer = conv(0, '2026-11-27T10:00:00Z');
    const c = pagedConnector(() => [...ws, newer]);
    const r = await syncUsage({ connector: c.connector, state, now: NOW });
    assert.deepEqual(
      c.log.filter((l) => l.startsWith('history')),
      ['history c0'],
    );
    assert.deepEqual(r.stats, { listed: 4, fetched: 1, unchanged: 3, removed: 0, failed: 0 });
    assert.equal((await state.loadConversationStates()).get('c0')?.updatedAt, '2026-11-27T10:00:00Z');
  });

  it('a record shown newer while its history is being read keeps the older time: the next sync reads it again', async () => {
    const old = conv(0, '2026-11-20T10:05:00Z');
    const later = conv(0, '2026-11-27T10:00:00Z');
    const second: WireEntry = {
      ...later.entries[0],
      created_at: '2026-11-27T09:59:00Z',
      completed_at: '2026-11-27T09:59:30Z',
    };
    let releaseHistory!: () => void;
    const historyHeld = new Promise<void>((r) => (releaseHistory = r));
    let historyStarted!: () => void;
    const started = new Promise<void>((r) => (historyStarted = r));
    let histories = 0;
    const connector: UsageConnector = {
      async listConversations(o) {
        // Page 0 shows c0 at T1; while its history is read (as of T1: one entry), page 1 shows it at T2.
        o?.onPage?.([structuredClone(old.conversation)]);
        await started;
        o?.onPage?.([structuredClone(later.conversation)]);
        releaseHistory();
        return { items: [old.conversation, later.conversation], warnings: [] };
      },
      async getConversationHistory(id) {
        histories++;
        historyStarted();
        await historyHeld;
        return { item: { conversation_id: id, entries: old.entries }, warnings: [] };
      },
    };
    const state = createMemoryUsageStateStore();
    await syncUsage({ connector, state, now: NOW });
    assert.equal(histories, 1);
    assert.equal(
      (await state.loadConversationStates()).get('c0')?.updatedAt,
      '2026-11-20T10:05:00Z',
      'stamped with the record the history was read for, not the newer one shown meanwhile',
    );
    // The next sync lists it at T2 and reads it again: the entry added at T2 is counted.
    const next: UsageConnector = {
      async listConversations(o) {
        o?.onPage?.([structuredClone(later.conversation)]);
        return { items: [later.conversation], warnings: [] };
      },
      async getConversationHistory(id) {
        return { item: { conversation_id: id, entries: [...old.entries, second] }, warnings: [] };
      },
    };
    const r = await syncUsage({ connector: next, state, now: NOW });
    assert.equal(r.stats.fetched, 1);
    assert.equal(r.workspace?.totalConversations, 1);
    assert.equal((await state.loadConversationStates()).get('c0')?.updatedAt, '2026-11-27T10:00:00Z');
  });

  it('an invalid key met while the listing streams stops the fetches and reports an error, not numbers', async () => {
    const ws = Array.from({ length: 8 }, (_, i) => conv(i));
    const c = pagedConnector(() => ws);
    c.connector.getConversationHistory = async () => {
      throw new AppError('INVALID_API_KEY', 'The key was refused.');
    };
    const r = await syncUsage({
      connector: c.connector,
      state: createMemoryUsageStateStore(),
      now: NOW,
      concurrency: 1,
    });
    assert.equal(r.availability.status, 'error');
    assert.equal(r.availability.code, 'INVALID_API_KEY');
    assert.equal(r.workspace, null);
    assert.equal(r.stats.failed, 8, 'the one refused and the seven never attempted');
  });
});
