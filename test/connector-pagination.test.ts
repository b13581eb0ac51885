import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createMistralConnector, type ConnectorOptions } from '../src/mistral/index.ts';
import {
  range,
  slicePage,
  startFixture,
  TEST_KEY,
  wireAgent,
  wireConversation,
  wireDocument,
  wireFile,
  wireLibrary,
  type Fixture,
  type FixtureReply,
  type FixtureRequest,
} from './connector-fixture.ts';

const fixtures: Fixture[] = [];
after(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
});

async function setup(handler: (r: FixtureRequest) => FixtureReply, o: Partial<ConnectorOptions> = {}) {
  const fx = await startFixture(handler);
  fixtures.push(fx);
  const c = createMistralConnector({
    apiKey: TEST_KEY,
    baseUrl: fx.url,
    requestsPerSecond: 1000,
    maxConcurrency: 4,
    pageSize: 3,
    maxRetryElapsedMs: 2000,
    ...o,
  });
  return { fx, c, paths: () => fx.requests.map((r) => `${r.path}?${r.query}`) };
}
const notFound: FixtureReply = { status: 404, body: { detail: 'Not Found' } };
const ids = (items: { id: string }[]) => items.map((x) => x.id);

test('files: total at an exact multiple of the page size needs no extra request', async () => {
  const all = range(6, 'f').map(wireFile);
  const { c, fx } = await setup((r) =>
    r.path === '/v1/files'
      ? { body: { object: 'list', total: all.length, data: slicePage(all, r.query) } }
      : notFound,
  );
  const out = await c.listFiles();
  assert.deepEqual(ids(out.items), ids(all));
  assert.equal(fx.requests.length, 2);
  assert.equal(fx.requests[0].query.get('page_size'), '3');
});

test('files: without total, an exact multiple ends on an empty page; an empty workspace on the first', async () => {
  const all = range(6, 'f').map(wireFile);
  const { c, fx } = await setup((r) => ({ body: { object: 'list', data: slicePage(all, r.query) } }));
  assert.equal((await c.listFiles()).items.length, 6);
  assert.equal(fx.requests.length, 3);

  const empty = await setup(() => ({ body: { object: 'list', total: 0, data: [] } }));
  assert.deepEqual((await empty.c.listFiles()).items, []);
  assert.equal(empty.fx.requests.length, 1);
});

test('files: a server that caps the page size below ours is still listed to the total', async () => {
  const all = range(7, 'f').map(wireFile);
  const { c } = await setup((r) => {
    const page = Number(r.query.get('page'));
    return { body: { object: 'list', total: all.length, data: all.slice(page * 2, page * 2 + 2) } };
  });
  assert.equal((await c.listFiles()).items.length, 7);
});

test('files: a listing cut short (empty page before the total) is read once more, then fails the feature', async () => {
  const all = range(6, 'f').map(wireFile);
  let firstPass = true;
  const { c, fx } = await setup((r) => {
    const page = Number(r.query.get('page'));
    // First pass: page 1 comes back empty although 6 were announced (records moved meanwhile).
    if (firstPass && page === 1) {
      firstPass = false;
      return { body: { object: 'list', total: all.length, data: [] } };
    }
    return { body: { object: 'list', total: all.length, data: slicePage(all, r.query) } };
  });
  assert.equal((await c.listFiles()).items.length, 6, 'the second reading is complete');
  assert.equal(fx.requests.length, 4);

  const broken = await setup((r) => {
    const page = Number(r.query.get('page'));
    return { body: { object: 'list', total: all.length, data: page === 0 ? all.slice(0, 3) : [] } };
  });
  await assert.rejects(broken.c.listFiles(), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'UNEXPECTED_RESPONSE');
    assert.match(e.message, /cut short/);
    assert.match(e.message, /files/);
    return true;
  });
  assert.equal(broken.fx.requests.length, 4, 'two readings of two pages each, no more');
});

test('agents: cursor pages to the end; a short page with a token is followed; blank token ends', async () => {
  const all = range(8, 'ag_').map((id) => wireAgent(id));
  // pages: [0..3) token t1, [3..4) (short) token t2, [4..7) token "  ", never [7]
  const pages: Record<string, { from: number; to: number; next: string | null }> = {
    '': { from: 0, to: 3, next: 't1' },
    t1: { from: 3, to: 4, next: 't2' },
    t2: { from: 4, to: 7, next: '  ' },
  };
  const { c, fx } = await setup((r) => {
    if (r.path !== '/v1/agents/pages') return notFound;
    const p = pages[r.query.get('page_token') ?? ''];
    return { body: { object: 'list', data: all.slice(p.from, p.to), next_page_token: p.next } };
  });
  const out = await c.listAgents();
  assert.deepEqual(ids(out.items), ids(all.slice(0, 7)));
  assert.equal(fx.requests.length, 3);
  assert.deepEqual(out.warnings, []);
});

test('agents: cursor exact multiple (last full page with null token) and empty listing', async () => {
  const all = range(6, 'ag_').map((id) => wireAgent(id));
  const { c, fx } = await setup((r) => {
    const tok = r.query.get('page_token');
    return tok === 'p2'
      ? { body: { data: all.slice(3), next_page_token: null } }
      : { body: { data: all.slice(0, 3), next_page_token: 'p2' } };
  });
  assert.equal((await c.listAgents()).items.length, 6);
  assert.equal(fx.requests.length, 2);

  const empty = await setup(() => ({ body: { object: 'list', data: [] } }));
  assert.deepEqual((await empty.c.listAgents()).items, []);
});

test('agents: a server that repeats a cursor is an error, not a loop', async () => {
  let n = 0;
  const { c } = await setup(() => ({ body: { data: [wireAgent(`ag_${n++}`)], next_page_token: 'same' } }));
  await assert.rejects(
    c.listAgents(),
    (e: Error & { code?: string }) => e.code === 'UNEXPECTED_RESPONSE' && /loop/.test(e.message),
  );
});

