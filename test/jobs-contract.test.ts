/**
 * The sync job queue's contract (docs/adr/0008), one suite run against both implementations: pg-boss on
 * PostgreSQL and the in-process runner on PGlite, each with two workers (two apps on one database), syncing
 * against the simulator:
 *  - a job runs once per enqueue, also when it is delivered twice;
 *  - never two syncs of one integration at once (one queued-or-running run; the run is taken by CAS);
 *  - a job whose worker died is taken over once its run's heartbeat went stale (the run's lease), long
 *    before the job's expiry (an hour here);
 *  - a slow but healthy sync keeps its job: never delivered to another handler while it runs, no retry
 *    spent, and no more handlers at once than the concurrency;
 *  - each schedule fires once per due time across processes (CAS on next_sync_at, enqueue on claim);
 *  - a graceful stop lets the running job end, or hands it back (queued) and another worker resumes it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/app/config.ts';
import { createApp, type App, type JobsRole } from '../src/app/root.ts';
import { createInProcessQueue } from '../src/jobs/in-process.ts';
import { createPgBossQueue } from '../src/jobs/pg-boss.ts';
import { lastWorkerSign, pendingRuns, runState, takeRun } from '../src/jobs/run-rows.ts';
import { queuedRunBounds, type JobQueue } from '../src/jobs/types.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { cliActor } from '../src/services/context.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import type { Database } from '../src/store/index.ts';
import { testBackends, type TestBackend, type TestDatabase } from '../src/store/testing.ts';
import { testKeyring } from './store-fixtures.ts';
import { until as waitUntil } from './helpers/until.ts';

const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({
    ...o,
    // Room for a retry on a loaded machine (a keep-alive socket reset by the simulator: ECONNRESET).
    maxRetryElapsedMs: 10_000,
    requestTimeoutMs: 10_000,
    requestsPerSecond: 500,
    maxConcurrency: 8,
  });

/**
 * Fast leases for tests: heartbeat 1 s (a run silent for 6 s counts as dead: its lease), retry after 1 s,
 * look every 1 s. The job expiry is an hour: every take-over here comes from the run's heartbeat.
 */
const ENV = {
  TRUSTLENS_SYNC_HEARTBEAT_SECONDS: '1',
  TRUSTLENS_JOB_EXPIRE_SECONDS: '3600',
  TRUSTLENS_JOB_RETRY_SECONDS: '1',
  TRUSTLENS_JOB_CHECK_SECONDS: '1',
};
/** The heartbeat window of ENV (6 × the heartbeat). */
const STALE_AFTER_MS = 6000;
const SETTINGS = {
  expireSeconds: 3600,
  retrySeconds: 1,
  retryLimit: 20,
  checkSeconds: 1,
  concurrency: 2,
};
const admin = cliActor();

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, limitMs = 90_000) =>
  waitUntil(what, read, ok, limitMs);

interface RunRow {
  id: string;
  integration_id: string;
  status: string;
  attempts: number;
  trigger: string;
  errors: { code: string; message: string }[];
}

async function runs(db: Database): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    'SELECT id, integration_id, status, attempts::int AS attempts, trigger, errors FROM sync_runs ORDER BY seq',
  );
  return rows;
}

/**
 * Every run ended. `interrupted` does not count: a run of a job interrupted (its worker went silent and the
 * take-over pass took it from it, or a stop) is delivered again and taken over until it ends.
 */
const settled = (rows: RunRow[]) =>
  rows.every((r) => !['queued', 'running', 'interrupted'].includes(r.status));

/**
 * Settled, and each run's end reported to the onSyncFinished listeners: they are called after the run's
 * row is written, so on a loaded machine a row can read ended before its listener ran.
 */
const settledAndReported = (finished: ReadonlyMap<string, number>) => (rows: RunRow[]) =>
  settled(rows) && rows.every((r) => r.status !== 'succeeded' || finished.has(r.id));

interface JobRow {
  state: string;
  retry_count: number;
}

/**
 * pg-boss's jobs of a run (in its job table: completed and cancelled ones stay there for hours), once none
 * is waiting or being worked any more (a duplicate job may still be delivered after its run ended).
 */
