import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, test } from 'node:test';
import {
  createMistralConnector,
  type ConnectorLogEvent,
  type ConnectorOptions,
} from '../src/mistral/index.ts';
import {
  startFixture,
  TEST_KEY,
  wireModel,
  type Fixture,
  type FixtureReply,
  type FixtureRequest,
} from './connector-fixture.ts';

const fixtures: Fixture[] = [];
after(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
});

async function setup(
  handler: (r: FixtureRequest, n: number) => FixtureReply,
  o: Partial<ConnectorOptions> = {},
) {
  let n = 0;
  const fx = await startFixture((r) => handler(r, n++));
  fixtures.push(fx);
  const events: ConnectorLogEvent[] = [];
  const c = createMistralConnector({
    apiKey: TEST_KEY,
    baseUrl: fx.url,
    requestsPerSecond: 1000,
    maxConcurrency: 4,
    maxRetryElapsedMs: 3000,
    requestTimeoutMs: 2000,
    log: (e) => events.push(e),
    ...o,
  });
  return { fx, c, events };
}

const models = { body: { object: 'list', data: [wireModel('m1')] } };
type Coded = Error & { code?: string; remediation?: string; details?: Record<string, unknown> };

function assertNoKey(err: unknown, events: ConnectorLogEvent[]): void {
  const e = err as Coded;
  for (const text of [
    String(e),
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10 }),
    JSON.stringify(events),
  ]) {
    assert.ok(!text.includes(TEST_KEY), `key leaked in: ${text.slice(0, 300)}`);
    assert.ok(!text.includes('SECRET'), 'key fragment leaked');
  }
}

test('429 storm with Retry-After: waits, retries, succeeds; counters and adaptive rate move', async () => {
  const { c, fx } = await setup(
    (_r, n) =>
      n < 3
        ? { status: 429, headers: { 'retry-after': '0' }, body: { message: 'Requests rate limit exceeded' } }
        : models,
    {
      requestsPerSecond: 100,
    },
  );
  const out = await c.listModels();
  assert.equal(out.items.length, 1);
  assert.equal(fx.requests.length, 4);
  const s = c.stats();
  assert.equal(s.requests, 4);
  assert.equal(s.rateLimited, 3);
  assert.equal(s.retries, 3);
  assert.equal(s.requestsByEndpoint['GET /v1/models'], 4);
  assert.ok(s.currentRate < 100, `rate ${s.currentRate}`);
});

test('429 with ratelimitbysize-reset is honoured like Retry-After', async () => {
  const { c } = await setup((_r, n) =>
    n === 0 ? { status: 429, headers: { 'ratelimitbysize-reset': '0' }, body: {} } : models,
  );
  assert.equal((await c.listModels()).items.length, 1);
  assert.equal(c.stats().rateLimited, 1);
});

test('429 forever: RATE_LIMITED after the retry budget, with the product remediation, key never shown', async () => {
  const { c, events } = await setup(
    () => ({
      status: 429,
      headers: { 'retry-after': '0', 'x-ratelimit-remaining-req-minute': '0' },
      body: { message: `Rate limit exceeded for Bearer ${TEST_KEY}` },
    }),
    {
      maxRetryElapsedMs: 400,
    },
  );
  const err = await c.listModels().then(
    () => assert.fail('should throw'),
    (e: unknown) => e,
  );
  const e = err as Coded;
  assert.equal(e.code, 'RATE_LIMITED');
  assert.match(e.remediation ?? '', /reducing sync frequency/);
  assert.ok(c.stats().requests >= 2);
  assertNoKey(err, events);
});

test('5xx burst (500, 502, 503, 504) is retried to success', async () => {
  const statuses = [500, 502, 503, 504];
  const { c } = await setup(
    (_r, n) => (n < statuses.length ? { status: statuses[n], body: { message: 'boom' } } : models),
    {
      maxRetryElapsedMs: 15_000,
    },
  );
  assert.equal((await c.listModels()).items.length, 1);
  assert.equal(c.stats().retries, 4);
});

