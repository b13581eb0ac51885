/**
 * Untrusted workspace text (agent names, descriptions, instructions, tool, library, file and model
 * names, anything a finding quotes of them) as the console shows it: characters that are invisible or
 * that reorder their neighbours are revealed as ⟨U+XXXX⟩ markers, never obeyed. The same characters
 * as the exports and the terminal: src/shared/text-invisible.ts is the definition, which the console may
 * not import (it talks to the server over HTTP only); test/untrusted-text-parity.test.ts proves this copy
 * classifies every code point alike. Pure functions (Vitest).
 */

/**
 * C0 controls but TAB and LF, DEL, C1 controls, the line/paragraph separators and every format
 * character (Unicode Cf: bidi embeddings, overrides and isolates, zero-width characters, the BOM, …).
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/gu;
const ONE_INVISIBLE = new RegExp(`^(?:${INVISIBLE.source})$`, 'u');

export type InvisibleKind = 'bidi' | 'zero-width' | 'control' | 'separator' | 'format';

const BIDI = /^[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]$/u;
const ZERO_WIDTH = /^[\u200b-\u200d\u2060\ufeff]$/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /^[\u0000-\u0008\u000b-\u001f\u007f-\u009f]$/u;

/** The kind of one character (a whole code point), or null when it is shown as it is. */
export function invisibleKind(ch: string): InvisibleKind | null {
  if (!ONE_INVISIBLE.test(ch)) return null;
  if (BIDI.test(ch)) return 'bidi';
  if (ZERO_WIDTH.test(ch)) return 'zero-width';
  if (CONTROL.test(ch)) return 'control';
  if (ch === '\u2028' || ch === '\u2029') return 'separator';
  return 'format';
}

/** "U+202E" (at least four hex digits, upper case). */
export function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Names people recognise, for the marker's tooltip. */
const NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0x9b: 'CONTROL SEQUENCE INTRODUCER',
  0xad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BOM)',
};

const KIND_WORDS: Record<InvisibleKind, string> = {
  bidi: 'a bidirectional control, which can reorder the text around it',
  'zero-width': 'a zero-width character, invisible where it stands',
  control: 'a control character',
  separator: 'a line or paragraph separator',
  format: 'an invisible format character',
};

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'invisible'; char: string; code: string; category: InvisibleKind; description: string };

/**
 * The text cut into runs of ordinary text and single invisible characters (CRLF and CR become LF first,
 * as in the exports). "invoice_\u202Etxt.exe" → text "invoice_", invisible U+202E, text "txt.exe".
 */
export function splitUntrusted(text: string): Segment[] {
  const s = text.replace(/\r\n?/g, '\n');
  const out: Segment[] = [];
  let last = 0;
  for (const m of s.matchAll(INVISIBLE)) {
    if (m.index > last) out.push({ kind: 'text', text: s.slice(last, m.index) });
    const char = m[0];
    const category = invisibleKind(char)!;
    const code = codePointLabel(char);
    const name = NAMES[char.codePointAt(0)!];
    out.push({
      kind: 'invisible',
      char,
      code,
      category,
      description: `${code}${name ? ` ${name}` : ''}: ${KIND_WORDS[category]}, shown here instead of applied`,
    });
    last = m.index + char.length;
  }
  if (last < s.length) out.push({ kind: 'text', text: s.slice(last) });
  return out;
}

/** For places that take a string only (tooltips, aria-labels, the document title): "invoice_⟨U+202E⟩txt.exe". */
export function revealText(text: string | null | undefined): string {
  return (text ?? '').replace(/\r\n?/g, '\n').replace(INVISIBLE, (c) => `⟨${codePointLabel(c)}⟩`);
}

/** Whether the text holds any character that splitUntrusted reveals. */
export function hasInvisible(text: string | null | undefined): boolean {
  return !!text && new RegExp(INVISIBLE.source, 'u').test(text);
}
