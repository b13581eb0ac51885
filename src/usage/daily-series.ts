/**
 * Daily usage series for charts (docs/metrics.md § Daily series): one point per UTC day of the
 * window, by entry time, days without activity filled with zeros.
 */
import { averageLatencyMs, RECENT_WINDOW_DAYS, windowStartDay } from './aggregate.ts';
import type { UsageStateStore } from './types.ts';

export interface DailySeriesPoint {
  /** UTC day, 'YYYY-MM-DD'. */
  day: string;
  runs: number;
  /** Distinct conversations with activity of the agent that day. */
  conversations: number;
  /** Mean latency of that day's message.output entries with both times; null when none. */
  avgLatencyMs: number | null;
  codeInterpreterCalls: number;
  fileSearchCalls: number;
  webSearchCalls: number;
  imageGenerationCalls: number;
  functionCalls: number;
}

const DAY_MS = 86_400_000;

/**
 * The last `days` UTC days (default 90) ending with now's day, ascending, for one agent
 * (agentId null = model-only activity).
 */
export async function loadDailySeries(
  state: Pick<UsageStateStore, 'loadDailySeries'>,
  agentId: string | null,
  options: { now: Date; days?: number },
): Promise<DailySeriesPoint[]> {
  const days = Math.max(1, Math.floor(options.days ?? RECENT_WINDOW_DAYS));
  const since = windowStartDay(options.now, days);
  const stored = new Map((await state.loadDailySeries(agentId, since)).map((p) => [p.day, p]));
  const start = Date.parse(`${since}T00:00:00Z`);
  const out: DailySeriesPoint[] = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    const p = stored.get(day);
    out.push({
      day,
      runs: p?.runs ?? 0,
      conversations: p?.conversations ?? 0,
      avgLatencyMs: p ? averageLatencyMs(p.latencySumMs, p.latencyCount) : null,
      codeInterpreterCalls: p?.codeInterpreterCalls ?? 0,
      fileSearchCalls: p?.fileSearchCalls ?? 0,
      webSearchCalls: p?.webSearchCalls ?? 0,
      imageGenerationCalls: p?.imageGenerationCalls ?? 0,
      functionCalls: p?.functionCalls ?? 0,
    });
  }
  return out;
}
