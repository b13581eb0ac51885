/** Plain-text rendering helpers. Workspace data is untrusted: control characters never reach a terminal. */
import { INVISIBLE } from './text-invisible.ts';

const TERMINAL_UNSAFE = new RegExp(`[\\t\\n]|${INVISIBLE.source}`, 'gu');

/** Removes control characters (terminal escapes, newlines) from untrusted text and shortens it. */
export function safeText(v: unknown, max = 60): string {
  // Control characters (terminal escapes, newlines) and invisible format characters (bidi
  // overrides, zero-width), which could make a name look like something else: the characters the
  // exports reveal (src/shared/text-invisible.ts), and TAB and LF too.
  const s = String(v ?? '').replace(TERMINAL_UNSAFE, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A left-aligned text table with a header rule. */
export function formatTable(headers: string[], rawRows: string[][]): string {
  // No cell can carry a terminal escape or an invisible character, whoever forgot to pass it through
  // safeText (ids and statuses from a remote server are as untrusted as workspace names).
  const rows = rawRows.map((r) => r.map((c) => (c ?? '').replace(TERMINAL_UNSAFE, ' ')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
