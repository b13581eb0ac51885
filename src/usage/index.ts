/** Usage metrics from the Conversations API (definitions: docs/metrics.md). */
export type * from './types.ts';
export { conversationContribution, conversationState, TOOL_COUNTER_BY_NAME, utcDay } from './contribution.ts';
export { createMemoryUsageStateStore } from './memory-state-store.ts';
export {
  RECENT_WINDOW_DAYS,
  averageLatencyMs,
  buildAgentUsage,
  buildWorkspaceUsage,
  emptyAgentUsage,
  toAgentUsage,
  windowStartDay,
} from './aggregate.ts';
export { syncUsage } from './sync-usage.ts';
export type {
  SyncUsageOptions,
  SyncUsageResult,
  SyncUsageStats,
  UsageConnector,
  UsageLogEvent,
} from './sync-usage.ts';
export { loadDailySeries } from './daily-series.ts';
export type { DailySeriesPoint } from './daily-series.ts';
