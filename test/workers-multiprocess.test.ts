/**
 * Sync workers as processes (issue 13, docs/adr/0008), PostgreSQL only: three `trustlens worker`
 * processes share one pg-boss queue; thirty integrations read three simulators (ten each); this process
 * plays `serve --no-worker` (enqueues manual syncs, then ticks the scheduler for a second round). During
 * the first round one worker is killed with SIGKILL while it runs a sync. Every integration must end
 * synced exactly once per trigger: one run per trigger, all succeeded, the killed worker's run taken over
 * by another worker (the same run, a second attempt), one snapshot per run, the whole inventory. The job
 * expiry is an hour: the killed worker's run is taken over through its stale heartbeat (the run's lease)
 * by the other workers' take-over pass, and no job fails by timeout.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/app/config.ts';
import { createApp, type App } from '../src/app/root.ts';
import { loadKeyring } from '../src/crypto/index.ts';
import { cliActor } from '../src/services/context.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { BIN } from './helpers/run-cli.ts';
import { recordReliability, reliabilitySize, reliabilitySizeName } from './helpers/reliability.ts';
import { until as waitUntil } from './helpers/until.ts';

const URL_BASE = process.env.TRUSTLENS_TEST_DATABASE_URL;
const WORKERS = 3;
const PER_SIM = reliabilitySize({ ci: 10, full: 20 });
const SIMS = 3;
const AGENTS = 4;
const admin = cliActor();

interface Worker {
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

/**
 * A run not ended yet: queued, running, or interrupted and still to be taken over (the take-over pass marks
 * a killed worker's run interrupted, then delivers its job again: ADR 0008), unless a later run superseded it.
 */
const UNFINISHED = `(r.status IN ('queued', 'running') OR (r.status = 'interrupted' AND r.queued AND r.attempts < 3
  AND NOT EXISTS (SELECT 1 FROM sync_runs l WHERE l.integration_id = r.integration_id AND l.seq > r.seq)))`;

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, limitMs = 120_000) =>
  waitUntil(what, read, ok, limitMs);

