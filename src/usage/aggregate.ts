/**
 * From stored totals to the public usage shapes (src/inventory/types.ts). Definitions: docs/metrics.md.
 */
import type { AgentUsage, ToolUsageCounters, WorkspaceUsage } from '../inventory/types.ts';
import { copyByName } from './counters.ts';
import type { AgentUsageTotals, UsageTotals } from './types.ts';

const DAY_MS = 86_400_000;

/** docs/metrics.md § Last 90 days: the 90 UTC days ending with today's (today and the 89 before). */
export const RECENT_WINDOW_DAYS = 90;

/** First UTC day ('YYYY-MM-DD') of the `days`-day window ending on now's UTC day. */
export function windowStartDay(now: Date, days: number): string {
  return new Date(now.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

/** docs/metrics.md § Average latency: mean in ms, rounded to the nearest ms; null without samples. */
export function averageLatencyMs(sumMs: number, count: number): number | null {
  return count > 0 ? Math.round(sumMs / count) : null;
}

function toolCounters(t: AgentUsageTotals | undefined | null): ToolUsageCounters {
  return {
    totalRuns: t?.runs ?? 0,
    totalConversations: t?.conversations ?? 0,
    avgLatencyMs: t ? averageLatencyMs(t.latencySumMs, t.latencyCount) : null,
    codeInterpreterCalls: t?.codeInterpreterCalls ?? 0,
    fileSearchCalls: t?.fileSearchCalls ?? 0,
    webSearchCalls: t?.webSearchCalls ?? 0,
    imageGenerationCalls: t?.imageGenerationCalls ?? 0,
    functionCalls: t?.functionCalls ?? 0,
  };
}

/** One agent's usage from its all-time totals and its totals since the 90-day cut-off. */
export function toAgentUsage(
  all: AgentUsageTotals | undefined,
  recent: AgentUsageTotals | undefined,
): AgentUsage {
  return {
    ...toolCounters(all),
    lastActivityAt: all?.lastEntryAt ?? null,
    last90Days: {
      ...toolCounters(recent),
      functionCallsByName: copyByName(recent?.functionCallsByName ?? {}),
      toolExecutionsByName: copyByName(recent?.toolExecutionsByName ?? {}),
    },
  };
}

/** Usage of an agent with no activity while usage is available: zeros (the product document says so). */
export function emptyAgentUsage(): AgentUsage {
  return toAgentUsage(undefined, undefined);
}

/** Every agent seen in the totals (all-time keys; the recent totals are a subset). */
export function buildAgentUsage(all: UsageTotals, recent: UsageTotals): Map<string, AgentUsage> {
  const out = new Map<string, AgentUsage>();
  for (const [agentId, totals] of all.byAgent)
    out.set(agentId, toAgentUsage(totals, recent.byAgent.get(agentId)));
  return out;
}

/** docs/metrics.md § Workspace usage. */
export function buildWorkspaceUsage(all: UsageTotals): WorkspaceUsage {
  const modelConversations = all.modelOnly?.conversations ?? 0;
  return {
    totalConversations: all.totalConversations,
    agentConversations: Math.max(0, all.totalConversations - modelConversations),
    modelConversations,
    modelOnlyRuns: all.modelOnly?.runs ?? 0,
    tokenUsage: 'not available from the Mistral API',
  };
}
