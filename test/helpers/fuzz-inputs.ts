/**
 * Invalid and edge inputs for the API fuzz test (test/api-fuzz.test.ts), as fast-check arbitraries built
 * from the JSON schemas of the OpenAPI document: wrong types, values out of range, strings too long or
 * full of control, bidi and NUL characters or lone surrogates, NaN-like and huge numbers, deeply nested
 * JSON, malformed JSON text, wrong content types, broken percent-encoding in paths and queries.
 *
 *   const arb = invalidValue(schema, doc);        // a JSON value the schema refuses or barely accepts
 *   const raw = rawSegment();                     // a path or query value, already percent-encoded
 */
import fc from 'fast-check';
import type { JsonSchema, OpenApiDocument } from './openapi-requests.ts';

/** Strings that have broken parsers, loggers, SQL and terminals before. */
export const HOSTILE_STRINGS: readonly string[] = Object.freeze([
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u2066\u2067\u2068\u2069\u200E\u200F\u061C',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\uFEFF\u200B\u2060',
  '\u0001\u0007\u001B[31mred\u001B[0m\u007F\u0085',
  '\r\n\r\nX-Injected: 1',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%2e%2e%2f',
  "' OR '1'='1' --",
  "'; DROP TABLE users; --",
  '"\\',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '-0',
  '1e309',
  '9007199254740993',
  '-9007199254740993',
  '0x1F',
  '1.5',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '𝕳𝖊𝖑𝖑𝖔 🤖 ﷽ Ω ǅ',
  'é'.repeat(300),
  'x'.repeat(5_000),
]);

/** Numbers at and past every boundary (JSON has no NaN or Infinity: those are sent as strings). */
export const EDGE_NUMBERS: readonly number[] = Object.freeze([
  0,
  -0,
  -1,
  1,
  1.5,
  -1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  2 ** 63,
  1e308,
  -1e308,
  5e-324,
]);

/**
 * Path or query values already percent-encoded: NUL, invalid UTF-8, a lone surrogate's bytes, broken
 * escapes, encoded traversal and separators.
 */
export const RAW_SEGMENTS: readonly string[] = Object.freeze([
  '%00',
  'a%00b',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%',
  '%zz',
  '%E2%80%AE',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '..',
  '.',
  '%2F',
  '%5C..%5C',
  '%0D%0ASet-Cookie:%20x=1',
  '%20',
  '%3Cscript%3E',
  '%25',
]);

/**
 * JSON nested this deep (arrays, objects, and inside every property of a body): far deeper than any
 * stack-recursive walk survives (this once gave a 500; the server now refuses bodies nested over 64
 * levels with a 400), and still under the body limit.
 */
export const DEEP_NESTING = 100_000;

export function deepArray(depth = DEEP_NESTING): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

export function deepObject(depth = DEEP_NESTING): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Body texts sent with `content-type: application/json` that are not JSON (or barely are). */
export const MALFORMED_JSON: readonly string[] = Object.freeze([
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  'undefined',
  'NaN',
  '[1,2',
  '"unterminated',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":1}{"b":2}',
  '\uFEFF{}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  '1e999999',
  '-',
  '{"a":' + '9'.repeat(10_000) + '}',
  'x'.repeat(10_000),
]);

/** Content types a JSON route does not take (or takes in a surprising spelling). */
export const CONTENT_TYPES: readonly string[] = Object.freeze([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json, text/plain',
  'application/vnd.api+json',
  'application/json\u0000',
  ';;;',
  'x'.repeat(2_000),
]);

export function resolve(schema: JsonSchema | undefined, doc: OpenApiDocument): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 20; i++)
    s = doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] ?? {};
  return s;
}

/** The non-null types a schema allows. */
function typesOf(s: JsonSchema, doc: OpenApiDocument): string[] {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.flatMap((a) => typesOf(resolve(a, doc), doc));
  if (s.enum) return ['enum'];
  const t = s.type;
  return (Array.isArray(t) ? t : t ? [t] : []).filter((x) => x !== 'null');
}

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => 'A'.repeat(n)) },
);

