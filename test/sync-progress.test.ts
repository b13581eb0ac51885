/**
 * A running sync shows which features (resource types) are done and the counts read so far
 * (GET …/syncs/{runId} → progress.features), updated as it goes, and its counts end equal to the run's
 * countsByType. Against a slowed simulator, so a sync lasts long enough to be seen half-way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMistralConnector } from '../src/mistral/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { discoverWorkspace } from '../src/sync/discover.ts';
import { createSyncProgress, type FeatureProgress } from '../src/sync/progress.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { FAST_SIMULATOR_CONNECTOR } from './helpers/fast-connector.ts';

const AGENTS = 24;
const LISTED: Record<string, string> = {
  models: 'model',
  files: 'file',
  libraries: 'library',
  agents: 'agent',
};

interface Poll {
  status: string;
  phase: string | null;
  features: FeatureProgress[] | null;
}

const byFeature = (p: Poll, feature: string) => p.features?.find((f) => f.feature === feature);

for (const backend of testBackends()) {
  describe(`a running sync's progress per feature (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    before(async () => {
      h = await startTestServer(backend, {
        sync: false,
        simulator: { generator: { agents: AGENTS, conversations: 80 } },
      });
    });
    after(() => h?.close());

    it('reports each feature pending → running → done with its count while the sync runs', async () => {
      // Slowed after the set-up (the integration's key check) so only the sync is slow.
      h.sim.configure({ latencyMs: 25 });
      const url = `/api/v1/integrations/${h.integrationA}/syncs`;
      const started = await h.analyst.request('POST', url);
      assert.equal(started.status, 202);
      assert.equal(started.body.started, true);
      const runId: string = started.body.run.id;

      const polls: Poll[] = [];
      const record = (run: {
        status: string;
        progress: { phase: string; features: FeatureProgress[] } | null;
      }) =>
        polls.push({
          status: run.status,
          phase: run.progress?.phase ?? null,
          features: run.progress?.features ?? null,
        });
      record(started.body.run);
      let final: { status: string; countsByType: Record<string, number> | null; progress: unknown };
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await h.viewer.request('GET', `${url}/${runId}`);
        assert.equal(r.status, 200, r.text);
        if (r.body.status !== 'running') {
          final = r.body;
          break;
        }
        record(r.body);
        assert.ok(Date.now() < deadline, 'the sync did not end in time');
        await new Promise((res) => setTimeout(res, 10));
      }
      h.sim.configure({ latencyMs: 0 });

      assert.equal(final.status, 'succeeded');
      assert.equal(final.progress, null, 'a finished run has no live progress');
      const counts = final.countsByType!;
      assert.equal(counts.agent, AGENTS);

      const running = polls.filter((p) => p.status === 'running');
      assert.ok(running.length >= 5, `only ${running.length} polls while running`);
      for (const p of running) {
        assert.ok(p.features, 'a run of this process has live progress');
        assert.deepEqual(
          p.features.map((f) => f.feature),
          ['models', 'files', 'libraries', 'agents', 'versions', 'usage'],
        );
      }

      // Half-way: the listings are done and counted, version history is still being read.
      const halfWay = running.find(
        (p) =>
          byFeature(p, 'agents')?.state === 'done' &&
          byFeature(p, 'versions')?.state === 'running' &&
          byFeature(p, 'versions')!.count! < AGENTS,
      );
      assert.ok(halfWay, `no poll saw version history being read: ${JSON.stringify(running.at(-1))}`);
      assert.equal(halfWay.phase, 'reading');
      assert.equal(byFeature(halfWay, 'versions')!.total, AGENTS);
      for (const f of ['models', 'files', 'libraries', 'agents']) {
        assert.equal(byFeature(halfWay, f)!.state, 'done');
        assert.equal(byFeature(halfWay, f)!.count, counts[LISTED[f]], f);
      }
      // Version history counted agent by agent.
      assert.ok(
        running.some((p) => {
          const v = byFeature(p, 'versions')!;
          return v.state === 'running' && v.count! > 0 && v.count! < AGENTS;
        }),
        'no poll saw version history counted part-way',
      );
      // Some poll saw features not done yet while others were.
      assert.ok(
        running.some(
          (p) =>
            p.features!.some((f) => f.state === 'done') &&
            p.features!.some((f) => f.state === 'pending' || f.state === 'running'),
        ),
      );
      // Usage histories counted as they are read.
      assert.ok(
        running.some((p) => byFeature(p, 'usage')!.state === 'running' && byFeature(p, 'usage')!.count! > 0),
        'no poll saw conversation histories being counted',
      );

      // Every feature moves forward only, and its count never goes down.
      const order = ['pending', 'running', 'done'];
      for (const feature of ['models', 'files', 'libraries', 'agents', 'versions', 'usage']) {
        let state = 0;
        let count = -1;
        for (const p of running) {
          const f = byFeature(p, feature)!;
          const s = order.indexOf(f.state);
          assert.ok(s >= state, `${feature} went back from ${order[state]} to ${f.state}`);
          state = s;
          if (f.count !== null) {
            assert.ok(f.count >= count, `${feature}'s count went down`);
            count = f.count;
          }
          // A listing is counted only once it ended: never a partial figure shown as its count.
          if (LISTED[feature] && f.state !== 'done') assert.equal(f.count, null);
          if (LISTED[feature] && f.state === 'done') assert.equal(f.count, counts[LISTED[feature]]);
        }
      }

      // The last poll while running: every feature done, the counts those the run recorded.
      const last = running.at(-1)!;
      if (last.features!.every((f) => f.state === 'done')) {
        for (const [feature, type] of Object.entries(LISTED)) {
          assert.equal(byFeature(last, feature)!.count, counts[type]);
        }
        assert.equal(byFeature(last, 'versions')!.count, AGENTS);
      }
    });
  });
}

describe('discovery progress without beta access', () => {
  it('marks the beta features unavailable, without a count, and counts what was read', async () => {
    const sim = await startSimulator({
      seed: 3,
      host: '127.0.0.1',
      generator: { agents: 4, conversations: 5 },
      beta: { enabled: false },
    });
    try {
      const connector = createMistralConnector({
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        maxRetryElapsedMs: 300,
        requestsPerSecond: FAST_SIMULATOR_CONNECTOR.requestsPerSecond,
        maxConcurrency: FAST_SIMULATOR_CONNECTOR.maxConcurrency,
      });
      const progress = createSyncProgress();
      assert.deepEqual(
        progress.features().map((f) => [f.feature, f.state, f.count]),
        ['models', 'files', 'libraries', 'agents', 'versions', 'usage'].map((f) => [f, 'pending', null]),
      );
      const r = await discoverWorkspace({
        connector,
        now: new Date(),
        progress,
        collectUsage: async () => {
          await connector.listConversations();
          throw new Error('unreachable: the listing is refused without beta access');
        },
      });
      const states = Object.fromEntries(progress.features().map((f) => [f.feature, [f.state, f.count]]));
      assert.deepEqual(states, {
        models: ['done', r.snapshot.models.length],
        files: ['done', r.snapshot.files.length],
        libraries: ['unavailable', null],
        agents: ['unavailable', null],
        versions: ['unavailable', null],
        usage: ['unavailable', null],
      });
      assert.ok(r.snapshot.models.length > 0);
    } finally {
      await sim.close();
    }
  });
});
