/**
 * SQL implementation of UsageStateStore (src/usage/types.ts), one per integration. Behaves like the
 * in-memory store in src/usage/memory-state-store.ts: each conversation's rows are replaced wholesale,
 * a removed conversation takes its rows with it (ON DELETE CASCADE), totals and daily series are sums
 * over rows, conversations are counted distinct. Writes are batched (jsonb_to_recordset, a few thousand
 * rows per statement), so 100,000 conversations take a few hundred statements, not 100,000.
 * `day` and `last_entry_at` are compared with the "C" collation: the same order as the in-memory store.
 */
import { AppError } from '../errors/index.ts';
import { bump, emptyCounters } from '../usage/counters.ts';
import type {
  AgentUsageTotals,
  ConversationContribution,
  ConversationState,
  DailyUsagePoint,
  LoadTotalsOptions,
  UsageCounters,
  UsageStateStore,
  UsageTotals,
} from '../usage/types.ts';
import type { Database } from './database.ts';
import { chunks } from './sql-values.ts';

const STATE_BATCH = 5000;
const ROW_BATCH = 2000;
/** Conversation states read per query by loadConversationStates. */
const STATE_PAGE = 5000;

const SUMS = `
  sum(runs)::float8 AS runs, sum(latency_sum_ms)::float8 AS latency_sum_ms,
  sum(latency_count)::float8 AS latency_count, sum(code_interpreter_calls)::float8 AS code_interpreter_calls,
  sum(file_search_calls)::float8 AS file_search_calls, sum(web_search_calls)::float8 AS web_search_calls,
  sum(image_generation_calls)::float8 AS image_generation_calls, sum(function_calls)::float8 AS function_calls,
  count(DISTINCT conversation_id)::int AS conversations`;

interface SumRow {
  runs: number;
  latency_sum_ms: number;
  latency_count: number;
  code_interpreter_calls: number;
  file_search_calls: number;
  web_search_calls: number;
  image_generation_calls: number;
  function_calls: number;
  conversations: number;
}

interface ByNameRow {
  group_key: string | null;
  kind: 'f' | 't';
  name: string;
  n: number;
}

function countersFrom(r: SumRow): UsageCounters {
  return {
    ...emptyCounters(),
    runs: r.runs,
    latencySumMs: r.latency_sum_ms,
    latencyCount: r.latency_count,
    codeInterpreterCalls: r.code_interpreter_calls,
    fileSearchCalls: r.file_search_calls,
    webSearchCalls: r.web_search_calls,
    imageGenerationCalls: r.image_generation_calls,
    functionCalls: r.function_calls,
  };
}

function addByName(target: UsageCounters, r: ByNameRow): void {
  bump(r.kind === 'f' ? target.functionCallsByName : target.toolExecutionsByName, r.name, r.n);
}

/** Same sums by name, for rows matching `where` (which uses $1.. params), grouped by `groupExpr`. */
function byNameQuery(groupExpr: string, where: string): string {
  return `
    SELECT ${groupExpr} AS group_key, 'f' AS kind, e.key AS name, sum((e.value)::numeric)::float8 AS n
    FROM usage_rows r CROSS JOIN LATERAL jsonb_each_text(r.function_calls_by_name) e
    WHERE ${where} AND r.function_calls_by_name <> '{}'::jsonb GROUP BY 1, 3
    UNION ALL
    SELECT ${groupExpr} AS group_key, 't' AS kind, e.key AS name, sum((e.value)::numeric)::float8 AS n
    FROM usage_rows r CROSS JOIN LATERAL jsonb_each_text(r.tool_executions_by_name) e
    WHERE ${where} AND r.tool_executions_by_name <> '{}'::jsonb GROUP BY 1, 3`;
}

