/**
 * Small pure helpers of the agent page (unit-tested): tool labels from the raw wire JSON, the daily
 * usage series with the days without activity filled in, and how a changed field's value is shown.
 */
import type { Schemas } from '../../api/client';

export type UsageDay = Schemas['UsageDay'];

/** "web_search", "function lookup_order", "connector github" — as the server labels tools. */
export function toolLabel(tool: Record<string, unknown>): string {
  const type = typeof tool.type === 'string' ? tool.type : 'unknown tool';
  if (type === 'function') {
    const fn = tool.function as { name?: unknown } | undefined;
    return `function ${typeof fn?.name === 'string' ? fn.name : '(unnamed)'}`;
  }
  if (type === 'connector') {
    return `connector ${typeof tool.connector_id === 'string' ? tool.connector_id : '(no id)'}`;
  }
  return type;
}

/** A tool's description, when the wire JSON has one (functions). */
export function toolDescription(tool: Record<string, unknown>): string | null {
  const fn = tool.function as { description?: unknown } | undefined;
  return typeof fn?.description === 'string' && fn.description !== '' ? fn.description : null;
}

function dayString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The last `days` UTC days ending with `today`, one point each: a day with no entry had no activity (the
 * series is known; the server leaves such days out). Only called when usage is available.
 */
export function fillDays(
  series: readonly UsageDay[],
  today: Date,
  days = 90,
): { day: string; runs: number; conversations: number }[] {
  const byDay = new Map(series.map((d) => [d.day, d]));
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const out: { day: string; runs: number; conversations: number }[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = dayString(new Date(end - i * 86_400_000));
    const d = byDay.get(day);
    out.push({ day, runs: d?.runs ?? 0, conversations: d?.conversations ?? 0 });
  }
  return out;
}

/** Whether a changed value is long text, shown as a line diff rather than side by side. */
export function isLongText(before: unknown, after: unknown): boolean {
  const texts = [before, after].filter((v): v is string => typeof v === 'string');
  if (texts.length === 0) return false;
  if ([before, after].some((v) => v !== null && v !== undefined && typeof v !== 'string')) return false;
  return texts.some((t) => t.length > 80 || t.includes('\n'));
}

/** A changed value as text: strings as they are, absent as "(none)", anything else as indented JSON. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return JSON.stringify(value, null, 2);
}

/**
 * The two texts to diff line by line, or null when the values read better side by side: long or
 * multi-line strings, and JSON on both sides that spans several lines (tools, guardrails).
 */
export function lineDiffTexts(before: unknown, after: unknown): { before: string; after: string } | null {
  if (isLongText(before, after)) {
    return {
      before: typeof before === 'string' ? before : '',
      after: typeof after === 'string' ? after : '',
    };
  }
  const json = (v: unknown) => typeof v === 'object' && v !== null;
  if (json(before) && json(after)) {
    const a = valueText(before);
    const b = valueText(after);
    if (a.includes('\n') || b.includes('\n')) return { before: a, after: b };
  }
  return null;
}
