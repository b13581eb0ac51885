/**
 * Usage metrics data model. Definitions (written once, in docs/metrics.md):
 * - runs: message.output entries attributed to an agent by the entry's own agent_id
 * - conversations: unique conversations where the agent has ≥1 entry or that were started with it
 * - latency: completed_at − created_at of the agent's message.output entries with both times (ms)
 * - tool calls: tool.execution entries by name (document_library = file search; web_search and
 *   web_search_premium = web search), function.call entries = function calls.
 *
 * Incremental design: each conversation contributes rows (one per agent per UTC day, plus a
 * model-only row with agentId null); a re-sync replaces a changed conversation's rows wholesale,
 * and a vanished conversation's rows are removed. Totals and daily series are sums over rows.
 */

export interface UsageCounters {
  runs: number;
  latencySumMs: number;
  latencyCount: number;
  codeInterpreterCalls: number;
  fileSearchCalls: number;
  webSearchCalls: number;
  imageGenerationCalls: number;
  functionCalls: number;
  /** function.call entries by function name. */
  functionCallsByName: Record<string, number>;
  /** tool.execution entries by tool name. */
  toolExecutionsByName: Record<string, number>;
}

/** One conversation's contribution to one agent (or to the workspace when agentId is null) on one UTC day. */
export interface UsageContributionRow extends UsageCounters {
  conversationId: string;
  /** null = model-only activity (no agent). */
  agentId: string | null;
  /** UTC day of the entries, 'YYYY-MM-DD'. */
  day: string;
  /** Latest entry time in this row (ISO), for lastActivityAt. */
  lastEntryAt: string | null;
}

/** What we remember of each conversation between syncs. */
export interface ConversationState {
  conversationId: string;
  /** updated_at as listed; a change means the history must be fetched again. */
  updatedAt: string;
  createdAt: string;
  /** The agent the conversation was started with (conversation.agent_id), if any. */
  agentId: string | null;
  /** The model of a model-only conversation, if any. */
  model: string | null;
}

export interface ConversationContribution {
  state: ConversationState;
  rows: UsageContributionRow[];
  /** Data-quality counts seen while computing the rows (not persisted; for logs/reports). */
  flags?: ContributionFlags;
}

/** Anomalies met while computing one conversation's contribution (docs/metrics.md § Data quality). */
export interface ContributionFlags {
  /** message.output entries whose completed_at is before created_at: left out of latency. */
  negativeLatency: number;
  /** Entries whose created_at is missing or unparsable: dated by the conversation's created_at. */
  undatedEntries: number;
}

/** Options of UsageStateStore.loadTotals. */
export interface LoadTotalsOptions {
  /** Only rows whose day is ≥ this UTC day ('YYYY-MM-DD', inclusive); conversations counted among those rows. */
  sinceDay?: string;
}

/**
 * Persistence for incremental usage: an in-memory implementation serves `trustlens scan`,
 * a SQL implementation (src/store) serves the server. Both must behave identically.
 */
export interface UsageStateStore {
  /** Every known conversation's state, keyed by conversation id. */
  loadConversationStates(): Promise<Map<string, ConversationState>>;
  /**
   * Atomically: replace the rows of each upserted conversation, and delete the state and rows of each
   * removed conversation id.
   */
  applyChanges(changes: { upserts: ConversationContribution[]; removals: string[] }): Promise<void>;
  /**
   * Sum of every row per agent id (null key = model-only), plus distinct conversation counts.
   * With `sinceDay`, only rows with day ≥ sinceDay, and totalConversations = distinct conversations
   * having such a row; without it, totalConversations = number of stored conversation states.
   */
  loadTotals(options?: LoadTotalsOptions): Promise<UsageTotals>;
  /**
   * Daily sums for one agent (or null for model-only) since a UTC day (inclusive), ascending by day,
   * only days with at least one row; `conversations` = distinct conversations with a row that day.
   */
  loadDailySeries(agentId: string | null, sinceDay: string): Promise<DailyUsagePoint[]>;
}

export interface AgentUsageTotals extends UsageCounters {
  /** Distinct conversations with a row for this agent (started-with agents get a zero row). */
  conversations: number;
  lastEntryAt: string | null;
}

export interface UsageTotals {
  byAgent: Map<string, AgentUsageTotals>;
  modelOnly: AgentUsageTotals | null;
  totalConversations: number;
}

export interface DailyUsagePoint extends UsageCounters {
  day: string;
  conversations: number;
}