test('agents: /v1/agents/pages answering 404 falls back to the page style of /v1/agents', async () => {
  const all = range(6, 'ag_').map((id) => wireAgent(id));
  const { c, fx } = await setup((r) => {
    if (r.path === '/v1/agents') return { body: slicePage(all, r.query) };
    if (r.path === '/v1/models') return { body: { object: 'list', data: [] } };
    return notFound;
  });
  assert.deepEqual(ids((await c.listAgents()).items), ids(all));
  const before = fx.requests.length;
  // the decision is remembered: the next listing goes straight to /v1/agents (3 pages)
  assert.equal((await c.listAgents()).items.length, 6);
  assert.equal(fx.requests.length - before, 3);
  assert.ok(fx.requests.slice(before).every((r) => r.path === '/v1/agents'));
});

test('versions (bare array): exact multiple ends on an empty page; aliases are one request', async () => {
  const versions = [0, 1, 2, 3, 4, 5].map((v) => wireAgent('ag_1', { version: v }));
  const aliases = [
    { alias: 'prod', version: 5, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' },
  ];
  const { c, fx } = await setup((r) => {
    if (r.path === '/v1/agents/ag_1/versions') return { body: slicePage(versions, r.query) };
    if (r.path === '/v1/agents/ag_1/aliases') return { body: aliases };
    return notFound;
  });
  const out = await c.listAgentVersions('ag_1');
  assert.deepEqual(
    out.items.map((a) => a.version),
    [0, 1, 2, 3, 4, 5],
  );
  assert.equal(fx.requests.length, 3);
  assert.deepEqual((await c.listAgentAliases('ag_1')).items, aliases);
});

test('libraries: cursor; documents: has_more; conversations: bare array pages', async () => {
  const libs = range(5, 'lib').map(wireLibrary);
  const docs = range(6, 'doc').map((id) => wireDocument(id, 'lib000'));
  const convs = range(7, 'conv').map(wireConversation);
  const { c } = await setup((r) => {
    if (r.path === '/v1/libraries') {
      const start = Number(r.query.get('page_token') ?? 0);
      const next = start + 3 < libs.length ? String(start + 3) : null;
      return { body: { data: libs.slice(start, start + 3), next_page_token: next } };
    }
    if (r.path === '/v1/libraries/lib000/documents') {
      const data = slicePage(docs, r.query);
      const page = Number(r.query.get('page'));
      return {
        body: {
          pagination: {
            total_items: 6,
            total_pages: 2,
            current_page: page,
            page_size: 3,
            has_more: page < 1,
          },
          data,
        },
      };
    }
    if (r.path === '/v1/conversations') return { body: slicePage(convs, r.query) };
    return notFound;
  });
  assert.deepEqual(ids((await c.listLibraries()).items), ids(libs));
  assert.deepEqual(ids((await c.listLibraryDocuments('lib000')).items), ids(docs));
  assert.deepEqual(ids((await c.listConversations()).items), ids(convs));
});

test('libraries: a server that only pages by number (pagination.has_more) is followed', async () => {
  const libs = range(5, 'lib').map(wireLibrary);
  const { c } = await setup((r) => {
    const page = Number(r.query.get('page'));
    const data = slicePage(libs, r.query);
    return {
      body: {
        data,
        pagination: {
          total_items: 5,
          total_pages: 2,
          current_page: page,
          page_size: 3,
          has_more: page === 0,
        },
      },
    };
  });
  assert.deepEqual(ids((await c.listLibraries()).items), ids(libs));
});

test('conversations: a server ignoring the page parameter is detected', async () => {
  const convs = range(3, 'conv').map(wireConversation);
  const { c } = await setup(() => ({ body: convs }));
  await assert.rejects(
    c.listConversations(),
    (e: Error & { code?: string }) => e.code === 'UNEXPECTED_RESPONSE',
  );
});

test('raw records are returned verbatim (wire names, guardrails untouched, unknown fields kept)', async () => {
  const guardrails = [
    {
      block_on_error: false,
      moderation_llm_v2: { custom_category_thresholds: { pii: 0.2, made_up: 0.1 }, action: 'none' },
    },
  ];
  const agent = wireAgent('ag_1', {
    guardrails,
    completion_args: { tool_choice: 'auto', temperature: null },
    extra_field: { x: 1 },
  });
  const { c, fx } = await setup(() => ({ body: { data: [agent], next_page_token: null } }));
  const out = await c.listAgents();
  assert.deepEqual(out.items[0], agent);
  // the per-call correlation header never leaves the process; the SDK's headers do
  const h = fx.requests[0].headers;
  assert.equal(h['x-trustlens-call'], undefined);
  assert.equal(h.cookie, undefined);
  assert.match(String(h['user-agent']), /mistral-client-typescript/);
  assert.equal(h.accept, 'application/json');
});

test('a server refusing our page size (422) is listed again with the SDK default, and remembered', async () => {
  const convs = range(45, 'conv').map(wireConversation);
  const { c, fx } = await setup(
    (r) => {
      if (Number(r.query.get('page_size')) > 20)
        return {
          status: 422,
          body: { detail: [{ loc: ['query', 'page_size'], msg: 'too big', type: 'less_than_equal' }] },
        };
      return { body: slicePage(convs, r.query) };
    },
    { pageSize: 100 },
  );
  assert.deepEqual(ids((await c.listConversations()).items), ids(convs));
  const before = fx.requests.length;
  assert.equal((await c.listConversations()).items.length, 45);
  assert.ok(fx.requests.slice(before).every((r) => r.query.get('page_size') === '20'));
});
