/**
 * Value helpers for change tracking: canonical JSON (key order never makes a difference),
 * secret redaction inside tools, and a summary of instructions that never carries their text.
 */
import { createHash } from 'node:crypto';
import type { WireTool } from '../shared/mistral-wire.ts';

import { redactTool } from '../inventory/redact.ts';
import { safeText } from '../shared/text.ts';

export { REDACTED, redactTool } from '../inventory/redact.ts';

/** JSON with object keys sorted at every level; `undefined` members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Keys whose string values are credentials wherever they appear in a tool object. */
/** A short name for a tool, for summaries: "web_search", "function:lookup_order", "connector:gmail". */
export function toolLabel(tool: WireTool): string {
  switch (tool.type) {
    case 'function':
      return `function:${String(tool.function?.name ?? '?')}`;
    case 'connector':
      return `connector:${String(tool.connector_id ?? '?')}`;
    default:
      return String(tool.type);
  }
}

/** Tools in a canonical order (tool order carries no meaning), redacted. */
export function normalizeTools(tools: readonly WireTool[]): WireTool[] {
  return tools
    .map(redactTool)
    .map((t) => ({ t, key: canonicalJson(t) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.t);
}

export interface InstructionsSummary {
  length: number;
  /** First 12 hex characters of the SHA-256 of the text: tells versions apart, does not reveal them. */
  sha256: string;
}

/**
 * Instructions are summarised, never copied into events: they can hold secrets (that is a rule of
 * its own), and the event log is kept longer and shown more widely than the inventory.
 */
export function summarizeInstructions(text: string | null): InstructionsSummary | null {
  if (text === null) return null;
  return { length: text.length, sha256: createHash('sha256').update(text).digest('hex').slice(0, 12) };
}

/** Workspace names are untrusted: one line, no control characters, at most 80 characters. */
export function displayName(name: string | null | undefined, fallback: string): string {
  const raw = typeof name === 'string' && name.trim() ? name : fallback;
  const clean = safeText(raw, 1000).replace(/\s+/g, ' ').trim();
  return clean.length > 80 ? `${clean.slice(0, 79)}…` : clean;
}
