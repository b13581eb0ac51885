/**
 * The simulator's Admin API (issue 11): which key gets what (admin key 200, ordinary key 403,
 * unknown 401, admin key on ordinary routes 401), the switches (Admin API off, audit log not in the
 * plan, the served rate limit), the audit log's documented query behaviour (sort, exclusive
 * after/before, limit, filters, 422s), the generated organization's guarantees, and the mutation
 * helpers (evolve's audit trail, addAuditEntry). Shapes are validated against Mistral's OpenAPI
 * document in test/simulator-openapi-contract.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_ROUTES,
  evolveWorkspace,
  generateWorkspace,
  hostilePayload,
  maskKey,
  parseScenario,
  startSimulator,
  type SimulatorHandle,
} from '../src/simulator/index.ts';
import type { WireAuditLog } from '../src/shared/mistral-wire-admin.ts';

const ORDINARY = 'sim-ordinary-ABCD1234efgh5678';

async function get(
  sim: SimulatorHandle,
  path: string,
  key: string | null = sim.adminApiKey,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(sim.url + path, { headers, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function audit(sim: SimulatorHandle, query: string): Promise<WireAuditLog[]> {
  const r = await get(sim, `/v1/admin/audit-logs?${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as WireAuditLog[];
}

/** A concrete path for every admin route (a real user id for /users/{user_id}). */
function adminPaths(sim: SimulatorHandle): string[] {
  const userId = sim.workspace.admin!.members[0].uuid;
  return ADMIN_ROUTES.map((r) => r.pattern.replace('{user_id}', userId));
}

describe('simulator Admin API: keys', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ seed: 4, apiKey: ORDINARY, adminApiKey: 'sim-admin-key-0001' });
  });
  after(() => sim.close());

  test('the admin key gets 200 on every admin route; the ordinary key 403 with a detail; others 401', async () => {
    assert.equal(sim.adminApiKey, 'sim-admin-key-0001');
    const paths = adminPaths(sim);
    assert.equal(paths.length, 10);
    for (const path of paths) {
      assert.equal((await get(sim, path)).status, 200, path);
      const ordinary = await get(sim, path, sim.apiKey);
      assert.equal(ordinary.status, 403, path);
      const detail = (ordinary.body as { detail: unknown }).detail;
      assert.equal(typeof detail, 'string');
      assert.match(String(detail), /admin API key/i);
      assert.equal((await get(sim, path, 'sim-not-a-key')).status, 401, path);
      assert.equal((await get(sim, path, null)).status, 401, path);
    }
    // An unknown admin path: 404 to the admin key, 403 to the ordinary one.
    assert.equal((await get(sim, '/v1/admin/no-such-route')).status, 404);
    assert.equal((await get(sim, '/v1/admin/no-such-route', sim.apiKey)).status, 403);
  });

  test('the admin key is refused (401) on ordinary routes, which keep taking the ordinary key', async () => {
    for (const path of ['/v1/models', '/v1/agents', '/v1/connectors']) {
      assert.equal((await get(sim, path)).status, 401, path);
      assert.equal((await get(sim, path, sim.apiKey)).status, 200, path);
    }
  });

  test('the admin key is random by default and must differ from the ordinary key', async () => {
    const a = await startSimulator({ seed: 1, generator: { agents: 1, conversations: 0 } });
    const b = await startSimulator({ seed: 1, generator: { agents: 1, conversations: 0 } });
    try {
      assert.notEqual(a.adminApiKey, b.adminApiKey);
      assert.notEqual(a.adminApiKey, a.apiKey);
      assert.equal((await get(a, '/v1/admin/roles', b.adminApiKey)).status, 401);
    } finally {
      await a.close();
      await b.close();
    }
    await assert.rejects(startSimulator({ apiKey: 'same', adminApiKey: 'same' }), /differ/);
  });

  test('a bad query value is a 422 with a FastAPI detail array', async () => {
    const bad: Array<[string, string, string]> = [
      ['/v1/admin/api-keys?limit=x', 'query', 'limit'],
      ['/v1/admin/api-keys?offset=-1', 'query', 'offset'],
      ['/v1/admin/users?page=0', 'query', 'page'],
      ['/v1/admin/users/not-a-uuid', 'path', 'user_id'],
      ['/v1/admin/workspaces?is_archived=maybe', 'query', 'is_archived'],
      ['/v1/admin/user-groups?page_size=101', 'query', 'page_size'],
      ['/v1/admin/audit-logs?sort=up', 'query', 'sort'],
      ['/v1/admin/audit-logs?limit=0', 'query', 'limit'],
      ['/v1/admin/audit-logs?after=yesterday', 'query', 'after'],
      ['/v1/admin/audit-logs?before=2026-13-45T00:00:00Z', 'query', 'before'],
      ['/v1/admin/audit-logs?actor_type=ROBOT', 'query', 'actor_type'],
      ['/v1/admin/usage?month=13', 'query', 'month'],
      ['/v1/admin/usage?workspace_id=nope', 'query', 'workspace_id'],
      ['/v1/admin/usage?api_zone=mars', 'query', 'api_zone'],
    ];
    for (const [path, where, param] of bad) {
      const r = await get(sim, path);
      assert.equal(r.status, 422, path);
      const detail = (r.body as { detail: Array<{ loc: string[] }> }).detail;
      assert.deepEqual(detail[0].loc, [where, param], path);
    }
    const missing = await get(sim, '/v1/admin/users/00000000-0000-4000-8000-000000000001');
    assert.equal(missing.status, 404);
    assert.equal(typeof (missing.body as { detail: unknown }).detail, 'string');
  });
});

