/**
 * GET /api/v1/integrations/{id}/audit-log (issue 11): the admin audit log entries the syncs stored,
 * newest first, filtered and paged, scoped to the organization; change events carry attribution.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEntryRecord } from '../src/inventory/admin.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { testKeyring } from './store-fixtures.ts';

function entry(n: number, overrides: Partial<AuditEntryRecord> = {}): AuditEntryRecord {
  return {
    id: String(n),
    at: new Date(Date.UTC(2026, 5, 1, 12, n)).toISOString(),
    actorType: 'HUMAN',
    actor: 'alice@example.com',
    actorId: 'u-alice',
    eventType: 'agent.update',
    targetType: 'AGENT',
    targetId: 'ag_1',
    targetName: 'Support bot',
    workspaceId: null,
    details: {},
    ...overrides,
  };
}

for (const backend of testBackends()) {
  describe(`audit log API (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    let store: Store;
    before(async () => {
      h = await startTestServer(backend, { sync: false });
      store = createStore(h.db.db, { keyring: testKeyring() });
      await store.auditLog.insert(h.integrationA, null, [
        entry(1),
        entry(2, { eventType: 'api_key.create', targetType: 'API_KEY', actor: 'Bob@example.com' }),
        entry(3, { actor: HOSTILE_PAYLOADS[0], targetName: HOSTILE_PAYLOADS[1] }),
        entry(4, { eventType: 'library.share', targetType: 'LIBRARY' }),
      ]);
      await store.auditLog.insert(h.integrationB, null, [entry(9, { actor: 'org-b@example.com' })]);
    });
    after(() => h?.close());

    const url = (id: string, q = '') => `/api/v1/integrations/${id}/audit-log${q}`;

    it('lists the entries newest first, every field declared', async () => {
      const r = await h.viewer.request('GET', url(h.integrationA));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.body.items.map((e: AuditEntryRecord) => e.id),
        ['4', '3', '2', '1'],
      );
      assert.equal(r.body.nextCursor, null);
      const { integrationId, syncRunId, ...rest } = r.body.items[3];
      assert.equal(integrationId, h.integrationA);
      assert.equal(syncRunId, null);
      assert.deepEqual(rest, entry(1));
      // Hostile text comes back as JSON data, unchanged.
      assert.equal(r.body.items[1].actor, HOSTILE_PAYLOADS[0]);
    });

    it('filters by event type, actor and time, and pages', async () => {
      const ids = async (q: string) =>
        (await h.viewer.request('GET', url(h.integrationA, q))).body.items.map((e: { id: string }) => e.id);
      assert.deepEqual(await ids('?eventType=api_key.create'), ['2']);
      assert.deepEqual(await ids('?actor=bob%40example.com'), ['2']);
      assert.deepEqual(await ids(`?since=${encodeURIComponent(entry(3).at)}`), ['4', '3']);
      const p1 = await h.viewer.request('GET', url(h.integrationA, '?limit=3'));
      assert.equal(p1.body.items.length, 3);
      assert.ok(p1.body.nextCursor);
      const p2 = await h.viewer.request(
        'GET',
        url(h.integrationA, `?limit=3&cursor=${encodeURIComponent(p1.body.nextCursor)}`),
      );
      assert.deepEqual(
        p2.body.items.map((e: { id: string }) => e.id),
        ['1'],
      );
      assert.equal(p2.body.nextCursor, null);
    });

    it('refuses bad input with the field named and what to do', async () => {
      for (const [q, field] of [
        ['?eventType=Agent%20Update', 'eventType'],
        ['?since=yesterday', 'since'],
        ['?cursor=not-a-cursor', 'cursor'],
      ]) {
        const r = await h.viewer.request('GET', url(h.integrationA, q));
        assert.equal(r.status, 400, q);
        assert.equal(r.body.error.details?.field, field, q);
        assert.ok(r.body.error.remediation, q);
      }
    });

    it("keeps organizations apart: another organization's integration is not found", async () => {
      const r = await h.otherAdmin.request('GET', url(h.integrationA));
      assert.equal(r.status, 404);
      const own = await h.otherAdmin.request('GET', url(h.integrationB));
      assert.deepEqual(
        own.body.items.map((e: { actor: string }) => e.actor),
        ['org-b@example.com'],
      );
      assert.equal((await h.anonymous.request('GET', url(h.integrationA))).status, 401);
    });

    it('change events carry their attribution and target (null when unknown)', async () => {
      await store.events.append(h.integrationA, null, [
        {
          type: 'api_key_created',
          resourceType: 'integration',
          resourceId: h.integrationA,
          resourceName: null,
          at: entry(2).at,
          summary: 'API key "ci" was created by Bob@example.com at 12:02 UTC',
          attribution: {
            actor: 'Bob@example.com',
            actorType: 'HUMAN',
            at: entry(2).at,
            eventType: 'api_key.create',
            auditLogId: '2',
            candidates: 1,
          },
          target: { type: 'API_KEY', id: 'key_1', name: 'ci' },
        },
        {
          type: 'agent_changed',
          resourceType: 'agent',
          resourceId: 'ag_1',
          resourceName: 'Support bot',
          at: entry(1).at,
          summary: 'Agent "Support bot" changed: model',
        },
      ]);
      const r = await h.viewer.request('GET', `/api/v1/events?integrationId=${h.integrationA}`);
      assert.equal(r.status, 200, r.text);
      const byType = new Map(r.body.items.map((e: { type: string }) => [e.type, e]));
      const key = byType.get('api_key_created') as Record<string, unknown>;
      assert.equal(key.resourceType, 'integration');
      assert.deepEqual(key.target, { type: 'API_KEY', id: 'key_1', name: 'ci' });
      assert.equal((key.attribution as { auditLogId: string }).auditLogId, '2');
      const changed = byType.get('agent_changed') as Record<string, unknown>;
      assert.equal(changed.attribution, null);
      assert.equal(changed.target, null);
      const filtered = await h.viewer.request(
        'GET',
        `/api/v1/events?integrationId=${h.integrationA}&type=api_key_created`,
      );
      assert.equal(filtered.status, 200, filtered.text);
      assert.equal(filtered.body.items.length, 1);
    });
  });
}