export function createSqlUsageStateStore(db: Database, integrationId: string): UsageStateStore {
  return {
    async loadConversationStates() {
      // Read in pages (keyset on the primary key), so that 100,000 conversations never sit in one query
      // result next to the map built from it: only STATE_PAGE rows are held besides the map.
      const out = new Map<string, ConversationState>();
      let after = '';
      for (;;) {
        const { rows } = await db.query<{
          conversation_id: string;
          updated_at: string;
          created_at: string;
          agent_id: string | null;
          model: string | null;
        }>(
          `SELECT conversation_id, updated_at, created_at, agent_id, model
           FROM usage_conversations WHERE integration_id = $1 AND conversation_id > $2
           ORDER BY conversation_id LIMIT $3`,
          [integrationId, after, STATE_PAGE],
        );
        for (const r of rows) {
          out.set(r.conversation_id, {
            conversationId: r.conversation_id,
            updatedAt: r.updated_at,
            createdAt: r.created_at,
            agentId: r.agent_id,
            model: r.model,
          });
        }
        if (rows.length < STATE_PAGE) return out;
        after = rows[rows.length - 1].conversation_id;
      }
    },

    async applyChanges({ upserts, removals }) {
      for (const c of upserts) {
        for (const r of c.rows) {
          if (r.conversationId !== c.state.conversationId) {
            throw new AppError(
              'INTERNAL',
              `A usage row of conversation ${r.conversationId} was given with conversation ${c.state.conversationId}.`,
            );
          }
        }
      }
      // The last contribution of a conversation wins, as in the in-memory store.
      const latest = new Map<string, ConversationContribution>();
      for (const c of upserts) latest.set(c.state.conversationId, c);
      const contributions = [...latest.values()];

      await db.transaction(async (tx) => {
        for (const ids of chunks([...new Set(removals)], STATE_BATCH)) {
          await tx.query(
            'DELETE FROM usage_conversations WHERE integration_id = $1 AND conversation_id = ANY($2::text[])',
            [integrationId, ids],
          );
        }
        for (const batch of chunks(contributions, STATE_BATCH)) {
          const ids = batch.map((c) => c.state.conversationId);
          // Only conversations already known can have rows to replace: a full first sync deletes nothing.
          const { rows: known } = await tx.query<{ id: string }>(
            `SELECT conversation_id AS id FROM usage_conversations
             WHERE integration_id = $1 AND conversation_id = ANY($2::text[])`,
            [integrationId, ids],
          );
          if (known.length > 0) {
            await tx.query(
              'DELETE FROM usage_rows WHERE integration_id = $1 AND conversation_id = ANY($2::text[])',
              [integrationId, known.map((k) => k.id)],
            );
          }
          const states = batch.map((c) => ({
            conversation_id: c.state.conversationId,
            updated_at: c.state.updatedAt,
            created_at: c.state.createdAt,
            agent_id: c.state.agentId,
            model: c.state.model,
          }));
          await tx.query(
            `INSERT INTO usage_conversations (integration_id, conversation_id, updated_at, created_at, agent_id, model)
             SELECT $1, x.conversation_id, x.updated_at, x.created_at, x.agent_id, x.model
             FROM jsonb_to_recordset($2::jsonb)
               AS x(conversation_id text, updated_at text, created_at text, agent_id text, model text)
             ON CONFLICT (integration_id, conversation_id) DO UPDATE SET
               updated_at = EXCLUDED.updated_at, created_at = EXCLUDED.created_at,
               agent_id = EXCLUDED.agent_id, model = EXCLUDED.model`,
            [integrationId, JSON.stringify(states)],
          );
        }
        const rows = contributions.flatMap((c) =>
          c.rows.map((r) => ({
            conversation_id: r.conversationId,
            agent_id: r.agentId,
            day: r.day,
            runs: r.runs,
            latency_sum_ms: r.latencySumMs,
            latency_count: r.latencyCount,
            code_interpreter_calls: r.codeInterpreterCalls,
            file_search_calls: r.fileSearchCalls,
            web_search_calls: r.webSearchCalls,
            image_generation_calls: r.imageGenerationCalls,
            function_calls: r.functionCalls,
            function_calls_by_name: r.functionCallsByName,
            tool_executions_by_name: r.toolExecutionsByName,
            last_entry_at: r.lastEntryAt,
          })),
        );
        for (const batch of chunks(rows, ROW_BATCH)) {
          await tx.query(
            `INSERT INTO usage_rows (integration_id, conversation_id, agent_id, day, runs, latency_sum_ms,
               latency_count, code_interpreter_calls, file_search_calls, web_search_calls, image_generation_calls,
               function_calls, function_calls_by_name, tool_executions_by_name, last_entry_at)
             SELECT $1, x.conversation_id, x.agent_id, x.day, x.runs, x.latency_sum_ms, x.latency_count,
               x.code_interpreter_calls, x.file_search_calls, x.web_search_calls, x.image_generation_calls,
               x.function_calls, x.function_calls_by_name, x.tool_executions_by_name, x.last_entry_at
             FROM jsonb_to_recordset($2::jsonb) AS x(conversation_id text, agent_id text, day text, runs bigint,
               latency_sum_ms double precision, latency_count bigint, code_interpreter_calls bigint,
               file_search_calls bigint, web_search_calls bigint, image_generation_calls bigint,
               function_calls bigint, function_calls_by_name jsonb, tool_executions_by_name jsonb,
               last_entry_at text)`,
            [integrationId, JSON.stringify(batch)],
          );
        }
      });
    },

    async loadTotals(options: LoadTotalsOptions = {}): Promise<UsageTotals> {
      const since = options.sinceDay ?? null;
      const where = 'r.integration_id = $1 AND ($2::text IS NULL OR r.day >= $2::text)';
      const { rows } = await db.query<SumRow & { agent_id: string | null; last_entry_at: string | null }>(
        `SELECT r.agent_id, ${SUMS}, max(r.last_entry_at) AS last_entry_at
         FROM usage_rows r WHERE ${where} GROUP BY r.agent_id`,
        [integrationId, since],
      );
      const byAgent = new Map<string, AgentUsageTotals>();
      let modelOnly: AgentUsageTotals | null = null;
      for (const r of rows) {
        const totals: AgentUsageTotals = {
          ...countersFrom(r),
          conversations: r.conversations,
          lastEntryAt: r.last_entry_at,
        };
        if (r.agent_id === null) modelOnly = totals;
        else byAgent.set(r.agent_id, totals);
      }
      const { rows: names } = await db.query<ByNameRow>(byNameQuery('r.agent_id', where), [
        integrationId,
        since,
      ]);
      for (const n of names) {
        const target = n.group_key === null ? modelOnly : byAgent.get(n.group_key);
        if (target) addByName(target, n);
      }
      const { rows: count } = await db.query<{ n: number }>(
        since === null
          ? 'SELECT count(*)::int AS n FROM usage_conversations WHERE integration_id = $1'
          : `SELECT count(DISTINCT conversation_id)::int AS n FROM usage_rows r
             WHERE r.integration_id = $1 AND r.day >= $2::text`,
        since === null ? [integrationId] : [integrationId, since],
      );
      return { byAgent, modelOnly, totalConversations: count[0]?.n ?? 0 };
    },

    async loadDailySeries(agentId, sinceDay) {
      const where =
        'r.integration_id = $1 AND r.agent_id IS NOT DISTINCT FROM $2::text AND r.day >= $3::text';
      const params = [integrationId, agentId, sinceDay];
      const { rows } = await db.query<SumRow & { day: string }>(
        `SELECT r.day, ${SUMS} FROM usage_rows r WHERE ${where} GROUP BY r.day ORDER BY r.day`,
        params,
      );
      const points = new Map<string, DailyUsagePoint>();
      for (const r of rows)
        points.set(r.day, { day: r.day, conversations: r.conversations, ...countersFrom(r) });
      const { rows: names } = await db.query<ByNameRow>(byNameQuery('r.day', where), params);
      for (const n of names) {
        const p = n.group_key === null ? undefined : points.get(n.group_key);
        if (p) addByName(p, n);
      }
      return [...points.values()];
    },
  };
}
