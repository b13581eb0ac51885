/**
 * The SQL UsageStateStore on both back ends: known numbers (replace rows, removals, totals, distinct
 * conversations, daily series, sinceDay), then parity with the in-memory store over a seeded random
 * sequence of syncs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqlUsageStateStore, createStore, type Database, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { createMemoryUsageStateStore } from '../src/usage/index.ts';
import type { ConversationContribution, UsageStateStore, UsageTotals } from '../src/usage/types.ts';
import { contribution, testKeyring, usageRow } from './store-fixtures.ts';

function plainTotals(t: UsageTotals) {
  return {
    byAgent: Object.fromEntries([...t.byAgent].sort(([a], [b]) => (a < b ? -1 : 1))),
    modelOnly: t.modelOnly,
    totalConversations: t.totalConversations,
  };
}

/** A tiny deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomContribution(
  rand: () => number,
  conversationId: string,
  version: number,
): ConversationContribution {
  const agents = ['ag_a', 'ag_b', 'ag_c', '__proto__'];
  const starter = rand() < 0.2 ? null : agents[Math.floor(rand() * agents.length)];
  const rows = [];
  const n = starter === null ? 1 : 1 + Math.floor(rand() * 3);
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const agentId = starter === null ? null : i === 0 ? starter : agents[Math.floor(rand() * agents.length)];
    const day = `2026-01-${String(1 + Math.floor(rand() * 9)).padStart(2, '0')}`;
    const key = `${agentId}|${day}`;
    if (used.has(key)) continue;
    used.add(key);
    const fn: Record<string, number> = rand() < 0.5 ? { lookup: 1 + Math.floor(rand() * 3) } : {};
    const tools: Record<string, number> =
      rand() < 0.5 ? { web_search: 1, constructor: Math.floor(rand() * 2) } : { code_interpreter: 2 };
    rows.push(
      usageRow(conversationId, agentId, day, {
        runs: Math.floor(rand() * 5),
        latencySumMs: Math.floor(rand() * 10000) + 0.5,
        latencyCount: Math.floor(rand() * 4),
        codeInterpreterCalls: tools.code_interpreter ?? 0,
        webSearchCalls: tools.web_search ?? 0,
        functionCalls: fn.lookup ?? 0,
        functionCallsByName: fn,
        toolExecutionsByName: tools,
        lastEntryAt:
          rand() < 0.1
            ? null
            : `${day}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:00:00.${version}Z`,
      }),
    );
  }
  return contribution(conversationId, starter, rows, `2026-01-10T00:00:0${version}Z`);
}

for (const backend of testBackends()) {
  describe(`SQL usage state store (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    async function usageFor(name: string): Promise<UsageStateStore> {
      const id = (await store.integrations.create({ name, apiKey: `sk-usage-${name}-000000` })).id;
      return store.usage(id);
    }

    it('stores conversation states and replaces a conversation rows wholesale', async () => {
      const usage = await usageFor('replace');
      assert.equal((await usage.loadConversationStates()).size, 0);
      await usage.applyChanges({
        upserts: [
          contribution('c1', 'ag1', [
            usageRow('c1', 'ag1', '2026-01-01', {
              runs: 2,
              latencySumMs: 300,
              latencyCount: 2,
              functionCalls: 1,
              functionCallsByName: { search: 1 },
            }),
            usageRow('c1', 'ag2', '2026-01-02', {
              runs: 1,
              webSearchCalls: 2,
              toolExecutionsByName: { web_search: 1, web_search_premium: 1 },
            }),
          ]),
          contribution('c2', 'ag1', [
            usageRow('c2', 'ag1', '2026-01-02', { runs: 3, latencySumMs: 900, latencyCount: 3 }),
          ]),
          contribution('c3', null, [
            usageRow('c3', null, '2026-01-03', { runs: 4, latencyCount: 0, latencySumMs: 0 }),
          ]),
          // Started with ag3, which never answered: a zero row still counts the conversation.
          contribution('c4', 'ag3', [
            usageRow('c4', 'ag3', '2026-01-03', {
              runs: 0,
              latencyCount: 0,
              latencySumMs: 0,
              lastEntryAt: null,
            }),
          ]),
        ],
        removals: [],
      });
      const states = await usage.loadConversationStates();
      assert.deepEqual(states.get('c3'), {
        conversationId: 'c3',
        updatedAt: '2026-01-01T00:00:00Z',
        createdAt: '2026-01-01T00:00:00Z',
        agentId: null,
        model: 'mistral-small',
      });
      assert.equal(states.size, 4);

      let totals = await usage.loadTotals();
      assert.equal(totals.totalConversations, 4);
      const ag1 = totals.byAgent.get('ag1');
      assert.deepEqual(
        [
          ag1?.runs,
          ag1?.conversations,
          ag1?.latencySumMs,
          ag1?.latencyCount,
          ag1?.functionCalls,
          ag1?.functionCallsByName,
          ag1?.lastEntryAt,
        ],
        [5, 2, 1200, 5, 1, { search: 1 }, '2026-01-02T12:00:00.000Z'],
      );
      assert.deepEqual(totals.byAgent.get('ag2')?.toolExecutionsByName, {
        web_search: 1,
        web_search_premium: 1,
      });
      assert.equal(totals.byAgent.get('ag2')?.webSearchCalls, 2);
      assert.deepEqual(
        [totals.byAgent.get('ag3')?.conversations, totals.byAgent.get('ag3')?.lastEntryAt],
        [1, null],
      );
      assert.deepEqual([totals.modelOnly?.runs, totals.modelOnly?.conversations], [4, 1]);

      // c1 changes: its old rows are replaced, not added to.
      await usage.applyChanges({
        upserts: [
          contribution(
            'c1',
            'ag1',
            [usageRow('c1', 'ag1', '2026-01-05', { runs: 1 })],
            '2026-01-06T00:00:00Z',
          ),
        ],
        removals: [],
      });
      totals = await usage.loadTotals();
      assert.equal(totals.byAgent.get('ag1')?.runs, 4);
      assert.equal(totals.byAgent.has('ag2'), false, 'ag2 only had rows in the old c1');
      assert.deepEqual(totals.byAgent.get('ag1')?.functionCallsByName, {});
      assert.equal((await usage.loadConversationStates()).get('c1')?.updatedAt, '2026-01-06T00:00:00Z');
      assert.equal(totals.totalConversations, 4);
    });

    it('removes vanished conversations from states and totals', async () => {
      const usage = await usageFor('removals');
      await usage.applyChanges({
        upserts: [
          contribution('c1', 'ag1', [usageRow('c1', 'ag1', '2026-01-01')]),
          contribution('c2', 'ag1', [usageRow('c2', 'ag1', '2026-01-01')]),
          contribution('c3', null, [usageRow('c3', null, '2026-01-01')]),
        ],
        removals: [],
      });
      await usage.applyChanges({ upserts: [], removals: ['c2', 'c3', 'never-seen'] });
      const totals = await usage.loadTotals();
      assert.deepEqual([...(await usage.loadConversationStates()).keys()], ['c1']);
      assert.deepEqual(
        [
          totals.totalConversations,
          totals.byAgent.get('ag1')?.runs,
          totals.byAgent.get('ag1')?.conversations,
        ],
        [1, 1, 1],
      );
      assert.equal(totals.modelOnly, null);
    });

    it('is atomic: a bad contribution changes nothing', async () => {
      const usage = await usageFor('atomic');
      await usage.applyChanges({
        upserts: [contribution('c1', 'ag1', [usageRow('c1', 'ag1', '2026-01-01')])],
        removals: [],
      });
      await assert.rejects(() =>
        usage.applyChanges({
          upserts: [
            contribution('c2', 'ag1', [usageRow('c2', 'ag1', '2026-01-01')]),
            contribution('c3', 'ag1', [usageRow('cX', 'ag1', '2026-01-01')]),
          ],
          removals: ['c1'],
        }),
      );
      assert.deepEqual([...(await usage.loadConversationStates()).keys()], ['c1']);
    });

    it('rolls back everything when the database refuses a row', async () => {
      const usage = await usageFor('rollback');
      await usage.applyChanges({
        upserts: [contribution('c1', 'ag1', [usageRow('c1', 'ag1', '2026-01-01')])],
        removals: [],
      });
      await assert.rejects(() =>
        usage.applyChanges({
          upserts: [contribution('c2', 'ag1', [usageRow('c2', 'ag1', '2026-01-01', { runs: 1.5 })])],
          removals: ['c1'],
        }),
      );
      assert.deepEqual([...(await usage.loadConversationStates()).keys()], ['c1']);
      assert.equal((await usage.loadTotals()).byAgent.get('ag1')?.runs, 1);
    });

    it('writes in batches: 20,000 conversations take a few dozen statements, not 20,000', async () => {
      const id = (await store.integrations.create({ name: 'batching', apiKey: 'sk-usage-batching-000000' }))
        .id;
      const statements: string[] = [];
      const counting = (db: Database): Database => ({
        ...db,
        query: (sql, params) => {
          statements.push(sql);
          return db.query(sql, params);
        },
        transaction: (fn) => db.transaction((tx) => fn(counting(tx))),
      });
      const usage = createSqlUsageStateStore(counting(t.db), id);
      const n = 20000;
      const upserts = Array.from({ length: n }, (_, i) =>
        contribution(`c${i}`, `ag${i % 7}`, [
          usageRow(`c${i}`, `ag${i % 7}`, '2026-01-01'),
          usageRow(`c${i}`, 'ag_h', '2026-01-02'),
        ]),
      );
      await usage.applyChanges({ upserts, removals: [] });
      const first = statements.length;
      assert.ok(first <= 3 * (n / 5000) + (2 * n) / 2000 + 2, `first sync: ${first} statements`);
      statements.length = 0;
      // Second sync: 1% changed, 1% gone.
      await usage.applyChanges({
        upserts: upserts.slice(0, n / 100),
        removals: upserts.slice(n / 100, n / 50).map((c) => c.state.conversationId),
      });
      assert.ok(statements.length <= 6, `incremental sync: ${statements.length} statements`);
      const totals = await usage.loadTotals();
      assert.equal(totals.totalConversations, n - n / 100);
      assert.equal(totals.byAgent.get('ag_h')?.conversations, n - n / 100);
      assert.equal(
        totals.byAgent.get('ag0')?.runs,
        [...Array(n).keys()].filter((i) => i % 7 === 0 && (i < n / 100 || i >= n / 50)).length,
      );
    });

    it('computes daily series and totals since a day, with distinct conversations per day', async () => {
      const usage = await usageFor('daily');
      await usage.applyChanges({
        upserts: [
          contribution('c1', 'ag1', [
            usageRow('c1', 'ag1', '2026-01-01', { runs: 1 }),
            usageRow('c1', 'ag1', '2026-01-02', { runs: 2 }),
          ]),
          contribution('c2', 'ag1', [
            usageRow('c2', 'ag1', '2026-01-02', {
              runs: 3,
              toolExecutionsByName: { code_interpreter: 2 },
              codeInterpreterCalls: 2,
            }),
          ]),
          contribution('c3', null, [usageRow('c3', null, '2026-01-02', { runs: 7 })]),
        ],
        removals: [],
      });
      const series = await usage.loadDailySeries('ag1', '2026-01-01');
      assert.deepEqual(
        series.map((p) => [p.day, p.runs, p.conversations, p.codeInterpreterCalls, p.toolExecutionsByName]),
        [
          ['2026-01-01', 1, 1, 0, {}],
          ['2026-01-02', 5, 2, 2, { code_interpreter: 2 }],
        ],
      );
      assert.deepEqual(
        (await usage.loadDailySeries('ag1', '2026-01-02')).map((p) => p.day),
        ['2026-01-02'],
      );
      assert.deepEqual(
        (await usage.loadDailySeries(null, '2026-01-01')).map((p) => [p.day, p.runs]),
        [['2026-01-02', 7]],
      );
      assert.deepEqual(await usage.loadDailySeries('nobody', '2026-01-01'), []);
      const since = await usage.loadTotals({ sinceDay: '2026-01-02' });
      assert.deepEqual(
        [since.byAgent.get('ag1')?.runs, since.byAgent.get('ag1')?.conversations, since.totalConversations],
        [5, 2, 3],
      );
      const later = await usage.loadTotals({ sinceDay: '2026-02-01' });
      assert.deepEqual([later.byAgent.size, later.modelOnly, later.totalConversations], [0, null, 0]);
    });

    it('keeps integrations apart', async () => {
      const a = await usageFor('apart-a');
      const b = await usageFor('apart-b');
      await a.applyChanges({
        upserts: [contribution('c1', 'ag1', [usageRow('c1', 'ag1', '2026-01-01', { runs: 5 })])],
        removals: [],
      });
      await b.applyChanges({
        upserts: [contribution('c1', 'ag1', [usageRow('c1', 'ag1', '2026-01-01', { runs: 1 })])],
        removals: [],
      });
      await b.applyChanges({ upserts: [], removals: ['c1'] });
      assert.equal((await a.loadTotals()).byAgent.get('ag1')?.runs, 5);
      assert.equal((await b.loadTotals()).totalConversations, 0);
    });

    it('behaves exactly like the in-memory store over a random sequence of syncs', async () => {
      const sql = await usageFor('parity');
      const memory = createMemoryUsageStateStore();
      const rand = rng(20260128);
      let live: string[] = [];
      let next = 0;
      for (let sync = 1; sync <= 5; sync++) {
        const upserts: ConversationContribution[] = [];
        const removals: string[] = [];
        for (let i = 0; i < 60; i++) {
          const id = `conv-${next++}`;
          upserts.push(randomContribution(rand, id, sync));
          live.push(id);
        }
        for (const id of live) {
          const r = rand();
          if (r < 0.1) removals.push(id);
          else if (r < 0.25 && !upserts.some((u) => u.state.conversationId === id))
            upserts.push(randomContribution(rand, id, sync));
        }
        live = live.filter((id) => !removals.includes(id));
        await sql.applyChanges({ upserts, removals });
        await memory.applyChanges({ upserts, removals });

        assert.deepEqual(
          await sql.loadConversationStates(),
          await memory.loadConversationStates(),
          `states, sync ${sync}`,
        );
        assert.deepEqual(
          plainTotals(await sql.loadTotals()),
          plainTotals(await memory.loadTotals()),
          `totals, sync ${sync}`,
        );
        assert.deepEqual(
          plainTotals(await sql.loadTotals({ sinceDay: '2026-01-05' })),
          plainTotals(await memory.loadTotals({ sinceDay: '2026-01-05' })),
          `totals since, sync ${sync}`,
        );
        for (const agentId of ['ag_a', '__proto__', null]) {
          assert.deepEqual(
            await sql.loadDailySeries(agentId, '2026-01-03'),
            await memory.loadDailySeries(agentId, '2026-01-03'),
            `daily ${agentId}, sync ${sync}`,
          );
        }
      }
      const totals = await sql.loadTotals();
      assert.ok(
        totals.byAgent.has('__proto__') && totals.byAgent.size === 4 && totals.modelOnly !== null,
        'the sequence covers every case',
      );
    });
  });
}
