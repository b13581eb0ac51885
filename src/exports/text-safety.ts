/**
 * Untrusted workspace text in export files (private to src/exports): invisible characters are shown,
 * never obeyed, and HTML is escaped. Used by the HTML and CSV exports.
 */

/**
 * C0 controls but TAB and LF, DEL, C1 controls, the line/paragraph separators and every format
 * character (Unicode Cf: bidi embeddings, overrides and isolates, zero-width characters, the BOM, …).
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/gu;

/** "invoice_\u202Etxt.exe" → "invoice_⟨U+202E⟩txt.exe"; CRLF and CR become LF first. */
export function revealInvisible(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes & < > " ' (safe in element content and in quoted attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The base URL without credentials, query or fragment (an operator could have typed user:pass@host). */
export function publicBaseUrl(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}
