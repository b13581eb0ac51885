/** Plain-text rendering helpers. Workspace data is untrusted: control characters never reach a terminal. */

/** Removes control characters (terminal escapes, newlines) from untrusted text and shortens it. */
export function safeText(v: unknown, max = 60): string {
  // Control characters (terminal escapes, newlines) and invisible format characters (bidi
  // overrides, zero-width), which could make a name look like something else.
  // eslint-disable-next-line no-control-regex
  const s = String(v ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/gu, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A left-aligned text table with a header rule. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
