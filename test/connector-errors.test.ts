import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, test } from 'node:test';
import { Mistral } from '@mistralai/mistralai';
import { HTTPClient } from '@mistralai/mistralai/lib/http.js';
import {
  createMistralConnector,
  type ConnectorLogEvent,
  type ConnectorOptions,
} from '../src/mistral/index.ts';
import { createRateLimiter } from '../src/mistral/rate-limiter.ts';
import { createHttpGet } from '../src/mistral/http-get.ts';
import { createTransport } from '../src/mistral/transport.ts';
import {
  startFixture,
  TEST_KEY,
  wireAgent,
  wireModel,
  type Fixture,
  type FixtureReply,
  type FixtureRequest,
} from './connector-fixture.ts';

const fixtures: Fixture[] = [];
after(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
});
type Coded = Error & { code?: string; remediation?: string; details?: Record<string, unknown> };

async function setup(handler: (r: FixtureRequest) => FixtureReply, o: Partial<ConnectorOptions> = {}) {
  const fx = await startFixture(handler);
  fixtures.push(fx);
  const events: ConnectorLogEvent[] = [];
  const c = createMistralConnector({
    apiKey: TEST_KEY,
    baseUrl: fx.url,
    requestsPerSecond: 1000,
    maxRetryElapsedMs: 500,
    log: (e) => events.push(e),
    ...o,
  });
  return { fx, c, events };
}
const models: FixtureReply = { body: { object: 'list', data: [wireModel('m1')] } };
const fail = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e as Coded,
  );

test('401 (even one echoing the key back) → INVALID_API_KEY with the product wording; key never shown', async () => {
  const { c, events } = await setup((r) => ({
    status: 401,
    headers: { 'x-echo': String(r.headers.authorization) },
    body: { message: 'Unauthorized', echoed: r.headers.authorization },
  }));
  for (const run of [() => c.validateKey(), () => c.listAgents(), () => c.getConversationHistory('conv_1')]) {
    const e = await fail(run());
    assert.equal(e.code, 'INVALID_API_KEY');
    assert.equal(e.message, 'The API key is invalid or has expired.');
    assert.equal(
      e.remediation,
      'Generate a new key in the Mistral Console (admin.mistral.ai → Organization → API Keys) and update the integration.',
    );
    for (const text of [
      String(e),
      e.stack ?? '',
      JSON.stringify(e),
      inspect(e, { depth: 10, showHidden: true }),
      JSON.stringify(events),
    ]) {
      assert.ok(!text.includes(TEST_KEY), 'key leaked');
    }
  }
});

test('a wrong key against a real-looking server is INVALID_API_KEY', async () => {
  const fx = await startFixture(() => models);
  fixtures.push(fx);
  const c = createMistralConnector({ apiKey: 'wrong-key-xyz', baseUrl: fx.url });
  assert.equal((await fail(c.validateKey())).code, 'INVALID_API_KEY');
});

test('beta 403 on agents, libraries, conversations → BETA_ACCESS_REQUIRED with the product wording', async () => {
  const { c } = await setup((r) =>
    r.path === '/v1/models' ? models : { status: 403, body: { detail: 'Forbidden' } },
  );
  for (const run of [
    () => c.listAgents(),
    () => c.listLibraries(),
    () => c.listConversations(),
    () => c.listAgentVersions('ag_1'),
  ]) {
    const e = await fail(run());
    assert.equal(e.code, 'BETA_ACCESS_REQUIRED');
    assert.match(e.message, /requires Mistral beta API access, which this workspace does not have\.$/);
    assert.equal(
      e.remediation,
      'Verify your workspace has beta API access enabled. Contact Mistral support if not.',
    );
  }
});