test('5xx forever: UNEXPECTED_RESPONSE naming status and endpoint, body truncated', async () => {
  const huge = 'x'.repeat(50_000);
  const { c } = await setup(() => ({ status: 503, raw: huge }), { maxRetryElapsedMs: 300 });
  const e = (await c.listModels().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNEXPECTED_RESPONSE');
  assert.match(e.message, /GET \/v1\/models/);
  assert.equal(e.details?.status, 503);
  assert.ok(String(e.details?.bodyExcerpt).length < 400);
  assert.ok(e.message.length < 400);
});

test('connection resets are retried; resets forever end in UNREACHABLE', async () => {
  const flaky = await setup((_r, n) => (n < 2 ? { reset: true } : models));
  assert.equal((await flaky.c.listModels()).items.length, 1);
  assert.equal(flaky.c.stats().retries, 2);

  const dead = await setup(() => ({ reset: true }), { maxRetryElapsedMs: 300 });
  const e = (await dead.c.listModels().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNREACHABLE');
  assert.match(e.remediation ?? '', /base URL/);
  assertNoKey(e, dead.events);
});

test('nothing listening: UNREACHABLE after two retries, never a crash', async () => {
  const fx = await startFixture(() => models);
  const url = fx.url;
  await fx.close();
  // default retry budget: connection refused is retried twice (a restart blip), not for a minute
  const c = createMistralConnector({ apiKey: TEST_KEY, baseUrl: url });
  const e = (await c.validateKey().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNREACHABLE');
  assert.match(e.message, /ECONNREFUSED/);
  assert.equal(c.stats().requests, 3);
  assertNoKey(e, []);
});

test('a slow answer past the per-attempt timeout is retried', async () => {
  const { c } = await setup((_r, n) => (n === 0 ? { ...models, delayMs: 1500 } : models), {
    requestTimeoutMs: 150,
  });
  assert.equal((await c.listModels()).items.length, 1);
  assert.equal(c.stats().retries, 1);
});

test('malformed and truncated JSON bodies are retried, then UNEXPECTED_RESPONSE (a web page is not: test/connector-fatal-answers.test.ts)', async () => {
  const good = JSON.stringify(models.body);
  const flaky = await setup((_r, n) =>
    n === 0
      ? { raw: good.slice(0, 20) }
      : n === 1
        ? { raw: '{"object":"list","data":[{"id":"oops",}', headers: { 'content-type': 'application/json' } }
        : models,
  );
  assert.equal((await flaky.c.listModels()).items.length, 1);
  assert.equal(flaky.c.stats().retries, 2);

  const broken = await setup(() => ({ raw: '{"object":"list","data":[' }), { maxRetryElapsedMs: 300 });
  const e = (await broken.c.listModels().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNEXPECTED_RESPONSE');
  assert.match(e.message, /not valid JSON/);
});

test('concurrent calls share the limiter: never more in flight than maxConcurrency', async () => {
  let inFlight = 0;
  let peak = 0;
  const fx = await startFixture(() => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => inFlight--, 20);
    return { ...models, delayMs: 20 };
  });
  fixtures.push(fx);
  const c = createMistralConnector({
    apiKey: TEST_KEY,
    baseUrl: fx.url,
    requestsPerSecond: 1000,
    maxConcurrency: 3,
  });
  await Promise.all(Array.from({ length: 12 }, () => c.listModels()));
  assert.equal(c.stats().requests, 12);
  assert.ok(peak >= 1 && peak <= 3, `peak ${peak}`);
});

test('a log sink that throws never breaks a listing', async () => {
  const { c } = await setup(
    (_r, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '0' }, body: {} } : models),
    {
      log: () => {
        throw new Error('sink down');
      },
    },
  );
  assert.equal((await c.listModels()).items.length, 1);
});
