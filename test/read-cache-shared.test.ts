/**
 * The read side's shared work under concurrency (issue 13, API p95 with workers syncing):
 *  - queries.version(): concurrent callers share one query, but never one that started before they
 *    called — a sync or a mute that ended before a call is always seen by it;
 *  - agent lists over several integrations are kept (keyed by the identity of each integration's index):
 *    served from memory while nothing changed, never after one of the integrations synced, and never
 *    across organizations.
 * Each cached answer is compared with the answer of services that keep nothing. On both back ends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAgentIndex } from '../src/services/agent-index.ts';
import { createAuditService } from '../src/services/audit.ts';
import type { Actor } from '../src/services/context.ts';
import { createFindingsService } from '../src/services/findings.ts';
import { createInventoryService } from '../src/services/inventory.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore, type Database, type Store } from '../src/store/index.ts';
import { createQueriesRepository } from '../src/store/queries-repository.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';
import { testKeyring } from './store-fixtures.ts';
import { analyst, connectorFactory } from './helpers/read-fixtures.ts';

/** A promise with its resolve function. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

for (const backend of testBackends()) {
  describe(`read side shared work (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    let sim: SimulatorHandle;
    let sim2: SimulatorHandle;
    let integ: string;
    let integ2: string;
    let clock = new Date('2026-06-02T00:00:00Z');
    const now = () => clock;

    function services(cache: boolean, s: Store = store) {
      const audit = createAuditService({ audit: s.audit, now });
      const agentIndex = createAgentIndex({ store: s, now, cache });
      return {
        inventory: createInventoryService({ store: s, agentIndex, now }),
        findings: createFindingsService({ store: s, audit, now, cacheEntries: cache ? 1000 : 0 }),
      };
    }

    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
      sim = await startSimulator({ seed: 21, generator: { agents: 12, conversations: 30 } });
      sim2 = await startSimulator({ seed: 22, generator: { agents: 9, conversations: 20 } });
      integ = (await store.integrations.create({ name: 'one', apiKey: sim.apiKey, baseUrl: sim.url })).id;
      integ2 = (await store.integrations.create({ name: 'two', apiKey: sim2.apiKey, baseUrl: sim2.url })).id;
      await runStoredSync({ store, integrationId: integ, connectorFactory, now: clock });
      await runStoredSync({ store, integrationId: integ2, connectorFactory, now: clock });
    });
    after(async () => {
      await sim?.close();
      await sim2?.close();
      await t?.cleanup();
    });

    it('version(): concurrent callers share a query that started after they called, and see every write before their call', async () => {
      // A database without a write count (as PostgreSQL): each version query is held after it ran
      // until the test lets it answer, so that writes can land while it is in flight.
      let versionQueries = 0;
      let hold: ReturnType<typeof gate> | null = null;
      const db: Database = {
        ...t.db,
        kind: t.db.kind,
        writeSeq: undefined,
        async query(sql, params) {
          const result = await t.db.query(sql, params);
          if (sql.includes('AS mute_seq')) {
            versionQueries++;
            if (hold) await hold.promise;
          }
          return result as never;
        },
      };
      const queries = createQueriesRepository(db);
      const v0 = await queries.version(integ);
      assert.equal(versionQueries, 1);

      hold = gate();
      const first = queries.version(integ); // runs now, answers when the gate opens
      await new Promise((r) => setTimeout(r, 50)); // its statement has run
      // A mute written while the first query is in flight (after it read the database).
      const fresh = services(false);
      const page = await fresh.findings.list(analyst, { integrationId: integ, limit: 500 });
      assert.ok(page.items.length > 0, 'the workspace has open findings');
      await fresh.findings.mute(analyst, page.items[0].id, { reason: 'accepted risk' });
      // Calls made after the mute: they must not share the first query, and they share one between them.
      const later = Array.from({ length: 10 }, () => queries.version(integ));
      const held = hold;
      hold = null;
      held.open();
      const [a, ...rest] = await Promise.all([first, ...later]);
      assert.equal(a.muteSeq, v0.muteSeq, 'the first query read the database before the mute');
      for (const v of rest) assert.ok(v.muteSeq > v0.muteSeq, 'a call after the mute sees it');
      assert.equal(versionQueries, 3, 'ten concurrent later calls cost one query');

      // A sync that ends while a query is in flight: the calls made after it see the new run.
      hold = gate();
      const before = queries.version(integ);
      await new Promise((r) => setTimeout(r, 50));
      clock = new Date(clock.getTime() + 3_600_000);
      const run = await runStoredSync({ store, integrationId: integ, connectorFactory, now: clock });
      const afterSync = queries.version(integ);
      const held2 = hold;
      hold = null;
      held2.open();
      const [b, c] = await Promise.all([before, afterSync]);
      assert.notEqual(b.latestRunId, run.runId, 'the held query read the database before the sync ended');
      assert.equal(c.latestRunId, run.runId, 'a call after the sync ended sees its run');

      // Failures are not shared with later calls.
      let fail = true;
      const flaky = createQueriesRepository({
        ...t.db,
        kind: t.db.kind,
        writeSeq: undefined,
        async query(sql, params) {
          if (fail && sql.includes('AS mute_seq')) throw new Error('connection lost');
          return t.db.query(sql, params) as never;
        },
      });
      await assert.rejects(flaky.version(integ), /connection lost/);
      fail = false;
      assert.equal((await flaky.version(integ)).latestRunId, run.runId);
    });

    it('agent lists over several integrations: kept while nothing changed, never after one integration synced', async () => {
      const cached = services(true);
      const none = services(false);
      const queries = [
        { sort: 'riskScore' as const, order: 'desc' as const, limit: 5 },
        { sort: 'name' as const, limit: 500 },
        { q: 'a', sort: 'openFindings' as const, limit: 7 },
      ];
      async function all(s: ReturnType<typeof services>) {
        const out = [];
        for (const q of queries) {
          const first = await s.inventory.listAgents(analyst, q);
          const next = first.nextCursor
            ? await s.inventory.listAgents(analyst, { ...q, cursor: first.nextCursor })
            : null;
          out.push({ first, next });
        }
        return out;
      }
      const a1 = await all(cached);
      assert.deepEqual(a1, await all(none));
      const ids = new Set(a1[1].first.items.map((x) => x.integrationId));
      assert.deepEqual(ids, new Set([integ, integ2]), 'the list covers both integrations');
      // Served from memory: the same summary objects, in the same order.
      const again = await cached.inventory.listAgents(analyst, queries[1]);
      assert.deepEqual(again, a1[1].first);
      again.items.forEach((x, i) => assert.equal(x, a1[1].first.items[i], 'the same cached summary'));

      // The SECOND integration changes (not the first one, whose index memo would drop it anyway).
      const change = sim2.evolve({ agentsAdded: 2, agentsDeleted: 1, agentsEdited: 2, guardrailsChanged: 2 });
      clock = new Date(clock.getTime() + 3_600_000);
      await runStoredSync({ store, integrationId: integ2, connectorFactory, now: clock });
      const a2 = await all(cached);
      assert.deepEqual(a2, await all(none));
      const listed = new Set(a2[1].first.items.map((x) => x.id));
      for (const id of change.agentsAdded) assert.ok(listed.has(id), 'an added agent is listed');
      assert.ok(!listed.has(change.agentsDeleted[0]), 'a deleted agent is not');
      assert.notDeepEqual(a2, a1);
    });

    it('findings over several integrations: every page merges the integrations in list order', async () => {
      const none = services(false);
      const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as Record<string, number>;
      const c = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
      const byListOrder = (
        a: { severity: string; ruleId: string; resourceId: string; id: string },
        b: typeof a,
      ) =>
        rank[a.severity] - rank[b.severity] ||
        c(a.ruleId, b.ruleId) ||
        c(a.resourceId, b.resourceId) ||
        c(a.id, b.id);
      for (const severity of [undefined, ['high', 'critical'] as ('high' | 'critical')[]]) {
        const each = [];
        for (const id of [integ, integ2])
          each.push(
            ...(await none.findings.list(analyst, { integrationId: id, severity, limit: 500 })).items,
          );
        assert.ok(new Set(each.map((f) => f.integrationId)).size === 2, 'both integrations have findings');
        const paged = [];
        let cursor: string | undefined;
        do {
          const p = await none.findings.list(analyst, { severity, limit: 7, cursor });
          paged.push(...p.items);
          cursor = p.nextCursor ?? undefined;
        } while (cursor);
        assert.deepEqual(
          paged.map((f) => f.id),
          [...each].sort(byListOrder).map((f) => f.id),
          'the pages hold every finding once, in list order',
        );
      }
    });

    it('agent lists over several integrations never cross organizations', async () => {
      const cached = services(true);
      const mine = await cached.inventory.listAgents(analyst, { sort: 'name', limit: 500 });
      assert.ok(mine.items.length > 0);
      const org = await store.accounts.createOrganization({
        id: 'org-other',
        name: 'Other',
        simulated: false,
        createdAt: clock.toISOString(),
      });
      // The other organization has an integration of its own (the same workspace as "two").
      const own = (
        await store.integrations.create({
          name: 'theirs',
          apiKey: sim2.apiKey,
          baseUrl: sim2.url,
          organizationId: org.id,
        })
      ).id;
      await runStoredSync({ store, integrationId: own, connectorFactory, now: clock });
      const stranger: Actor = { ...analyst, id: 'u2', organizationId: org.id };
      for (let i = 0; i < 2; i++) {
        const theirs = await cached.inventory.listAgents(stranger, { sort: 'name', limit: 500 });
        assert.ok(theirs.items.length > 0);
        assert.ok(
          theirs.items.every((x) => x.integrationId === own),
          'another organization sees only its own integration',
        );
        const again = await cached.inventory.listAgents(analyst, { sort: 'name', limit: 500 });
        assert.deepEqual(again, mine, 'and this one never sees it');
      }
      await assert.rejects(
        cached.inventory.listAgents(stranger, { integrationId: integ, sort: 'name' }),
        (e: Error & { code?: string }) => e.code === 'NOT_FOUND',
      );
    });
  });
}
