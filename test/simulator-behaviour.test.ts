/**
 * Simulator server behaviour over plain HTTP: auth, beta off, rate limit, non-GET refusal,
 * pagination styles and edge cases, faults, stats, verbatim serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Mistral } from '@mistralai/mistralai';
import {
  generateWorkspace,
  startSimulator,
  type FaultKind,
  type SimStats,
  type SimulatorHandle,
  type SimWorkspace,
} from '../src/simulator/index.ts';

const TIMEOUT = { timeout: 60_000 };

async function get(
  sim: SimulatorHandle,
  path: string,
  init: RequestInit & { key?: string | null } = {},
): Promise<Response> {
  const key = init.key === undefined ? sim.apiKey : init.key;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return fetch(sim.url + path, { ...init, headers, signal: AbortSignal.timeout(15_000) });
}

async function json(sim: SimulatorHandle, path: string): Promise<unknown> {
  const r = await get(sim, path);
  assert.equal(r.status, 200, `${path} → ${r.status}`);
  return r.json();
}

function emptyWorkspace(): SimWorkspace {
  return {
    now: '2026-06-01T12:00:00.000Z',
    models: [],
    files: [],
    agents: [],
    libraries: [],
    conversations: [],
  };
}

/** A workspace with exactly n agents / files / libraries (docs) / conversations. */
function sized(n: number): SimWorkspace {
  const ws = generateWorkspace({
    seed: 5,
    agents: n,
    files: n,
    libraries: n,
    documentsPerLibrary: 1,
    conversations: n,
    modelOnlyConversations: 0,
  });
  // Library 0 gets exactly n documents.
  const lib = ws.libraries[0];
  const template = ws.libraries.flatMap((l) => l.documents)[0];
  lib.documents = Array.from({ length: n }, (_, i) => ({
    ...template,
    id: `doc-${i}`,
    library_id: lib.library.id,
    created_at: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
  }));
  lib.library.nb_documents = n;
  return ws;
}

describe('auth', TIMEOUT, () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ seed: 1, apiKey: 'sim-test-key' });
  });
  after(() => sim.close());

  for (const [label, key] of [
    ['missing', null],
    ['wrong', 'nope'],
    ['prefix of the right one', 'sim-test'],
  ] as const) {
    test(`${label} key → 401 Mistral-like JSON`, async () => {
      const r = await get(sim, '/v1/models', { key });
      assert.equal(r.status, 401);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await r.json()) as Record<string, unknown>;
      assert.equal(body.message, 'Unauthorized');
      assert.match(String(body.request_id), /^[0-9a-f]{32}$/);
    });
  }

  test('right key → 200; the key is never echoed', async () => {
    const r = await get(sim, '/v1/models');
    assert.equal(r.status, 200);
    assert.ok(!(await r.text()).includes('sim-test-key'));
  });
});

describe('beta access off', TIMEOUT, () => {
  for (const status of [403, 404] as const) {
    test(`beta endpoints answer ${status}, models and files still work`, async () => {
      const sim = await startSimulator({ seed: 1, beta: { enabled: false, status } });
      try {
        const ws = sim.workspace;
        const agentId = ws.agents[0].current.id;
        const libId = ws.libraries[0].library.id;
        const convId = ws.conversations[0].conversation.id;
        for (const p of [
          '/v1/agents',
          '/v1/agents/pages',
          `/v1/agents/${agentId}`,
          `/v1/agents/${agentId}/versions`,
          `/v1/agents/${agentId}/versions/0`,
          `/v1/agents/${agentId}/aliases`,
          '/v1/libraries',
          `/v1/libraries/${libId}`,
          `/v1/libraries/${libId}/documents`,
          '/v1/conversations',
          `/v1/conversations/${convId}`,
          `/v1/conversations/${convId}/history`,
          `/v1/conversations/${convId}/messages`,
        ]) {
          const r = await get(sim, p);
          assert.equal(r.status, status, p);
          const body = (await r.json()) as Record<string, unknown>;
          assert.equal(body.object, 'error');
        }
        for (const p of [
          '/v1/models',
          '/v1/files',
          `/v1/files/${ws.files[0].id}`,
          `/v1/models/${ws.models[0].id}`,
        ]) {
          assert.equal((await get(sim, p)).status, 200, p);
        }
        sim.configure({ beta: { enabled: true } });
        assert.equal((await get(sim, '/v1/agents')).status, 200);
      } finally {
        await sim.close();
      }
    });
  }
});

