/**
 * The read side's in-memory caches (src/services/agent-index.ts memo, findings pages): answers are
 * served from memory while nothing changed, and never outlive a sync, a mute, an unmute (also made by
 * another process sharing the database) or a mute expiry. Each cached answer is compared with the
 * answer of services that keep nothing. On both back ends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAgentIndex } from '../src/services/agent-index.ts';
import { createAuditService } from '../src/services/audit.ts';
import { createFindingsService } from '../src/services/findings.ts';
import { createInventoryService } from '../src/services/inventory.ts';
import { ReadCache } from '../src/services/read-cache.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';
import { testKeyring } from './store-fixtures.ts';
import { analyst, connectorFactory } from './helpers/read-fixtures.ts';

describe('ReadCache', () => {
  it('shares one computation, keeps at most `capacity` entries, forgets failures and expired entries', async () => {
    const cache = new ReadCache(2);
    let calls = 0;
    const compute = (v: string) => async () => {
      calls++;
      return v;
    };
    const [a, b] = await Promise.all([cache.get('a', 0, compute('A')), cache.get('a', 0, compute('X'))]);
    assert.deepEqual([a, b, calls], ['A', 'A', 1]);
    await cache.get('b', 0, compute('B'));
    await cache.get('c', 0, compute('C')); // evicts a (oldest)
    assert.equal(cache.size, 2);
    assert.equal(await cache.get('a', 0, compute('A2')), 'A2');
    await assert.rejects(
      cache.get('f', 0, async () => {
        throw new Error('boom');
      }),
    );
    assert.equal(await cache.get('f', 0, compute('F')), 'F', 'a failure is not kept');
    assert.equal(await cache.get('t', 0, compute('T1'), () => 100), 'T1');
    assert.equal(await cache.get('t', 99, compute('T2')), 'T1', 'valid before its expiry');
    assert.equal(await cache.get('t', 100, compute('T3')), 'T3', 'recomputed at its expiry');
    const none = new ReadCache(0);
    await none.get('x', 0, compute('x1'));
    assert.equal(await none.get('x', 0, compute('x2')), 'x2', 'capacity 0 keeps nothing');
  });
});

for (const backend of testBackends()) {
  describe(`read caches (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    let sim: SimulatorHandle;
    let integ: string;
    let clock = new Date('2026-06-02T00:00:00Z');
    const now = () => clock;

    function services(cache: boolean) {
      const audit = createAuditService({ audit: store.audit, now });
      const agentIndex = createAgentIndex({ store, now, cache });
      return {
        inventory: createInventoryService({ store, agentIndex, now }),
        findings: createFindingsService({ store, audit, now, cacheEntries: cache ? 1000 : 0 }),
      };
    }
    let cached: ReturnType<typeof services>;
    let fresh: ReturnType<typeof services>;

    async function views(s: ReturnType<typeof services>, agentId: string) {
      return {
        list: await s.inventory.listAgents(analyst, { integrationId: integ, sort: 'riskScore', limit: 10 }),
        next: await s.inventory
          .listAgents(analyst, { integrationId: integ, sort: 'riskScore', limit: 10 })
          .then((p) =>
            s.inventory.listAgents(analyst, {
              integrationId: integ,
              sort: 'riskScore',
              limit: 10,
              cursor: p.nextCursor ?? undefined,
            }),
          ),
        detail: await s.inventory.getAgent(analyst, integ, agentId),
        findings: await s.findings.list(analyst, { integrationId: integ, limit: 500 }),
        high: await s.findings.list(analyst, { severity: ['high', 'critical'], limit: 7 }),
      };
    }

    /** The cached services answer as services that keep nothing. */
    async function assertCurrent(agentId: string) {
      assert.deepEqual(await views(cached, agentId), await views(fresh, agentId));
    }

    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
      sim = await startSimulator({ seed: 11, generator: { agents: 30, conversations: 120 } });
      integ = (await store.integrations.create({ name: 'sim', apiKey: sim.apiKey, baseUrl: sim.url })).id;
      await runStoredSync({ store, integrationId: integ, connectorFactory, now: clock });
      cached = services(true);
      fresh = services(false);
    });
    after(async () => {
      await sim?.close();
      await t?.cleanup();
    });

    it('serves repeated reads from memory, and answers as uncached services', async () => {
      const agentId = sim.workspace.agents[0].current.id;
      const a = await cached.inventory.getAgent(analyst, integ, agentId);
      assert.equal(await cached.inventory.getAgent(analyst, integ, agentId), a, 'the same cached object');
      const f = await cached.findings.list(analyst, { integrationId: integ });
      assert.equal(await cached.findings.list(analyst, { integrationId: integ }), f);
      assert.notEqual(await fresh.findings.list(analyst, { integrationId: integ }), f);
      assert.ok(f.items.length > 0, 'the workspace has open findings');
      await assertCurrent(agentId);
    });

    it('never outlives a sync', async () => {
      await assertCurrent(sim.workspace.agents[1].current.id); // primed
      const change = sim.evolve({ agentsEdited: 3, guardrailsChanged: 3, agentsDeleted: 1, agentsAdded: 1 });
      const edited = change.agentsEdited[0];
      const before = await cached.inventory.getAgent(analyst, integ, edited);
      clock = new Date(clock.getTime() + 3_600_000);
      await runStoredSync({ store, integrationId: integ, connectorFactory, now: clock });
      const after = await cached.inventory.getAgent(analyst, integ, edited);
      assert.notEqual(after.version, before.version, 'the edited agent shows its new version');
      const list = await cached.inventory.listAgents(analyst, { integrationId: integ, limit: 500 });
      assert.ok(
        list.items.some((x) => x.id === change.agentsAdded[0]),
        'the added agent is listed',
      );
      assert.ok(!list.items.some((x) => x.id === change.agentsDeleted[0]), 'the deleted one is not');
      await assertCurrent(edited);
      await assertCurrent(change.agentsAdded[0]);
    });

    it('never outlives a mute or an unmute, also made by another process', async () => {
      const page = await cached.findings.list(analyst, { integrationId: integ, limit: 500 });
      const target = page.items.find((f) => f.resourceType === 'agent')!;
      assert.ok(target, 'an open finding on an agent');
      const detail = await cached.inventory.getAgent(analyst, integ, target.resourceId);
      assert.equal(detail.findings.find((f) => f.id === target.id)?.muted, false);

      await cached.findings.mute(analyst, target.id, { reason: 'accepted risk' });
      const muted = await cached.findings.list(analyst, { integrationId: integ, limit: 500 });
      assert.ok(!muted.items.some((f) => f.id === target.id), 'a muted finding leaves the list');
      const mutedDetail = await cached.inventory.getAgent(analyst, integ, target.resourceId);
      assert.equal(mutedDetail.findings.find((f) => f.id === target.id)?.muted, true);
      assert.equal(mutedDetail.openFindingsCount.total, detail.openFindingsCount.total - 1);
      await assertCurrent(target.resourceId);

      // Another process (its own services, same database) unmutes: this one's caches follow.
      const other = services(true);
      await other.findings.unmute(analyst, target.id);
      const back = await cached.findings.list(analyst, { integrationId: integ, limit: 500 });
      assert.ok(
        back.items.some((f) => f.id === target.id),
        'an unmuted finding is back',
      );
      assert.equal(
        (await cached.inventory.getAgent(analyst, integ, target.resourceId)).findings.find(
          (f) => f.id === target.id,
        )?.muted,
        false,
      );
      await assertCurrent(target.resourceId);
    });

    it('never outlives a mute expiry', async () => {
      const page = await cached.findings.list(analyst, { integrationId: integ, limit: 500 });
      const target = page.items.find((f) => f.resourceType === 'agent')!;
      const expiresAt = new Date(clock.getTime() + 60_000).toISOString();
      await cached.findings.mute(analyst, target.id, { reason: 'one minute', expiresAt });
      const hidden = await cached.findings.list(analyst, { integrationId: integ, limit: 500 });
      assert.ok(!hidden.items.some((f) => f.id === target.id));
      const mutedDetail = await cached.inventory.getAgent(analyst, integ, target.resourceId);
      assert.equal(mutedDetail.findings.find((f) => f.id === target.id)?.muted, true);
      clock = new Date(clock.getTime() + 61_000); // nothing written: only the time moved
      const shown = await cached.findings.list(analyst, { integrationId: integ, limit: 500 });
      assert.ok(
        shown.items.some((f) => f.id === target.id),
        'an expired mute no longer hides',
      );
      const expired = await cached.inventory.getAgent(analyst, integ, target.resourceId);
      assert.equal(expired.findings.find((f) => f.id === target.id)?.muted, false);
      await assertCurrent(target.resourceId);
    });
  });
}
