/**
 * The hostile variant of a simulated workspace (issue 10): every free-text field a workspace owner
 * controls carries a payload that would hurt a careless consumer — script and HTML injection,
 * template and formula injection, SQL, bidirectional and other control characters, zero-width
 * characters and strings longer than 10,000 characters. TrustLens must store and serve them
 * byte-for-byte and the console must show them as text, never as markup.
 *
 * Deterministic and RNG-free: `makeHostile` only rewrites fields by position, so a hostile
 * workspace is the ordinary one (same seed, same ids, times and structure) with other texts, and
 * the ordinary generator output does not change at all.
 */
import type { WireTool } from '../shared/mistral-wire.ts';
import type { SimWorkspace } from './types.ts';

/**
 * Every ASCII control character but NUL (U+0001–U+001F) and DEL, framed so the string is visible.
 * JSON carries NUL too, but neither PostgreSQL text nor jsonb can store it: see HOSTILE_NUL_PAYLOAD.
 */
const CONTROLS = `ctrl[${Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('')}\u007f]`;

/**
 * U+0000, kept out of HOSTILE_PAYLOADS because it does not round-trip: PostgreSQL stores it in neither
 * text nor jsonb, so the connector's transport turns it into U+FFFD as it reads an answer
 * (src/mistral/transport.ts, storableJsonText). `hostile: 'with-nul'` adds it (to the first agent's
 * description); test/simulator-hostile.test.ts checks that the sync succeeds and keeps the rest.
 */
export const HOSTILE_NUL_PAYLOAD = 'nul[\u0000]';

/** Length of the long payload (more than 10,000 characters; the sync and the API must keep it whole). */
export const HOSTILE_LONG_LENGTH = 12_000;

/** A very long string that also starts with markup, so a truncating view still has to escape it. */
const LONG = `<i>long</i> ${'A'.repeat(HOSTILE_LONG_LENGTH - 13)}!`;

/**
 * The payloads, in the order fields receive them. Browser tests look for each of them as text and
 * check that none became an element, an attribute or a link.
 */
export const HOSTILE_PAYLOADS: readonly string[] = Object.freeze([
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  "'; DROP TABLE agents; --",
  '{{7*7}}',
  '${7*7}',
  '=HYPERLINK("http://evil")',
  '<b>bold</b><a href="javascript:alert(1)">click</a></pre></textarea><style>*{display:none}</style>',
  // U+202E RIGHT-TO-LEFT OVERRIDE: shows as "invoice_txt.exe"-style spoofing; then the other bidi controls.
  'invoice_\u202Etxt.exe',
  'bidi \u202A\u202B\u202C\u202D\u202E \u2066\u2067\u2068\u2069 \u200E\u200F\u061C end',
  CONTROLS,
  'zero\u200Bwidth\u200C\u200D\u2060\uFEFFjoin',
  LONG,
]);

/** The payload at position `i` (cycling). */
export function hostilePayload(i: number): string {
  return HOSTILE_PAYLOADS[
    ((i % HOSTILE_PAYLOADS.length) + HOSTILE_PAYLOADS.length) % HOSTILE_PAYLOADS.length
  ];
}

/**
 * Rewrites the workspace in place and returns it. Which field gets which payload:
 * - agent k: `name` = payload k, `description` = payload k+1 (every version and the current one),
 *   `instructions` = payload k+2, a newline, then the original instructions (kept, so findings about
 *   them, e.g. a planted credential, still fire; null instructions become the payload alone);
 * - function tools, numbered across the workspace in order (t): `function.name` = payload t followed
 *   by the original name, `function.description` = payload t+1 (the same tool keeps the same texts
 *   in every version of its agent);
 * - library k: `name` = payload k, `description` = payload k+1; its document d: `name` = payload
 *   k+d followed by the original name;
 * - file k: `filename` = payload k followed by the original file name (so a sensitive-looking name
 *   is still recognised).
 * - with `nul`: HOSTILE_NUL_PAYLOAD before the first agent's description.
 * Ids, times, models, conversations and everything else stay as generated.
 */
export function makeHostile<T extends Pick<SimWorkspace, 'agents' | 'libraries' | 'files'>>(
  ws: T,
  options: { nul?: boolean } = {},
): T {
  let toolCounter = 0;
  const toolTexts = new Map<string, { name: string; description: string }>();
  const done = new Set<object>(); // a version object shared twice is rewritten once
  ws.agents.forEach((agent, k) => {
    const name = hostilePayload(k);
    const description = hostilePayload(k + 1);
    const prefix = hostilePayload(k + 2);
    for (const version of [...agent.versions, agent.current]) {
      if (done.has(version)) continue;
      done.add(version);
      version.name = name;
      version.description = description;
      version.instructions =
        version.instructions === null || version.instructions === undefined
          ? prefix
          : `${prefix}\n${version.instructions}`;
      for (const tool of version.tools ?? []) {
        if (tool.type !== 'function') continue;
        const fn = (tool as Extract<WireTool, { type: 'function' }>).function;
        // The same original function in the same agent keeps the same hostile texts across versions.
        const key = `${k}\u0000${fn.name}`;
        let texts = toolTexts.get(key);
        if (!texts) {
          texts = {
            name: `${hostilePayload(toolCounter)}${fn.name}`,
            description: hostilePayload(toolCounter + 1),
          };
          toolCounter++;
          toolTexts.set(key, texts);
        }
        fn.name = texts.name;
        fn.description = texts.description;
      }
    }
  });
  if (options.nul && ws.agents[0]) {
    for (const version of [...ws.agents[0].versions, ws.agents[0].current])
      version.description = `${HOSTILE_NUL_PAYLOAD}${version.description ?? ''}`;
  }
  ws.libraries.forEach((lib, k) => {
    lib.library.name = hostilePayload(k);
    lib.library.description = hostilePayload(k + 1);
    lib.documents.forEach((doc, d) => {
      doc.name = `${hostilePayload(k + d)}${doc.name}`;
    });
  });
  ws.files.forEach((file, k) => {
    file.filename = `${hostilePayload(k)}${file.filename}`;
  });
  return ws;
}
