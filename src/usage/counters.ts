/**
 * Small helpers over UsageCounters shared by the contribution, the in-memory store and the
 * aggregation. Counter names are keys taken from workspace data (tool and function names), so
 * they are written with defineProperty: a name such as "__proto__" stays an ordinary key.
 */
import type { UsageCounters } from './types.ts';

export function emptyCounters(): UsageCounters {
  return {
    runs: 0,
    latencySumMs: 0,
    latencyCount: 0,
    codeInterpreterCalls: 0,
    fileSearchCalls: 0,
    webSearchCalls: 0,
    imageGenerationCalls: 0,
    functionCalls: 0,
    functionCallsByName: {},
    toolExecutionsByName: {},
  };
}

/** Adds `n` to `record[key]`, safely for any key string. */
export function bump(record: Record<string, number>, key: string, n = 1): void {
  const current = Object.prototype.hasOwnProperty.call(record, key) ? record[key] : 0;
  Object.defineProperty(record, key, {
    value: current + n,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A copy of a by-name record, safe for any key. */
export function copyByName(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) bump(out, k, v);
  return out;
}

/** target += source, field by field (by-name records merged). */
export function addCounters(target: UsageCounters, source: UsageCounters): void {
  target.runs += source.runs;
  target.latencySumMs += source.latencySumMs;
  target.latencyCount += source.latencyCount;
  target.codeInterpreterCalls += source.codeInterpreterCalls;
  target.fileSearchCalls += source.fileSearchCalls;
  target.webSearchCalls += source.webSearchCalls;
  target.imageGenerationCalls += source.imageGenerationCalls;
  target.functionCalls += source.functionCalls;
  for (const [k, v] of Object.entries(source.functionCallsByName)) bump(target.functionCallsByName, k, v);
  for (const [k, v] of Object.entries(source.toolExecutionsByName)) bump(target.toolExecutionsByName, k, v);
}

/** The later of two ISO instants (both normalised by toISOString, so string order = time order). */
export function laterIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}