describe('rate limit', TIMEOUT, () => {
  test('token bucket gives 429 + Retry-After and both header families', async () => {
    // 1 token per 20 s and a bucket of 2: the third request in a row cannot get a token.
    const sim = await startSimulator({ seed: 1, rateLimit: { rps: 0.05, burst: 2 } });
    try {
      const r1 = await get(sim, '/v1/models');
      const r2 = await get(sim, '/v1/models');
      const r3 = await get(sim, '/v1/models');
      assert.equal(r1.status, 200);
      assert.equal(r2.status, 200);
      assert.equal(r1.headers.get('x-ratelimit-limit-req-minute'), '3');
      assert.equal(r3.status, 429);
      const retry = r3.headers.get('retry-after');
      assert.match(retry ?? '', /^\d+$/);
      assert.ok(Number(retry) >= 1 && Number(retry) <= 20, `retry-after ${retry}`);
      assert.equal(r3.headers.get('x-ratelimit-remaining-req-minute'), '0');
      assert.equal(r3.headers.get('ratelimitbysize-remaining'), '0');
      assert.equal(r3.headers.get('ratelimitbysize-limit'), '2');
      assert.match(r3.headers.get('ratelimitbysize-reset') ?? '', /^\d+$/);
      assert.deepEqual(await r3.json(), {
        object: 'error',
        message: 'Rate limit exceeded',
        type: 'rate_limited',
        param: null,
        code: '1300',
      });
      assert.equal(sim.stats().rateLimited, 1);
      assert.ok(
        sim.stats().byRoute.some((r) => r.route === '/v1/models' && r.status === 429 && r.count === 1),
      );
      sim.configure({ rateLimit: null });
      assert.equal((await get(sim, '/v1/models')).status, 200);
      assert.equal((await get(sim, '/v1/models')).headers.get('retry-after'), null);
    } finally {
      await sim.close();
    }
  });
});

describe('read-only', TIMEOUT, () => {
  test('every non-GET request is refused with 405 and counted', async () => {
    const sim = await startSimulator({ seed: 1 });
    try {
      const agentId = sim.workspace.agents[0].current.id;
      const before = JSON.stringify(sim.workspace.agents[0].current);
      for (const [method, path] of [
        ['POST', '/v1/agents'],
        ['PATCH', `/v1/agents/${agentId}`],
        ['DELETE', `/v1/agents/${agentId}`],
        ['PUT', `/v1/agents/${agentId}/aliases`],
        ['POST', '/v1/nowhere'],
      ]) {
        const r = await get(sim, path, { method, body: method === 'DELETE' ? undefined : '{"name":"x"}' });
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(((await r.json()) as Record<string, unknown>).object, 'error');
      }
      const stats = sim.stats();
      assert.equal(stats.refusedNonGet, 5);
      assert.ok(
        stats.byRoute.some(
          (r) => r.method === 'DELETE' && r.route === '/v1/agents/{agent_id}' && r.status === 405,
        ),
      );
      assert.ok(stats.byRoute.some((r) => r.method === 'POST' && r.route === '(unknown)'));
      assert.equal(JSON.stringify(sim.workspace.agents[0].current), before, 'nothing changed');
    } finally {
      await sim.close();
    }
  });
});

