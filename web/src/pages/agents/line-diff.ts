/**
 * A line diff for long text fields (instructions, descriptions) in the version comparison: the longest
 * common subsequence of lines, as a list of kept, removed and added lines. No dependency; O(n·m) memory
 * for the table, so inputs are capped (beyond the cap the rest is shown as removed then added).
 */

export type DiffLine =
  | { kind: 'same'; text: string; before: number; after: number }
  | { kind: 'removed'; text: string; before: number }
  | { kind: 'added'; text: string; after: number };

/** Above this many lines × lines the tail is not aligned (keeps a pathological input from freezing the page). */
export const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Lines 1-based: `before`/`after` are line numbers in the old and new text. */
export function diffLines(beforeText: string, afterText: string): DiffLine[] {
  const a = splitLines(beforeText);
  const b = splitLines(afterText);
  const out: DiffLine[] = [];

  // Common head and tail are kept as is (most edits touch a few lines in the middle).
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  for (let i = 0; i < head; i++) out.push({ kind: 'same', text: a[i], before: i + 1, after: i + 1 });

  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  const n = ma.length;
  const m = mb.length;
  if (n * m > MAX_CELLS) {
    ma.forEach((text, i) => out.push({ kind: 'removed', text, before: head + i + 1 }));
    mb.forEach((text, j) => out.push({ kind: 'added', text, after: head + j + 1 }));
  } else {
    // lcs[i][j] = length of the LCS of ma[i..] and mb[j..], in one flat array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] =
          ma[i] === mb[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) {
        out.push({ kind: 'same', text: ma[i], before: head + i + 1, after: head + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
        // Removals before additions where both keep the LCS (reads as "this line became that one").
        out.push({ kind: 'removed', text: ma[i], before: head + i + 1 });
        i++;
      } else {
        out.push({ kind: 'added', text: mb[j], after: head + j + 1 });
        j++;
      }
    }
  }

  for (let k = tail; k > 0; k--) {
    out.push({
      kind: 'same',
      text: a[a.length - k],
      before: a.length - k + 1,
      after: b.length - k + 1,
    });
  }
  return out;
}

/** How many lines were removed and added. */
export function diffStats(lines: readonly DiffLine[]): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const l of lines) {
    if (l.kind === 'removed') removed++;
    else if (l.kind === 'added') added++;
  }
  return { removed, added };
}
