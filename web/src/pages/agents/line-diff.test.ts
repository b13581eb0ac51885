import { describe, expect, it } from 'vitest';
import { diffLines, diffStats, MAX_CELLS, splitLines, type DiffLine } from './line-diff';

/** The diff in a compact form: " a", "-b", "+c". */
const compact = (lines: DiffLine[]) =>
  lines.map((l) => `${l.kind === 'same' ? ' ' : l.kind === 'removed' ? '-' : '+'}${l.text}`);

/** Rebuilds both texts from a diff (every correct diff must do this). */
function rebuild(lines: DiffLine[]) {
  return {
    before: lines.filter((l) => l.kind !== 'added').map((l) => l.text),
    after: lines.filter((l) => l.kind !== 'removed').map((l) => l.text),
  };
}

describe('diffLines', () => {
  it('identical texts are all kept, with their line numbers', () => {
    const d = diffLines('a\nb', 'a\nb');
    expect(d).toEqual([
      { kind: 'same', text: 'a', before: 1, after: 1 },
      { kind: 'same', text: 'b', before: 2, after: 2 },
    ]);
    expect(diffStats(d)).toEqual({ removed: 0, added: 0 });
  });

  it('one changed line in the middle is one removal and one addition', () => {
    const d = diffLines(
      'You are helpful.\nNever share secrets.\nBe brief.',
      'You are helpful.\nShare anything.\nBe brief.',
    );
    expect(compact(d)).toEqual([
      ' You are helpful.',
      '-Never share secrets.',
      '+Share anything.',
      ' Be brief.',
    ]);
    expect(d[2]).toEqual({ kind: 'added', text: 'Share anything.', after: 2 });
    expect(d[3]).toEqual({ kind: 'same', text: 'Be brief.', before: 3, after: 3 });
  });

  it('insertions and deletions keep the common lines aligned', () => {
    const d = diffLines('a\nb\nc\nd', 'a\nx\nc\nd\ne');
    expect(compact(d)).toEqual([' a', '-b', '+x', ' c', ' d', '+e']);
    expect(diffStats(d)).toEqual({ removed: 1, added: 2 });
  });

  it('from and to nothing', () => {
    expect(compact(diffLines('', 'a\nb'))).toEqual(['+a', '+b']);
    expect(compact(diffLines('a', ''))).toEqual(['-a']);
    expect(diffLines('', '')).toEqual([]);
  });

  it('normalises line endings', () => {
    expect(splitLines('a\r\nb\rc')).toEqual(['a', 'b', 'c']);
    expect(diffStats(diffLines('a\r\nb', 'a\nb'))).toEqual({ removed: 0, added: 0 });
  });

  it('finds a longest common subsequence (moved block)', () => {
    const before = ['1', '2', '3', '4', '5', '6'].join('\n');
    const after = ['4', '5', '6', '1', '2', '3'].join('\n');
    const d = diffLines(before, after);
    expect(d.filter((l) => l.kind === 'same')).toHaveLength(3);
    expect(rebuild(d)).toEqual({ before: before.split('\n'), after: after.split('\n') });
  });

  it('every diff rebuilds both texts (random cases)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 200; k++) {
      const gen = () => Array.from({ length: Math.floor(rand() * 12) }, () => 'abcd'[Math.floor(rand() * 4)]);
      const a = gen();
      const b = gen();
      const d = diffLines(a.join('\n'), b.join('\n'));
      const r = rebuild(d);
      expect(r.before).toEqual(a.join('\n') === '' ? [] : a);
      expect(r.after).toEqual(b.join('\n') === '' ? [] : b);
    }
  });

  it('a huge input is not aligned past the cap but still complete', () => {
    const n = Math.ceil(Math.sqrt(MAX_CELLS)) + 10;
    const a = Array.from({ length: n }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: n }, (_, i) => `b${i}`).join('\n');
    const d = diffLines(`same\n${a}`, `same\n${b}`);
    expect(d[0]).toEqual({ kind: 'same', text: 'same', before: 1, after: 1 });
    expect(diffStats(d)).toEqual({ removed: n, added: n });
  });
});
