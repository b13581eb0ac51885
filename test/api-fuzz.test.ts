/**
 * Issue 14, hostile input: every operation of /api/openapi.json (so a new route is fuzzed without
 * anyone listing it) gets generated invalid and edge inputs from its own schemas, with fast-check and
 * a fixed seed: wrong types, missing required and extra fields, huge strings and numbers, NaN-like
 * strings, zero and negative limits, control, bidi and NUL characters and lone surrogates, deeply nested
 * JSON, malformed JSON sent as application/json, other content types, broken cursors (garbage, and real
 * cursors with one value replaced), path parameters that are long, carry ../, %00, invalid UTF-8 or
 * unicode, repeated and unknown query parameters. Mostly as organization A's admin (so authorization
 * does not refuse everything first), some as its viewer and as anonymous.
 *
 * Path parameters are often real ids of organization A (so the code behind validation runs). A route
 * that changes or deletes its object gets a throwaway object of the same kind instead (made through
 * the services, replaced after any successful request); a DELETE with no throwaway kind never gets a
 * real id. The Mistral connections the server opens are held to this machine: a base URL that is not
 * local (an integration body without baseUrl means api.mistral.ai) is sent to a stand-in that refuses
 * every key, and counted.
 *
 * On every response: never a 5xx; a 4xx is the documented error shape { error: { code, message,
 * remediation } } in JSON; no stack trace, source position, internal path or node_modules anywhere,
 * and no SQL or PostgreSQL message in an error (unless the request itself carried the text); the
 * server still answers /api/v1/health after each operation. A body over the server's bodyLimit sent
 * to every operation that takes a body (and every other non-GET one) gets 413 with the error shape.
 *
 * knownBug() is where an input that hits a known server bug would be parked (generated, counted in the
 * summary line, not sent) while the bug is fixed: it parks nothing today.
 *
 * TRUSTLENS_FUZZ_RUNS=<n> changes the number of generated cases per operation (30; 150 in `npm run
 * reliability`). The figures go to RELIABILITY.md (test/helpers/reliability.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { resolveBaseUrl } from '../src/mistral/base-url.ts';
import { BODY_LIMIT } from '../src/server/server.ts';
import { testBackends } from '../src/store/testing.ts';
import { recordReliability, reliabilitySize } from './helpers/reliability.ts';
import {
  CONTENT_TYPES,
  deepArray,
  deepObject,
  encodeUrlValue,
  invalidCursor,
  invalidUrlValue,
  invalidValue,
  MALFORMED_JSON,
  RAW_SEGMENTS,
  resolve,
  type UrlValue,
} from './helpers/fuzz-inputs.ts';
import {
  apiOperations,
  minimalValue,
  pathParams,
  resourceParams,
  type ApiOperation,
  type JsonSchema,
  type OpenApiDocument,
  type ResourceIds,
} from './helpers/openapi-requests.ts';
import { PASSWORD, startTestServer, testConnectorFactory, type TestServer } from './helpers/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const SEED = 14_2026;
/** Generated cases per operation (on top of the fixed edge cases): the file takes ~2 minutes, both backends. */
const RUNS = Number(process.env.TRUSTLENS_FUZZ_RUNS ?? reliabilitySize({ ci: 30, full: 150 }));

type Who = 'admin' | 'viewer' | 'anonymous';
type Body =
  { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };

interface FuzzRequest {
  who: Who;
  /** Each path parameter: 'real' (an id of organization A, or a throwaway object) or a fuzzed value. */
  params: Record<string, 'real' | UrlValue>;
  query: Array<[UrlValue, UrlValue]>;
  body: Body;
}

