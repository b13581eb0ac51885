import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCounters } from './counters.ts';
import { createMemoryUsageStateStore } from './memory-state-store.ts';
import type { ConversationContribution, UsageContributionRow } from './types.ts';

const row = (
  conversationId: string,
  agentId: string | null,
  day: string,
  extra: Partial<UsageContributionRow> = {},
) => ({
  conversationId,
  agentId,
  day,
  lastEntryAt: `${day}T12:00:00.000Z`,
  ...emptyCounters(),
  ...extra,
});
const contribution = (
  id: string,
  agentId: string | null,
  rows: UsageContributionRow[],
): ConversationContribution => ({
  state: { conversationId: id, updatedAt: 'u1', createdAt: '2026-01-01T00:00:00Z', agentId, model: null },
  rows,
});

describe('memory usage state store', () => {
  it('replaces rows per conversation, removes, and sums totals (all-time and since a day)', async () => {
    const store = createMemoryUsageStateStore();
    await store.applyChanges({
      upserts: [
        contribution('c1', 'a', [
          row('c1', 'a', '2026-01-01', {
            runs: 2,
            latencySumMs: 300,
            latencyCount: 2,
            toolExecutionsByName: { web_search: 1 },
          }),
          row('c1', 'a', '2026-03-01', { runs: 1, functionCalls: 1, functionCallsByName: { f: 1 } }),
          row('c1', 'b', '2026-03-01', { runs: 4 }),
        ]),
        contribution('c2', 'a', [
          row('c2', 'a', '2026-03-02', { runs: 1, toolExecutionsByName: { web_search: 2 } }),
        ]),
        contribution('m1', null, [row('m1', null, '2026-03-02', { runs: 7 })]),
      ],
      removals: [],
    });
    let t = await store.loadTotals();
    assert.equal(t.totalConversations, 3);
    const a = t.byAgent.get('a')!;
    assert.deepEqual([a.runs, a.conversations, a.latencySumMs, a.functionCalls], [4, 2, 300, 1]);
    assert.deepEqual(a.toolExecutionsByName, { web_search: 3 });
    assert.equal(a.lastEntryAt, '2026-03-02T12:00:00.000Z');
    assert.deepEqual([t.byAgent.get('b')!.runs, t.modelOnly!.runs, t.modelOnly!.conversations], [4, 7, 1]);

    const since = await store.loadTotals({ sinceDay: '2026-02-01' });
    assert.deepEqual([since.byAgent.get('a')!.runs, since.byAgent.get('a')!.conversations], [2, 2]);
    assert.deepEqual(since.byAgent.get('a')!.toolExecutionsByName, { web_search: 2 });

    const series = await store.loadDailySeries('a', '2026-02-01');
    assert.deepEqual(
      series.map((p) => [p.day, p.runs, p.conversations]),
      [
        ['2026-03-01', 1, 1],
        ['2026-03-02', 1, 1],
      ],
    );

    // replace c1 (agent b leaves it), remove m1
    await store.applyChanges({
      upserts: [contribution('c1', 'a', [row('c1', 'a', '2026-03-05', { runs: 1 })])],
      removals: ['m1'],
    });
    t = await store.loadTotals();
    assert.equal(t.totalConversations, 2);
    assert.deepEqual([t.byAgent.get('a')!.runs, t.byAgent.has('b'), t.modelOnly], [2, false, null]);
    const states = await store.loadConversationStates();
    assert.deepEqual([...states.keys()].sort(), ['c1', 'c2']);
  });

  it('does not alias what it is given or returns', async () => {
    const store = createMemoryUsageStateStore();
    const c = contribution('c1', 'a', [
      row('c1', 'a', '2026-01-01', { runs: 1, toolExecutionsByName: { x: 1 } }),
    ]);
    await store.applyChanges({ upserts: [c], removals: [] });
    c.rows[0].runs = 99;
    c.rows[0].toolExecutionsByName.x = 99;
    c.state.updatedAt = 'changed';
    const t = await store.loadTotals();
    t.byAgent.get('a')!.runs = 50;
    const again = await store.loadTotals();
    assert.deepEqual([again.byAgent.get('a')!.runs, again.byAgent.get('a')!.toolExecutionsByName.x], [1, 1]);
    assert.equal((await store.loadConversationStates()).get('c1')!.updatedAt, 'u1');
  });
});
