/**
 * A graceful stop (SIGTERM/SIGINT) of a process working sync jobs (issue 13 "a sync that was interrupted
 * resumes cleanly"; docs/adr/0008): the run it holds past its grace is handed back — running → queued in
 * one compare-and-set, its job delivered again — and another worker (or the same deployment at its next
 * start, or a command-line sync) resumes the same run. Run against both job queues, as the contract suite:
 * pg-boss on PostgreSQL and the in-process runner on PGlite.
 *  - a client waiting on the run sees queued then running again, never a terminal state before its end;
 *    nothing of the stopped attempt is stored, usage is counted once (the same as an uninterrupted sync);
 *  - the attempts bound: a run already taken maxAttempts times ends interrupted, saying so;
 *  - no worker left: the handed-back run ends failed (NO_WORKER) past the sweep's bound, never stuck;
 *  - embedded serve: a stopped run resumes at the next start, however long after; a command-line sync
 *    takes a handed-back run and ends it;
 *  - a real `trustlens worker` process receiving SIGTERM mid-sync (PostgreSQL only).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/app/config.ts';
import { createApp, type App, type JobsRole } from '../src/app/root.ts';
import { loadKeyring } from '../src/crypto/index.ts';
import { createPgBossQueue } from '../src/jobs/pg-boss.ts';
import {
  DEFAULT_JOB_SETTINGS,
  queuedRunBounds,
  type JobHandler,
  type JobQueue,
  type SyncJob,
} from '../src/jobs/types.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { cliActor } from '../src/services/context.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import type { Database } from '../src/store/index.ts';
import { testBackends, type TestBackend, type TestDatabase } from '../src/store/testing.ts';
import { BIN } from './helpers/run-cli.ts';
import { until as waitUntil } from './helpers/until.ts';
import { testKeyring } from './store-fixtures.ts';

const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({
    ...o,
    maxRetryElapsedMs: 10_000,
    requestTimeoutMs: 10_000,
    requestsPerSecond: 500,
    maxConcurrency: 8,
  });

/** Heartbeat 1 s (a silent run is stale after 6 s), retry and look every 1 s, job expiry an hour. */
const ENV = {
  TRUSTLENS_SYNC_HEARTBEAT_SECONDS: '1',
  TRUSTLENS_JOB_EXPIRE_SECONDS: '3600',
  TRUSTLENS_JOB_RETRY_SECONDS: '1',
  TRUSTLENS_JOB_CHECK_SECONDS: '1',
};
const STALE_AFTER_MS = 6000;
const SETTINGS = { expireSeconds: 3600, retrySeconds: 1, retryLimit: 20, checkSeconds: 1, concurrency: 2 };
const admin = cliActor();
const TERMINAL = ['succeeded', 'partial', 'failed', 'interrupted'];

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, limitMs = 90_000) =>
  waitUntil(what, read, ok, limitMs);

interface RunRow {
  status: string;
  owner: string | null;
  attempts: number;
  errors: { code: string; message: string; remediation: string }[];
}

async function row(db: Database, runId: string): Promise<RunRow> {
  const { rows } = await db.query<RunRow>(
    'SELECT status, owner, attempts::int AS attempts, errors FROM sync_runs WHERE id = $1',
    [runId],
  );
  return rows[0];
}

async function stored(db: Database, integrationId: string) {
  const { rows } = await db.query<{ inventory: number; snapshots: number; findings: number }>(
    `SELECT (SELECT count(*)::int FROM inventory_records WHERE integration_id = $1) AS inventory,
            (SELECT count(*)::int FROM snapshots WHERE integration_id = $1 AND taken_at > '-infinity') AS snapshots,
            (SELECT count(*)::int FROM findings WHERE integration_id = $1) AS findings`,
    [integrationId],
  );
  return rows[0];
}

/** What usage an integration holds: rows, runs counted, conversations (to compare two integrations). */
async function usage(db: Database, integrationId: string) {
  const { rows } = await db.query<{ rows: number; runs: number; conversations: number; calls: number }>(
    `SELECT count(*)::int AS rows, COALESCE(sum(runs), 0)::int AS runs,
            count(DISTINCT conversation_id)::int AS conversations,
            COALESCE(sum(function_calls + code_interpreter_calls + web_search_calls), 0)::int AS calls
     FROM usage_rows WHERE integration_id = $1`,
    [integrationId],
  );
  return rows[0];
}