/** What a response must never contain, anywhere. */
const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', / {4}at /],
  ['a source position', /\.(ts|js|mjs|cjs):\d+/],
  ['node:internal', /node:internal/],
  ['the /work/ folder', /\/work\//],
  ['node_modules', /node_modules/],
  ['the checkout path', new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  [
    'a temporary path',
    new RegExp(`${tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/|trustlens-server-test-`),
  ],
  ['a file URL', /file:\/\//],
];
/** What an error must never contain: the query or the database's own words. */
const SQL_LEAKS: Array<[string, RegExp]> = [
  ['SQL', /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|WHERE|RETURNING)\b/],
  [
    'a PostgreSQL message',
    /syntax error at or near|invalid input syntax|violates|duplicate key|out of range for type|invalid byte sequence|unterminated|relation "|column "|pglite|postgres|sqlstate/i,
  ],
];

interface Sent {
  status: number;
  text: string;
  contentType: string;
}

function describeRequest(method: string, url: string, body: Body, who: Who): string {
  const b =
    body.kind === 'none'
      ? ''
      : body.kind === 'json'
        ? ` json ${clip(JSON.stringify(body.value) ?? 'undefined')}`
        : ` ${body.contentType.slice(0, 60)} ${clip(body.text)}`;
  return `${who}: ${method} ${clip(url, 300)}${b}`;
}

function clip(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s;
}

/** The problems of one response (empty when it is fine). */
function problemsOf(res: Sent, requestText: string): string[] {
  const out: string[] = [];
  if (res.status >= 500) out.push(`status ${res.status}`);
  if (res.status >= 400) {
    let parsed: { error?: { code?: unknown; message?: unknown; remediation?: unknown } } | undefined;
    try {
      parsed = JSON.parse(res.text) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const e = parsed?.error;
    const shaped =
      typeof e?.code === 'string' &&
      e.code.length > 0 &&
      typeof e.message === 'string' &&
      e.message.length > 0 &&
      typeof e.remediation === 'string' &&
      e.remediation.length > 0;
    if (!shaped) out.push(`status ${res.status} without the error shape`);
    if (!res.contentType.startsWith('application/json')) out.push(`error as ${res.contentType || 'no type'}`);
    for (const [what, re] of SQL_LEAKS)
      if (re.test(res.text) && !re.test(requestText)) out.push(`shows ${what}`);
  }
  for (const [what, re] of LEAKS) if (re.test(res.text) && !re.test(requestText)) out.push(`shows ${what}`);
  return out;
}

/** A stand-in for any non-local Mistral address: refuses every key, so nothing leaves this machine. */
async function startRefusingMistral(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Unauthorized', type: 'invalid_request_error' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function isLocal(baseUrl: string | undefined): boolean {
  try {
    return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(resolveBaseUrl(baseUrl));
  } catch {
    return true; // invalid: the connector refuses it before any request
  }
}

/** A stable seed per operation: adding a route does not change what the others are sent. */
function seedOf(key: string): number {
  let h = SEED;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

for (const backend of testBackends()) {
  describe(`API fuzz from the OpenAPI document (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    let receiver: WebhookReceiver;
    let refusing: { url: string; close(): Promise<void> };
    const offMachine: string[] = [];
    let doc: OpenApiDocument;
    let ops: ApiOperation[];
    let ids: ResourceIds;
    /** Real cursors of each list operation (decoded), to mutate. */
    const cursors = new Map<string, unknown[]>();
    const throwaways = new Map<string, Record<string, string>>();
    const statuses = new Map<number, number>();
    const runs = new Map<string, number>();
    const problems: string[] = [];
    let requests = 0;
    let seq = 0;
    /** Oversized bodies sent, and those not answered 413 with the error shape. */
    let oversized = 0;
    let oversizedWrong = 0;
    /** Requests not sent because they hit a known server bug (see knownBug), by bug. */
    const skipped = new Map<string, number>();
    /**
     * A new client address for every request: sign-in and set-up are rate limited per address (10 a
     * minute), and a 429 would hide what the route does with the input (and the 413 of an oversized body).
     */
    let addresses = 0;
    const nextAddress = () => {
      const n = ++addresses;
      return `10.14.${(n >> 8) & 255}.${n & 255}`;
    };

    before(async () => {
      refusing = await startRefusingMistral();
      h = await startTestServer(backend, {
        app: {
          connectorFactory: (o) => {
            if (isLocal(o.baseUrl)) return testConnectorFactory(o);
            offMachine.push(String(o.baseUrl));
            return testConnectorFactory({ ...o, baseUrl: refusing.url });
          },
        },
      });
      await h.syncNow(h.integrationA); // a second run, so the list of runs has a cursor
      doc = (await h.anonymous.request<OpenApiDocument>('GET', '/api/openapi.json')).body;
      ops = apiOperations(doc, '');
      receiver = await startWebhookReceiver();

      const a = h.admin;
      const A = h.integrationA;
      const first = async (url: string) => {
        const r = await a.request('GET', url);
        assert.equal(r.status, 200, `${url}: ${r.text}`);
        const items = r.body.items as Array<{ id: string; email?: string }>;
        assert.ok(items.length > 0, `${url} has items`);
        return items;
      };
      const destination = (
        await h.app.services.alerts.createDestination(a.actor!, {
          name: 'fuzz-destination',
          kind: 'webhook',
          url: receiver.url,
        })
      ).destination;
      const rule = await h.app.services.alerts.createRule(a.actor!, {
        name: 'fuzz-rule',
        destinationIds: [destination.id],
        minSeverity: 'high',
      });
      await h.app.services.alerts.sendTest(a.actor!, destination.id);
      const delivery = await h.app.services.alerts.sendTest(a.actor!, destination.id);
      ids = {
        integrations: A,
        agents: (await first(`/api/v1/agents?integrationId=${A}`))[0].id,
        syncs: (await first(`/api/v1/integrations/${A}/syncs`))[0].id,
        findings: (await first(`/api/v1/findings?integrationId=${A}&status=all&muted=include`))[0].id,
        users: (await first('/api/v1/users')).find((u) => u.email === 'viewer@a.example')!.id,
        tokens: (await first('/api/v1/tokens'))[0].id,
        destinations: destination.id,
        rules: rule.id,
        deliveries: delivery.id,
      };

      // A real cursor of every list that has a second page.
      for (const o of ops) {
        if (o.method !== 'GET' || !(o.op.parameters ?? []).some((p) => p.name === 'cursor')) continue;
        const url = fillReal(o, resourceParamsOrNull(o, ids) ?? {});
        const r = await a.request('GET', `${url}${url.includes('?') ? '&' : '?'}limit=1`);
        const next = (r.body as { nextCursor?: string | null } | undefined)?.nextCursor;
        if (typeof next === 'string')
          cursors.set(o.key, [JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as unknown]);
      }
    });

    after(async () => {
      const byStatus = [...statuses.entries()].sort(([x], [y]) => x - y).map(([s, n]) => `${s}×${n}`);
      console.log(
        `api fuzz (${backend.kind}): ${runs.size} operations × ${RUNS} generated cases (+ fixed edge cases), ` +
          `${requests} requests, statuses ${byStatus.join(' ')}` +
          (offMachine.length ? `, ${offMachine.length} Mistral connections held on this machine` : '') +
          (skipped.size
            ? `; not sent (known server bugs): ${[...skipped].map(([b, n]) => `${n}× ${b}`).join('; ')}`
            : ''),
      );
      recordReliability({
        suite: 'fuzz',
        title: 'Every API operation fuzzed from the OpenAPI document',
        backend: backend.kind,
        rows: [
          {
            case: `generated invalid input, ${runs.size} operations × ${RUNS} cases + edge cases`,
            tried: requests - oversized,
            survived: requests - oversized - problems.length,
            detail: `statuses ${byStatus.join(' ')}; problems: no 5xx, error shape, no stack/path/SQL`,
          },
          {
            case: `body over the ${BODY_LIMIT}-byte limit`,
            tried: oversized,
            survived: oversized - oversizedWrong,
            detail: '413 with the error shape expected',
          },
        ],
        notes: [
          'Every operation of /api/openapi.json, so a new route is fuzzed without being listed (fast-check, fixed seeds).',
          ...(offMachine.length ? [`${offMachine.length} Mistral connections held on this machine`] : []),
        ],
      });
      await receiver?.close();
      await h?.close();
      await refusing?.close();
    });

    function resourceParamsOrNull(o: ApiOperation, values: ResourceIds): Record<string, string> | null {
      try {
        return resourceParams(o.path, values);
      } catch {
        return null; // a collection this test has no id of: fuzzed values only
      }
    }

    function fillReal(o: ApiOperation, params: Record<string, string>): string {
      return o.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(params[n] ?? 'x'));
    }

    /** A throwaway object of the collection for a route that changes or deletes it (null: none of that kind). */
    async function throwaway(collection: string): Promise<string | null> {
      const actor = h.admin.actor!;
      const n = ++seq;
      switch (collection) {
        case 'integrations':
          return (
            await h.app.services.integrations.create(actor, {
              name: `fuzz-throwaway-${n}`,
              apiKey: h.sim.apiKey,
              baseUrl: h.sim.url,
            })
          ).id;
        case 'users':
          return (
            await h.app.services.accounts.createUser(actor, {
              email: `fuzz-throwaway-${n}@a.example`,
              password: PASSWORD,
              role: 'viewer',
            })
          ).id;
        case 'tokens':
          return (await h.app.services.accounts.createToken(actor, { name: `fuzz-${n}`, role: 'viewer' }))
            .view.id;
        case 'destinations':
          return (
            await h.app.services.alerts.createDestination(actor, {
              name: `fuzz-throwaway-${n}`,
              kind: 'webhook',
              url: receiver.url,
            })
          ).destination.id;
        case 'rules':
          return (
            await h.app.services.alerts.createRule(actor, {
              name: `fuzz-throwaway-${n}`,
              destinationIds: [ids.destinations],
              minSeverity: 'critical',
            })
          ).id;
        default:
          return null;
      }
    }

    /** The ids for the path of an operation: real ones for reads, throwaway objects for changes. */
    async function realParams(o: ApiOperation): Promise<Record<string, string> | null> {
      const real = resourceParamsOrNull(o, ids);
      if (!real || o.method === 'GET') return real;
      const cached = throwaways.get(o.key);
      if (cached) return cached;
      const segments = o.path.split('/');
      const out: Record<string, string> = {};
      for (const [i, s] of segments.entries()) {
        const m = /^\{(\w+)\}$/.exec(s);
        if (!m) continue;
        const made = await throwaway(segments[i - 1]);
        if (made) out[m[1]] = made;
        else if (o.method === 'DELETE')
          return null; // never delete an object other runs need
        else out[m[1]] = real[m[1]];
      }
      throwaways.set(o.key, out);
      return out;
    }

    /** A body the operation accepts (minimal, with local addresses and real ids where names say so). */
    function validBody(schema: JsonSchema | undefined): Record<string, unknown> {
      const s = resolve(schema, doc);
      const value = (minimalValue(schema, doc) ?? {}) as Record<string, unknown>;
      const props = s.properties ?? {};
      if ('baseUrl' in props) value.baseUrl = h.sim.url;
      if ('apiKey' in value) value.apiKey = h.sim.apiKey;
      if ('url' in value) value.url = receiver.url;
      if ('destinationIds' in value) value.destinationIds = [ids.destinations];
      if ('password' in value) value.password = 'a long enough password';
      return value;
    }

    function arbitraryFor(o: ApiOperation): fc.Arbitrary<FuzzRequest> {
      const names = pathParams(o.path);
      const hasReal = resourceParamsOrNull(o, ids) !== null;
      const paramSchemas = new Map((o.op.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p.schema]));
      const params = fc.record(
        Object.fromEntries(
          names.map((n) => {
            const fuzzed = invalidUrlValue(paramSchemas.get(`path:${n}`), doc);
            return [
              n,
              hasReal
                ? fc.oneof(
                    { weight: 2, arbitrary: fc.constant('real' as const) },
                    { weight: 3, arbitrary: fuzzed },
                  )
                : fuzzed,
            ];
          }),
        ) as Record<string, fc.Arbitrary<'real' | UrlValue>>,
      );
      const queryParams = (o.op.parameters ?? []).filter((p) => p.in === 'query');
      const queryParts = queryParams.map((p) => {
        const name: UrlValue = { text: p.name };
        const valid: UrlValue = {
          text: String(p.name === 'integrationId' ? ids.integrations : minimalValue(p.schema, doc, p.name)),
        };
        const bad =
          p.name === 'cursor' ? invalidCursor(cursors.get(o.key) ?? []) : invalidUrlValue(p.schema, doc);
        return fc.oneof<
          Array<fc.Arbitrary<Array<[UrlValue, UrlValue]>> | fc.WeightedArbitrary<Array<[UrlValue, UrlValue]>>>
        >(
          { weight: 3, arbitrary: fc.constant([] as Array<[UrlValue, UrlValue]>) },
          { weight: 1, arbitrary: fc.constant([[name, valid]] as Array<[UrlValue, UrlValue]>) },
          { weight: 3, arbitrary: bad.map((v) => [[name, v]] as Array<[UrlValue, UrlValue]>) },
          // Repeated: ?limit=1&limit=x
          {
            weight: 1,
            arbitrary: fc
              .array(bad, { minLength: 1, maxLength: 3 })
              .map((vs): Array<[UrlValue, UrlValue]> => [
                [name, valid],
                ...vs.map((v): [UrlValue, UrlValue] => [name, v]),
              ]),
          },
        );
      });
      const extraQuery = fc.array(
        fc.tuple(invalidUrlValue(undefined, doc), invalidUrlValue(undefined, doc)),
        {
          maxLength: 2,
        },
      );
      type Pair = [UrlValue, UrlValue];
      const parts: fc.Arbitrary<Pair[][]> = queryParts.length ? fc.tuple(...queryParts) : fc.constant([]);
      const query: fc.Arbitrary<Pair[]> = fc
        .tuple(parts, extraQuery)
        .map(([p, extra]) => [...p.flat(), ...extra]);
      const schema = o.op.requestBody?.content['application/json']?.schema;
      let body: fc.Arbitrary<Body> = fc.constant({ kind: 'none' });
      if (schema) {
        const s = resolve(schema, doc);
        const props = Object.keys(s.properties ?? {});
        const mutation = fc.array(
          fc.oneof(
            ...props.map((k) =>
              fc.oneof(
                { weight: 1, arbitrary: fc.constant([k, undefined] as [string, unknown]) },
                {
                  weight: 4,
                  arbitrary: invalidValue(s.properties![k], doc).map((v) => [k, v] as [string, unknown]),
                },
              ),
            ),
            fc.tuple(
              fc.constantFrom('extra', '__proto__', 'constructor', '', '\u0000'),
              invalidValue(undefined, doc),
            ),
          ),
          { minLength: 1, maxLength: 3 },
        );
        body = fc.oneof(
          {
            weight: 6,
            arbitrary: mutation.map((changes) => {
              const value: Record<string, unknown> = validBody(schema);
              for (const [k, v] of changes) {
                if (v === undefined) delete value[k];
                else
                  Object.defineProperty(value, k, {
                    value: v,
                    enumerable: true,
                    configurable: true,
                    writable: true,
                  });
              }
              return { kind: 'json', value } as Body;
            }),
          },
          {
            weight: 1,
            arbitrary: invalidValue(undefined, doc).map((value) => ({ kind: 'json', value }) as Body),
          },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...MALFORMED_JSON)
              .map((text) => ({ kind: 'raw', text, contentType: 'application/json' }) as Body),
          },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...CONTENT_TYPES)
              .map(
                (contentType) =>
                  ({ kind: 'raw', text: JSON.stringify(validBody(schema)), contentType }) as Body,
              ),
          },
        );
      } else if (o.method !== 'GET') {
        body = fc.oneof(
          { weight: 3, arbitrary: fc.constant({ kind: 'none' } as Body) },
          {
            weight: 1,
            arbitrary: invalidValue(undefined, doc).map((value) => ({ kind: 'json', value }) as Body),
          },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...MALFORMED_JSON)
              .map((text) => ({ kind: 'raw', text, contentType: 'application/json' }) as Body),
          },
        );
      }
      const who = fc.oneof(
        { weight: 6, arbitrary: fc.constant<Who>('admin') },
        { weight: 1, arbitrary: fc.constant<Who>('viewer') },
        { weight: 1, arbitrary: fc.constant<Who>('anonymous') },
      );
      return fc.record({ who, params, query, body });
    }

    /** The fixed edge cases of an operation, sent as the admin before the generated ones. */
    function edgeCases(o: ApiOperation): FuzzRequest[] {
      const names = pathParams(o.path);
      const real = Object.fromEntries(names.map((n) => [n, 'real' as const]));
      const base: FuzzRequest = { who: 'admin', params: real, query: [], body: { kind: 'none' } };
      const out: FuzzRequest[] = [];
      for (const n of names) {
        for (const raw of RAW_SEGMENTS) out.push({ ...base, params: { ...real, [n]: { raw } } });
        for (const text of ['a'.repeat(5_000), '../../../etc/passwd', '..', 'é\u202E\ud800', ' '])
          out.push({ ...base, params: { ...real, [n]: { text } } });
      }
      for (const p of (o.op.parameters ?? []).filter((x) => x.in === 'query')) {
        const name = { text: p.name };
        for (const text of ['', '-1', '0', 'NaN', '1e309', '99999999999999999999', '\u0000'])
          out.push({ ...base, query: [[name, { text }]] });
        out.push({
          ...base,
          query: [
            [name, { text: '1' }],
            [name, { text: '2' }],
          ],
        });
        out.push({
          ...base,
          query: [
            [{ text: `${p.name}[]` }, { text: '1' }],
            [{ text: `${p.name}[a]` }, { text: '1' }],
          ],
        });
      }
      const schema = o.op.requestBody?.content['application/json']?.schema;
      if (schema || o.method !== 'GET') {
        for (const text of MALFORMED_JSON)
          out.push({ ...base, body: { kind: 'raw', text, contentType: 'application/json' } });
        for (const text of [deepArray(), deepObject()])
          out.push({ ...base, body: { kind: 'raw', text, contentType: 'application/json' } });
      }
      if (schema) {
        for (const contentType of CONTENT_TYPES)
          out.push({ ...base, body: { kind: 'raw', text: JSON.stringify(validBody(schema)), contentType } });
        // A deeply nested value in every property, and each required property missing.
        const s = resolve(schema, doc);
        const fields = Object.keys(s.properties ?? {});
        const nested = `{${fields.map((k) => `${JSON.stringify(k)}:${deepArray()}`).join(',')}}`;
        out.push({ ...base, body: { kind: 'raw', text: nested, contentType: 'application/json' } });
        for (const k of s.required ?? []) {
          const value = validBody(schema);
          delete value[k];
          out.push({ ...base, body: { kind: 'json', value } });
        }
        out.push({
          ...base,
          body: { kind: 'json', value: { ...validBody(schema), unexpected: { deep: [1, 'x'] } } },
        });
        for (const value of [null, [], 'text', 0, true, [validBody(schema)]])
          out.push({ ...base, body: { kind: 'json', value } });
      }
      return out;
    }

    /**
     * Inputs that hit a known server bug, left out (not sent) so that this suite stays green; each is
     * named so it can be put back once fixed. None today: the three this fuzzer found (router errors in
     * fastify's own shape, duplicate alert names as 500, deeply nested JSON as 500) are fixed, and their
     * inputs are sent again.
     */
    function knownBug(_o: ApiOperation, _req: FuzzRequest, _path: string): string | null {
      return null;
    }

    async function send(o: ApiOperation, req: FuzzRequest): Promise<void> {
      let realValues: Record<string, string> | null = null;
      if (Object.values(req.params).includes('real')) realValues = await realParams(o);
      const path = o.path.replace(/\{(\w+)\}/g, (_, n: string) => {
        const v = req.params[n];
        if (v === 'real' || v === undefined) return encodeURIComponent(realValues?.[n] ?? 'no-real-id');
        return encodeUrlValue(v);
      });
      const bug = knownBug(o, req, path);
      if (bug) {
        skipped.set(bug, (skipped.get(bug) ?? 0) + 1);
        return;
      }
      const qs = req.query.map(([k, v]) => `${encodeUrlValue(k)}=${encodeUrlValue(v)}`).join('&');
      const url = qs ? `${path}?${qs}` : path;
      const headers: Record<string, string> = {};
      const client = h[req.who];
      if (client.token) headers.authorization = `Bearer ${client.token}`;
      let payload: string | undefined;
      if (req.body.kind === 'json') {
        payload = JSON.stringify(req.body.value);
        headers['content-type'] = 'application/json';
      } else if (req.body.kind === 'raw') {
        payload = req.body.text;
        headers['content-type'] = req.body.contentType;
      }
      const label = `${o.key} ← ${describeRequest(o.method, url, req.body, req.who)}`;
      let res: Sent;
      try {
        const r = await h.server.inject({
          method: o.method,
          url,
          headers,
          remoteAddress: nextAddress(),
          ...(payload === undefined ? {} : { payload }),
        });
        res = { status: r.statusCode, text: r.body, contentType: String(r.headers['content-type'] ?? '') };
      } catch (e) {
        problems.push(`${label}: the request could not be sent (${(e as Error).message})`);
        return;
      }
      requests++;
      runs.set(o.key, (runs.get(o.key) ?? 0) + 1);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const found = problemsOf(res, `${url}\n${payload ?? ''}`);
      if (found.length) problems.push(`${label} → ${res.status} ${found.join(', ')}: ${clip(res.text, 400)}`);
      // A change may have succeeded: the next request of this operation gets a fresh throwaway object.
      if (res.status < 300 && o.method !== 'GET') throwaways.delete(o.key);
    }

    async function healthy(after: string): Promise<void> {
      const r = await h.server.inject({ method: 'GET', url: '/api/v1/health' });
      requests++;
      assert.equal(
        r.statusCode,
        200,
        `the server stopped answering /api/v1/health after ${after}: ${r.body}`,
      );
    }

    it('fuzzes every operation of the OpenAPI document: no 5xx, the error shape, no stack or internal text', async () => {
      assert.ok(ops.length > 40, `the document has the API's operations (${ops.length})`);
      for (const o of ops) {
        for (const req of edgeCases(o)) await send(o, req);
        await fc.assert(
          fc.asyncProperty(arbitraryFor(o), async (req) => {
            await send(o, req);
          }),
          { seed: seedOf(o.key), numRuns: RUNS, endOnFailure: true },
        );
        await healthy(o.key);
      }
      const none = ops.filter((o) => !runs.get(o.key)).map((o) => o.key);
      assert.deepEqual(none, [], 'operations of /api/openapi.json that received no fuzzed request');
      assert.deepEqual(problems, [], `${problems.length} bad responses:\n${problems.join('\n')}`);
    });

    it(`refuses a body over the bodyLimit (${BODY_LIMIT} bytes) with 413 and the error shape on every operation that can take one`, async () => {
      const big = JSON.stringify({ pad: 'a'.repeat(BODY_LIMIT) });
      const wrong: string[] = [];
      let checked = 0;
      for (const o of ops.filter((x) => x.method !== 'GET')) {
        const params = pathParams(o.path).length ? await realParams(o) : {};
        const url = o.path.replace(/\{(\w+)\}/g, (_, n: string) =>
          encodeURIComponent(params?.[n] ?? 'no-such-id'),
        );
        const r = await h.server.inject({
          method: o.method,
          url,
          headers: { authorization: `Bearer ${h.admin.token}`, 'content-type': 'application/json' },
          remoteAddress: nextAddress(),
          payload: big,
        });
        requests++;
        checked++;
        const res = {
          status: r.statusCode,
          text: r.body,
          contentType: String(r.headers['content-type'] ?? ''),
        };
        const found = problemsOf(res, url);
        if (res.status !== 413) found.push(`status ${res.status}, not 413`);
        else if ((JSON.parse(res.text) as { error: { code: string } }).error.code !== 'PAYLOAD_TOO_LARGE')
          found.push(`code ${res.text}`);
        if (found.length) wrong.push(`${o.method} ${url}: ${found.join(', ')}: ${clip(res.text)}`);
      }
      oversized = checked;
      oversizedWrong = wrong.length;
      assert.ok(checked >= 10, `bodies were sent to the API's changing operations (${checked})`);
      assert.deepEqual(wrong, []);
      await healthy('the oversized bodies');
    });
  });
}
