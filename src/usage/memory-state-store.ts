/**
 * In-memory UsageStateStore (for `trustlens scan` and tests). Behaves exactly like the SQL one
 * in src/store: rows are replaced per conversation, totals and daily series are sums over rows.
 * Everything going in or out is copied, so callers cannot alias the stored data.
 */
import { addCounters, copyByName, emptyCounters, laterIso } from './counters.ts';
import type {
  AgentUsageTotals,
  ConversationState,
  DailyUsagePoint,
  LoadTotalsOptions,
  UsageContributionRow,
  UsageStateStore,
  UsageTotals,
} from './types.ts';

function copyRow(row: UsageContributionRow): UsageContributionRow {
  return {
    ...row,
    functionCallsByName: copyByName(row.functionCallsByName),
    toolExecutionsByName: copyByName(row.toolExecutionsByName),
  };
}

function emptyTotals(): AgentUsageTotals {
  return { ...emptyCounters(), conversations: 0, lastEntryAt: null };
}

export function createMemoryUsageStateStore(): UsageStateStore {
  const states = new Map<string, ConversationState>();
  const rowsByConversation = new Map<string, UsageContributionRow[]>();

  return {
    async loadConversationStates() {
      return new Map([...states].map(([id, s]) => [id, { ...s }]));
    },

    async applyChanges({ upserts, removals }) {
      // Validate first, then mutate: the change is all-or-nothing.
      for (const c of upserts) {
        for (const r of c.rows) {
          if (r.conversationId !== c.state.conversationId) {
            throw new Error(`row of ${r.conversationId} given with conversation ${c.state.conversationId}`);
          }
        }
      }
      for (const id of removals) {
        states.delete(id);
        rowsByConversation.delete(id);
      }
      for (const c of upserts) {
        states.set(c.state.conversationId, { ...c.state });
        rowsByConversation.set(c.state.conversationId, c.rows.map(copyRow));
      }
    },

    async loadTotals(options: LoadTotalsOptions = {}): Promise<UsageTotals> {
      const since = options.sinceDay;
      const byAgent = new Map<string, AgentUsageTotals>();
      let modelOnly: AgentUsageTotals | null = null;
      const conversationsWithRows = new Set<string>();
      for (const [conversationId, rows] of rowsByConversation) {
        const seen = new Set<string | null>();
        for (const row of rows) {
          if (since !== undefined && row.day < since) continue;
          conversationsWithRows.add(conversationId);
          let t: AgentUsageTotals;
          if (row.agentId === null) {
            modelOnly ??= emptyTotals();
            t = modelOnly;
          } else {
            t = byAgent.get(row.agentId) ?? emptyTotals();
            byAgent.set(row.agentId, t);
          }
          addCounters(t, row);
          t.lastEntryAt = laterIso(t.lastEntryAt, row.lastEntryAt);
          if (!seen.has(row.agentId)) {
            seen.add(row.agentId);
            t.conversations++;
          }
        }
      }
      return {
        byAgent,
        modelOnly,
        totalConversations: since === undefined ? states.size : conversationsWithRows.size,
      };
    },

    async loadDailySeries(agentId, sinceDay) {
      const byDay = new Map<string, DailyUsagePoint & { ids: Set<string> }>();
      for (const rows of rowsByConversation.values()) {
        for (const row of rows) {
          if (row.agentId !== agentId || row.day < sinceDay) continue;
          let p = byDay.get(row.day);
          if (!p) {
            p = { day: row.day, conversations: 0, ...emptyCounters(), ids: new Set() };
            byDay.set(row.day, p);
          }
          addCounters(p, row);
          p.ids.add(row.conversationId);
        }
      }
      return [...byDay.values()]
        .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
        .map(({ ids, ...p }) => ({ ...p, conversations: ids.size }));
    },
  };
}