describe(
  'three trustlens worker processes, thirty integrations, one worker killed (PostgreSQL)',
  {
    skip: URL_BASE ? false : 'PostgreSQL only: TRUSTLENS_TEST_DATABASE_URL is not set (npm test starts one)',
  },
  () => {
    const schema = `workers_${randomBytes(5).toString('hex')}`;
    const jobsSchema = `${schema}_jobs`;
    const databaseUrl = `${URL_BASE}${URL_BASE?.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const env = {
      DATABASE_URL: databaseUrl,
      TRUSTLENS_MASTER_KEY: randomBytes(32).toString('base64'),
      TRUSTLENS_JOBS_SCHEMA: jobsSchema,
      TRUSTLENS_SYNC_HEARTBEAT_SECONDS: '2',
      TRUSTLENS_JOB_EXPIRE_SECONDS: '3600',
      TRUSTLENS_JOB_RETRY_SECONDS: '1',
      TRUSTLENS_JOB_CHECK_SECONDS: '1',
      TRUSTLENS_WORKER_CONCURRENCY: '2',
    };
    const sims: SimulatorHandle[] = [];
    const workers: Worker[] = [];
    let app: App;
    let admin_: pg.Client;

    function startWorker(): Worker {
      const child = spawn(process.execPath, [BIN, 'worker', '--grace', '5'], {
        env: { ...process.env, MISTRAL_API_KEY: undefined, TRUSTLENS_DATA_DIR: undefined, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const w: Worker = {
        child,
        out: '',
        err: '',
        exited: new Promise((r) => child.once('exit', (code) => r(code))),
      };
      child.stdout!.on('data', (d) => (w.out += d));
      child.stderr!.on('data', (d) => (w.err += d));
      return w;
    }

    const q = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) =>
      (await admin_.query<T>(sql, values)).rows;

    before(async () => {
      admin_ = new pg.Client({ connectionString: URL_BASE });
      await admin_.connect();
      await admin_.query(`CREATE SCHEMA ${schema}`); // generated identifier
      await admin_.query(`SET search_path = ${schema}`);
      for (let i = 0; i < SIMS; i++) {
        sims.push(
          await startSimulator({
            seed: 40 + i,
            host: '127.0.0.1',
            latencyMs: 30, // a sync lasts long enough for a kill to land in one
            generator: { agents: AGENTS, conversations: 6 },
          }),
        );
      }
      // This process is `serve --no-worker`: it migrates, creates the integrations and enqueues.
      const config = loadConfig({ dataDir: '/nonexistent-not-used' }, env);
      app = await createApp(config, {
        jobs: 'enqueue',
        keyring: loadKeyring({ dataDir: config.dataDir, env }),
      });
    });

    after(async () => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await app?.close({ graceMs: 0 }).catch(() => undefined);
      for (const s of sims) await s.close().catch(() => undefined);
      if (admin_) {
        await admin_.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
        await admin_.query(`DROP SCHEMA IF EXISTS ${jobsSchema} CASCADE`).catch(() => undefined);
        await admin_.end();
      }
    });

    it('every integration ends synced exactly once per trigger: no duplicate run, no lost inventory', async () => {
      const ids: string[] = [];
      for (const [s, sim] of sims.entries()) {
        for (let i = 0; i < PER_SIM; i++) {
          const v = await app.services.integrations.create(admin, {
            name: `sim${s}-ws${i}`,
            apiKey: sim.apiKey,
            baseUrl: sim.url,
            syncIntervalMinutes: 60,
          });
          ids.push(v.id);
        }
      }
      for (let i = 0; i < WORKERS; i++) workers.push(startWorker());
      // Round 1: a manual trigger of every integration.
      for (const id of ids) {
        const r = await app.services.syncs.trigger(admin, id);
        assert.equal(r.started, true);
        assert.equal(r.run.status, 'queued');
      }
      // Kill the first worker while it runs a sync (its run is `running`, owned by its pid).
      const victim = workers[0];
      const owner = `${hostname()}:${victim.child.pid}`;
      await until(
        'the first worker runs a sync',
        () =>
          q<{ n: number }>(
            `SELECT count(*)::int AS n FROM sync_runs WHERE status = 'running' AND owner = $1`,
            [owner],
          ),
        (rows) => rows[0].n > 0,
      );
      victim.child.kill('SIGKILL');
      assert.equal(await victim.exited, null, 'killed by the signal');
      const killedRuns = (
        await q<{ id: string }>(`SELECT id FROM sync_runs WHERE owner = $1 AND status = 'running'`, [owner])
      ).map((r) => r.id);
      assert.ok(killedRuns.length > 0, 'the worker died with a sync running');
      await until(
        'round 1 ended',
        () => q<{ n: number }>(`SELECT count(*)::int AS n FROM sync_runs r WHERE ${UNFINISHED}`),
        (rows) => rows[0].n === 0,
      );

      // Round 2: every integration is due; the scheduler claims each due time once and enqueues it.
      await q('UPDATE integrations SET next_sync_at = $1', [new Date(Date.now() - 60_000).toISOString()]);
      const tick = await app.scheduler.tick();
      assert.equal(tick.started.length, ids.length, 'each due integration fired once');
      await until(
        'round 2 ended',
        () => q<{ n: number }>(`SELECT count(*)::int AS n FROM sync_runs r WHERE ${UNFINISHED}`),
        (rows) => rows[0].n === 0,
      );

      // Exactly once per trigger, per integration.
      const runs = await q<{
        integration_id: string;
        trigger: string;
        status: string;
        attempts: number;
        id: string;
      }>(
        'SELECT id, integration_id, trigger, status, attempts::int AS attempts, errors FROM sync_runs ORDER BY seq',
      );
      assert.equal(runs.length, ids.length * 2, 'two runs per integration: one per trigger');
      for (const id of ids) {
        const mine = runs.filter((r) => r.integration_id === id);
        assert.deepEqual(mine.map((r) => r.trigger).sort(), ['manual', 'scheduled'], id);
        assert.ok(
          mine.every((r) => r.status === 'succeeded'),
          JSON.stringify(mine),
        );
      }
      for (const id of killedRuns) {
        const r = runs.find((x) => x.id === id)!;
        assert.equal(r.status, 'succeeded', 'the killed worker’s run was taken over and ended');
        assert.equal(r.attempts, 2, 'taken once more, by another worker');
      }
      // Any other run taken twice was one whose worker went silent past the heartbeat window on this
      // loaded machine (ADR 0008): still one run, ended once. Counted in the figures.
      const retaken = runs.filter((r) => !killedRuns.includes(r.id) && r.attempts !== 1);
      assert.ok(
        retaken.every((r) => r.attempts === 2),
        JSON.stringify(retaken),
      );
      // No duplicate rows, no lost inventory.
      const snapshots = await q<{ sync_run_id: string; n: number }>(
        'SELECT sync_run_id, count(*)::int AS n FROM snapshots GROUP BY sync_run_id',
      );
      assert.equal(snapshots.length, runs.length, 'one snapshot per run');
      assert.ok(snapshots.every((s) => s.n === 1));
      const agents = await q<{ integration_id: string; n: number }>(
        `SELECT integration_id, count(*)::int AS n FROM inventory_records WHERE resource_type = 'agent' GROUP BY integration_id`,
      );
      assert.equal(agents.length, ids.length);
      assert.ok(
        agents.every((a) => a.n === AGENTS),
        JSON.stringify(agents),
      );

      // No job failed or waits for a retry (by timeout or otherwise): the killed worker's job, active until
      // its expiry an hour away, was cancelled by the take-over, which sent a new one.
      const jobStates = await q<{ state: string; n: number }>(
        `SELECT state::text AS state, count(*)::int AS n FROM ${jobsSchema}.job GROUP BY state ORDER BY state`,
      );
      assert.ok(
        jobStates.every((j) => j.state !== 'failed' && j.state !== 'retry'),
        JSON.stringify(jobStates),
      );
      assert.ok(
        (jobStates.find((j) => j.state === 'cancelled')?.n ?? 0) >= killedRuns.length,
        `the killed worker's jobs were cancelled: ${JSON.stringify(jobStates)}`,
      );

      // The two workers left stop cleanly on SIGTERM.
      for (const w of workers.slice(1)) w.child.kill('SIGTERM');
      for (const w of workers.slice(1)) assert.equal(await w.exited, 0, w.err);

      recordReliability({
        suite: 'workers',
        title: 'Sync workers: three processes, one killed with SIGKILL during a sync (issue 13)',
        backend: 'postgres',
        rows: [
          {
            case: `${ids.length} integrations × 2 triggers (manual, scheduled), ${WORKERS} workers, 1 SIGKILL`,
            tried: runs.length,
            survived: runs.filter((r) => r.status === 'succeeded').length,
            lost: ids.length - agents.filter((a) => a.n === AGENTS).length,
            detail: `${killedRuns.length} run(s) taken over after the kill, ${retaken.length} other(s) taken over after a silent heartbeat; size ${reliabilitySizeName()}`,
          },
        ],
        notes: ['npm test -- test/workers-multiprocess.test.ts (PostgreSQL)'],
      });
    });
  },
);
