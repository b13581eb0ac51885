/**
 * The one way the console shows workspace-controlled text (agent, tool, library, document, file and model
 * names, descriptions, instructions, and what findings and events quote of them). React renders it as
 * text, never HTML; on top of that, characters that are invisible or reorder their neighbours (bidi
 * overrides and isolates, zero-width characters, control characters: web/src/lib/untrusted-text.ts) are
 * shown as ⟨U+XXXX⟩ markers with a tooltip that names them, so "invoice_\u202Etxt.exe" can no longer pose
 * as "invoice_exe.txt". The text is isolated (`unicode-bidi: isolate`, dir="auto"): right-to-left letters
 * inside it never reorder the page's text around it. Long values wrap anywhere; `lines` clamps them.
 *
 * A clamped text is also cut to `lines` × CLAMP_CHARS_PER_LINE characters (`maxChars` does the same for a
 * text that a parent clamps, e.g. Mantine's `lineClamp`): its head, a marked "…" that says how much was
 * left out, and its last CUT_TAIL_CHARS characters — the end stays in view, so a name padded with
 * characters that draw nothing ("report.pdf", 3,000 spaces, ".exe") cannot hide its real extension.
 * Laying out a 12,000-character name that wraps anywhere costs Chromium about a second per cell even
 * when three lines show, so a findings page quoting such a name nine times froze for ~10 s at each
 * layout. Callers that cut give the whole text elsewhere: the title tooltip they set, the resource's own
 * page, exports.
 */
import type { CSSProperties } from 'react';
import { splitUntrusted } from '../lib/untrusted-text';

/** Characters kept per clamped line: more than the widest clamped column shows in one line. */
export const CLAMP_CHARS_PER_LINE = 200;

/** The characters a clamp of `lines` lines can show (for `maxChars` under a parent's clamp). */
export const clampChars = (lines: number): number => lines * CLAMP_CHARS_PER_LINE;

/** Characters of a cut text's end that stay in view after the "…". */
export const CUT_TAIL_CHARS = 40;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * `text` longer than `max` UTF-16 units: its head and its tail (at most CUT_TAIL_CHARS, a quarter of
 * `max` for small ones), together at most `max` units, never splitting a surrogate pair; null when whole.
 */
function cut(text: string, max: number | undefined): { head: string; tail: string } | null {
  if (max === undefined || text.length <= max) return null;
  const tailSize = Math.min(CUT_TAIL_CHARS, Math.floor(max / 4));
  let end = max - tailSize;
  if (end > 0 && isHigh(text.charCodeAt(end - 1))) end--;
  let start = text.length - tailSize;
  if (start < text.length && isLow(text.charCodeAt(start))) start++;
  return { head: text.slice(0, end), tail: text.slice(start) };
}

export function UntrustedText({
  text,
  fallback = '',
  lines,
  maxChars,
  className,
}: {
  text: string | null | undefined;
  /** Shown (as ordinary console text) when there is no text. */
  fallback?: string;
  /** Clamp to this many lines (and keep only what they can show: clampChars(lines) characters). */
  lines?: number;
  /** Keep at most this many characters: head, "…", tail (a text clamped by its parent: clampChars(n)). */
  maxChars?: number;
  className?: string;
}) {
  if (text === null || text === undefined || text === '') return fallback ? <>{fallback}</> : null;
  // The clamp lives in app.css (.tl-clamp); the number of lines is a custom property.
  const style = lines ? ({ '--tl-lines': String(lines) } as CSSProperties) : undefined;
  const shown = cut(text, maxChars ?? (lines ? clampChars(lines) : undefined));
  return (
    <span
      className={`tl-untrusted${lines ? ' tl-clamp' : ''}${className ? ` ${className}` : ''}`}
      dir="auto"
      style={style}
      data-untrusted=""
      {...(shown === null ? {} : { 'data-cut': String(text.length) })}
    >
      {shown === null ? (
        <Revealed text={text} />
      ) : (
        <>
          <Revealed text={shown.head} />
          <span
            className="tl-cut"
            role="img"
            title={`${(text.length - shown.head.length - shown.tail.length).toLocaleString('en')} of ${text.length.toLocaleString('en')} characters left out here`}
            aria-label={`${(text.length - shown.head.length - shown.tail.length).toLocaleString('en')} characters left out`}
          >
            …
          </span>
          <Revealed text={shown.tail} />
        </>
      )}
    </span>
  );
}

/** Text as text, and each invisible or bidi character as a ⟨U+XXXX⟩ marker. */
function Revealed({ text }: { text: string }) {
  return splitUntrusted(text).map((s, i) =>
    s.kind === 'text' ? (
      s.text
    ) : (
      <span
        key={i}
        className={`tl-invisible tl-invisible-${s.category}`}
        title={s.description}
        aria-label={s.description}
        role="img"
        data-codepoint={s.code}
      >
        ⟨{s.code}⟩
      </span>
    ),
  );
}