describe('simulator Admin API: switches', () => {
  test('Admin API off: every admin route 403 even for the admin key; ordinary routes unaffected', async () => {
    const sim = await startSimulator({ seed: 2, features: { adminApi: false } });
    try {
      for (const path of adminPaths(sim)) {
        const r = await get(sim, path);
        assert.equal(r.status, 403, path);
        assert.match(String((r.body as { detail: string }).detail), /not enabled/);
      }
      assert.equal((await get(sim, '/v1/models', sim.apiKey)).status, 200);
      sim.configure({ features: {} });
      assert.equal((await get(sim, '/v1/admin/api-keys')).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('audit log not in the plan: 403 on /v1/admin/audit-logs only, saying it is an Enterprise feature', async () => {
    const sim = await startSimulator({ seed: 2, features: { auditLog: false } });
    try {
      const r = await get(sim, '/v1/admin/audit-logs');
      assert.equal(r.status, 403);
      assert.match(String((r.body as { detail: string }).detail), /Enterprise/);
      for (const path of adminPaths(sim).filter((p) => !p.endsWith('/audit-logs')))
        assert.equal((await get(sim, path)).status, 200, path);
      sim.configure({ features: { auditLog: true } });
      assert.equal((await get(sim, '/v1/admin/audit-logs')).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('rate limit: the workspace value, a configured one, or the limiter’s own rate', async () => {
    const sim = await startSimulator({ seed: 2 });
    const rps = async () =>
      ((await get(sim, '/v1/admin/rate-limit')).body as { requests_per_second: number }).requests_per_second;
    try {
      assert.equal(await rps(), 40);
      sim.workspace.admin!.rateLimit.requests_per_second = 9;
      assert.equal(await rps(), 9);
      sim.configure({ adminRequestsPerSecond: 12 });
      assert.equal(await rps(), 12);
      sim.configure({ adminRequestsPerSecond: 'limiter' });
      assert.equal(await rps(), 9, 'no limiter on: the workspace value');
      sim.configure({ rateLimit: { rps: 7.5 } });
      assert.equal(await rps(), 7);
      sim.configure({ adminRequestsPerSecond: null });
      assert.equal(await rps(), 9);
    } finally {
      await sim.close();
    }
  });

  test("a client pacing itself to the served rate ('limiter') is never 429ed", async () => {
    const sim = await startSimulator({
      seed: 2,
      rateLimit: { rps: 20 },
      adminRequestsPerSecond: 'limiter',
    });
    try {
      const served = ((await get(sim, '/v1/admin/rate-limit')).body as { requests_per_second: number })
        .requests_per_second;
      assert.equal(served, 20);
      // Paced at the served rate: each request waits 1/served s after the previous one was sent.
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 1000 / served));
        const r = await get(sim, i % 2 ? '/v1/models' : '/v1/admin/api-keys', i % 2 ? sim.apiKey : undefined);
        assert.equal(r.status, 200, `request ${i}`);
      }
      assert.equal(sim.stats().rateLimited, 0);
      // Without pacing the same limiter does answer 429: the check above can fail.
      const burst = await Promise.all(Array.from({ length: 60 }, () => get(sim, '/v1/admin/roles')));
      assert.ok(burst.some((r) => r.status === 429));
    } finally {
      await sim.close();
    }
  });
});

describe('simulator Admin API: audit log queries', () => {
  let sim: SimulatorHandle;
  let all: WireAuditLog[];
  before(async () => {
    sim = await startSimulator({ seed: 11 });
    all = await audit(sim, 'sort=ascending&limit=1000');
  });
  after(() => sim.close());

  test('default: newest first, 20 entries; ascending is the exact reverse order', async () => {
    const byTime = (a: WireAuditLog, b: WireAuditLog) =>
      Date.parse(a.created_at) - Date.parse(b.created_at) || a.log_id - b.log_id;
    assert.ok(all.length > 20);
    assert.deepEqual(all, all.slice().sort(byTime));
    const def = await audit(sim, '');
    assert.equal(def.length, 20);
    assert.deepEqual(def, all.slice().reverse().slice(0, 20));
    assert.equal((await audit(sim, 'limit=3&sort=descending')).length, 3);
  });

  test('after and before are exclusive', async () => {
    const pivot = all[5];
    const later = await audit(sim, `sort=ascending&limit=1000&after=${encodeURIComponent(pivot.created_at)}`);
    assert.ok(later.every((e) => Date.parse(e.created_at) > Date.parse(pivot.created_at)));
    assert.equal(
      later.length,
      all.filter((e) => Date.parse(e.created_at) > Date.parse(pivot.created_at)).length,
    );
    const earlier = await audit(
      sim,
      `sort=ascending&limit=1000&before=${encodeURIComponent(pivot.created_at)}`,
    );
    assert.ok(earlier.every((e) => Date.parse(e.created_at) < Date.parse(pivot.created_at)));
    assert.ok(
      !earlier.some((e) => e.log_id === pivot.log_id) && !later.some((e) => e.log_id === pivot.log_id),
    );
    const window = await audit(
      sim,
      `sort=ascending&limit=1000&after=${encodeURIComponent(all[2].created_at)}&before=${encodeURIComponent(all[6].created_at)}`,
    );
    assert.deepEqual(
      window.map((e) => e.log_id),
      all
        .filter((e) => e.created_at > all[2].created_at && e.created_at < all[6].created_at)
        .map((e) => e.log_id),
    );
    // A value without offset is UTC; an offset is honoured.
    const t = new Date(Date.parse(pivot.created_at));
    const plus2 = new Date(t.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    assert.deepEqual(await audit(sim, `sort=ascending&limit=1000&after=${encodeURIComponent(plus2)}`), later);
  });

  test('entries sharing one created_at exist: strict `after` paging skips one, after − 1 ms + dedup by log_id does not', async () => {
    const counts = new Map<string, number>();
    for (const e of all) counts.set(e.created_at, (counts.get(e.created_at) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n >= 2);
    assert.ok(shared.length >= 1, 'a pair of entries shares one created_at');

    // Page size 1 with after = the last created_at: the pair's second entry is never served.
    const strict: number[] = [];
    let cursor = '';
    for (let i = 0; i < all.length + 2; i++) {
      const page = await audit(
        sim,
        `sort=ascending&limit=1${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (!page.length) break;
      strict.push(page[0].log_id);
      cursor = page[0].created_at;
    }
    assert.ok(strict.length < all.length, 'strict exclusive paging loses an entry of the pair');

    // Re-reading from 1 ms before the last time and dropping known log_ids gets every entry once
    // (a full page of known entries means a group larger than the page: step past it strictly).
    const seen = new Set<number>();
    const order: number[] = [];
    cursor = '';
    let strictNext = false;
    for (let i = 0; i < 4 * all.length; i++) {
      const from = cursor && (strictNext ? cursor : new Date(Date.parse(cursor) - 1).toISOString());
      const page = await audit(
        sim,
        `sort=ascending&limit=2${from ? `&after=${encodeURIComponent(from)}` : ''}`,
      );
      const fresh = page.filter((e) => !seen.has(e.log_id));
      for (const e of fresh) {
        seen.add(e.log_id);
        order.push(e.log_id);
      }
      if (!page.length || (!fresh.length && page.length < 2)) break;
      strictNext = !fresh.length;
      cursor = page[page.length - 1].created_at;
    }
    assert.deepEqual(
      order,
      all.map((e) => e.log_id),
    );
  });

  test('filters: event type (repeated), actor type, target type, actor user', async () => {
    const two = await audit(sim, 'event_type=agent.update&event_type=api_key.create&limit=1000');
    assert.ok(two.length >= 2);
    assert.ok(two.every((e) => e.event_type === 'agent.update' || e.event_type === 'api_key.create'));
    assert.ok(two.some((e) => e.event_type === 'api_key.create'));
    const keys = await audit(sim, 'actor_type=API_KEY&limit=1000');
    assert.ok(keys.length >= 1 && keys.every((e) => e.actor_type === 'API_KEY'));
    const agents = await audit(sim, 'target_type=AGENT&limit=1000');
    assert.ok(agents.length >= 1 && agents.every((e) => e.target_type === 'AGENT'));
    const alice = sim.workspace.admin!.members[0].uuid;
    const hers = await audit(sim, `actor_user_uuid=${alice}&limit=1000`);
    assert.ok(hers.length >= 1 && hers.every((e) => e.actor_metadata.user_uuid === alice));
    assert.equal((await audit(sim, 'event_type=skill.create')).length, 0);
  });
});

describe('simulator Admin API: the generated organization', () => {
  test('is deterministic from the seed; the integration key only changes its own masked key', () => {
    const a = generateWorkspace({ seed: 5, integrationApiKey: ORDINARY });
    const b = generateWorkspace({ seed: 5, integrationApiKey: ORDINARY });
    assert.deepEqual(a, b);
    const c = generateWorkspace({ seed: 5, integrationApiKey: 'another-key-ZZZZ9999' });
    assert.deepEqual({ ...c, admin: undefined }, { ...a, admin: undefined });
    assert.notDeepEqual(c.admin!.apiKeys[0].hidden_key, a.admin!.apiKeys[0].hidden_key);
    assert.deepEqual(c.admin!.apiKeys.slice(1), a.admin!.apiKeys.slice(1));
    assert.notDeepEqual(generateWorkspace({ seed: 6 }).admin, a.admin);
    // Hostile: owner-written admin texts carry the payloads; ids and times stay the same.
    const h = generateWorkspace({ seed: 5, integrationApiKey: ORDINARY, hostile: true }).admin!;
    assert.equal(h.apiKeys[1].name, hostilePayload(1));
    assert.equal(h.members[0].name, hostilePayload(3));
    assert.deepEqual(
      h.auditLog.map((e) => [e.log_id, e.created_at, e.event_type]),
      a.admin!.auditLog.map((e) => [e.log_id, e.created_at, e.event_type]),
    );
    const login = h.auditLog.find((e) => e.event_type === 'user.log_in')!;
    assert.equal(
      login.actor_metadata.name,
      h.members.find((m) => m.uuid === login.actor_metadata.user_uuid)!.name,
    );
  });

  test('keys: the integration key masked, never-expiring, unused > 90 days, older than a year; no plaintext', async () => {
    const sim = await startSimulator({ seed: 8, apiKey: ORDINARY });
    try {
      const { keys } = (await get(sim, '/v1/admin/api-keys')).body as {
        keys: Array<Record<string, unknown>>;
      };
      const now = Date.parse(sim.workspace.now);
      const own = keys.filter((k) => k.hidden_key === maskKey(ORDINARY));
      assert.equal(own.length, 1);
      assert.equal(maskKey(ORDINARY), 'sim-...5678');
      assert.ok(keys.every((k) => 'key' in k && k.key === null));
      assert.ok(!JSON.stringify(keys).includes(ORDINARY) && !JSON.stringify(keys).includes(sim.adminApiKey));
      assert.ok(keys.filter((k) => k.expiration_date === null).length >= 2);
      assert.ok(
        keys.some((k) => k.last_used !== null && now - Date.parse(String(k.last_used)) > 90 * 86_400_000),
      );
      assert.ok(keys.some((k) => k.last_used === null));
      assert.ok(keys.some((k) => now - Date.parse(String(k.created_at)) > 365 * 86_400_000));
      assert.ok(
        keys.some(
          (k) => k.expiration_date !== null && Date.parse(String(k.expiration_date)) - now < 30 * 86_400_000,
        ),
      );
      assert.deepEqual([...new Set(keys.map((k) => k.product))].sort(), ['API', 'Mistral Code', 'Vibe']);
      const filtered = (await get(sim, '/v1/admin/api-keys?name=5678')).body as { keys: unknown[] };
      assert.equal(filtered.keys.length, 1, 'name matches the last 4 characters of the key');
    } finally {
      await sim.close();
    }
  });

  test('members: several admins (letter and role uuid), an admin outside SSO, stale and expired invites', async () => {
    const sim = await startSimulator({ seed: 8 });
    try {
      const roles = (await get(sim, '/v1/admin/roles')).body as {
        organization_roles: Array<{ uuid: string; name: string }>;
      };
      const names = new Map(roles.organization_roles.map((r) => [r.uuid, r.name]));
      const users = (await get(sim, '/v1/admin/users?page_size=100')).body as {
        members: Array<{ raw_roles: string[]; is_sso_outsider: boolean; uuid: string }>;
        invites: Array<{ created_at: string; expired: boolean; raw_roles: string[] }>;
        total: number;
      };
      const isAdmin = (r: string) => r === 'A' || /admin/.test(names.get(r) ?? '');
      const admins = users.members.filter((m) => m.raw_roles.some(isAdmin));
      assert.ok(admins.length >= 3);
      assert.ok(
        admins.some((m) => m.raw_roles[0].length > 1),
        'an admin by role uuid',
      );
      assert.ok(admins.some((m) => m.is_sso_outsider));
      const now = Date.parse(sim.workspace.now);
      assert.ok(users.invites.some((i) => !i.expired && now - Date.parse(i.created_at) > 30 * 86_400_000));
      assert.ok(users.invites.some((i) => i.expired));
      assert.ok(users.invites.some((i) => i.raw_roles.includes('A')));
      assert.equal(users.total, users.members.length + users.invites.length);
      const one = (await get(sim, `/v1/admin/users/${admins[0].uuid}`)).body as Record<string, unknown>;
      assert.equal(one.uuid, admins[0].uuid);
      assert.ok('first_name' in one && 'last_name' in one);
      const ws = (await get(sim, '/v1/admin/workspaces')).body as { items: unknown[]; total: number };
      const withArchived = (await get(sim, '/v1/admin/workspaces?is_archived=true')).body as {
        total: number;
      };
      assert.equal(withArchived.total, ws.total + 1);
    } finally {
      await sim.close();
    }
  });

  test('audit log: the required events, a human removing an existing agent’s guardrails', async () => {
    const sim = await startSimulator({ seed: 8 });
    try {
      const all = await audit(sim, 'sort=ascending&limit=1000');
      const now = Date.parse(sim.workspace.now);
      assert.ok(all.every((e) => now - Date.parse(e.created_at) <= 61 * 86_400_000));
      for (const type of [
        'agent.update',
        'api_key.create',
        'api_key.delete',
        'library.share',
        'integration.credentials.created_or_updated',
        'la_plateforme.training.enabled',
        'le_chat.conversation.public_sharing.enabled',
        'organization.saml_authentication.disable',
        'workspace.member.role.update',
        'integration.shared',
        'organization.domain_verification.disable',
        'le_chat.localisation_sharing.enabled',
      ])
        assert.ok(
          all.some((e) => e.event_type === type),
          type,
        );
      const removal = all.find(
        (e) => e.event_type === 'agent.update' && e.event_metadata.guardrails === 'removed',
      );
      assert.ok(removal);
      assert.equal(removal.actor_type, 'HUMAN');
      assert.ok(
        removal.actor_metadata.user_uuid && removal.actor_metadata.email && removal.actor_metadata.name,
      );
      const agent = sim.workspace.agents.find((a) => a.current.id === removal.target_metadata.id);
      assert.ok(agent, 'the agent exists');
      assert.equal(removal.target_metadata.name, agent.current.name);
      assert.equal(removal.event_metadata.agent_id, agent.current.id);
      const g = agent.current.guardrails;
      assert.ok(!Array.isArray(g) || g.length === 0, 'the agent has no guardrails now');
      const usage = (await get(sim, '/v1/admin/usage')).body as {
        completion: { models: Record<string, Record<string, Array<{ value: number; cost: number }>>> };
      };
      const rows = Object.values(usage.completion.models).flatMap((m) => Object.values(m).flat());
      assert.ok(rows.length > 0 && rows.every((r) => r.value > 0 && r.cost > 0));
    } finally {
      await sim.close();
    }
  });

  test('a scenario without admin data serves an empty organization; with it, its records verbatim', async () => {
    const bare = parseScenario('{"agents": []}');
    const sim = await startSimulator({ workspace: bare });
    try {
      const keys = (await get(sim, '/v1/admin/api-keys')).body as { keys: unknown[] };
      assert.deepEqual(keys.keys, []);
      assert.deepEqual(await audit(sim, ''), []);
      assert.equal((await get(sim, '/v1/admin/rate-limit')).status, 200);
      sim.workspace = parseScenario(
        JSON.stringify({ admin: { rateLimit: { requests_per_second: 3, tokens_limits_by_model: {} } } }),
      );
      const rl = (await get(sim, '/v1/admin/rate-limit')).body as { requests_per_second: number };
      assert.equal(rl.requests_per_second, 3);
    } finally {
      await sim.close();
    }
    assert.throws(() => parseScenario('{"admin": {"apiKeys": 3}}'), /admin\.apiKeys/);
  });
});

describe('simulator Admin API: changes mid-run', () => {
  test('evolve() records who changed which agent (guardrails included) as audit entries', async () => {
    const sim = await startSimulator({ seed: 3 });
    try {
      const summary = sim.evolve({ guardrailsChanged: 3, agentsEdited: 1, agentsAdded: 1, agentsDeleted: 1 });
      assert.ok(summary.auditEntriesAdded && summary.auditEntriesAdded.length >= 5);
      const fresh = await audit(sim, `sort=ascending&limit=1000&after=${encodeURIComponent(summary.from)}`);
      assert.deepEqual(
        fresh.map((e) => e.log_id).sort((a, b) => a - b),
        [...summary.auditEntriesAdded].sort((a, b) => a - b),
      );
      for (const g of summary.guardrailsChanged) {
        const e = fresh.find((x) => x.event_type === 'agent.update' && x.target_metadata.id === g.agentId);
        assert.ok(e, g.agentId);
        assert.equal(e.event_metadata.guardrails, g.change);
        assert.equal(e.event_metadata.agent_version, String(g.version));
        assert.equal(e.actor_type, 'HUMAN');
        assert.match(e.actor_metadata.email, /@/);
        const agent = sim.workspace.agents.find((a) => a.current.id === g.agentId)!;
        assert.equal(e.created_at, agent.versions.find((v) => v.version === g.version)!.updated_at);
      }
      assert.ok(
        fresh.some((e) => e.event_type === 'agent.create' && e.target_metadata.id === summary.agentsAdded[0]),
      );
      assert.ok(
        fresh.some(
          (e) => e.event_type === 'agent.delete' && e.target_metadata.id === summary.agentsDeleted[0],
        ),
      );
    } finally {
      await sim.close();
    }
  });

  test('evolve() draws the same changes with or without admin data', () => {
    const a = generateWorkspace({ seed: 9 });
    const b = structuredClone(a);
    delete b.admin;
    const sa = evolveWorkspace(a, { seed: 42 });
    const sb = evolveWorkspace(b, { seed: 42 });
    assert.deepEqual({ ...sa, auditEntriesAdded: undefined }, { ...sb, auditEntriesAdded: undefined });
    assert.equal(sb.auditEntriesAdded, undefined);
    assert.deepEqual(a.agents, b.agents);
  });

  test('addAuditEntry appends an entry the audit log serves in time order', async () => {
    const sim = await startSimulator({ seed: 3 });
    try {
      const last = sim.workspace.admin!.auditLog.at(-1)!;
      const added = sim.addAuditEntry({
        actor_type: 'HUMAN',
        actor_metadata: {
          user_uuid: '00000000-0000-4000-8000-0000000000aa',
          email: 'eve@acme.example',
          name: 'Eve',
        },
        event_type: 'le_chat.conversation.public_sharing.enabled',
        target_type: 'ORGANIZATION',
      });
      assert.equal(added.log_id, last.log_id + 1);
      assert.equal(added.created_at, sim.workspace.now);
      const backdated = sim.addAuditEntry({
        created_at: sim.workspace.admin!.auditLog[0].created_at,
        actor_type: 'OTHER',
        event_type: 'organization.update',
        target_type: 'ORGANIZATION',
      });
      const served = await audit(sim, 'sort=ascending&limit=1000');
      assert.equal(served.at(-1)!.log_id, added.log_id);
      assert.equal(served[1].log_id, backdated.log_id);
      assert.equal(served[0].created_at, backdated.created_at);
    } finally {
      await sim.close();
    }
  });
});