describe('pagination', TIMEOUT, () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ workspace: sized(10) });
  });
  after(() => sim.close());

  test('page style at an exact multiple: two full pages, then an empty one', async () => {
    const ws = sim.workspace;
    const libId = ws.libraries[0].library.id;
    const agentId = ws.agents[0].current.id;
    const cases: Array<[string, (b: unknown) => unknown[], number]> = [
      ['/v1/files?page_size=5', (b) => (b as { data: unknown[] }).data, 10],
      ['/v1/agents?page_size=5', (b) => b as unknown[], 10],
      ['/v1/conversations?page_size=5', (b) => b as unknown[], 10],
      [
        `/v1/libraries/${libId}/documents?page_size=5`,
        (b) => (b as { data: unknown[] }).data,
        ws.libraries[0].documents.length,
      ],
      ['/v1/libraries?page_size=5', (b) => (b as { data: unknown[] }).data, 10],
    ];
    for (const [path, items, total] of cases) {
      const seen: string[] = [];
      for (let page = 0; page < 3; page++) {
        const body = await json(sim, `${path}&page=${page}`);
        const data = items(body) as Array<{ id: string }>;
        assert.equal(data.length, page < 2 ? 5 : 0, `${path} page ${page}`);
        seen.push(...data.map((d) => d.id));
        const pag = (body as { pagination?: Record<string, unknown> }).pagination;
        if (pag)
          assert.deepEqual(pag, {
            total_items: total,
            total_pages: 2,
            current_page: page,
            page_size: 5,
            has_more: page === 0,
          });
        if (path.startsWith('/v1/files')) assert.equal((body as { total: number }).total, 10);
      }
      assert.equal(new Set(seen).size, total, path);
    }
    // versions (bare array)
    const versions = ws.agents[0].versions.length;
    const vs = (await json(sim, `/v1/agents/${agentId}/versions?page=0&page_size=100`)) as unknown[];
    assert.equal(vs.length, versions);
  });

  test('cursor style ends with next_page_token null on the last full page', async () => {
    for (const [base, size] of [
      ['/v1/agents/pages', 5],
      ['/v1/libraries', 5],
    ] as const) {
      const ids: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const q: string = token ? `&page=0&page_token=${encodeURIComponent(token)}` : '';
        const body = (await json(sim, `${base}?page_size=${size}${q}`)) as {
          data: Array<{ id: string }>;
          next_page_token: string | null;
          pagination?: unknown;
        };
        if (token) assert.equal(body.pagination, undefined, 'no pagination for cursor callers');
        ids.push(...body.data.map((d) => d.id));
        token = body.next_page_token;
        pages++;
        assert.ok(pages <= 3, 'cursor must end');
      } while (token);
      assert.equal(pages, 2, base);
      assert.equal(new Set(ids).size, 10, base);
    }
  });

  test('a cursor survives the deletion of the record it points after', async () => {
    const first = (await json(sim, '/v1/agents/pages?page_size=3')) as {
      data: Array<{ id: string }>;
      next_page_token: string;
    };
    const removed = sim.workspace.agents.splice(2, 1); // the last agent of page 1
    try {
      const second = (await json(
        sim,
        `/v1/agents/pages?page_size=3&page_token=${first.next_page_token}`,
      )) as { data: Array<{ id: string }> };
      assert.equal(second.data[0].id, sim.workspace.agents[2].current.id);
    } finally {
      sim.workspace.agents.splice(2, 0, ...removed);
    }
  });

  test('bad paging parameters → 422 with a detail array', async () => {
    for (const p of [
      '/v1/agents?page=-1',
      '/v1/files?page_size=0',
      '/v1/conversations?page=abc',
      '/v1/agents/pages?page_token=%%%garbage',
    ]) {
      const r = await get(sim, p);
      assert.equal(r.status, 422, p);
      const body = (await r.json()) as { detail: Array<{ loc: unknown[]; msg: string }> };
      assert.ok(Array.isArray(body.detail) && body.detail[0].loc[0] === 'query', p);
    }
  });

  test('page_size is capped (maxPageSize)', async () => {
    const capped = await startSimulator({ workspace: sized(10), maxPageSize: 4 });
    try {
      const page0 = (await json(capped, '/v1/conversations?page=0&page_size=1000')) as unknown[];
      assert.equal(page0.length, 4);
      const page2 = (await json(capped, '/v1/conversations?page=2&page_size=1000')) as unknown[];
      assert.equal(page2.length, 2, 'offset uses the capped size');
    } finally {
      await capped.close();
    }
  });

  test('empty workspace: empty pages everywhere', async () => {
    const empty = await startSimulator({ workspace: emptyWorkspace() });
    try {
      assert.deepEqual(await json(empty, '/v1/models'), { object: 'list', data: [] });
      assert.deepEqual(await json(empty, '/v1/files?page=0&page_size=100&include_total=true'), {
        object: 'list',
        data: [],
        total: 0,
      });
      assert.deepEqual(await json(empty, '/v1/agents?page=0&page_size=20'), []);
      assert.deepEqual(await json(empty, '/v1/agents/pages?page_size=20'), {
        object: 'list',
        data: [],
        next_page_token: null,
      });
      assert.deepEqual(await json(empty, '/v1/conversations?page=0&page_size=100'), []);
      assert.deepEqual(await json(empty, '/v1/libraries?page=0&page_size=100'), {
        data: [],
        next_page_token: null,
        pagination: { total_items: 0, total_pages: 0, current_page: 0, page_size: 100, has_more: false },
      });
      // The SDK agrees.
      const client = new Mistral({ apiKey: empty.apiKey, serverURL: empty.url, timeoutMs: 10_000 });
      assert.deepEqual(await client.beta.agents.list(), []);
      let pages = 0;
      for await (const page of await client.beta.agents.listPages({})) {
        pages++;
        assert.deepEqual(page.result.data, []);
      }
      assert.equal(pages, 1);
    } finally {
      await empty.close();
    }
  });
});

