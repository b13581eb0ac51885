import { describe, expect, it } from 'vitest';
import { hasInvisible, invisibleKind, revealText, splitUntrusted } from './untrusted-text';

describe('splitUntrusted', () => {
  it('cuts a right-to-left override out of a file name', () => {
    expect(splitUntrusted('invoice_\u202Etxt.exe')).toEqual([
      { kind: 'text', text: 'invoice_' },
      {
        kind: 'invisible',
        char: '\u202E',
        code: 'U+202E',
        category: 'bidi',
        description:
          'U+202E RIGHT-TO-LEFT OVERRIDE: a bidirectional control, which can reorder the text around it, shown here instead of applied',
      },
      { kind: 'text', text: 'txt.exe' },
    ]);
  });

  it('reveals every bidi, zero-width and control character of the hostile payloads, keeps TAB and LF', () => {
    const bidi = 'bidi \u202A\u202B\u202C\u202D\u202E \u2066\u2067\u2068\u2069 \u200E\u200F\u061C end';
    const codes = splitUntrusted(bidi)
      .filter((s) => s.kind === 'invisible')
      .map((s) => (s.kind === 'invisible' ? `${s.code}:${s.category}` : ''));
    expect(codes).toEqual(
      ['202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069', '200E', '200F', '061C'].map(
        (c) => `U+${c}:bidi`,
      ),
    );
    const zw = splitUntrusted('zero\u200Bwidth\u200C\u200D\u2060\uFEFFjoin');
    expect(
      zw
        .filter((s) => s.kind === 'invisible')
        .every((s) => s.kind === 'invisible' && s.category === 'zero-width'),
    ).toBe(true);
    expect(zw.filter((s) => s.kind === 'invisible')).toHaveLength(5);
    expect(
      splitUntrusted('a\u0000b\u001b[31mc\u009bd\u007f')
        .filter((s) => s.kind === 'invisible')
        .map((s) => (s.kind === 'invisible' ? s.code : '')),
    ).toEqual(['U+0000', 'U+001B', 'U+009B', 'U+007F']);
    expect(splitUntrusted('line 1\n\tline 2')).toEqual([{ kind: 'text', text: 'line 1\n\tline 2' }]);
    expect(splitUntrusted('a\r\nb\rc')).toEqual([{ kind: 'text', text: 'a\nb\nc' }]);
  });

  it('keeps astral characters whole and names what it does not know by its code point', () => {
    expect(splitUntrusted('\u{1F600}')).toEqual([{ kind: 'text', text: '\u{1F600}' }]);
    const tag = splitUntrusted('x\u{E0041}y');
    expect(tag[1]).toMatchObject({ kind: 'invisible', code: 'U+E0041', category: 'format' });
    expect(tag[1].kind === 'invisible' && tag[1].description).toBe(
      'U+E0041: an invisible format character, shown here instead of applied',
    );
  });

  it('plain text is one run, the empty string none', () => {
    expect(splitUntrusted('<script>alert(1)</script>')).toEqual([
      { kind: 'text', text: '<script>alert(1)</script>' },
    ]);
    expect(splitUntrusted('')).toEqual([]);
  });
});

describe('revealText, hasInvisible, invisibleKind', () => {
  it('gives the string form for tooltips and labels', () => {
    expect(revealText('invoice_\u202Etxt.exe')).toBe('invoice_⟨U+202E⟩txt.exe');
    expect(revealText(null)).toBe('');
    expect(hasInvisible('ab\u200Bc')).toBe(true);
    expect(hasInvisible('abc')).toBe(false);
    // Called twice: no state kept between calls (a global regex's lastIndex).
    expect(hasInvisible('ab\u200Bc')).toBe(true);
    expect(invisibleKind('\u2029')).toBe('separator');
    expect(invisibleKind('\u00AD')).toBe('format');
    expect(invisibleKind('a')).toBeNull();
  });
});
