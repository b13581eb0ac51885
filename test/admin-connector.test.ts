/**
 * The admin connector (issue 11) against the simulator: every listing paged to the end with small
 * pages, the audit log read incrementally without losing or repeating entries that share an
 * instant across a page boundary (or crowd more than a page), truncation on a whole instant, the
 * read-only and admin-only guard, 401/403 mapping, and the plaintext `key` field never returned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMistralAdminConnector, hiddenKeyOf } from '../src/mistral/index.ts';
import { ADMIN_ROUTES, instantOf } from '../src/mistral/admin-connector.ts';
import { createPacedTransport, resolveSettings } from '../src/mistral/connector-core.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import type { ConnectorLogEvent } from '../src/mistral/types.ts';

const PLAINTEXT = 'PLAINTEXT-KEY-VALUE-do-not-keep-0123456789';

describe('admin connector on the simulator', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ seed: 5 });
  });
  after(() => sim.close());

  const adminFor = (pageSize = 3, log?: (e: ConnectorLogEvent) => void) =>
    createMistralAdminConnector({
      adminApiKey: sim.adminApiKey,
      baseUrl: sim.url,
      pageSize,
      maxRetryElapsedMs: 5_000,
      ...(log ? { log } : {}),
    });

  test('keys, users (members and invites) and workspaces are listed to the end over small pages', async () => {
    const admin = sim.workspace.admin!;
    assert.ok(admin.apiKeys.length > 3 && admin.members.length > 3, 'the fixture spans several pages');
    const c = adminFor(3);
    const keys = await c.listApiKeys();
    assert.deepEqual(keys.items.map((k) => k.key_id).sort(), admin.apiKeys.map((k) => k.key_id).sort());
    const users = await c.listUsers();
    assert.deepEqual(users.members.map((m) => m.uuid).sort(), admin.members.map((m) => m.uuid).sort());
    assert.deepEqual(users.invites.map((i) => i.uuid).sort(), admin.invites.map((i) => i.uuid).sort());
    const ws = await c.listWorkspaces();
    // Archived workspaces are not listed (is_archived defaults to false).
    const live = admin.workspaces.filter((w) => !admin.archivedWorkspaceIds.includes(w.uuid));
    assert.deepEqual(ws.items.map((w) => w.uuid).sort(), live.map((w) => w.uuid).sort());
    assert.ok(c.stats().requestsByEndpoint[ADMIN_ROUTES.apiKeys] > 1, 'paged');
    assert.deepEqual(keys.warnings, []);
    // The integration's own key is among them, masked as hiddenKeyOf masks it.
    assert.ok(keys.items.some((k) => k.hidden_key === hiddenKeyOf(sim.apiKey)));
  });

  test("a key's plaintext `key` field never leaves the connector", async () => {
    const k = sim.workspace.admin!.apiKeys[0] as Record<string, unknown>;
    k.key = PLAINTEXT;
    try {
      const keys = await adminFor(100).listApiKeys();
      const served = keys.items.find((x) => x.key_id === k.key_id)!;
      assert.ok(served, 'the key is listed');
      assert.equal('key' in served, false);
      assert.ok(!JSON.stringify(keys).includes(PLAINTEXT));
    } finally {
      delete k.key;
    }
  });

  test('audit entries at one instant across page boundaries are neither lost nor repeated', async () => {
    const at = '2026-01-02T03:04:05.678Z';
    const added = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      sim.addAuditEntry({
        created_at: at,
        actor_type: 'HUMAN',
        actor_metadata: { email: `p${n}@example.com` },
        event_type: 'agent.update',
        target_type: 'AGENT',
        target_metadata: { id: `ag_${n}` },
      }),
    );
    const all = sim.workspace.admin!.auditLog.map((e) => e.log_id);
    for (const size of [3, 4, 100]) {
      const r = await adminFor(size).listAuditLogs({
        after: null,
        since: '2000-01-01T00:00:00Z',
        maxEntries: 10_000,
      });
      const ids = r.items.map((e) => e.log_id);
      assert.equal(new Set(ids).size, ids.length, `no duplicates at page size ${size}`);
      assert.deepEqual([...ids].sort(), [...all].sort(), `every entry at page size ${size}`);
      for (const a of added) assert.ok(ids.includes(a.log_id));
      const times = r.items.map((e) => instantOf(e.created_at)!);
      assert.deepEqual(
        times,
        [...times].sort((x, y) => x - y),
        'oldest first',
      );
      assert.equal(r.truncated, false);
    }
  });

  test('read in truncated pieces from a cursor, the union is every entry exactly once', async () => {
    const total = sim.workspace.admin!.auditLog.length;
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 50; round++) {
      const r = await adminFor(4).listAuditLogs({
        after: cursor,
        since: '2000-01-01T00:00:00Z',
        maxEntries: 5,
      });
      seen.push(...r.items.map((e) => e.log_id));
      if (r.items.length) cursor = r.items[r.items.length - 1].created_at;
      if (!r.truncated) break;
      // A truncated read ends on a whole instant (the next entry is strictly later).
      assert.ok(r.items.length > 0);
    }
    assert.equal(new Set(seen).size, seen.length, 'no entry twice');
    assert.equal(seen.length, total, 'no entry lost');
  });

  test('only GET /v1/admin/* is sent with the admin key; anything else is refused before it is sent', async () => {
    sim.resetStats();
    const settings = resolveSettings({ baseUrl: sim.url });
    const { transport } = createPacedTransport(
      settings,
      sim.adminApiKey,
      undefined,
      (p) => p.startsWith('/v1/admin/'),
      'GET /v1/admin/*',
    );
    await assert.rejects(transport.fetcher(`${sim.url}/v1/models`, { method: 'GET' }), {
      code: 'READ_ONLY_VIOLATION',
    });
    await assert.rejects(transport.fetcher(`${sim.url}/v1/admin/api-keys`, { method: 'POST', body: '{}' }), {
      code: 'READ_ONLY_VIOLATION',
    });
    assert.equal(sim.stats().totalRequests, 0, 'nothing reached the server');
    // The admin connector's own requests all went to /v1/admin/.
    const c = adminFor(100);
    await c.validateAdminKey();
    await c.getRateLimit();
    await c.getUsage(2026, 5);
    await c.getRoles();
    const routes = sim.stats().byRoute;
    assert.ok(routes.length >= 4);
    assert.ok(routes.every((r) => r.method === 'GET' && r.route.startsWith('/v1/admin/')));
    assert.ok(Object.keys(c.stats().requestsByEndpoint).every((e) => e.startsWith('GET /v1/admin/')));
  });

  test('401 is ADMIN_KEY_INVALID and 403 (the ordinary key) is ADMIN_KEY_FORBIDDEN; no key in any text', async () => {
    const logs: ConnectorLogEvent[] = [];
    const unknownKey = 'unknown-admin-key-0123456789abcdef';
    const unknown = createMistralAdminConnector({
      adminApiKey: unknownKey,
      baseUrl: sim.url,
      log: (e) => logs.push(e),
    });
    const e401 = await unknown.validateAdminKey().then(
      () => assert.fail('accepted'),
      (e: unknown) => e as { code: string; message: string; remediation?: string },
    );
    assert.equal(e401.code, 'ADMIN_KEY_INVALID');
    assert.match(e401.remediation ?? '', /Admin role/);

    const ordinary = createMistralAdminConnector({
      adminApiKey: sim.apiKey,
      baseUrl: sim.url,
      log: (e) => logs.push(e),
    });
    const e403 = await ordinary.listApiKeys().then(
      () => assert.fail('accepted'),
      (e: unknown) => e as { code: string; message: string; remediation?: string },
    );
    assert.equal(e403.code, 'ADMIN_KEY_FORBIDDEN');
    assert.match(e403.message, /not admin-scoped/);
    assert.match(e403.remediation ?? '', /Admin role/);
    const text = JSON.stringify([e401, e403, { ...e401 }, logs]);
    for (const secret of [unknownKey, sim.apiKey, sim.adminApiKey]) assert.ok(!text.includes(secret));
  });

  test('setRequestRate sets the pace and keeps the 429 adaptation', async () => {
    const c = adminFor(100);
    assert.equal(c.stats().currentRate, 20);
    c.setRequestRate!(7.5);
    assert.equal(c.stats().currentRate, 7.5);
    assert.throws(() => c.setRequestRate!(0), { code: 'INVALID_INPUT' });
  });
});

test('hiddenKeyOf masks as Mistral does: the first 4 and last 4 around "..."', () => {
  assert.equal(hiddenKeyOf('HQSxabcdefghijUg6Y'), 'HQSx...Ug6Y');
});

test('an admin key with spaces or nothing in it is refused with a clear error', () => {
  assert.throws(() => createMistralAdminConnector({ adminApiKey: '' }), { code: 'INVALID_INPUT' });
  assert.throws(() => createMistralAdminConnector({ adminApiKey: 'abc def' }), { code: 'INVALID_INPUT' });
});

test('a server sending more audit entries at one instant than twice maxEntries cannot make a read hold them all', async () => {
  const sim = await startSimulator({ seed: 6 });
  try {
    const at = '2099-01-01T00:00:00.000Z';
    for (let n = 0; n < 40; n++) {
      sim.addAuditEntry({
        created_at: at,
        actor_type: 'HUMAN',
        actor_metadata: { email: `p${n}@example.com` },
        event_type: 'agent.update',
        target_type: 'AGENT',
        target_metadata: { id: `ag_${n}` },
      });
    }
    const c = createMistralAdminConnector({
      adminApiKey: sim.adminApiKey,
      baseUrl: sim.url,
      pageSize: 4,
      maxRetryElapsedMs: 5_000,
    });
    const r = await c.listAuditLogs({
      after: '2098-12-31T00:00:00Z',
      since: '2000-01-01T00:00:00Z',
      maxEntries: 5,
    });
    assert.equal(r.items.length, 10, 'at most 2 × maxEntries held');
    assert.equal(new Set(r.items.map((e) => e.log_id)).size, 10);
    assert.equal(r.truncated, true);
    assert.ok(r.warnings.some((w) => /more than 10 audit entries share the instant/.test(w.issue)));
  } finally {
    await sim.close();
  }
});