/** The usage state an integration holds: conversations known and the latest update of their state. */
async function usageState(db: Database, integrationId: string) {
  const { rows } = await db.query<{ conversations: number; rows: number }>(
    `SELECT (SELECT count(*)::int FROM usage_conversations WHERE integration_id = $1) AS conversations,
            (SELECT count(*)::int FROM usage_rows WHERE integration_id = $1) AS rows`,
    [integrationId],
  );
  return rows[0];
}

/**
 * A connector factory whose syncs read a few conversation histories, then wait at the next one until
 * `gate` opens (never, for a worker about to be stopped: it is released at the end of the file). `held`
 * settles once a sync waits there, so a stop lands mid-usage, some histories already read.
 */
function holdingFactory(after = 3) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  releases.push(release);
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  let calls = 0;
  const factory: typeof connectorFactory = (o) => {
    const c = connectorFactory(o);
    return new Proxy(c, {
      get(target, prop) {
        if (prop === 'getConversationHistory') {
          return async (id: string) => {
            if (++calls > after) {
              reached();
              await gate;
            }
            return target.getConversationHistory(id);
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
  return { factory, held, release };
}

/**
 * A job queue that records what it is asked (kind 'pg-boss': a queue whose jobs live outside the runs
 * table) and whose re-delivery can fail, as a pg-boss `send` does when its connection drops mid-stop.
 * Its jobs are delivered by hand (`deliver`), so nothing depends on timing.
 */
function stubQueue(o: { redeliverFails?: boolean }) {
  const log: string[] = [];
  let handler: JobHandler | undefined;
  const q: JobQueue = {
    kind: 'pg-boss',
    settings: SETTINGS,
    async enqueue(j: SyncJob) {
      log.push(`enqueue ${j.runId}`);
    },
    async redeliver(j: SyncJob) {
      log.push(`redeliver ${j.runId}`);
      if (o.redeliverFails) throw new Error('connection terminated');
    },
    async work(h) {
      handler = h;
    },
    async pause() {},
    async stop() {},
  };
  return { q, log, deliver: (j: SyncJob) => handler!(j) };
}

/** Gates of held syncs, all opened at the end so their promises settle. */
const releases: (() => void)[] = [];

/**
 * Stops a process gracefully with no grace while its sync is held, and opens the gate once the run was
 * handed back: the held request goes on, the next one is refused, and the sync winds down.
 */
async function stopHeld(app: App, db: Database, runId: string, release: () => void): Promise<void> {
  const closing = app.close({ graceMs: 0 });
  await until(
    'the run left running',
    () => row(db, runId),
    (r) => r.status !== 'running',
  );
  release();
  await closing;
}

/** Reads a run every few milliseconds and keeps the statuses seen, without consecutive repeats. */
function watch(app: () => App, integrationId: string, runId: string) {
  const seen: string[] = [];
  let on = true;
  const push = (s: string) => {
    if (seen.at(-1) !== s) seen.push(s);
  };
  const loop = (async () => {
    while (on) {
      const r = await app()
        .services.syncs.getRun(admin, integrationId, runId)
        .catch(() => null);
      if (r) push(r.status);
      if (r && TERMINAL.includes(r.status)) return;
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return {
    seen,
    push,
    async stop() {
      on = false;
      await loop;
    },
    ended: loop,
  };
}

for (const backend of testBackends()) {
  describe(
    `graceful stop of a sync worker (${backend.kind === 'postgres' ? 'pg-boss' : 'in-process'})`,
    { skip: backend.skip },
    () => {
      let sim: SimulatorHandle;
      const opened: { t: TestDatabase; apps: App[]; queues: JobQueue[] }[] = [];
      const keyring = testKeyring();

      before(async () => {
        sim = await startSimulator({
          seed: 31,
          host: '127.0.0.1',
          latencyMs: 20,
          generator: { agents: 6, conversations: 16 },
        });
      });
      after(async () => {
        for (const r of releases) r();
        for (const o of opened) {
          for (const a of o.apps) await a.close({ graceMs: 0 }).catch(() => undefined);
          for (const q of o.queues) await q.stop().catch(() => undefined);
          await o.t.cleanup().catch(() => undefined);
        }
        await sim?.close();
      });

      async function database() {
        const t = await (backend as TestBackend).open();
        const entry = { t, apps: [] as App[], queues: [] as JobQueue[] };
        opened.push(entry);
        return { t, entry, schema: `jobs_${randomBytes(5).toString('hex')}` };
      }

      /** A process on the database: a job queue client for `role` (none: the command line). */
      async function process_(
        w: Awaited<ReturnType<typeof database>>,
        owner: string,
        o: {
          role?: JobsRole;
          factory?: typeof connectorFactory;
          now?: () => Date;
          takeAtOnce?: boolean;
        } = {},
      ): Promise<App> {
        const { t, entry, schema } = w;
        const db = entry.apps.length === 0 || !t.connectAgain ? t.db : await t.connectAgain();
        let queue: JobQueue | undefined;
        if (o.role && backend.kind === 'postgres') {
          queue = await createPgBossQueue({
            ...SETTINGS,
            schema,
            connectionString: process.env.TRUSTLENS_TEST_DATABASE_URL!,
          });
          entry.queues.push(queue);
        }
        const app = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
          db,
          keyring,
          connectorFactory: o.factory ?? connectorFactory,
          ...(o.role ? { jobs: o.role, jobQueue: queue, takeAtOnce: o.takeAtOnce ?? false } : {}),
          owner,
          now: o.now,
        });
        entry.apps.push(app);
        return app;
      }

      async function integration(app: App) {
        const v = await app.services.integrations.create(admin, {
          name: `ws-${randomBytes(3).toString('hex')}`,
          apiKey: sim.apiKey,
          baseUrl: sim.url,
          syncIntervalMinutes: 60,
        });
        return v.id;
      }

      /** A worker that takes the run and is held mid-usage; returns once it is. */
      async function heldWorker(w: Awaited<ReturnType<typeof database>>, owner: string) {
        const hold = holdingFactory();
        const worker = await process_(w, owner, { role: 'both', factory: hold.factory });
        const finished: string[] = [];
        worker.onSyncFinished((run) => finished.push(run.id));
        return { worker, finished, held: hold.held, release: hold.release };
      }

      /** A worker's run handed back by its stop (no grace): the run is queued again, its worker closed. */
      async function handedBackRun(owner: string) {
        const w = await database();
        const { worker, held, release } = await heldWorker(w, owner);
        const id = await integration(worker);
        const trigger = await worker.services.syncs.trigger(admin, id);
        await worker.startWorker();
        await held;
        await stopHeld(worker, w.t.db, trigger.run.id, release);
        assert.equal((await row(w.t.db, trigger.run.id)).status, 'queued');
        return { w, id, trigger };
      }

      it('a stopped worker hands its run back: a waiting client sees it queued, then running again, and one end', async () => {
        const w = await database();
        const { worker, finished, held, release } = await heldWorker(w, 'stopping.test:1');
        const id = await integration(worker);
        const control = await integration(worker);
        const trigger = await worker.services.syncs.trigger(admin, id);
        assert.equal(trigger.run.status, 'queued');
        const client = watch(() => worker, id, trigger.run.id);
        await worker.startWorker();
        await held; // mid-usage: some histories read, the next one waits
        const running = await row(w.t.db, trigger.run.id);
        assert.equal(running.status, 'running');
        assert.equal(running.owner, 'stopping.test:1');
        await client.stop();

        // Stopped with no grace; once the run is handed back the held request goes on (its answer comes
        // after the hand-back): nothing the stopped attempt does from then on may be stored — no usage
        // committed, no snapshot staged (review finding 3).
        const closing = worker.close({ graceMs: 0 });
        await until(
          'the run left running',
          () => row(w.t.db, trigger.run.id),
          (r) => r.status !== 'running',
        );
        const usageAtHandBack = await usageState(w.t.db, id);
        release();
        await closing;
        assert.deepEqual(
          await usageState(w.t.db, id),
          usageAtHandBack,
          'no usage committed by the stopped attempt after the hand-back',
        );
        const back = await row(w.t.db, trigger.run.id);
        client.push(back.status);
        assert.equal(back.status, 'queued', 'handed back, not interrupted');
        assert.equal(back.owner, null, 'no owner: not a sign of a live worker');
        assert.equal(back.attempts, 1, 'the attempt is counted');
        assert.deepEqual(back.errors, []);
        assert.deepEqual(
          await stored(w.t.db, id),
          { inventory: 0, snapshots: 0, findings: 0 },
          'nothing of the stopped attempt stored',
        );
        const { rows: staged } = await w.t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM snapshots WHERE integration_id = $1',
          [id],
        );
        assert.equal(staged[0].n, 0, 'no snapshot staged by the stopped attempt');
        assert.deepEqual(finished, [], 'the stopping process reports no end for a run it handed back');

        const resumer = await process_(w, 'resumer.test:2', { role: 'both' });
        const resumerEnds: string[] = [];
        resumer.onSyncFinished((run) => resumerEnds.push(run.id));
        const after_ = watch(() => resumer, id, trigger.run.id);
        for (const s of client.seen) after_.push(s);
        await resumer.startWorker();
        await after_.ended;
        const seen = after_.seen;
        assert.equal(seen.at(-1), 'succeeded', seen.join(' → '));
        assert.ok(
          seen.slice(0, -1).every((s) => !TERMINAL.includes(s)),
          `no terminal state before the end: ${seen.join(' → ')}`,
        );
        assert.ok(seen.indexOf('queued', seen.indexOf('running')) > 0, `queued again: ${seen.join(' → ')}`);
        const ended = await row(w.t.db, trigger.run.id);
        assert.equal(ended.attempts, 2, 'the same run, taken again once');
        assert.equal(ended.owner, 'resumer.test:2');
        assert.deepEqual(resumerEnds, [trigger.run.id], 'ended once, by the resumer');
        const { rows: runCount } = await w.t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM sync_runs WHERE integration_id = $1',
          [id],
        );
        assert.equal(runCount[0].n, 1, 'one run for the one trigger');

        // Usage counted once: the same as an integration of the same workspace synced without a stop.
        const c = await resumer.services.syncs.trigger(admin, control);
        await until(
          'the control run ended',
          () => row(w.t.db, c.run.id),
          (r) => TERMINAL.includes(r.status),
        );
        assert.equal((await row(w.t.db, c.run.id)).status, 'succeeded');
        const resumed = await usage(w.t.db, id);
        assert.ok(resumed.conversations > 0, 'the workspace has usage');
        assert.deepEqual(resumed, await usage(w.t.db, control));
        assert.equal((await stored(w.t.db, id)).snapshots, 1, 'one snapshot');
      });

      it('a run already taken maxAttempts times is not handed back: it ends interrupted, saying so', async () => {
        const w = await database();
        const { worker, held, release } = await heldWorker(w, 'third.test:1');
        const id = await integration(worker);
        const trigger = await worker.services.syncs.trigger(admin, id);
        // Two workers already took it and stopped (or died): this take is its third.
        await w.t.db.query('UPDATE sync_runs SET attempts = 2 WHERE id = $1', [trigger.run.id]);
        await worker.startWorker();
        await held;
        await stopHeld(worker, w.t.db, trigger.run.id, release);
        const r = await row(w.t.db, trigger.run.id);
        assert.equal(r.status, 'interrupted');
        assert.equal(r.attempts, 3);
        assert.match(r.errors[0].message, /already taken 3 times: it is not resumed/);
        assert.equal(r.errors[0].code, 'INTERRUPTED');
        // It blocks nothing: the next trigger starts a fresh run.
        const cli = await process_(w, 'cli.test:9');
        const next = await cli.services.syncs.trigger(admin, id);
        assert.equal(next.started, true);
        assert.notEqual(next.run.id, trigger.run.id);
        assert.equal((await next.done!).status, 'succeeded');
      });

      it('no worker left: the handed-back run stays queued, then ends failed NO_WORKER past the bound', async () => {
        const { w, trigger } = await handedBackRun('last.test:1');
        // A process that works no jobs sweeps (the command line here; `serve --no-worker` the same).
        const clock = { offset: 0 };
        const now = () => new Date(Date.now() + clock.offset);
        const cli = await process_(w, 'cli.test:8', { now });
        await cli.services.syncs.recoverInterrupted();
        assert.equal((await row(w.t.db, trigger.run.id)).status, 'queued', 'not ended at once');
        // Past the bound of a process without a queue (the default job settings) and of one with ENV's.
        clock.offset =
          Math.max(
            queuedRunBounds(DEFAULT_JOB_SETTINGS, STALE_AFTER_MS).failAfterMs,
            queuedRunBounds(SETTINGS, STALE_AFTER_MS).failAfterMs,
          ) + 60_000;
        await cli.services.syncs.recoverInterrupted();
        const r = await row(w.t.db, trigger.run.id);
        assert.equal(r.status, 'failed', 'ended, not stuck');
        assert.equal(r.errors[0].code, 'NO_WORKER');
        assert.match(r.errors[0].remediation, /trustlens worker/);
        assert.equal(r.attempts, 1);
      });

      it(
        backend.kind === 'postgres'
          ? "PostgreSQL: a command-line sync does not take a handed-back run (it is the workers'"
          : 'embedded database: a command-line sync takes a handed-back run and ends it (the same run)',
        async () => {
          const { w, id, trigger } = await handedBackRun('serve.test:1');
          const cli = await process_(w, 'cli.test:7');
          if (backend.kind === 'postgres') {
            await assert.rejects(cli.services.syncs.trigger(admin, id), {
              code: 'CONFLICT',
              message: /already queued for a sync worker/,
            });
            const left = await row(w.t.db, trigger.run.id);
            assert.equal(left.status, 'queued', 'refused: queued for a worker');
            assert.equal(left.attempts, 1, 'not taken');
            return;
          }
          const r = await cli.services.syncs.trigger(admin, id);
          assert.equal(r.run.id, trigger.run.id);
          assert.equal(r.started, true, 'resumed here, not refused as already running');
          const end = await r.done!;
          assert.equal(end.status, 'succeeded');
          assert.equal((await row(w.t.db, trigger.run.id)).attempts, 2);
        },
      );

      it('a command-line sync never takes a fresh queued run (never taken: attempts 0)', async () => {
        const w = await database();
        // A process that queues it (its runner not started: no worker has taken it yet).
        const api = await process_(w, 'api.test:1', { role: 'both' });
        const id = await integration(api);
        const trigger = await api.services.syncs.trigger(admin, id, { trigger: 'scheduled' });
        assert.equal(trigger.run.status, 'queued');
        const cli = await process_(w, 'cli.test:6');
        await assert.rejects(cli.services.syncs.trigger(admin, id), {
          code: 'CONFLICT',
          message: /already queued for a sync worker/,
        });
        const after_ = await row(w.t.db, trigger.run.id);
        assert.equal(after_.status, 'queued');
        assert.equal(after_.attempts, 0);
      });

      /**
       * A worker whose queue cannot send a job again is stopped while it holds a sync: the run is
       * handed back, and the re-delivery fails.
       */
      async function handedBackUnsent(owner: string) {
        const w = await database();
        const hold = holdingFactory();
        const sent = stubQueue({ redeliverFails: true });
        const worker = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
          db: w.t.db,
          keyring,
          connectorFactory: hold.factory,
          jobs: 'both',
          jobQueue: sent.q,
          takeAtOnce: false,
          owner,
        });
        w.entry.apps.push(worker);
        const id = await integration(worker);
        const trigger = await worker.services.syncs.trigger(admin, id);
        await worker.startWorker();
        const job = sent.deliver({ runId: trigger.run.id, integrationId: id }).catch((e: unknown) => e);
        await hold.held;
        await stopHeld(worker, w.t.db, trigger.run.id, hold.release);
        await job;
        return { w, sent, worker, id, trigger };
      }

      it('a hand-back whose job could not be sent is enqueued again by the sweep, and a busy fleet does not keep it queued forever', async () => {
        const { w, sent, trigger } = await handedBackUnsent('sendfails.test:1');
        assert.equal((await row(w.t.db, trigger.run.id)).status, 'queued');
        assert.ok(sent.log.includes(`redeliver ${trigger.run.id}`), sent.log.join(', '));

        // Another process with a queue (serve --no-worker) sweeps past the first bound: it sends the job.
        const other = stubQueue({});
        const clock = { offset: 0 };
        const now = () => new Date(Date.now() + clock.offset);
        const db2 = w.t.connectAgain ? await w.t.connectAgain() : w.t.db;
        const api = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
          db: db2,
          keyring,
          connectorFactory,
          jobs: 'enqueue',
          jobQueue: other.q,
          owner: 'api.test:2',
          now,
        });
        w.entry.apps.push(api);
        const bounds = queuedRunBounds(SETTINGS, STALE_AFTER_MS);
        clock.offset = bounds.requeueAfterMs + 1000;
        await api.services.syncs.recoverInterrupted();
        assert.deepEqual(other.log, [`enqueue ${trigger.run.id}`], 'the job is sent again');
        assert.equal((await row(w.t.db, trigger.run.id)).status, 'queued');

        // That job is lost too, and workers stay busy with another integration, signing at each sweep:
        // past the capped bound the run ends NO_WORKER instead of blocking its integration.
        const busy = await integration(api);
        await w.t.db.query(
          `INSERT INTO sync_runs (id, integration_id, started_at, status, trigger, owner, heartbeat_at, queued, attempts)
           VALUES (gen_random_uuid(), $1, $2, 'running', 'manual', 'busy.worker:5', $2, true, 1)`,
          [busy, new Date().toISOString()],
        );
        const bump = async (offset: number) => {
          clock.offset = offset;
          await w.t.db.query(`UPDATE sync_runs SET heartbeat_at = $2 WHERE integration_id = $1`, [
            busy,
            now().toISOString(),
          ]);
          await api.services.syncs.recoverInterrupted();
        };
        await bump(bounds.requeueAfterMs + 1000 + bounds.failAfterMs + 1000);
        assert.equal((await row(w.t.db, trigger.run.id)).status, 'queued', 'workers are busy: it waits');
        await bump(bounds.requeueAfterMs + 1000 + 4 * bounds.failAfterMs);
        const r = await row(w.t.db, trigger.run.id);
        assert.equal(r.status, 'failed', 'ended, not queued forever');
        assert.equal(r.errors[0].code, 'NO_WORKER');
      });

      it('a database error during the hand-back: no end shown, the run left to the take-over, said in the log', async () => {
        const w = await database();
        const hold = holdingFactory();
        const sent = stubQueue({});
        // The hand-back's compare-and-set fails (the connection drops as the process stops).
        const failing = new Proxy(w.t.db, {
          get(t, prop) {
            const v = Reflect.get(t, prop, t) as unknown;
            if (prop !== 'query' || typeof v !== 'function') {
              return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
            }
            return (sql: string, params?: unknown[]) =>
              /SET status = 'queued', owner = NULL/.test(sql) && /status = 'running' AND owner/.test(sql)
                ? Promise.reject(new Error('Connection terminated unexpectedly'))
                : (v as (q: string, p?: unknown[]) => Promise<unknown>).call(t, sql, params);
          },
        });
        const worker = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
          db: failing,
          keyring,
          connectorFactory: hold.factory,
          jobs: 'both',
          jobQueue: sent.q,
          takeAtOnce: false,
          owner: 'dberror.test:1',
        });
        w.entry.apps.push(worker);
        const finished: string[] = [];
        worker.onSyncFinished((run) => finished.push(run.id));
        const id = await integration(worker);
        const trigger = await worker.services.syncs.trigger(admin, id);
        await worker.startWorker();
        const job = sent.deliver({ runId: trigger.run.id, integrationId: id }).catch((e: unknown) => e);
        await hold.held;
        const logged: string[] = [];
        worker.onBackgroundError((e, where) => logged.push(`${where}: ${(e as Error).message}`));
        const closing = worker.close({ graceMs: 0 });
        hold.release();
        await closing;
        const error = await job;
        assert.match(String((error as Error)?.message), /handed back|resumes it/, 'the job is retried');
        assert.deepEqual(finished, [], 'no end reported');
        const r = await row(w.t.db, trigger.run.id);
        assert.equal(r.status, 'running', 'not ended: left to the take-over');
        assert.equal(r.owner, 'dberror.test:1');
        assert.ok(
          logged.some((l) => l.startsWith(`jobs: Sync run ${trigger.run.id} could not be handed back`)),
          logged.join(''),
        );
        assert.equal((await stored(w.t.db, id)).snapshots, 0);
      });

      it('a hand-back whose job could not be sent runs once the sweep sends it again', async () => {
        const { w, id, trigger } = await handedBackUnsent('sendfails.test:3');
        const resumerQueue = stubQueue({});
        const clock = { offset: 0 };
        const db2 = w.t.connectAgain ? await w.t.connectAgain() : w.t.db;
        const resumer = await createApp(loadConfig({ dataDir: '/nonexistent-not-used' }, ENV), {
          db: db2,
          keyring,
          connectorFactory,
          jobs: 'both',
          jobQueue: resumerQueue.q,
          takeAtOnce: false,
          owner: 'resumer.test:4',
          now: () => new Date(Date.now() + clock.offset),
        });
        w.entry.apps.push(resumer);
        await resumer.startWorker();
        clock.offset = queuedRunBounds(SETTINGS, STALE_AFTER_MS).requeueAfterMs + 1000;
        await resumer.services.syncs.recoverInterrupted();
        assert.deepEqual(resumerQueue.log, [`enqueue ${trigger.run.id}`]);
        await resumerQueue.deliver({ runId: trigger.run.id, integrationId: id });
        const r = await row(w.t.db, trigger.run.id);
        assert.equal(r.status, 'succeeded', JSON.stringify(r.errors.slice(0, 1)));
        assert.equal(r.attempts, 2);
      });

      it(
        'embedded serve: a run stopped mid-sync resumes at the next start, also an hour later',
        { skip: backend.kind === 'postgres' ? 'the in-process runner only' : false },
        async () => {
          const w = await database();
          const hold = holdingFactory();
          const first = await process_(w, 'serve-1.test:1', {
            role: 'both',
            factory: hold.factory,
            takeAtOnce: true,
          });
          const id = await integration(first);
          await first.startWorker();
          const r = await first.services.syncs.trigger(admin, id);
          assert.equal(r.run.status, 'running', 'taken at once by this process');
          await hold.held;
          await stopHeld(first, w.t.db, r.run.id, hold.release);
          assert.equal((await row(w.t.db, r.run.id)).status, 'queued');
          const hourLater = () => new Date(Date.now() + 3_600_000);
          const second = await process_(w, 'serve-2.test:2', {
            role: 'both',
            now: hourLater,
            takeAtOnce: true,
          });
          assert.equal((await row(w.t.db, r.run.id)).status, 'queued', 'not failed at the start');
          await second.startWorker();
          const ended = await until(
            'the run resumed and ended',
            () => row(w.t.db, r.run.id),
            (x) => TERMINAL.includes(x.status),
          );
          assert.equal(ended.status, 'succeeded', JSON.stringify(ended.errors.slice(0, 1)));
          assert.equal(ended.attempts, 2);
        },
      );
    },
  );
}

