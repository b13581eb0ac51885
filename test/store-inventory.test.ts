/** Inventory (deletion marking only on complete listings, undelete), sync runs and snapshots, on both back ends. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../src/errors/index.ts';
import type { ResourceType } from '../src/inventory/types.ts';
import { createStore, type ListingRecord, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { agent, availability, file, library, model, snapshot, testKeyring } from './store-fixtures.ts';

const T1 = '2026-02-01T00:00:00.000Z';
const T2 = '2026-02-02T00:00:00.000Z';
const T3 = '2026-02-03T00:00:00.000Z';
const T4 = '2026-02-04T00:00:00.000Z';

function agents(...ids: string[]): ListingRecord[] {
  return ids.map((id) => ({ id, name: `agent ${id}`, data: agent(id) }));
}

const COUNTS: Record<ResourceType, number> = { agent: 0, model: 0, file: 0, library: 0 };

for (const backend of testBackends()) {
  describe(`inventory, sync runs, snapshots (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring(), snapshotsKept: 3 });
    });
    after(() => t?.cleanup());

    async function integration(name: string): Promise<string> {
      return (await store.integrations.create({ name, apiKey: `sk-test-${name.replace(/\W/g, '')}-0000` }))
        .id;
    }

    it('creates, updates, keeps unchanged and marks missing records deleted on a complete listing', async () => {
      const id = await integration('inv basic');
      const r1 = await store.inventory.applyListing(id, 'agent', agents('a', 'b', 'c'), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      assert.deepEqual(r1, { created: ['a', 'b', 'c'], updated: [], unchanged: 0, deleted: [] });

      const changed = [
        { id: 'a', name: 'agent a', data: agent('a') },
        { id: 'b', name: 'renamed b', data: agent('b', { instructions: 'Changed instructions.' }) },
      ];
      const r2 = await store.inventory.applyListing(id, 'agent', changed, {
        complete: true,
        syncRunId: null,
        at: T2,
      });
      assert.deepEqual(r2, { created: [], updated: ['b'], unchanged: 1, deleted: ['c'] });

      const live = await store.inventory.loadLive(id);
      assert.deepEqual(
        live.agents.map((a) => a.id),
        ['a', 'b'],
      );
      assert.equal(live.agents[1].instructions, 'Changed instructions.');
      assert.deepEqual(live.agents[0], agent('a'), 'the record round-trips through jsonb');

      const entries = await store.inventory.list(id, 'agent', { includeDeleted: true });
      const byId = Object.fromEntries(entries.map((e) => [e.id, e]));
      assert.deepEqual(
        {
          first: byId.a.firstSeenAt,
          last: byId.a.lastSeenAt,
          changed: byId.a.changedAt,
          deleted: byId.a.deletedAt,
        },
        { first: T1, last: T2, changed: T1, deleted: null },
      );
      assert.deepEqual([byId.b.name, byId.b.changedAt, byId.b.lastSeenAt], ['renamed b', T2, T2]);
      assert.deepEqual([byId.c.deletedAt, byId.c.lastSeenAt], [T2, T1]);
      const deleted = await store.inventory.listDeleted(id, 'agent');
      assert.deepEqual(
        deleted.map((d) => [d.id, d.deletedAt]),
        [['c', T2]],
      );
      assert.deepEqual(
        (await store.inventory.list(id, 'agent')).map((e) => e.id),
        ['a', 'b'],
      );
    });

    it('never deletes anything on an incomplete listing (a sync interrupted half-way)', async () => {
      const id = await integration('inv partial');
      await store.inventory.applyListing(id, 'agent', agents('a', 'b', 'c', 'd'), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      // The second sync got only the first page before failing.
      const r = await store.inventory.applyListing(id, 'agent', agents('a', 'b'), {
        complete: false,
        syncRunId: null,
        at: T2,
      });
      assert.deepEqual(r, { created: [], updated: [], unchanged: 2, deleted: [] });
      // Nothing listed at all (beta access lost): still nothing deleted.
      const empty = await store.inventory.applyListing(id, 'agent', [], {
        complete: false,
        syncRunId: null,
        at: T3,
      });
      assert.deepEqual(empty, { created: [], updated: [], unchanged: 0, deleted: [] });
      assert.deepEqual(
        (await store.inventory.loadLive(id)).agents.map((a) => a.id),
        ['a', 'b', 'c', 'd'],
      );
      assert.deepEqual(await store.inventory.listDeleted(id, 'agent'), []);
      // A complete empty listing does delete everything (the workspace really has none left).
      const all = await store.inventory.applyListing(id, 'agent', [], {
        complete: true,
        syncRunId: null,
        at: T4,
      });
      assert.deepEqual(all.deleted.sort(), ['a', 'b', 'c', 'd']);
      assert.deepEqual((await store.inventory.loadLive(id)).agents, []);
    });

    it('undeletes a record that comes back, keeping its first-seen time', async () => {
      const id = await integration('inv undelete');
      await store.inventory.applyListing(id, 'agent', agents('a', 'b'), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(id, 'agent', agents('a'), {
        complete: true,
        syncRunId: null,
        at: T2,
      });
      const back = await store.inventory.applyListing(id, 'agent', agents('a', 'b'), {
        complete: true,
        syncRunId: null,
        at: T3,
      });
      assert.deepEqual(back, { created: ['b'], updated: [], unchanged: 1, deleted: [] });
      const b = (await store.inventory.list(id, 'agent')).find((e) => e.id === 'b');
      assert.deepEqual([b?.firstSeenAt, b?.deletedAt, b?.changedAt], [T1, null, T3]);
      assert.deepEqual(await store.inventory.listDeleted(id, 'agent'), []);
    });

    it('keeps resource types and integrations apart', async () => {
      const id = await integration('inv types');
      const other = await integration('inv other');
      await store.inventory.applyListing(id, 'agent', agents('x'), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(
        id,
        'model',
        [{ id: 'm', name: 'm', data: model('mistral-large-2411') }],
        { complete: true, syncRunId: null, at: T1 },
      );
      await store.inventory.applyListing(id, 'file', [{ id: 'f', name: 'f.jsonl', data: file('f') }], {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(id, 'library', [{ id: 'l', name: 'lib', data: library('l') }], {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(other, 'agent', agents('x', 'y'), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      // A complete model listing deletes no agents.
      await store.inventory.applyListing(id, 'model', [], { complete: true, syncRunId: null, at: T2 });
      const live = await store.inventory.loadLive(id);
      assert.deepEqual(
        [live.agents.length, live.models.length, live.files.length, live.libraries.length],
        [1, 0, 1, 1],
      );
      assert.deepEqual(live.files[0], file('f'));
      assert.deepEqual(live.libraries[0], library('l'));
      assert.deepEqual(
        (await store.inventory.loadLive(other)).agents.map((a) => a.id),
        ['x', 'y'],
      );
    });

    it('treats repeated ids in one listing as one record (last wins) and key order as irrelevant', async () => {
      const id = await integration('inv dupes');
      const r = await store.inventory.applyListing(
        id,
        'agent',
        [...agents('a'), { id: 'a', name: 'a2', data: agent('a', { name: 'second' }) }],
        { complete: true, syncRunId: null, at: T1 },
      );
      assert.deepEqual(r.created, ['a']);
      assert.equal((await store.inventory.loadLive(id)).agents[0].name, 'second');
      const reordered = JSON.parse(
        JSON.stringify(agent('a', { name: 'second' }), Object.keys(agent('a')).reverse()),
      );
      const again = await store.inventory.applyListing(
        id,
        'agent',
        [{ id: 'a', name: 'a2', data: reordered }],
        { complete: true, syncRunId: null, at: T2 },
      );
      assert.equal(again.unchanged, 1);
    });

    it('handles a large listing in batches', async () => {
      const id = await integration('inv large');
      const many = Array.from({ length: 2500 }, (_, i) => ({
        id: `f${i}`,
        name: `f${i}`,
        data: file(`f${i}`),
      }));
      const r = await store.inventory.applyListing(id, 'file', many, {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      assert.equal(r.created.length, 2500);
      const r2 = await store.inventory.applyListing(id, 'file', many.slice(1000), {
        complete: true,
        syncRunId: null,
        at: T2,
      });
      assert.deepEqual([r2.unchanged, r2.deleted.length, r2.created.length], [1500, 1000, 0]);
      assert.equal((await store.inventory.loadLive(id)).files.length, 1500);
    });

    it('loads the live inventory page by page: every live record of every type, in id order', async () => {
      const id = await integration('inv pages');
      const other = await integration('inv pages other');
      // Ids whose text order differs from their numeric order, a deleted record in the middle, four
      // types, more records than one page (250), and another integration's records that never leak in.
      const ids = Array.from({ length: 520 }, (_, i) => `a${i}`);
      await store.inventory.applyListing(id, 'agent', agents(...ids), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(id, 'agent', agents(...ids.filter((x) => x !== 'a300')), {
        complete: true,
        syncRunId: null,
        at: T2,
      });
      const fileIds = Array.from({ length: 260 }, (_, i) => `f${i}`);
      const files = fileIds.map((f) => ({ id: f, name: f, data: file(f) }));
      await store.inventory.applyListing(id, 'file', files, { complete: true, syncRunId: null, at: T1 });
      await store.inventory.applyListing(id, 'model', [{ id: 'm', name: 'm', data: model('m') }], {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(id, 'library', [{ id: 'l', name: 'l', data: library('l') }], {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      await store.inventory.applyListing(other, 'agent', agents('zz'), {
        complete: true,
        syncRunId: null,
        at: T1,
      });
      const live = await store.inventory.loadLive(id);
      assert.deepEqual(
        live.agents.map((a) => a.id),
        ids.filter((x) => x !== 'a300').sort(),
      );
      assert.deepEqual(live.agents[0], agent(live.agents[0].id));
      assert.deepEqual(
        live.files.map((f) => f.id),
        [...fileIds].sort(),
      );
      assert.deepEqual(live.models, [model('m')]);
      assert.deepEqual(live.libraries, [library('l')]);
    });

    it('records sync runs: start, finish, list, latest, latest availability', async () => {
      const id = await integration('runs');
      assert.equal(await store.syncRuns.latest(id), null);
      assert.equal(await store.syncRuns.latestAvailability(id), null);
      const r1 = await store.syncRuns.start(id, T1);
      const running = await store.syncRuns.get(r1);
      assert.deepEqual(
        {
          status: running?.status,
          startedAt: running?.startedAt,
          finishedAt: running?.finishedAt,
          errors: running?.errors,
        },
        { status: 'running', startedAt: T1, finishedAt: null, errors: [] },
      );
      const avail = availability('unavailable');
      avail.agents = {
        status: 'unavailable',
        message: 'Beta access is not enabled.',
        remediation: 'Ask Mistral.',
        code: 'BETA_ACCESS_REQUIRED',
      };
      const errors = [
        {
          feature: 'agents' as const,
          code: 'BETA_ACCESS_REQUIRED',
          message: 'Beta access is not enabled.',
          remediation: 'Ask Mistral.',
        },
      ];
      await store.syncRuns.finish(r1, {
        status: 'partial',
        finishedAt: '2026-02-01T00:00:02.500Z',
        durationMs: 2500,
        countsByType: { ...COUNTS, model: 12, file: 3 },
        requests: 9,
        availability: avail,
        errors,
      });
      const r2 = await store.syncRuns.start(id, T2); // still running
      const finished = await store.syncRuns.get(r1);
      assert.deepEqual(finished, {
        id: r1,
        integrationId: id,
        startedAt: T1,
        status: 'partial',
        finishedAt: '2026-02-01T00:00:02.500Z',
        durationMs: 2500,
        countsByType: { ...COUNTS, model: 12, file: 3 },
        requests: 9,
        availability: avail,
        errors,
        trigger: 'manual',
        requestedBy: null,
        heartbeatAt: T1,
      });
      await assert.rejects(
        store.syncRuns.start(id, T2),
        { code: 'CONFLICT' },
        'one running sync per integration',
      );
      assert.deepEqual(
        (await store.syncRuns.list(id)).map((r) => r.id),
        [r2, r1],
      );
      assert.deepEqual(
        (await store.syncRuns.list(id, 1)).map((r) => r.id),
        [r2],
      );
      assert.equal((await store.syncRuns.latest(id))?.id, r2);
      assert.deepEqual(
        await store.syncRuns.latestAvailability(id),
        avail,
        'a running sync has no availability yet',
      );
      await assert.rejects(
        () =>
          store.syncRuns.finish('missing', {
            status: 'failed',
            finishedAt: T2,
            durationMs: 1,
            countsByType: COUNTS,
            requests: 0,
            availability: avail,
            errors: [],
          }),
        (e: unknown) => isAppError(e) && e.code === 'NOT_FOUND',
      );
    });

    it('keeps the last N snapshots and loads the latest and the previous', async () => {
      const id = await integration('snapshots');
      assert.equal(await store.snapshots.loadLatest(id), null);
      const times = [
        '2026-03-01T00:00:00.000Z',
        '2026-03-02T00:00:00.000Z',
        '2026-03-03T00:00:00.000Z',
        '2026-03-04T00:00:00.000Z',
      ];
      const runs: string[] = [];
      for (const [i, at] of times.entries()) {
        const run = await store.syncRuns.start(id, at);
        runs.push(run);
        await store.snapshots.save(id, run, snapshot(at, [agent(`ag${i}`, { instructions: 'x'.repeat(i) })]));
        await store.syncRuns.interrupt([run], at, 'test: the next run may start');
        if (i === 0) assert.equal(await store.snapshots.loadPrevious(id), null);
      }
      const latest = await store.snapshots.loadLatest(id);
      assert.deepEqual(latest, {
        syncRunId: runs[3],
        takenAt: times[3],
        snapshot: snapshot(times[3], [agent('ag3', { instructions: 'xxx' })]),
      });
      assert.equal((await store.snapshots.loadPrevious(id))?.syncRunId, runs[2]);
      assert.deepEqual(
        (await store.snapshots.list(id)).map((s) => s.syncRunId),
        [runs[3], runs[2], runs[1]],
        'only the last 3 are kept',
      );
    });
  });
}

for (const backend of testBackends()) {
  describe(`store transactions (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring(), snapshotsKept: 2 });
    });
    after(() => t?.cleanup());

    it('commits repositories together, or rolls all of them back', async () => {
      const id = (await store.integrations.create({ name: 'tx', apiKey: 'sk-tx-test-000000' })).id;
      const run = await store.syncRuns.start(id, T1);
      await assert.rejects(
        store.transaction(async (s) => {
          await s.inventory.applyListing(id, 'agent', agents('a'), {
            complete: true,
            syncRunId: run,
            at: T1,
          });
          await s.snapshots.save(id, run, snapshot(T1));
          throw new RangeError('boom after writing');
        }),
        (e: unknown) => e instanceof RangeError && e.message === 'boom after writing',
        "the callback's own error passes through unchanged",
      );
      assert.deepEqual((await store.inventory.loadLive(id)).agents, []);
      assert.equal(await store.snapshots.loadLatest(id), null);
      await store.transaction(async (s) => {
        await s.inventory.applyListing(id, 'agent', agents('a'), { complete: true, syncRunId: run, at: T1 });
        for (const at of [T1, T2, T3]) await s.snapshots.save(id, run, snapshot(at));
      });
      assert.equal((await store.inventory.loadLive(id)).agents.length, 1);
      assert.equal(
        (await store.snapshots.list(id)).length,
        2,
        'the transaction store keeps the same options',
      );
    });
  });
}
