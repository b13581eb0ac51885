/**
 * The sync service and the scheduler through the composition root, against the simulator, on both
 * back ends: a manual sync, two concurrent triggers giving one run, scheduled syncs with a controllable
 * clock (each due time once, missed slots once), interrupted runs recovered, back-off after rate limits,
 * organization scoping and roles, and the feature matrix without beta access.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/app/config.ts';
import { createApp, type App } from '../src/app/root.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import type { Actor } from '../src/services/context.ts';
import { cliActor } from '../src/services/context.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { testKeyring } from './store-fixtures.ts';

const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({
    ...o,
    maxRetryElapsedMs: 300,
    requestTimeoutMs: 5000,
    requestsPerSecond: 300,
    maxConcurrency: 8,
  });

for (const backend of testBackends()) {
  describe(`syncs and scheduler (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let app: App;
    let sim: SimulatorHandle;
    let noBeta: SimulatorHandle;
    let clock = Date.parse('2026-06-01T00:00:00Z');
    const keyring = testKeyring();
    const admin = cliActor();
    const orgActor = (organizationId: string, role: Actor['role']): Actor => ({
      kind: 'user',
      id: `u-${role}`,
      label: `${role}@example.com`,
      organizationId,
      role,
    });

    before(async () => {
      t = await backend.open();
      sim = await startSimulator({ seed: 5, host: '127.0.0.1', generator: { agents: 4, conversations: 12 } });
      noBeta = await startSimulator({
        seed: 6,
        host: '127.0.0.1',
        generator: { agents: 2, conversations: 2 },
        beta: { enabled: false, status: 403 },
      });
      app = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, {}), {
        db: t.db,
        keyring,
        connectorFactory,
        now: () => new Date(clock),
        random: () => 0.5,
      });
    });
    after(async () => {
      await app?.close();
      await sim?.close();
      await noBeta?.close();
      await t?.cleanup();
    });

    it('a manual sync runs against the simulator and two concurrent triggers give one run', async () => {
      const integration = await app.services.integrations.create(admin, {
        name: 'manual',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        syncIntervalMinutes: 60,
      });
      const before = await app.services.posture.summary(admin, { integrationId: integration.id });
      assert.equal(before.integrations[0].riskScore, null, 'no sync yet: no score, never 0');
      assert.equal(before.organization.riskScore, null);
      const [a, b] = await Promise.all([
        app.services.syncs.trigger(admin, integration.id),
        app.services.syncs.trigger(admin, integration.id),
      ]);
      assert.equal(a.run.id, b.run.id, 'both requests see the same run');
      assert.equal([a, b].filter((r) => r.started).length, 1, 'exactly one started it');
      assert.equal(a.run.status, 'running');
      const done = await (a.done ?? b.done)!;
      assert.equal(done.status, 'succeeded');
      assert.equal(done.countsByType?.agent, 4);
      assert.equal(done.trigger, 'manual');
      assert.equal(done.requestedBy, 'cli');
      const runs = await app.services.syncs.listRuns(admin, integration.id);
      assert.deepEqual(
        runs.items.map((r) => r.id),
        [done.id],
      );
      const after = await app.services.posture.summary(admin, { integrationId: integration.id });
      assert.equal(typeof after.integrations[0].riskScore, 'number');
      const matrix = await app.services.syncs.availability(admin, integration.id);
      assert.equal(matrix.betaAccess, true);
      assert.ok(matrix.features.every((f) => f.status === 'available'));
      await app.services.integrations.delete(admin, integration.id);
    });

    it('without beta access the matrix says which features could not be read', async () => {
      const integration = await app.services.integrations.create(admin, {
        name: 'nobeta',
        apiKey: noBeta.apiKey,
        baseUrl: noBeta.url,
      });
      const r = await app.services.syncs.trigger(admin, integration.id);
      await r.done;
      const matrix = await app.services.syncs.availability(admin, integration.id);
      assert.equal(matrix.betaAccess, false);
      const byFeature = Object.fromEntries(matrix.features.map((f) => [f.feature, f]));
      assert.equal(byFeature.models.status, 'available');
      assert.equal(byFeature.models.apiKeyOnly, true);
      assert.equal(byFeature.agents.status, 'unavailable');
      assert.equal(byFeature.agents.apiKeyOnly, false);
      assert.match(byFeature.agents.remediation ?? '', /beta/i);
      await app.services.integrations.delete(admin, integration.id);
    });

    it('the scheduler syncs each due integration once per due time, and a missed schedule once', async () => {
      const one = await app.services.integrations.create(admin, {
        name: 'scheduled',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        syncIntervalMinutes: 60,
      });
      // Never synced: due at once.
      const first = await app.scheduler.tick();
      assert.equal(first.started.length, 1);
      assert.equal((await first.started[0].done)!.trigger, 'scheduled');
      // Same instant again: nothing is due.
      assert.equal((await app.scheduler.tick()).started.length, 0);
      const view = await app.services.integrations.get(admin, one.id);
      // 60 minutes + jitter (10 % of the interval × 0.5 = 3 minutes).
      assert.equal(Date.parse(view.nextSyncAt!) - clock, 63 * 60_000);
      // A second "process" (another scheduler on the same database) racing for the same due time.
      clock += 64 * 60_000;
      const [x, y] = await Promise.all([app.scheduler.tick(), app.scheduler.tick()]);
      assert.equal(x.started.length + y.started.length, 1, 'one due time fires once');
      await Promise.all([...x.started, ...y.started].map((s) => s.done));
      // Ten hours of downtime: one sync, not ten.
      clock += 10 * 3600_000;
      const late = await app.scheduler.tick();
      assert.equal(late.started.length, 1);
      await late.started[0].done;
      assert.equal((await app.scheduler.tick()).started.length, 0);
      const runs = await app.services.syncs.listRuns(admin, one.id);
      assert.equal(runs.items.length, 3);
      assert.ok(runs.items.every((r) => r.trigger === 'scheduled' && r.status === 'succeeded'));
      await app.services.integrations.delete(admin, one.id);
    });

    it('a sync that ended on rate limits pushes the next scheduled one back, doubling', async () => {
      const integration = await app.services.integrations.create(admin, {
        name: 'limited',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        syncIntervalMinutes: 60,
      });
      const store = createStore(t.db, { keyring });
      const limitedRun = async () => {
        const id = await store.syncRuns.start(integration.id, new Date(clock).toISOString());
        const err = {
          feature: 'agents' as const,
          code: 'RATE_LIMITED',
          message: '429',
          remediation: 'reduce',
        };
        await store.syncRuns.finish(id, {
          status: 'partial',
          finishedAt: new Date(clock).toISOString(),
          durationMs: 1,
          countsByType: { agent: 0, model: 1, file: 0, library: 0 },
          requests: 3,
          availability: {} as never,
          errors: [err],
        });
        return (await store.syncRuns.get(id))!;
      };
      const view = await app.services.integrations.get(admin, integration.id);
      const waitForNext = async (expected: number) => {
        for (let i = 0; i < 100; i++) {
          const v = await app.services.integrations.get(admin, integration.id);
          if (v.nextSyncAt && Date.parse(v.nextSyncAt) === expected) return;
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.fail(`next sync never became ${new Date(expected).toISOString()}`);
      };
      app.scheduler.onRunFinished(await limitedRun(), view);
      await waitForNext(clock + 2 * 3600_000);
      app.scheduler.onRunFinished(await limitedRun(), view);
      await waitForNext(clock + 4 * 3600_000);
      await app.services.integrations.delete(admin, integration.id);
    });

    it('a run left running by a process that no longer exists is marked interrupted', async () => {
      const integration = await app.services.integrations.create(admin, {
        name: 'crashed',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
      });
      const store = createStore(t.db, { keyring });
      // pid 2^22+1 is above Linux's default pid_max: no such process.
      const id = await store.syncRuns.start(integration.id, new Date(clock).toISOString(), {
        trigger: 'manual',
        requestedBy: 'cli',
        owner: `${(await import('node:os')).hostname()}:4194305`,
      });
      const blocked = await app.services.syncs.trigger(admin, integration.id);
      assert.equal(blocked.started, false, 'the stale run still blocks until recovered');
      assert.equal(await app.services.syncs.recoverInterrupted(), 1);
      const run = await app.services.syncs.getRun(admin, integration.id, id);
      assert.equal(run.status, 'interrupted');
      assert.ok(run.errors.every((e) => e.code === 'INTERRUPTED'));
      const next = await app.services.syncs.trigger(admin, integration.id);
      assert.equal(next.started, true);
      assert.equal((await next.done)!.status, 'succeeded');
      await app.services.integrations.delete(admin, integration.id);
    });

    it('a new base URL needs the key again: the stored key is never sent to a new address', async () => {
      const integration = await app.services.integrations.create(admin, {
        name: 'moving',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
      });
      const before = noBeta.stats().totalRequests;
      await assert.rejects(
        app.services.integrations.update(admin, integration.id, { baseUrl: noBeta.url }),
        (e: unknown) =>
          (e as { code?: string }).code === 'INVALID_INPUT' &&
          (e as { details?: { field?: string } }).details?.field === 'apiKey',
      );
      assert.equal(noBeta.stats().totalRequests, before, 'nothing was sent to the new address');
      const moved = await app.services.integrations.update(admin, integration.id, {
        baseUrl: noBeta.url,
        apiKey: noBeta.apiKey,
      });
      assert.equal(moved.baseUrl, noBeta.url.replace(/\/+$/, ''));
      assert.notEqual(moved.keyFingerprint, integration.keyFingerprint, 'the new key replaced the old one');
      // Same address: name and interval change without the key.
      const renamed = await app.services.integrations.update(admin, integration.id, { name: 'moved' });
      assert.equal(renamed.name, 'moved');
      await app.services.integrations.delete(admin, integration.id);
    });

    it('roles and organizations: viewers cannot sync, other organizations cannot see', async () => {
      const store = createStore(t.db, { keyring });
      for (const id of ['org_a', 'org_b'])
        await t.db.query(`INSERT INTO organizations (id, name, created_at) VALUES ($1, $1, now())`, [id]);
      const a = await app.services.integrations.create(orgActor('org_a', 'admin'), {
        name: 'a',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
      });
      assert.equal((await store.integrations.get(a.id))?.organizationId, 'org_a');
      await assert.rejects(app.services.syncs.trigger(orgActor('org_a', 'viewer'), a.id), {
        code: 'FORBIDDEN',
      });
      await assert.rejects(app.services.syncs.trigger(orgActor('org_b', 'admin'), a.id), {
        code: 'NOT_FOUND',
      });
      await assert.rejects(app.services.syncs.listRuns(orgActor('org_b', 'admin'), a.id), {
        code: 'NOT_FOUND',
      });
      await assert.rejects(app.services.integrations.get(orgActor('org_b', 'admin'), a.id), {
        code: 'NOT_FOUND',
      });
      assert.deepEqual(await app.services.integrations.list(orgActor('org_b', 'admin')), []);
      const r = await app.services.syncs.trigger(orgActor('org_a', 'analyst'), a.id);
      assert.equal((await r.done)!.requestedBy, 'analyst@example.com');
      const audit = await app.services.audit.list(orgActor('org_a', 'admin'));
      assert.deepEqual(
        audit.items.map((e) => e.action),
        ['sync.start', 'integration.create'],
      );
      assert.deepEqual((await app.services.audit.list(orgActor('org_b', 'admin'))).items, []);
    });
  });
}