const URL_BASE = process.env.TRUSTLENS_TEST_DATABASE_URL;

describe(
  'a trustlens worker process stopped with SIGTERM mid-sync (PostgreSQL)',
  {
    skip: URL_BASE ? false : 'PostgreSQL only: TRUSTLENS_TEST_DATABASE_URL is not set (npm test starts one)',
  },
  () => {
    const schema = `graceful_${randomBytes(5).toString('hex')}`;
    const databaseUrl = `${URL_BASE}${URL_BASE?.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const env = {
      DATABASE_URL: databaseUrl,
      TRUSTLENS_MASTER_KEY: randomBytes(32).toString('base64'),
      TRUSTLENS_JOBS_SCHEMA: `${schema}_jobs`,
      ...ENV,
    };
    let sim: SimulatorHandle;
    let app: App;
    let admin_: pg.Client;
    const children: ChildProcess[] = [];

    function worker() {
      const child = spawn(process.execPath, [BIN, 'worker', '--grace', '0'], {
        env: { ...process.env, MISTRAL_API_KEY: undefined, TRUSTLENS_DATA_DIR: undefined, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const w = {
        child,
        out: '',
        err: '',
        exited: new Promise<number | null>((r) => child.once('exit', (code) => r(code))),
      };
      child.stdout!.on('data', (d) => (w.out += d));
      child.stderr!.on('data', (d) => (w.err += d));
      return w;
    }

    before(async () => {
      admin_ = new pg.Client({ connectionString: URL_BASE });
      await admin_.connect();
      await admin_.query(`CREATE SCHEMA ${schema}`); // generated identifier
      sim = await startSimulator({
        seed: 33,
        host: '127.0.0.1',
        latencyMs: 20,
        generator: { agents: 8, conversations: 40 },
      });
      // This process is `serve --no-worker`: it migrates, creates the integration and enqueues.
      const config = loadConfig({ dataDir: '/nonexistent-not-used' }, env);
      app = await createApp(config, {
        jobs: 'enqueue',
        keyring: loadKeyring({ dataDir: config.dataDir, env }),
      });
    });
    after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await app?.close({ graceMs: 0 }).catch(() => undefined);
      await sim?.close().catch(() => undefined);
      if (admin_) {
        await admin_.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
        await admin_.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`).catch(() => undefined);
        await admin_.end();
      }
    });

    it('SIGTERM: the worker exits 0 and hands the run back; another worker process resumes it; the client sees queued, running, succeeded', async () => {
      const v = await app.services.integrations.create(admin, {
        name: 'graceful',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        syncIntervalMinutes: 60,
      });
      const first = worker();
      const trigger = await app.services.syncs.trigger(admin, v.id);
      const read = async () =>
        (
          await admin_.query<{ status: string; owner: string | null; attempts: number }>(
            `SELECT status, owner, attempts::int AS attempts FROM ${schema}.sync_runs WHERE id = $1`,
            [trigger.run.id],
          )
        ).rows[0];
      const pid = String(first.child.pid);
      await until(
        'the worker process runs the sync',
        read,
        (r) => r.status === 'running' && r.owner === `${hostname()}:${pid}`,
      );
      // Every answer now takes 2 s: the sync is certainly mid-way when the signal lands.
      sim.configure({ latencyMs: 2000 });
      const client = watch(() => app, v.id, trigger.run.id);
      first.child.kill('SIGTERM');
      const code = await first.exited;
      assert.equal(code, 0, first.err);
      const back = await read();
      client.push(back.status);
      assert.equal(back.status, 'queued', `handed back: ${JSON.stringify(back)}; ${first.err}`);
      assert.equal(back.owner, null);
      assert.equal(back.attempts, 1);
      assert.doesNotMatch(first.out, /sync (succeeded|failed|interrupted|queued)/, 'no end reported');
      const { rows } = await admin_.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.inventory_records WHERE integration_id = $1`,
        [v.id],
      );
      assert.equal(rows[0].n, 0, 'nothing half-written');

      sim.configure({ latencyMs: 0 });
      const second = worker();
      await client.ended;
      const seen = client.seen;
      assert.equal(seen.at(-1), 'succeeded', `${seen.join(' → ')}; ${second.err}`);
      assert.ok(
        seen.slice(0, -1).every((s) => !TERMINAL.includes(s)),
        `no terminal state before the end: ${seen.join(' → ')}`,
      );
      assert.ok(seen.includes('queued'), seen.join(' → '));
      const ended = await read();
      assert.equal(ended.attempts, 2);
      assert.equal(ended.owner, `${hostname()}:${second.child.pid}`);
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.err);
    });
  },
);
