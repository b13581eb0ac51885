/**
 * Untrusted workspace text in export files (private to src/exports): invisible characters are shown,
 * never obeyed, and HTML is escaped. Used by the HTML and CSV exports. Which characters are revealed is
 * defined once in src/shared/text-invisible.ts (the console reveals the same ones).
 */
import { codePointLabel, INVISIBLE } from '../shared/text-invisible.ts';

/** "invoice_\u202Etxt.exe" → "invoice_⟨U+202E⟩txt.exe"; CRLF and CR become LF first. */
export function revealInvisible(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(INVISIBLE, (c) => `⟨${codePointLabel(c)}⟩`);
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
