/**
 * Which characters of untrusted workspace text are invisible or reorder what surrounds them, and what
 * to call them. One definition for the exports (src/exports/text-safety.ts reveals them as ⟨U+XXXX⟩) and
 * the terminal (safeText); the web console cannot import src/ (test/architecture.test.ts), so
 * web/src/lib/untrusted-text.ts repeats it and test/untrusted-text-parity.test.ts proves the two classify
 * every code point alike. Pure: no I/O.
 */

/**
 * C0 controls but TAB and LF, DEL, C1 controls, the line/paragraph separators and every format
 * character (Unicode Cf: bidi embeddings, overrides and isolates, zero-width characters, the BOM, …).
 */
// eslint-disable-next-line no-control-regex
export const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/gu;

export type InvisibleKind = 'bidi' | 'zero-width' | 'control' | 'separator' | 'format';

/** Bidi controls: embeddings and overrides (U+202A–202E), isolates (U+2066–2069), marks (U+200E/F, U+061C). */
const BIDI = /^[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]$/u;
/** Zero-width characters: space, non-joiner, joiner, word joiner, BOM / zero-width no-break space. */
const ZERO_WIDTH = /^[\u200b-\u200d\u2060\ufeff]$/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /^[\u0000-\u0008\u000b-\u001f\u007f-\u009f]$/u;

/** The kind of one character (a whole code point), or null when it is shown as it is. */
export function invisibleKind(ch: string): InvisibleKind | null {
  if (!new RegExp(`^(?:${INVISIBLE.source})$`, 'u').test(ch)) return null;
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
