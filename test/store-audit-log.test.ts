/**
 * The admin audit log in the store (issue 11): entries stored once per integration and log id however
 * often they are read, newest first with filters and keyset pages, gone with their integration; change
 * events keep their attribution and target. On both back ends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChangeEvent } from '../src/findings/types.ts';
import type { AuditEntryRecord } from '../src/inventory/admin.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { testKeyring } from './store-fixtures.ts';

function entry(id: number, overrides: Partial<AuditEntryRecord> = {}): AuditEntryRecord {
  return {
    id: String(id),
    at: new Date(Date.UTC(2026, 5, 1, 12, 0, id)).toISOString(),
    actorType: 'HUMAN',
    actor: 'alice@example.com',
    actorId: 'u-alice',
    eventType: 'agent.update',
    targetType: 'AGENT',
    targetId: 'ag_1',
    targetName: 'Support bot',
    workspaceId: 'ws-1',
    details: { agent_id: 'ag_1', updated_fields: 'guardrails' },
    ...overrides,
  };
}

for (const backend of testBackends()) {
  describe(`audit log store (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    async function integration(name: string): Promise<string> {
      return (await store.integrations.create({ name, apiKey: `sk-audit-${name.replace(/\W/g, '')}-0000` }))
        .id;
    }

    it('stores each entry once across two reads and says which ones were new', async () => {
      const id = await integration('twice');
      const first = [entry(1), entry(2), entry(3)];
      const stored1 = await store.transaction((s) => s.auditLog.insert(id, null, first));
      assert.deepEqual([...stored1].sort(), ['1', '2', '3']);
      // The second read overlaps (2, 3) and brings one new entry; a duplicate within a read counts once.
      const stored2 = await store.transaction((s) =>
        s.auditLog.insert(id, null, [entry(2), entry(3), entry(4), entry(4)]),
      );
      assert.deepEqual([...stored2], ['4']);
      const all = await store.auditLog.list({ integrationIds: [id], limit: 100 });
      assert.deepEqual(
        all.map((e) => e.id),
        ['4', '3', '2', '1'],
        'newest first',
      );
      const { integrationId, syncRunId, ...record } = all[3];
      assert.equal(integrationId, id);
      assert.equal(syncRunId, null);
      assert.deepEqual(record, entry(1));
    });

    it('a failed transaction stores nothing', async () => {
      const id = await integration('rollback');
      await assert.rejects(
        store.transaction(async (s) => {
          await s.auditLog.insert(id, null, [entry(10)]);
          throw new Error('crash after the insert');
        }),
      );
      assert.deepEqual(await store.auditLog.list({ integrationIds: [id], limit: 10 }), []);
      assert.equal((await store.auditLog.insert(id, null, [entry(10)])).size, 1);
    });

    it('filters by event type, actor and time, pages by keyset, and keeps integrations apart', async () => {
      const id = await integration('filters');
      const other = await integration('other');
      await store.auditLog.insert(id, null, [
        entry(21, { eventType: 'api_key.create', actor: 'Bob@Example.com', actorId: 'u-bob' }),
        entry(22),
        entry(23, { eventType: 'api_key.create' }),
        entry(24, { at: entry(23).at }), // same time as 23: the log id orders them
      ]);
      await store.auditLog.insert(other, null, [entry(21)]);
      const ids = async (q: Partial<Parameters<Store['auditLog']['list']>[0]>) =>
        (await store.auditLog.list({ integrationIds: [id], limit: 100, ...q })).map((e) => e.id);
      assert.deepEqual(await ids({ eventType: 'api_key.create' }), ['23', '21']);
      assert.deepEqual(await ids({ actor: 'bob@example.com' }), ['21']);
      assert.deepEqual(await ids({ actor: 'u-bob' }), ['21']);
      assert.deepEqual(await ids({ since: entry(23).at }), ['24', '23']);
      const page1 = await store.auditLog.list({ integrationIds: [id], limit: 2 });
      assert.deepEqual(
        page1.map((e) => e.id),
        ['24', '23'],
      );
      const last = page1[1];
      assert.deepEqual(await ids({ before: { at: last.at, id: last.id } }), ['22', '21']);
      const both = await store.auditLog.list({ integrationIds: [id, other], limit: 100 });
      assert.equal(both.length, 5);
      assert.deepEqual(await store.auditLog.list({ integrationIds: [], limit: 10 }), []);
    });

    it('keeps hostile text as it was sent', async () => {
      const id = await integration('hostile');
      const entries = HOSTILE_PAYLOADS.map((p, i) =>
        entry(100 + i, { actor: p, targetName: p, details: { agent_name: p } }),
      );
      await store.auditLog.insert(id, null, entries);
      const back = await store.auditLog.list({ integrationIds: [id], limit: 1000 });
      assert.deepEqual(back.map((e) => e.actor).sort(), [...HOSTILE_PAYLOADS].sort());
    });

    it('entries go with their integration', async () => {
      const id = await integration('cascade');
      await store.auditLog.insert(id, null, [entry(31), entry(32)]);
      await store.integrations.delete(id);
      const { rows } = await t.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_entries WHERE integration_id = $1',
        [id],
      );
      assert.equal(rows[0].n, 0);
    });

    it('change events keep their attribution and target', async () => {
      const id = await integration('events');
      const attribution = {
        actor: 'alice@example.com',
        actorType: 'HUMAN',
        at: '2026-06-01T14:02:00.000Z',
        eventType: 'agent.update',
        auditLogId: '7',
        candidates: 2,
      };
      const events: ChangeEvent[] = [
        {
          type: 'guardrails_removed',
          resourceType: 'agent',
          resourceId: 'ag_1',
          resourceName: 'Support bot',
          at: '2026-06-01T16:00:00.000Z',
          summary:
            'Agent "Support bot" no longer has guardrails (probably by alice@example.com at 14:02 UTC)',
          attribution,
        },
        {
          type: 'api_key_created',
          resourceType: 'integration',
          resourceId: id,
          resourceName: null,
          at: '2026-06-01T15:00:00.000Z',
          summary: 'API key "ci" was created by alice@example.com at 15:00 UTC',
          attribution: { ...attribution, eventType: 'api_key.create', auditLogId: '8', candidates: 1 },
          target: { type: 'API_KEY', id: 'key_1', name: 'ci' },
        },
        {
          type: 'agent_changed',
          resourceType: 'agent',
          resourceId: 'ag_2',
          resourceName: 'Other',
          at: '2026-06-01T16:00:00.000Z',
          summary: 'Agent "Other" changed: model',
        },
      ];
      await store.events.append(id, null, events);
      const listed = await store.events.list(id);
      const byType = new Map(listed.map((e) => [e.type, e]));
      assert.deepEqual(byType.get('guardrails_removed')?.attribution, attribution);
      assert.deepEqual(byType.get('api_key_created')?.target, { type: 'API_KEY', id: 'key_1', name: 'ci' });
      assert.equal(byType.get('agent_changed')?.attribution, undefined);
      const rows = await store.queries.events({ integrationIds: [id], limit: 10 });
      const key = rows.find((e) => e.type === 'api_key_created');
      assert.equal(key?.resourceType, 'integration');
      assert.equal(key?.attribution?.auditLogId, '8');
      assert.equal(rows.find((e) => e.type === 'agent_changed')?.attribution, null);
    });
  });
}
