/**
 * The store under real syncs (simulator → connector → pipeline → runStoredSync), on both back ends:
 * deletions are marked only after complete listings; a sync that loses beta access or fails outright
 * leaves the earlier inventory intact; the key is never stored in plaintext.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMistralConnector } from '../src/mistral/index.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { runStoredSync, type ConnectorFactory } from '../src/sync/run-sync.ts';
import { testKeyring } from './store-fixtures.ts';

const connectorFactory: ConnectorFactory = (o) =>
  createMistralConnector({
    ...o,
    maxRetryElapsedMs: 300,
    requestTimeoutMs: 5000,
    requestsPerSecond: 200,
    maxConcurrency: 8,
  });

for (const backend of testBackends()) {
  describe(`stored syncs against the simulator (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    let sim: SimulatorHandle;
    let integrationId: string;
    let clock = Date.parse('2026-03-01T00:00:00Z');
    const nextNow = () => new Date((clock += 3600_000));

    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
      sim = await startSimulator({
        seed: 11,
        host: '127.0.0.1',
        generator: { agents: 6, conversations: 30 },
      });
      integrationId = (await store.integrations.create({ name: 'sim', apiKey: sim.apiKey, baseUrl: sim.url }))
        .id;
    });
    after(async () => {
      await sim?.close();
      await t?.cleanup();
    });

    const liveAgentIds = async () =>
      (await store.inventory.loadLive(integrationId)).agents.map((a) => a.id).sort();

    it('stores the first sync completely', async () => {
      const r = await runStoredSync({ store, integrationId, connectorFactory, now: nextNow() });
      assert.equal(r.pipeline.status, 'succeeded');
      const live = await store.inventory.loadLive(integrationId);
      assert.deepEqual(
        live.agents.map((a) => a.id).sort(),
        sim.workspace.agents.map((a) => a.current.id).sort(),
      );
      assert.ok(live.models.length > 0 && live.agents.length === 6);
      const run = await store.syncRuns.latest(integrationId);
      assert.deepEqual([run?.status, run?.countsByType?.agent], ['succeeded', 6]);
      assert.equal((await store.snapshots.loadLatest(integrationId))?.syncRunId, r.runId);
      assert.ok((await store.usage(integrationId).loadConversationStates()).size > 0);
    });

    it('keeps every agent when beta access is lost (agents not listed: nothing deleted)', async () => {
      const before = await liveAgentIds();
      sim.evolve({ agentsDeleted: 2, agentsAdded: 0 });
      sim.configure({ beta: { enabled: false, status: 404 } });
      try {
        const r = await runStoredSync({ store, integrationId, connectorFactory, now: nextNow() });
        assert.equal(r.pipeline.complete.agent, false);
      } finally {
        sim.configure({ beta: { enabled: true } });
      }
      assert.deepEqual(await liveAgentIds(), before);
      assert.deepEqual(await store.inventory.listDeleted(integrationId, 'agent'), []);
      assert.equal((await store.syncRuns.latestAvailability(integrationId))?.agents.status, 'unavailable');
    });

    it('keeps every record when a sync fails outright', async () => {
      const before = await store.inventory.loadLive(integrationId);
      sim.configure({ faults: { rate: 1, kinds: ['500'] } });
      try {
        // Every request fails: the pipeline reports a failed run (or throws, for a fatal error).
        const outcome = await runStoredSync({ store, integrationId, connectorFactory, now: nextNow() }).then(
          (r) => r.pipeline.status,
          () => 'thrown',
        );
        assert.ok(['failed', 'thrown'].includes(outcome), outcome);
      } finally {
        sim.configure({ faults: null });
      }
      assert.deepEqual(await store.inventory.loadLive(integrationId), before);
      assert.equal((await store.syncRuns.latest(integrationId))?.status, 'failed');
    });

    it('marks agents deleted once a complete listing no longer has them', async () => {
      const before = await liveAgentIds();
      const r = await runStoredSync({ store, integrationId, connectorFactory, now: nextNow() });
      assert.equal(r.pipeline.status, 'succeeded');
      const now = sim.workspace.agents.map((a) => a.current.id).sort();
      assert.deepEqual(await liveAgentIds(), now);
      const deleted = (await store.inventory.listDeleted(integrationId, 'agent')).map((d) => d.id).sort();
      assert.equal(deleted.length, 2);
      assert.deepEqual(deleted, before.filter((id) => !now.includes(id)).sort());
    });

    it('never writes the API key in plaintext', async () => {
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT data::text AS v FROM inventory_records UNION ALL SELECT data::text FROM snapshots
           UNION ALL SELECT data::text FROM snapshot_parts
           UNION ALL SELECT errors::text FROM sync_runs UNION ALL SELECT availability::text FROM sync_runs
           UNION ALL SELECT detail FROM findings UNION ALL SELECT evidence::text FROM findings) x
         WHERE strpos(v, $1) > 0`,
        [sim.apiKey],
      );
      assert.equal(rows[0].n, 0);
    });
  });
}