describe('routing details', TIMEOUT, () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ seed: 2 });
  });
  after(() => sim.close());

  test('percent-encoded ids are decoded (fine-tuned model ids carry ":")', async () => {
    const ft = sim.workspace.models.find((m) => m.type === 'fine-tuned')!;
    const body = (await json(sim, `/v1/models/${encodeURIComponent(ft.id)}`)) as { id: string };
    assert.equal(body.id, ft.id);
    const alias = sim.workspace.models.find((m) => m.aliases?.length)!;
    assert.equal(((await json(sim, `/v1/models/${alias.aliases![0]}`)) as { id: string }).id, alias.id);
  });

  test('unknown path and unknown ids → 404 JSON envelope', async () => {
    for (const p of [
      '/v1/nothing',
      '/v2/agents',
      '/v1/agents/ag_missing',
      '/v1/conversations/conv_x/history',
      '/v1/files/nope',
      '/v1/models/nope',
    ]) {
      const r = await get(sim, p);
      assert.equal(r.status, 404, p);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(((await r.json()) as Record<string, unknown>).object, 'error');
    }
  });

  test('agent_version accepts a number or an alias; files get deleted:false', async () => {
    const agent = sim.workspace.agents.find((a) => a.aliases.length && a.versions.length > 1)!;
    const alias = agent.aliases[0];
    assert.equal(
      (
        (await json(sim, `/v1/agents/${agent.current.id}?agent_version=${alias.alias}`)) as {
          version: number;
        }
      ).version,
      alias.version,
    );
    assert.equal(
      ((await json(sim, `/v1/agents/${agent.current.id}?agent_version=0`)) as { version: number }).version,
      0,
    );
    assert.equal(
      ((await json(sim, `/v1/agents/${agent.current.id}/versions/${alias.alias}`)) as { version: number })
        .version,
      alias.version,
    );
    assert.equal((await get(sim, `/v1/agents/${agent.current.id}?agent_version=99`)).status, 404);
    assert.equal(
      ((await json(sim, `/v1/files/${sim.workspace.files[0].id}`)) as { deleted: boolean }).deleted,
      false,
    );
  });

  test('injected bad records are sent verbatim (and the SDK rejects them)', async () => {
    const agent = sim.workspace.agents[0];
    const saved = agent.current;
    agent.current = { ...saved, tools: null as never, created_at: '2025-05-01T00:00:00' };
    try {
      const body = (await json(sim, `/v1/agents/${saved.id}`)) as Record<string, unknown>;
      assert.equal(body.tools, null);
      assert.equal(body.created_at, '2025-05-01T00:00:00');
      const client = new Mistral({ apiKey: sim.apiKey, serverURL: sim.url, timeoutMs: 10_000 });
      await assert.rejects(
        client.beta.agents.get({ agentId: saved.id }),
        (e: Error) => e.name === 'ResponseValidationError',
      );
    } finally {
      agent.current = saved;
    }
  });
});