const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any JSON value, hostile strings and edge numbers included. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/**
 * A value for a property of this schema that is wrong (other type, out of range, too long, not in the
 * enum, not matching the pattern) or valid but hostile (control and bidi characters in a string of an
 * allowed length), so that both the validation and the code behind it are exercised.
 */
export function invalidValue(schema: JsonSchema | undefined, doc: OpenApiDocument): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const types = typesOf(s, doc);
  const options: Array<fc.Arbitrary<unknown>> = [anyJson];
  const alternatives = s.anyOf ?? s.oneOf;
  const enumValues = [...(s.enum ?? []), ...(alternatives ?? []).flatMap((a) => resolve(a, doc).enum ?? [])];
  if (types.includes('string') || types.includes('enum')) {
    const max = s.maxLength ?? 200;
    options.push(
      fc.constantFrom('x'.repeat(max + 1), 'é'.repeat(max + 1), '\u202E'.repeat(Math.min(max, 50))),
      hostileString.map((x) => x.slice(0, max)),
    );
  }
  if (enumValues.length > 0) {
    const e = String(enumValues[0]);
    options.push(fc.constantFrom(e.toUpperCase(), ` ${e}`, `${e}\u0000`, `${e},${e}`, [e], e.repeat(3)));
  }
  if (types.includes('integer') || types.includes('number')) {
    const min = s.minimum ?? 0;
    const max = (s as { maximum?: number }).maximum ?? 2 ** 53;
    options.push(fc.constantFrom(min - 1, max + 1, min + 0.5, String(min), 'NaN', '1e309'), edgeNumber);
  }
  if (types.includes('array')) {
    const maxItems = (s as { maxItems?: number }).maxItems ?? 50;
    options.push(
      fc.array(invalidValue(s.items, doc), { maxLength: 4 }),
      fc.constant(Array.from({ length: maxItems + 1 }, (_, i) => `item-${i}`)),
    );
  }
  if (types.includes('boolean')) options.push(fc.constantFrom('true', 'false', 0, 1, 'yes', ''));
  return fc.oneof(...options);
}

/** A query or path value: text to percent-encode, or an already encoded raw segment. */
export type UrlValue = { text: string } | { raw: string };

export const rawSegment: fc.Arbitrary<UrlValue> = fc.constantFrom(...RAW_SEGMENTS).map((raw) => ({ raw }));

/** Percent-encodes text for a URL; a lone surrogate (which encodeURIComponent refuses) becomes its raw bytes. */
export function encodeUrlValue(v: UrlValue): string {
  if ('raw' in v) return v.raw;
  return [...v.text]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(ch);
    })
    .join('');
}

/** Text for a query or path value made from any invalid value of the schema (non-strings as JSON). */
export function invalidUrlValue(
  schema: JsonSchema | undefined,
  doc: OpenApiDocument,
): fc.Arbitrary<UrlValue> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: invalidValue(schema, doc).map((v) => ({
        text: typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
      })),
    },
    { weight: 1, arbitrary: rawSegment },
  );
}

/** A list's cursor: garbage, base64url of any JSON, or a real cursor with one value replaced. */
export function invalidCursor(real: unknown[]): fc.Arbitrary<UrlValue> {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8').toString('base64url');
  const mutated = real
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null && !Array.isArray(c))
    .map((c) =>
      fc
        .tuple(fc.constantFrom(...Object.keys(c), 'extra'), anyJson)
        .map(([k, v]) => ({ text: b64({ ...c, [k]: v }) })),
    );
  const scalars = real.filter((c) => typeof c !== 'object' || c === null);
  return fc.oneof(
    hostileString.map((text) => ({ text })),
    anyJson.map((v) => ({ text: b64(v) })),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ text: Buffer.from(bytes).toString('base64url') })),
    ...(scalars.length ? [anyJson.map((v) => ({ text: b64(v) }))] : []),
    ...mutated,
  );
}