async function jobsOf(db: Database, schema: string, runId: string): Promise<JobRow[]> {
  return until(
    `the jobs of run ${runId} were worked`,
    () => jobRows(db, schema, runId),
    (rows) => rows.every((j) => j.state !== 'created' && j.state !== 'active'),
  );
}

async function jobRows(db: Database, schema: string, runId: string): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT state::text AS state, retry_count::int AS retry_count FROM ${schema}.job
     WHERE data->>'runId' = $1 ORDER BY created_on`,
    [runId],
  );
  return rows;
}

/** A connector factory whose syncs wait at their first listing until `gate` opens. */
function gatedFactory(gate: Promise<void>): typeof connectorFactory {
  return (o) => {
    const c = connectorFactory(o);
    return new Proxy(c, {
      get(target, prop) {
        if (prop === 'listAgents') {
          return async () => {
            await gate;
            return target.listAgents();
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
}

/** What handlers a process's queue client called, and how many at once. */
interface HandlerWatch {
  calls: { runId: string; process: number }[];
  now: number[];
  max: number[];
}

function watched(w: HandlerWatch) {
  return (q: JobQueue, i: number): JobQueue => ({
    kind: q.kind,
    settings: q.settings,
    enqueue: (j) => q.enqueue(j),
    redeliver: (j) => q.redeliver(j),
    pause: () => q.pause(),
    stop: () => q.stop(),
    work: (h, o) =>
      q.work(async (job) => {
        w.now[i] = (w.now[i] ?? 0) + 1;
        w.max[i] = Math.max(w.max[i] ?? 0, w.now[i]);
        w.calls.push({ runId: job.runId, process: i });
        try {
          await h(job);
        } finally {
          w.now[i]--;
        }
      }, o),
  });
}

for (const backend of testBackends()) {
  describe(
    `sync job queue contract (${backend.kind === 'postgres' ? 'pg-boss' : 'in-process'})`,
    {
      skip: backend.skip,
    },
    () => {
      let sim: SimulatorHandle;
      let slowSim: SimulatorHandle;
      const opened: { t: TestDatabase; apps: App[]; queues: JobQueue[] }[] = [];
      const keyring = testKeyring();
      // Handlers of "killed" workers never end while the test runs; released at the end, so that pg-boss's
      // worker loops (which wait for them, for up to the job's expiry of an hour) let the process exit.
      let releaseKilled!: () => void;
      const killed = new Promise<void>((r) => (releaseKilled = r));

      before(async () => {
        sim = await startSimulator({
          seed: 21,
          host: '127.0.0.1',
          generator: { agents: 3, conversations: 6 },
        });
        // Slow enough that a stop lands during the sync (each answer waits 150 ms).
        slowSim = await startSimulator({
          seed: 22,
          host: '127.0.0.1',
          latencyMs: 150,
          generator: { agents: 12, conversations: 24 },
        });
      });
      after(async () => {
        releaseKilled();
        for (const o of opened) {
          for (const a of o.apps) await a.close({ graceMs: 0 }).catch(() => undefined);
          for (const q of o.queues) await q.stop().catch(() => undefined);
          await o.t.cleanup().catch(() => undefined);
        }
        await sim?.close();
        await slowSim?.close();
      });

      /** A queue client of the database: pg-boss in `schema`, or an in-process runner over its runs table. */
      async function queueFor(db: Database, schema: string, lost = false): Promise<JobQueue> {
        if (backend.kind === 'postgres') {
          return createPgBossQueue({
            ...SETTINGS,
            schema,
            connectionString: process.env.TRUSTLENS_TEST_DATABASE_URL!,
          });
        }
        return createInProcessQueue({
          // `lost`: a runner that forgot its queue (only jobs enqueued to it count), as a lost pg-boss job.
          pending: async () =>
            lost
              ? []
              : (
                  await pendingRuns(db, {
                    staleBefore: new Date(Date.now() - 6000),
                    maxAttempts: 3,
                    limit: 50,
                  })
                ).map((r) => ({ runId: r.id, integrationId: r.integrationId })),
          checkSeconds: 1,
          retrySeconds: 1,
          retryLimit: SETTINGS.retryLimit,
        });
      }

      /**
       * One database and `n` processes on it (apps, each with its own queue client), none working yet.
       * The in-process runner is the composition root's own (`jobQueue` unset) unless `ownQueues`.
       */
      async function world(
        n: number,
        options: {
          ownQueues?: boolean;
          role?: JobsRole;
          lost?: boolean;
          now?: () => Date;
          connectorFactory?: typeof connectorFactory;
          /** Wraps each process's queue client (to watch its handler). */
          observe?: (q: JobQueue, i: number) => JobQueue;
        } = {},
      ) {
        const t = await (backend as TestBackend).open();
        const entry = { t, apps: [] as App[], queues: [] as JobQueue[] };
        opened.push(entry);
        const schema = `jobs_${randomBytes(5).toString('hex')}`;
        const queues: JobQueue[] = [];
        const add = async (owner: string) => {
          const db = entry.apps.length === 0 || !t.connectAgain ? t.db : await t.connectAgain();
          let queue =
            backend.kind === 'postgres' || options.ownQueues
              ? await queueFor(db, schema, options.lost)
              : undefined;
          if (queue) queues.push(queue);
          if (queue && options.observe) queue = options.observe(queue, entry.apps.length);
          const app = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
            db,
            keyring,
            connectorFactory: options.connectorFactory ?? connectorFactory,
            jobs: options.role ?? 'both',
            takeAtOnce: false, // the contract: triggers leave the run queued for the workers
            owner,
            jobQueue: queue,
            now: options.now,
          });
          entry.apps.push(app);
          return app;
        };
        for (let i = 0; i < n; i++) await add(`worker-${i}.test:${1_000_000 + i}`);
        return { t, db: t.db, apps: entry.apps, schema, entry, queues, add };
      }

      async function addIntegrations(app: App, n: number, target = sim) {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const v = await app.services.integrations.create(admin, {
            name: `ws-${i}-${randomBytes(3).toString('hex')}`,
            apiKey: target.apiKey,
            baseUrl: target.url,
            syncIntervalMinutes: 60,
          });
          ids.push(v.id);
        }
        return ids;
      }

      it('a job runs once per enqueue, also when the queue delivers it twice', async () => {
        const { db, apps, queues, schema } = await world(2, { ownQueues: true });
        const finished = new Map<string, number>();
        for (const a of apps)
          a.onSyncFinished((run) => finished.set(run.id, (finished.get(run.id) ?? 0) + 1));
        const ids = await addIntegrations(apps[0], 6);
        const triggered = [];
        for (const id of ids) triggered.push(await apps[0].services.syncs.trigger(admin, id));
        for (const r of triggered) {
          assert.equal(r.started, true);
          assert.equal(r.run.status, 'queued', 'the 202 answer carries the run, queued for a worker');
          assert.equal(r.done, null);
        }
        // A duplicate delivery of every job (as after a lease that expired while its worker lived).
        for (const r of triggered)
          await queues[1].enqueue({ runId: r.run.id, integrationId: r.run.integrationId });
        for (const a of apps) await a.startWorker();
        await until('every run ended and was reported', () => runs(db), settledAndReported(finished));
        const rows = await runs(db);
        assert.equal(rows.length, ids.length, 'one run per trigger');
        for (const r of rows) {
          assert.equal(r.status, 'succeeded', `run ${r.id}: ${JSON.stringify(r.errors.slice(0, 2))}`);
          assert.equal(r.attempts, 1, 'taken once');
          assert.equal(finished.get(r.id), 1, 'executed once, in one worker');
          if (backend.kind === 'postgres') {
            const jobs = await jobsOf(db, schema, r.id);
            assert.equal(jobs.length, 2, 'the job and its duplicate');
            // The duplicate found the run taken (or ended) and ended at once: no retry spent, none failed.
            assert.deepEqual(
              jobs.map((j) => [j.state, j.retry_count]),
              [
                ['completed', 0],
                ['completed', 0],
              ],
            );
          }
        }
        // Both workers shared the work? Not guaranteed with 6 quick jobs: only that nothing ran twice.
        const inventory = await db.query<{ n: number }>(
          `SELECT count(DISTINCT integration_id)::int AS n FROM inventory_records WHERE resource_type = 'agent'`,
        );
        assert.equal(inventory.rows[0].n, ids.length, 'every integration has its inventory');
      });

      it('never two syncs of one integration at once: one queued-or-running run, the run taken by CAS', async () => {
        const { db, apps } = await world(2);
        const [id] = await addIntegrations(apps[0], 1);
        const [a, b] = await Promise.all([
          apps[0].services.syncs.trigger(admin, id),
          apps[1].services.syncs.trigger(admin, id),
        ]);
        assert.equal([a, b].filter((r) => r.started).length, 1, 'one trigger starts, the other gets its run');
        assert.equal(a.run.id, b.run.id);
        // Two workers read the queued run at once: exactly one compare-and-set wins.
        const seen = (await runState(db, a.run.id))!;
        const wins = await Promise.all([
          takeRun(db, seen, 'one.test:1', new Date().toISOString()),
          takeRun(db, seen, 'two.test:2', new Date().toISOString()),
        ]);
        assert.deepEqual(wins.filter(Boolean).length, 1);
        // The winner "dies" at once (stale heartbeat, another host): the job is taken over and ends once.
        await db.query(`UPDATE sync_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [
          a.run.id,
        ]);
        for (const app of apps) await app.startWorker();
        await until('the run ended', () => runs(db), settled);
        const rows = await runs(db);
        assert.equal(rows.length, 1);
        assert.equal(rows[0].status, 'succeeded');
        assert.equal(rows[0].attempts, 2, 'taken by the CAS winner, then taken over once');
      });

      it("a job whose worker died is taken over once its run's heartbeat went stale, long before the job's expiry", async () => {
        const { db, apps, schema, entry } = await world(2);
        const [id] = await addIntegrations(apps[0], 1, slowSim);
        const { run } = await apps[0].services.syncs.trigger(admin, id);
        // The dying worker takes the job and the run, then stops giving any sign of life (SIGKILL).
        let took = false;
        const dying =
          backend.kind === 'postgres'
            ? await createPgBossQueue({
                ...SETTINGS,
                schema,
                connectionString: process.env.TRUSTLENS_TEST_DATABASE_URL!,
              })
            : createInProcessQueue({
                pending: async () =>
                  (await pendingRuns(db, { staleBefore: new Date(0), maxAttempts: 3, limit: 10 })).map(
                    (r) => ({
                      runId: r.id,
                      integrationId: r.integrationId,
                    }),
                  ),
                checkSeconds: 1,
                retrySeconds: 1,
              });
        entry.queues.push(dying);
        await dying.work(async (job) => {
          const seen = (await runState(db, job.runId))!;
          took = await takeRun(db, seen, 'dead-host.test:4242', new Date().toISOString());
          await killed; // never ends while the test runs, never heartbeats
        });
        await until('the dying worker took the run', async () => took, Boolean);
        assert.equal((await runState(db, run.id))!.owner, 'dead-host.test:4242');
        await dying.pause();
        // The take-over pass (here of a process whose worker is not started yet) takes the silent run from
        // its dead owner and puts it back to `queued`, its job delivered again (review F8): attempts kept,
        // no owner (the re-delivery is no worker's sign of life, review F3).
        const requeued = await until(
          'the silent run was put back to queued',
          async () => {
            await apps[1].services.syncs.recoverInterrupted();
            return runState(db, run.id);
          },
          (s) => s?.status === 'queued',
        );
        assert.equal(requeued!.owner, null);
        assert.equal(requeued!.attempts, 1);
        // A client waiting on the run as the API client and `trustlens integration sync` do (queued and
        // running are not the end) keeps waiting, and sees it end succeeded.
        const waited = (async () => {
          for (;;) {
            const v = await apps[0].services.syncs.getRun(admin, id, run.id);
            if (v.status !== 'queued' && v.status !== 'running') return v.status;
            await sleep(100);
          }
        })();
        await apps[1].startWorker();
        assert.equal(await waited, 'succeeded', 'a waiting client sees the run end succeeded');
        const ended = await until('the run ended', () => runs(db), settled);
        assert.equal(ended.length, 1, 'no second run: the same run was taken over');
        assert.equal(ended[0].status, 'succeeded');
        assert.equal(ended[0].attempts, 2);
        const agents = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inventory_records WHERE integration_id = $1 AND resource_type = 'agent'`,
          [id],
        );
        assert.equal(agents.rows[0].n, 12, 'the whole inventory, once');
        if (backend.kind === 'postgres') {
          // The dead worker's job (active until its expiry, an hour away) was cancelled by the take-over,
          // and the new job ended the run: nothing failed by timeout, no retry spent.
          assert.deepEqual(
            (await jobsOf(db, schema, run.id)).map((j) => [j.state, j.retry_count]),
            [
              ['cancelled', 0],
              ['completed', 0],
            ],
          );
        }
      });

      it('a slow but healthy sync keeps its job: handed to no other handler while it runs, no retry spent, the concurrency held', async () => {
        let open!: () => void;
        const gate = new Promise<void>((r) => (open = r));
        const watch: HandlerWatch = { calls: [], now: [], max: [] };
        const { db, apps, schema } = await world(2, {
          ownQueues: true,
          connectorFactory: gatedFactory(gate),
          observe: watched(watch),
        });
        const concurrency = apps[0].config.jobs.concurrency;
        // As many syncs as both processes' slots: each process runs `concurrency` of them at once.
        const ids = await addIntegrations(apps[0], 2 * concurrency);
        const triggered = [];
        for (const id of ids) triggered.push((await apps[0].services.syncs.trigger(admin, id)).run.id);
        const finished = new Map<string, number>();
        for (const a of apps) a.onSyncFinished((r) => finished.set(r.id, (finished.get(r.id) ?? 0) + 1));
        for (const app of apps) await app.startWorker();
        await until(
          'every run is running',
          () => runs(db),
          (rows) => rows.every((r) => r.status === 'running'),
        );
        const callsWhenTaken = watch.calls.length;
        // Held at its first listing while it heartbeats, each sync lasts three heartbeat windows (the
        // run's lease) by the database's clock; the take-over pass runs every second meanwhile.
        const held = await until(
          'every sync ran for three heartbeat windows, heartbeating',
          async () =>
            (
              await db.query<{ status: string; age_ms: number; silent_ms: number }>(
                `SELECT status, (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::int AS age_ms,
                   (EXTRACT(EPOCH FROM (now() - heartbeat_at)) * 1000)::int AS silent_ms
                 FROM sync_runs`,
              )
            ).rows,
          (rows) => rows.every((r) => r.status !== 'running' || r.age_ms > 3 * STALE_AFTER_MS),
        );
        assert.ok(
          held.every((r) => r.status === 'running'),
          `no run was taken from its live worker or ended meanwhile: ${JSON.stringify(held)}`,
        );
        assert.equal(
          watch.calls.length,
          callsWhenTaken,
          'no job handed to a handler while its run was running: no re-delivery',
        );
        assert.deepEqual(
          apps.map((a) => a.services.syncs.active().length),
          [concurrency, concurrency],
          'each process runs its concurrency of syncs',
        );
        open();
        const rows = await until(
          'every run ended and was reported',
          () => runs(db),
          settledAndReported(finished),
        );
        for (const r of rows) {
          assert.equal(r.status, 'succeeded', `run ${r.id}: ${JSON.stringify(r.errors.slice(0, 2))}`);
          assert.equal(r.attempts, 1, 'taken once, never taken over');
          assert.equal(finished.get(r.id), 1, 'executed once');
        }
        assert.ok(
          watch.max.every((m) => m <= concurrency),
          `at most ${concurrency} handlers at once per process: ${JSON.stringify(watch.max)}`,
        );
        if (backend.kind === 'postgres') {
          for (const id of triggered) {
            // One job (two if a run waited past the first bound to be taken, on a loaded machine, and the
            // sweep enqueued it once more): every one completed, none failed by expiry, no retry spent.
            const jobs = await jobsOf(db, schema, id);
            assert.ok(jobs.length >= 1 && jobs.length <= 2, JSON.stringify(jobs));
            assert.ok(
              jobs.every((j) => j.state === 'completed' && j.retry_count === 0),
              `no retry spent: ${JSON.stringify(jobs)}`,
            );
          }
        }
      });

      it('each schedule fires once per due time across processes, and the run is enqueued on the claim', async () => {
        const { db, apps } = await world(2);
        const ids = await addIntegrations(apps[0], 5);
        // Due a minute ago (a time with milliseconds, as TrustLens writes them: the claim compares it exactly).
        await db.query('UPDATE integrations SET next_sync_at = $1', [
          new Date(Date.now() - 60_000).toISOString(),
        ]);
        const [a, b] = await Promise.all(apps.map((x) => x.scheduler.tick()));
        const fired = [...a.started, ...b.started].map((r) => r.run.integrationId).sort();
        assert.deepEqual(fired, [...ids].sort(), 'each due integration fired once, in one process');
        const again = await Promise.all(apps.map((x) => x.scheduler.tick()));
        assert.equal(again[0].started.length + again[1].started.length, 0, 'not due any more');
        for (const app of apps) await app.startWorker();
        const rows = await until('every run ended', () => runs(db), settled);
        assert.equal(rows.length, ids.length);
        assert.ok(
          rows.every((r) => r.status === 'succeeded' && r.trigger === 'scheduled' && r.attempts === 1),
        );
      });

      it('a graceful stop lets the running job end, or hands it back and another worker resumes it', async () => {
        const { db, apps, add } = await world(2);
        const [quick] = await addIntegrations(apps[0], 1);
        const [slow] = await addIntegrations(apps[0], 1, slowSim);
        // 1. Enough grace: the job ends in the stopping worker.
        const first = await apps[0].services.syncs.trigger(admin, quick);
        await apps[0].startWorker();
        await until(
          'the quick run was taken',
          () => runState(db, first.run.id),
          (s) => s?.status !== 'queued',
        );
        await apps[0].close({ graceMs: 60_000 });
        const quickRun = (await runState(db, first.run.id))!;
        assert.equal(quickRun.status, 'succeeded');
        assert.equal(quickRun.attempts, 1);
        // 2. No grace: the run is handed back (queued again, its job delivered again: test/jobs-graceful-stop
        // covers it in depth); another worker takes it over and ends it.
        const second = await apps[1].services.syncs.trigger(admin, slow);
        await apps[1].startWorker();
        await until(
          'the slow run is running',
          () => runState(db, second.run.id),
          (s) => s?.status === 'running',
        );
        await apps[1].close({ graceMs: 0 });
        const stopped = (await runState(db, second.run.id))!;
        assert.equal(stopped.status, 'queued', 'handed back by the stop (not interrupted), nothing stored');
        const agentsAfterStop = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inventory_records WHERE integration_id = $1`,
          [slow],
        );
        assert.equal(agentsAfterStop.rows[0].n, 0, 'nothing half-written');
        const resumer = await add('resumer.test:3');
        await resumer.startWorker();
        const ended = await until(
          'the slow run ended',
          () => runState(db, second.run.id),
          (s) => s?.status === 'succeeded',
        );
        assert.equal(ended!.attempts, 2, 'the same run, taken again once');
      });

      it(
        'embedded serve: a trigger is taken at once (the 202 shows it running), and a stopped run resumes at the next start',
        {
          skip: backend.kind === 'postgres' ? 'the in-process runner only' : false,
        },
        async () => {
          const t = await (backend as TestBackend).open();
          opened.push({ t, apps: [], queues: [] });
          const open = (owner: string) =>
            createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
              db: t.db,
              keyring,
              connectorFactory,
              jobs: 'both',
              owner,
            });
          const first = await open('serve-1.test:1');
          opened.at(-1)!.apps.push(first);
          const [id] = await addIntegrations(first, 1, slowSim);
          await first.startWorker();
          const r = await first.services.syncs.trigger(admin, id);
          assert.equal(r.run.status, 'running', 'taken at once by this process');
          assert.ok(r.done, 'and followed here');
          await first.close({ graceMs: 0 });
          assert.equal((await runState(t.db, r.run.id))!.status, 'queued', 'handed back by the stop');
          const second = await open('serve-2.test:2');
          opened.at(-1)!.apps.push(second);
          await second.startWorker();
          const ended = await until(
            'the run resumed and ended',
            () => runState(t.db, r.run.id),
            (s) => s?.status === 'succeeded',
          );
          assert.equal(ended!.attempts, 2);
          assert.equal((await runs(t.db)).length, 1, 'the same run, no second one');
        },
      );

      /** A controllable clock for the sweep: real time plus `offset` (the queues keep real time). */
      function shiftedClock() {
        const c = { offset: 0, now: () => new Date(Date.now() + c.offset) };
        return c;
      }

      /** Loses the run's job: pg-boss deletes its job rows; the in-process runner of `lost` never knew it. */
      async function loseJob(db: Database, schema: string, runId: string) {
        if (backend.kind !== 'postgres') return;
        const r = await db.query(`DELETE FROM ${schema}.job WHERE data->>'runId' = $1`, [runId]);
        assert.ok((r.rowCount ?? 0) >= 1, 'the job was in the queue, and is deleted');
      }

      interface SweptRow {
        status: string;
        requeued: boolean;
        attempts: number;
        errors: { code: string; message: string; remediation: string }[];
      }
      async function swept(db: Database, runId: string): Promise<SweptRow> {
        const { rows } = await db.query<SweptRow>(
          `SELECT status, heartbeat_at IS NOT NULL AS requeued, attempts::int AS attempts, errors
           FROM sync_runs WHERE id = $1`,
          [runId],
        );
        return rows[0];
      }

      it('a queued run whose job was lost is enqueued again by the sweep, once, and syncs', async () => {
        const clock = shiftedClock();
        // apps[0] enqueues and never works; apps[1] works and sweeps. Its in-process runner never knew the
        // job (as if it restarted having lost it); pg-boss's job row is deleted.
        const { db, apps, schema, queues } = await world(2, { ownQueues: true, lost: true, now: clock.now });
        const bounds = queuedRunBounds(queues[1].settings!, STALE_AFTER_MS);
        const [id] = await addIntegrations(apps[0], 1);
        const { run } = await apps[0].services.syncs.trigger(admin, id);
        await loseJob(db, schema, run.id);
        await apps[1].startWorker();
        // Lost: a worker polls (every second) and never sees it; the sweep within the bound leaves it alone.
        await sleep(2500);
        await apps[1].scheduler.tick();
        assert.deepEqual(
          { status: (await swept(db, run.id)).status, requeued: (await swept(db, run.id)).requeued },
          { status: 'queued', requeued: false },
          'nobody took the lost job, and the sweep waits for its bound',
        );
        // Past the first bound: enqueued again (the mark is the compare-and-set: a second sweep does nothing).
        clock.offset = bounds.requeueAfterMs + 1000;
        await Promise.all([apps[1].scheduler.tick(), apps[1].services.syncs.recoverInterrupted()]);
        const ended = await until(
          'the run was taken and ended',
          () => swept(db, run.id),
          (r) => !['queued', 'running'].includes(r.status),
        );
        assert.equal(ended.status, 'succeeded');
        assert.equal(ended.attempts, 1, 'taken once');
        assert.equal((await runs(db)).length, 1, 'the same run, no second one');
        // Far later, the sweep never touches an ended run.
        clock.offset += bounds.requeueAfterMs + bounds.failAfterMs + 60_000;
        await apps[1].services.syncs.recoverInterrupted();
        assert.equal((await swept(db, run.id)).status, 'succeeded');
      });

      it('a queued run that no worker takes ends failed, saying so, and the next trigger starts a fresh run', async () => {
        const clock = shiftedClock();
        // `serve --no-worker` with no worker anywhere (pg-boss), or a runner that lost its queue (in-process).
        const { db, apps, schema, queues } = await world(1, {
          ownQueues: true,
          lost: true,
          role: 'enqueue',
          now: clock.now,
        });
        const bounds = queuedRunBounds(queues[0].settings!, STALE_AFTER_MS);
        const [id] = await addIntegrations(apps[0], 1);
        const first = await apps[0].services.syncs.trigger(admin, id);
        await loseJob(db, schema, first.run.id);
        const blocked = await apps[0].services.syncs.trigger(admin, id);
        assert.equal(blocked.started, false, 'while it is queued, a trigger gets that run');
        assert.equal(blocked.run.id, first.run.id);
        clock.offset = bounds.requeueAfterMs + 1000;
        await apps[0].scheduler.tick();
        assert.deepEqual(
          {
            status: (await swept(db, first.run.id)).status,
            requeued: (await swept(db, first.run.id)).requeued,
          },
          { status: 'queued', requeued: true },
          'enqueued once more, still waiting',
        );
        clock.offset += bounds.failAfterMs - 1000;
        await apps[0].scheduler.tick();
        assert.equal((await swept(db, first.run.id)).status, 'queued', 'not before the second bound');
        // A worker that just ended another integration's run is alive (a backlog, not a missing worker):
        // the second bound counts from its last sign of life.
        const [other] = await addIntegrations(apps[0], 1);
        await db.query(
          `INSERT INTO sync_runs (id, integration_id, started_at, status, trigger, queued, owner, attempts, finished_at,
             alerts_evaluated_at)
           VALUES ($1, $2, $3, 'succeeded', 'manual', true, 'busy-worker.test:7', 1, $3, $3)`,
          [`busy-${randomBytes(4).toString('hex')}`, other, clock.now().toISOString()],
        );
        clock.offset += 2000;
        await apps[0].scheduler.tick();
        assert.equal((await swept(db, first.run.id)).status, 'queued', 'workers are alive: it still waits');
        clock.offset += bounds.failAfterMs;
        await apps[0].scheduler.tick();
        const failed = await swept(db, first.run.id);
        assert.equal(failed.status, 'failed');
        assert.ok(failed.errors.length > 0);
        for (const e of failed.errors) {
          assert.equal(e.code, 'NO_WORKER');
          assert.match(e.message, /waited \d+ minute\(s\) for a sync worker and none took it/);
          assert.match(e.remediation, /trustlens worker/);
          assert.match(e.remediation, /--no-worker/);
          assert.match(e.remediation, /PostgreSQL/);
        }
        const view = await apps[0].services.syncs.getRun(admin, id, first.run.id);
        assert.equal(view.status, 'failed', 'the API shows it failed');
        const next = await apps[0].services.syncs.trigger(admin, id);
        assert.equal(next.started, true, 'the integration is not blocked any more');
        assert.notEqual(next.run.id, first.run.id);
        assert.equal(next.run.status, 'queued');
      });

      it("a dead worker's run taken over with no worker alive ends failed NO_WORKER, not re-sent forever (review F3)", async () => {
        const clock = shiftedClock();
        // `serve --no-worker` whose only worker was SIGKILLed mid-sync and never restarted.
        const { db, apps, queues } = await world(1, {
          ownQueues: true,
          lost: true,
          role: 'enqueue',
          now: clock.now,
        });
        const bounds = queuedRunBounds(queues[0].settings!, STALE_AFTER_MS);
        const [id] = await addIntegrations(apps[0], 1);
        const { run } = await apps[0].services.syncs.trigger(admin, id);
        const seen = (await runState(db, run.id))!;
        assert.ok(await takeRun(db, seen, 'dead-host.test:4242', clock.now().toISOString()));
        // Its heartbeat goes stale: the take-over pass puts the run back to queued, its job delivered again.
        clock.offset += STALE_AFTER_MS + 1000;
        const takenOverAt = clock.now().getTime();
        await apps[0].scheduler.tick();
        const requeued = (await runState(db, run.id))!;
        assert.deepEqual(
          { status: requeued.status, owner: requeued.owner, attempts: requeued.attempts },
          { status: 'queued', owner: null, attempts: 1 },
        );
        const sign = await lastWorkerSign(db);
        assert.ok(sign === null || sign < takenOverAt, 'the re-delivery is no sign of a live worker');
        clock.offset += bounds.failAfterMs - 1000;
        await apps[0].scheduler.tick();
        assert.equal((await swept(db, run.id)).status, 'queued', 'not before the second bound');
        clock.offset += 2000;
        await apps[0].scheduler.tick();
        const failed = await swept(db, run.id);
        assert.equal(failed.status, 'failed');
        assert.equal(failed.attempts, 1, 'delivered again once, taken by no worker');
        for (const e of failed.errors) assert.equal(e.code, 'NO_WORKER');
        // Far later, nothing re-sends it, and the integration is not blocked.
        clock.offset += bounds.requeueAfterMs + bounds.failAfterMs;
        await apps[0].scheduler.tick();
        assert.equal((await swept(db, run.id)).status, 'failed');
        const next = await apps[0].services.syncs.trigger(admin, id);
        assert.equal(next.started, true);
      });
    },
  );
}