describe('faults', TIMEOUT, () => {
  test('each fault kind is produced', async () => {
    const sim = await startSimulator({ seed: 1 });
    try {
      const only = (kind: FaultKind): void =>
        sim.configure({ faults: { rate: 1, kinds: [kind], slowMs: 30 } });
      for (const kind of ['500', '502', '503'] as const) {
        only(kind);
        const r = await get(sim, '/v1/models');
        assert.equal(r.status, Number(kind));
        assert.equal(((await r.json()) as Record<string, unknown>).type, 'server_error');
      }
      only('reset');
      await assert.rejects(get(sim, '/v1/models'), 'connection reset');
      only('truncated');
      await assert.rejects(
        get(sim, '/v1/models').then((r) => r.text()),
        'truncated body',
      );
      only('malformed');
      const m = await get(sim, '/v1/models');
      assert.equal(m.status, 200);
      await assert.rejects(m.json(), SyntaxError);
      only('slow');
      const s = await get(sim, '/v1/models');
      assert.equal(s.status, 200);
      assert.ok(Array.isArray(((await s.json()) as { data: unknown[] }).data));
      // auth and the rate limiter come before faults
      assert.equal((await get(sim, '/v1/models', { key: 'wrong' })).status, 401);
      const stats = sim.stats();
      assert.equal(stats.faultsInjected, 7);
      assert.ok(
        stats.byRoute.some((r) => r.route === '/v1/models' && r.status === 0),
        'resets are counted with status 0',
      );
      sim.configure({ faults: null });
      assert.equal((await get(sim, '/v1/models')).status, 200);
      // a share: with rate 0.5 over 40 requests, some but not all fail (seeded, so stable)
      sim.configure({ faults: { rate: 0.5, kinds: ['503'] } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get(sim, '/v1/files')).status);
      assert.ok(statuses.includes(503) && statuses.includes(200), statuses.join(','));
    } finally {
      await sim.close();
    }
  });
});

describe('stats', TIMEOUT, () => {
  test('counters by route and status, /_sim/stats without auth, peak concurrency, reset', async () => {
    const sim = await startSimulator({ seed: 1 });
    try {
      await get(sim, '/v1/models');
      await get(sim, '/v1/models');
      await get(sim, `/v1/agents/${sim.workspace.agents[0].current.id}/versions?page=0&page_size=20`);
      await get(sim, '/v1/models', { key: 'bad' });
      const r = await fetch(`${sim.url}/_sim/stats`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(r.status, 200);
      const remote = (await r.json()) as SimStats;
      assert.deepEqual(remote, sim.stats());
      assert.equal(remote.totalRequests, 4, '/_sim/stats itself is not counted');
      assert.deepEqual(
        remote.byRoute.find((x) => x.route === '/v1/models' && x.status === 200),
        { method: 'GET', route: '/v1/models', status: 200, count: 2 },
      );
      assert.ok(remote.byRoute.some((x) => x.route === '/v1/agents/{agent_id}/versions' && x.count === 1));
      assert.ok(remote.byRoute.some((x) => x.route === '/v1/models' && x.status === 401));

      sim.resetStats();
      assert.deepEqual(sim.stats(), {
        totalRequests: 0,
        byRoute: [],
        peakConcurrency: 0,
        rateLimited: 0,
        refusedNonGet: 0,
        faultsInjected: 0,
      });

      // Peak concurrency: hold three requests open with a long latency, wait until all three are in.
      sim.configure({ latencyMs: 60_000 });
      const pending = [1, 2, 3].map(() => get(sim, '/v1/models').catch(() => null));
      const deadline = Date.now() + 10_000;
      while (sim.stats().peakConcurrency < 3 && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, 20));
      assert.equal(sim.stats().peakConcurrency, 3);
      await sim.close(); // cuts the held requests
      await Promise.all(pending);
    } finally {
      await sim.close();
    }
  });
});
