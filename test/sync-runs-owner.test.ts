/**
 * A run taken over by another worker (its first worker went silent too long, ADR 0008) can no longer be
 * heartbeated or ended by the first one: heartbeat and finish with an owner act only while the run is
 * still that owner's. Without an owner (older callers) they act as before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { availability, recognisableKey, testKeyring } from './store-fixtures.ts';

for (const backend of testBackends()) {
  describe(
    `sync runs: only the owner ends or heartbeats its run (${backend.kind})`,
    { skip: backend.skip },
    () => {
      let t: TestDatabase;
      let store: Store;
      before(async () => {
        t = await backend.open();
        store = createStore(t.db, { keyring: testKeyring() });
      });
      after(async () => {
        await t?.cleanup();
      });

      it('refuses the former owner, accepts the current one', async () => {
        const integration = await store.integrations.create({ name: 'owned', apiKey: recognisableKey('o') });
        const { run } = await store.syncRuns.claim(integration.id, '2026-11-30T10:00:00.000Z', {
          trigger: 'manual',
          requestedBy: 'test',
          owner: 'host-b:222',
        });
        const outcome = {
          status: 'succeeded' as const,
          finishedAt: '2026-11-30T10:01:00.000Z',
          durationMs: 60_000,
          countsByType: { agent: 0, model: 0, file: 0, library: 0 },
          requests: 1,
          availability: availability(),
          errors: [],
        };
        // host-a:111 had the run before host-b:222 took it over.
        await store.syncRuns.heartbeat(run.id, '2026-11-30T10:00:30.000Z', 'host-a:111');
        const afterStaleBeat = (await store.syncRuns.running()).find((r) => r.id === run.id)!;
        assert.equal(
          afterStaleBeat.heartbeatAt,
          '2026-11-30T10:00:00.000Z',
          'the former owner does not keep it alive',
        );
        await assert.rejects(
          store.syncRuns.finish(run.id, { ...outcome, status: 'failed', owner: 'host-a:111' }),
          /no longer running/,
        );
        assert.equal((await store.syncRuns.get(run.id))?.status, 'running', 'the former owner cannot end it');

        await store.syncRuns.heartbeat(run.id, '2026-11-30T10:00:40.000Z', 'host-b:222');
        assert.equal(
          (await store.syncRuns.running()).find((r) => r.id === run.id)!.heartbeatAt,
          '2026-11-30T10:00:40.000Z',
        );
        await store.syncRuns.finish(run.id, { ...outcome, owner: 'host-b:222' });
        assert.equal((await store.syncRuns.get(run.id))?.status, 'succeeded');
      });
    },
  );
}