test('beta 404 on list endpoints while /v1/models works → BETA_ACCESS_REQUIRED (agents after trying both list styles)', async () => {
  const { c, fx } = await setup((r) =>
    r.path === '/v1/models' ? models : { status: 404, body: { detail: 'Not Found' } },
  );
  const e = await fail(c.listAgents());
  assert.equal(e.code, 'BETA_ACCESS_REQUIRED');
  assert.ok(fx.requests.some((r) => r.path === '/v1/agents/pages'));
  assert.ok(fx.requests.some((r) => r.path === '/v1/agents'));
  assert.equal((await fail(c.listConversations())).code, 'BETA_ACCESS_REQUIRED');
  assert.equal((await fail(c.listLibraries())).code, 'BETA_ACCESS_REQUIRED');
  // the non-beta probe ran once and was remembered
  assert.equal(fx.requests.filter((r) => r.path === '/v1/models').length, 1);
});

test('404 everywhere (base URL not a Mistral API) is UNEXPECTED_RESPONSE, not a beta problem', async () => {
  const { c } = await setup(() => ({ status: 404, raw: 'not here' }));
  const e = await fail(c.listConversations());
  assert.equal(e.code, 'UNEXPECTED_RESPONSE');
  assert.match(e.message, /base URL/);
});

test('404 on a single item → NOT_FOUND; 422 and other statuses → UNEXPECTED_RESPONSE with status and endpoint', async () => {
  const { c } = await setup((r) => {
    if (r.path.endsWith('/history')) return { status: 404, body: { detail: 'Conversation not found' } };
    if (r.path === '/v1/agents/ag_1')
      return {
        status: 422,
        body: { detail: [{ loc: ['query', 'agent_version'], msg: 'bad', type: 'value_error' }] },
      };
    return { status: 418, body: { message: 'teapot' } };
  });
  const nf = await fail(c.getConversationHistory('conv_gone'));
  assert.equal(nf.code, 'NOT_FOUND');
  const v = await fail(c.getAgent('ag_1', 'prod'));
  assert.equal(v.code, 'UNEXPECTED_RESPONSE');
  assert.equal(v.details?.status, 422);
  assert.match(v.message, /GET \/v1\/agents\/\{agent_id\}/);
  const t = await fail(c.listFiles());
  assert.equal(t.details?.status, 418);
});

test('a record the SDK rejects (tools: null) is kept raw and flagged; the rest of the page survives', async () => {
  const bad = wireAgent('ag_bad', { tools: null });
  const odd = wireAgent('ag_mcp', { tools: [{ type: 'mcp', server_url: 'https://x' }] });
  const page = [wireAgent('ag_1'), bad, odd, wireAgent('ag_2')];
  const { c } = await setup(() => ({ body: { object: 'list', data: page, next_page_token: null } }));
  const out = await c.listAgents();
  assert.deepEqual(out.items, page);
  assert.deepEqual(
    out.warnings.map((w) => [w.resourceType, w.resourceId, w.endpoint]),
    [
      ['agent', 'ag_bad', 'GET /v1/agents/pages'],
      ['agent', 'ag_mcp', 'GET /v1/agents/pages'],
    ],
  );
  assert.match(out.warnings[0].issue, /^tools: /);
  assert.match(out.warnings[1].issue, /"mcp"/);
});

test('single agent and model cards: rejected / degraded records are flagged, kept raw', async () => {
  const agent = wireAgent('ag_1', { completion_args: null });
  const cards = [wireModel('m1'), { id: 'm2', type: 'base', capabilities: {}, deprecation: 'not a date' }];
  const { c } = await setup((r) =>
    r.path === '/v1/models' ? { body: { object: 'list', data: cards } } : { body: agent },
  );
  const a = await c.getAgent('ag_1');
  assert.deepEqual(a.item, agent);
  assert.equal(a.warnings.length, 1);
  assert.match(a.warnings[0].issue, /completion_args/);
  const m = await c.listModels();
  assert.deepEqual(m.items, cards);
  assert.deepEqual(
    m.warnings.map((w) => w.resourceId),
    ['m2'],
  );
});

