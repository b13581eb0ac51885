/**
 * The one way the console shows workspace-controlled text (agent, tool, library, document, file and model
 * names, descriptions, instructions, and what findings and events quote of them). React renders it as
 * text, never HTML; on top of that, characters that are invisible or reorder their neighbours (bidi
 * overrides and isolates, zero-width characters, control characters: web/src/lib/untrusted-text.ts) are
 * shown as ⟨U+XXXX⟩ markers with a tooltip that names them, so "invoice_\u202Etxt.exe" can no longer pose
 * as "invoice_exe.txt". The text is isolated (`unicode-bidi: isolate`, dir="auto"): right-to-left letters
 * inside it never reorder the page's text around it. Long values wrap anywhere; `lines` clamps them.
 *
 * A clamped text is also cut: only its first `lines` × CLAMP_CHARS_PER_LINE characters reach the DOM,
 * then "…" (`maxChars` does the same for a text that a parent clamps, e.g. Mantine's `lineClamp`).
 * Laying out a 12,000-character name that wraps anywhere costs Chromium about a second per cell even
 * when three lines show, so a findings page quoting such a name nine times froze for ~10 s at each
 * layout. What a clamp shows is unchanged; the whole text stays where it is shown whole (the
 * resource's own page, the title tooltip the callers set, exports).
 */
import type { CSSProperties } from 'react';
import { splitUntrusted } from '../lib/untrusted-text';

/** Characters kept per clamped line: more than the widest clamped column shows in one line. */
export const CLAMP_CHARS_PER_LINE = 200;

/** The characters a clamp of `lines` lines can show (for `maxChars` under a parent's clamp). */
export const clampChars = (lines: number): number => lines * CLAMP_CHARS_PER_LINE;

/** `text` cut to at most `max` UTF-16 units without splitting a surrogate pair; null when not cut. */
function cut(text: string, max: number | undefined): string | null {
  if (max === undefined || text.length <= max) return null;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
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
  /** Keep at most this many characters, then "…" (a text clamped by its parent: clampChars(n)). */
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
      {splitUntrusted(shown ?? text).map((s, i) =>
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
      )}
      {shown !== null && '…'}
    </span>
  );
}
