/**
 * The one way the console shows workspace-controlled text (agent, tool, library, document, file and model
 * names, descriptions, instructions, and what findings and events quote of them). React renders it as
 * text, never HTML; on top of that, characters that are invisible or reorder their neighbours (bidi
 * overrides and isolates, zero-width characters, control characters: web/src/lib/untrusted-text.ts) are
 * shown as ⟨U+XXXX⟩ markers with a tooltip that names them, so "invoice_\u202Etxt.exe" can no longer pose
 * as "invoice_exe.txt". The text is isolated (`unicode-bidi: isolate`, dir="auto"): right-to-left letters
 * inside it never reorder the page's text around it. Long values wrap anywhere; `lines` clamps them.
 */
import type { CSSProperties } from 'react';
import { splitUntrusted } from '../lib/untrusted-text';

export function UntrustedText({
  text,
  fallback = '',
  lines,
  className,
}: {
  text: string | null | undefined;
  /** Shown (as ordinary console text) when there is no text. */
  fallback?: string;
  /** Clamp to this many lines (the whole text stays in the DOM, for copy and search). */
  lines?: number;
  className?: string;
}) {
  if (text === null || text === undefined || text === '') return fallback ? <>{fallback}</> : null;
  // The clamp lives in app.css (.tl-clamp); the number of lines is a custom property.
  const style = lines ? ({ '--tl-lines': String(lines) } as CSSProperties) : undefined;
  return (
    <span
      className={`tl-untrusted${lines ? ' tl-clamp' : ''}${className ? ` ${className}` : ''}`}
      dir="auto"
      style={style}
      data-untrusted=""
    >
      {splitUntrusted(text).map((s, i) =>
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
    </span>
  );
}