test('a history with an entry the SDK rejects is kept whole, the entry flagged', async () => {
  const entries = [
    {
      object: 'entry',
      type: 'message.input',
      id: 'e1',
      created_at: '2025-01-01T00:00:00Z',
      role: 'user',
      content: 'hi',
    },
    { object: 'entry', type: 'message.teleport', id: 'e2', created_at: '2025-01-01T00:00:01Z' },
  ];
  const { c } = await setup(() => ({
    body: { object: 'conversation.history', conversation_id: 'conv_1', entries },
  }));
  const h = await c.getConversationHistory('conv_1');
  assert.deepEqual(h.item.entries, entries);
  assert.equal(h.warnings.length, 1);
  assert.equal(h.warnings[0].resourceId, 'conv_1');
  assert.match(h.warnings[0].issue, /^entries\[1\] \(e2\)/);
});

test('read-only: any non-GET throws READ_ONLY_VIOLATION before anything is sent', async () => {
  const fx = await startFixture(() => ({ body: {} }));
  fixtures.push(fx);
  const transport = createTransport({
    apiKey: TEST_KEY,
    limiter: createRateLimiter({ requestsPerSecond: 100, maxConcurrency: 2 }),
    maxRetryElapsedMs: 1000,
    requestTimeoutMs: 1000,
    httpGet: createHttpGet(2).get,
  });
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
    const e = (await transport.fetcher(`${fx.url}/v1/agents`, { method }).catch((x: unknown) => x)) as Coded;
    assert.equal(e.code, 'READ_ONLY_VIOLATION', method);
  }
  // through the SDK itself: create/update/delete calls never leave the process
  const sdk = new Mistral({
    apiKey: TEST_KEY,
    serverURL: fx.url,
    httpClient: new HTTPClient({ fetcher: transport.fetcher }),
  });
  await assert.rejects(sdk.beta.agents.create({ model: 'm', name: 'x' }));
  await assert.rejects(sdk.beta.agents.delete({ agentId: 'ag_1' }));
  await assert.rejects(sdk.files.delete({ fileId: 'f1' }));
  assert.equal(fx.requests.length, 0);
  assert.equal(transport.stats().requests, 0);
});

test('construction: bad base URL and bad options are INVALID_INPUT; named servers resolve', () => {
  assert.throws(
    () => createMistralConnector({ apiKey: TEST_KEY, baseUrl: 'ftp://example.com' }),
    (e: Coded) => e.code === 'INVALID_INPUT' && !!e.remediation,
  );
  assert.throws(
    () => createMistralConnector({ apiKey: '' }),
    (e: Coded) => e.code === 'INVALID_INPUT',
  );
  assert.throws(
    () => createMistralConnector({ apiKey: TEST_KEY, maxConcurrency: 0 }),
    (e: Coded) => e.code === 'INVALID_INPUT',
  );
  assert.equal(
    createMistralConnector({ apiKey: TEST_KEY, baseUrl: 'eu' }).baseUrl,
    'https://api.eu.mistral.ai',
  );
  assert.equal(createMistralConnector({ apiKey: TEST_KEY }).baseUrl, 'https://api.mistral.ai');
});

test('a base URL with a path prefix keeps it', async () => {
  const { c, fx } = await setup(() => models);
  const c2 = createMistralConnector({ apiKey: TEST_KEY, baseUrl: `${fx.url}/proxy/mistral/` });
  await c2.validateKey();
  assert.equal(fx.requests.at(-1)?.path, '/proxy/mistral/v1/models');
  assert.ok(c);
});

test('odd statuses (304, a redirect, which is never followed with the key) end in UNEXPECTED_RESPONSE', async () => {
  const { c } = await setup((r) =>
    r.path === '/v1/files' ? { status: 304, raw: '' } : { status: 302, raw: 'moved' },
  );
  const a = await fail(c.listFiles());
  assert.equal(a.code, 'UNEXPECTED_RESPONSE');
  assert.equal(a.details?.status, 304);
  const b = await fail(c.listModels());
  assert.equal(b.code, 'UNEXPECTED_RESPONSE');
  assert.equal(b.details?.status, 302);
});
