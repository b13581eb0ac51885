/**
 * API benchmark (issue 8): p50/p95/p99 of the agents list, an agent's detail and the findings list over
 * HTTP, at 5,000 agents, with 20 concurrent clients, with and without a sync running.
 *
 * Per back end (PGlite in memory by default; PostgreSQL with --postgres URL or
 * TRUSTLENS_TEST_DATABASE_URL, in a fresh schema that is dropped afterwards):
 *  1. the server is built in-process (createApp + buildServer) and listens on 127.0.0.1, port 0;
 *  2. an integration is filled by a REAL stored sync against the simulator (5,000 agents);
 *  3. phase "idle": 20 clients (node's fetch over loopback) call GET /api/v1/agents (varied sort,
 *     filters, next pages), GET /api/v1/integrations/{id}/agents/{agentId} and GET /api/v1/findings
 *     (varied severity, next pages), bounded by --requests and --seconds;
 *  4. phase "sync": the simulated workspace evolves (agents added, edited, deleted, guardrails changed,
 *     conversations added), a second sync of the same integration starts, and the same clients run
 *     until it ends (bounded by --seconds-sync).
 * The simulator and the clients run in worker threads, so that neither charges its CPU to the server's
 * thread (a real Mistral API and real clients are elsewhere). Every database transaction of the
 * server is timed: the longest one during the sync (on PGlite it blocks every other query) is printed.
 *
 * On PostgreSQL with --workers N (default 2), the syncs run as in a scaled-out deployment (issue 13,
 * docs/adr/0008): the server only enqueues (`serve --no-worker`), and N sync workers (`trustlens worker`:
 * createApp with jobs 'work' on the same database and pg-boss schema), each in its own worker thread,
 * take the jobs. N integrations on the simulated workspace are filled, then in phase "sync" each is
 * synced again at once, so N workers sync while the clients read the first one. --workers 0 keeps the
 * in-process sync of the server (as on PGlite).
 *
 * Prints a markdown table (p50/p95/p99/max per back end, phase and route) and, last, a BENCH_JSON line.
 * Timings are of this run on this machine: compare them between runs with care.
 *
 *   npm run bench:api -- [--agents 5000] [--clients 20] [--seconds 15] [--seconds-sync 300]
 *     [--requests 20000] [--postgres URL] [--no-pglite] [--workers 2] [--worker-rps 2000]
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

interface Sample {
  endpoint: Endpoint;
  ms: number;
  status: number;
}
type Endpoint = 'agents list' | 'agent detail' | 'findings list';
const ENDPOINTS: Endpoint[] = ['agents list', 'agent detail', 'findings list'];

interface ClientJob {
  baseUrl: string;
  token: string;
  integrationId: string;
  agentIds: string[];
  clients: number;
  seconds: number;
  maxRequests: number;
}

type SimMessage = { type: 'evolve'; agents: number } | { type: 'close' };

/** The bench's master key (the keyring is also given to createApp); never a real one. */
const BENCH_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

interface SyncWorkerData {
  role: 'sync-worker';
  url: string;
  schema: string;
  jobsSchema: string;
  owner: string;
  /** The sync connector's request rate (--worker-rps). */
  rps: number;
}

if (!isMainThread && (workerData as { role: string }).role === 'simulator') {
  // ------------------------------------------------------------------ the simulated workspace
  const { startSimulator } = await import('../src/simulator/index.ts');
  const { agents } = workerData as { agents: number };
  const sim = await startSimulator({
    seed: 8,
    host: '127.0.0.1',
    generator: { agents, conversations: agents, versionsPerAgent: 3 },
  });
  parentPort!.postMessage({ type: 'ready', url: sim.url, apiKey: sim.apiKey });
  parentPort!.on('message', async (m: SimMessage) => {
    if (m.type === 'evolve') {
      const share = (x: number) => Math.max(1, Math.round(m.agents * x));
      const s = sim.evolve({
        agentsAdded: share(0.01),
        agentsEdited: share(0.05),
        agentsDeleted: share(0.005),
        guardrailsChanged: share(0.02),
        aliasesMoved: share(0.01),
        conversationsAdded: share(0.1),
        conversationsAppended: share(0.05),
        conversationsDeleted: share(0.005),
      });
      parentPort!.postMessage({
        type: 'evolved',
        summary: `${s.agentsAdded.length} agents added, ${s.agentsEdited.length} edited, ${s.agentsDeleted.length} deleted, ${s.guardrailsChanged.length} guardrail changes, ${s.conversationsAdded.length} conversations added`,
      });
    } else {
      await sim.close();
      parentPort!.postMessage({ type: 'closed' });
    }
  });
} else if (!isMainThread && (workerData as { role: string }).role === 'clients') {
  // ------------------------------------------------------------------ the HTTP clients
  const job = (workerData as { job: ClientJob }).job;
  let stop = false;
  parentPort!.on('message', (m: { type: string }) => {
    if (m.type === 'stop') stop = true;
  });
  const samples: Sample[] = [];
  const sorts = ['name', 'riskScore', 'runs', 'lastActivity', 'openFindings', 'model'];
  const deadline = performance.now() + job.seconds * 1000;
  let k = 0;
  let errors = 0;
  const firstError: string[] = [];
  const headers = { authorization: `Bearer ${job.token}` };
  async function get(endpoint: Endpoint, path: string): Promise<unknown> {
    const t = performance.now();
    const r = await fetch(`${job.baseUrl}${path}`, { headers });
    const body = await r.text();
    samples.push({ endpoint, ms: performance.now() - t, status: r.status });
    if (r.status !== 200) {
      errors++;
      if (firstError.length < 3) firstError.push(`${r.status} ${path}: ${body.slice(0, 300)}`);
      return null;
    }
    return JSON.parse(body);
  }
  const qs = (o: Record<string, string | number | undefined>) =>
    new URLSearchParams(
      Object.entries(o)
        .filter((e): e is [string, string | number] => e[1] !== undefined)
        .map(([a, b]) => [a, String(b)]),
    ).toString();
  async function client(): Promise<void> {
    while (!stop && performance.now() < deadline && k < job.maxRequests) {
      const i = k++;
      const which = i % 3;
      if (which === 0) {
        const query = {
          integrationId: i % 6 === 0 ? undefined : job.integrationId,
          sort: sorts[i % sorts.length],
          order: i % 2 ? 'desc' : 'asc',
          q: i % 4 === 0 ? 'support' : undefined,
          guardrails: i % 5 === 0 ? 'none' : undefined,
          limit: 50,
        };
        const page = (await get('agents list', `/api/v1/agents?${qs(query)}`)) as {
          nextCursor: string | null;
        } | null;
        if (page?.nextCursor && i % 7 === 0)
          await get('agents list', `/api/v1/agents?${qs({ ...query, cursor: page.nextCursor })}`);
      } else if (which === 1) {
        const agentId = job.agentIds[(i * 7919) % job.agentIds.length];
        await get(
          'agent detail',
          `/api/v1/integrations/${encodeURIComponent(job.integrationId)}/agents/${encodeURIComponent(agentId)}`,
        );
      } else {
        const query = {
          integrationId: i % 4 === 0 ? undefined : job.integrationId,
          severity: i % 2 ? 'high,critical' : undefined,
          limit: 50,
        };
        const page = (await get('findings list', `/api/v1/findings?${qs(query)}`)) as {
          nextCursor: string | null;
        } | null;
        if (page?.nextCursor && i % 5 === 0)
          await get('findings list', `/api/v1/findings?${qs({ ...query, cursor: page.nextCursor })}`);
      }
    }
  }
  await Promise.all(Array.from({ length: job.clients }, client));
  parentPort!.postMessage({ type: 'done', samples, errors, firstError });
} else if (!isMainThread && (workerData as { role: string }).role === 'sync-worker') {
  // ------------------------------------------------------------------ a sync worker (`trustlens worker`)
  const { url, schema, jobsSchema, owner, rps } = workerData as SyncWorkerData;
  const pg = (await import('pg')).default;
  const { loadConfig } = await import('../src/app/config.ts');
  const { createApp } = await import('../src/app/root.ts');
  const { createKeyring, masterKeyFromBytes } = await import('../src/crypto/index.ts');
  const { createMistralConnector } = await import('../src/mistral/index.ts');
  const { createPostgresDatabase } = await import('../src/store/index.ts');
  // As `trustlens worker` does (default TRUSTLENS_WORKER_NICE 10): on Linux this thread only.
  const { lowerCpuPriority } = await import('../src/app/cpu-priority.ts');
  if (process.env.BENCH_WORKER_NICE !== '0') lowerCpuPriority(10);
  const dataDir = mkdtempSync(join(tmpdir(), 'trustlens-api-bench-worker-'));
  const db = createPostgresDatabase(
    new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 10 }),
  );
  const app = await createApp(
    loadConfig(
      { dataDir },
      { DATABASE_URL: url, TRUSTLENS_JOBS_SCHEMA: jobsSchema, TRUSTLENS_MASTER_KEY: BENCH_MASTER_KEY },
    ),
    {
      db,
      jobs: 'work',
      owner,
      keyring: createKeyring(masterKeyFromBytes(Buffer.alloc(32, 7))),
      connectorFactory: (o) =>
        createMistralConnector({
          ...o,
          requestsPerSecond: rps,
          maxConcurrency: 32,
          requestTimeoutMs: 30_000,
        }),
    },
  );
  await app.startWorker();
  parentPort!.postMessage({ type: 'ready' });
  parentPort!.on('message', async (m: { type: string }) => {
    if (m.type !== 'close') return;
    await app.close({ graceMs: 1000 });
    await db.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    parentPort!.postMessage({ type: 'closed' });
  });
} else {
  await main();
}

/** CPU time (user + system) of this process's main thread so far, in ms (Linux; NaN elsewhere). */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, utime 14 and stime 15 (1-based) → indexes 11 and 12 here.
    return (Number(fields[11]) + Number(fields[12])) * 10; // sysconf(_SC_CLK_TCK) is 100 on Linux: 10 ms a tick
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      agents: { type: 'string', default: '5000' },
      clients: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '15' },
      'seconds-sync': { type: 'string', default: '300' },
      requests: { type: 'string', default: '20000' },
      postgres: { type: 'string' },
      'no-pglite': { type: 'boolean', default: false },
      /** PostgreSQL: sync workers in their own threads, the server only enqueues (0: in-process syncs). */
      workers: { type: 'string', default: '2' },
      /**
       * Each sync's request rate against the simulator. 2000 (the default) is a stress far above what a
       * workspace allows; the issue's own scans run behind 200 and 1,000 requests/second.
       */
      'worker-rps': { type: 'string', default: '2000' },
      /** Writes a CPU profile of the server's thread during each phase to DIR/<backend>-<phase>.cpuprofile. */
      profile: { type: 'string' },
      /** Prints the statements that took the most time (outside transactions) in each phase. */
      'sql-stats': { type: 'boolean', default: false },
    },
  });
  const agents = Number(values.agents);
  const workerRps = Number(values['worker-rps']);
  if (!(workerRps > 0))
    throw new Error(`--worker-rps must be a positive number, got ${values['worker-rps']}`);
  const postgresUrl = values.postgres ?? process.env.TRUSTLENS_TEST_DATABASE_URL ?? undefined;

  const { PGlite } = await import('@electric-sql/pglite');
  const pg = (await import('pg')).default;
  const { loadConfig } = await import('../src/app/config.ts');
  const { createApp } = await import('../src/app/root.ts');
  const { createKeyring, masterKeyFromBytes } = await import('../src/crypto/index.ts');
  const { createMistralConnector } = await import('../src/mistral/index.ts');
  const { buildServer } = await import('../src/server/server.ts');
  const { systemActor } = await import('../src/services/context.ts');
  const { createPgliteDatabase, createPostgresDatabase, migrate } = await import('../src/store/index.ts');
  type Database = import('../src/store/index.ts').Database;

  // Workers load this file through tsx's loader, registered first (a data: URL entry, as bench/usage-bench.ts).
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const here = new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
  const simWorker = new Worker(here, { workerData: { role: 'simulator', agents }, execArgv: [] });
  const [ready] = (await once(simWorker, 'message')) as [{ url: string; apiKey: string }];
  console.log(`simulator: ${agents} agents, ${agents} conversations, 3 versions per agent, at ${ready.url}`);

  /** Statements of the server outside transactions (per phase: queries per request). */
  let queryCount = 0;
  /** Times every transaction (the longest ones tell how long a sync blocks PGlite's readers). */
  const sqlStats = new Map<string, { n: number; ms: number }>();
  function timed(db: Database, log: { ms: number; at: number }[]): Database {
    return {
      ...db,
      kind: db.kind,
      async query(sql, params) {
        queryCount++;
        if (!values['sql-stats']) return db.query(sql, params);
        const t = performance.now();
        try {
          return await db.query(sql, params);
        } finally {
          const key = sql.replace(/\s+/g, ' ').trim().slice(0, 100);
          const e = sqlStats.get(key) ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += performance.now() - t;
          sqlStats.set(key, e);
        }
      },
      execScript: (sql) => db.execScript(sql),
      close: () => db.close(),
      async transaction(fn) {
        const t = performance.now();
        try {
          return await db.transaction(fn);
        } finally {
          log.push({ ms: performance.now() - t, at: t });
        }
      },
    };
  }

  const pct = (xs: number[], p: number) => {
    if (xs.length === 0) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  };
  const rows: string[][] = [];
  const figures: Record<string, number | string> = { label: 'api' };

  async function runBackend(kind: 'pglite' | 'postgres'): Promise<void> {
    let db: Database;
    let cleanup = async () => {};
    const workers = kind === 'postgres' ? Math.max(0, Number(values.workers)) : 0;
    let schema = '';
    if (kind === 'pglite') {
      db = createPgliteDatabase(await PGlite.create());
    } else {
      schema = `trustlens_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`); // generated identifier, not data
      await admin.end();
      db = createPostgresDatabase(
        new pg.Pool({ connectionString: postgresUrl, options: `-c search_path=${schema}`, max: 10 }),
      );
      cleanup = async () => {
        const c = new pg.Client({ connectionString: postgresUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
        await c.end();
      };
    }
    await migrate(db);
    const transactions: { ms: number; at: number }[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'trustlens-api-bench-'));
    const jobsSchema = `${schema}_jobs`;
    const app = await createApp(
      loadConfig(
        { dataDir },
        workers > 0
          ? {
              DATABASE_URL: postgresUrl,
              TRUSTLENS_JOBS_SCHEMA: jobsSchema,
              TRUSTLENS_MASTER_KEY: BENCH_MASTER_KEY,
            }
          : {},
      ),
      {
        ...(workers > 0 ? { jobs: 'enqueue' as const } : {}),
        db: timed(db, transactions),
        keyring: createKeyring(masterKeyFromBytes(Buffer.alloc(32, 7))),
        connectorFactory: (o) =>
          createMistralConnector({
            ...o,
            requestsPerSecond: workerRps,
            maxConcurrency: 32,
            requestTimeoutMs: 30_000,
          }),
      },
    );
    const server = await buildServer(app, { logger: false });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

    const token = `tlk_bench_${randomBytes(24).toString('hex')}`;
    const init = await app.services.accounts.bootstrap({
      adminEmail: 'admin@bench.example',
      adminPassword: 'correct horse battery staple',
      orgName: 'Bench',
      apiToken: token,
    });
    if (init.kind !== 'initialized') throw new Error(`bootstrap gave ${init.kind}`);
    const operator = systemActor('bench');
    const integrations: { id: string }[] = [];
    for (let i = 0; i < Math.max(1, workers); i++) {
      integrations.push(
        await app.services.integrations.create(
          { ...operator, organizationId: init.organizationId },
          { name: i === 0 ? 'bench' : `bench-${i + 1}`, apiKey: ready.apiKey, baseUrl: ready.url },
        ),
      );
    }
    const integ = integrations[0];

    // The sync workers (PostgreSQL, --workers): each in its own thread, as `trustlens worker` processes.
    const syncWorkers: Worker[] = [];
    for (let i = 0; i < workers; i++) {
      const data: SyncWorkerData = {
        role: 'sync-worker',
        url: postgresUrl!,
        schema,
        jobsSchema,
        owner: `bench-worker-${i + 1}:${process.pid}`,
        rps: workerRps,
      };
      const w = new Worker(here, { workerData: data, execArgv: [] });
      await once(w, 'message');
      syncWorkers.push(w);
    }
    if (workers > 0) console.log(`[${kind}] ${workers} sync workers started (the server only enqueues)`);

    /** Syncs the integrations (each through a worker, or the first one in-process); resolves when all ended. */
    const syncOnce = async () => {
      const t = performance.now();
      if (workers === 0) {
        const r = await app.services.syncs.trigger(operator, integ.id);
        const run = await r.done!;
        return { run, ms: performance.now() - t };
      }
      const ids: string[] = [];
      for (const x of integrations) ids.push((await app.services.syncs.trigger(operator, x.id)).run.id);
      for (;;) {
        const { rows } = await db.query<{ id: string; status: string; counts: unknown }>(
          'SELECT id, status, counts_by_type AS counts FROM sync_runs WHERE id = ANY($1::text[])',
          [ids],
        );
        if (rows.length === ids.length && rows.every((r) => !['queued', 'running'].includes(r.status))) {
          const first = rows.find((r) => r.id === ids[0])!;
          const status = [...new Set(rows.map((r) => r.status))].join('/');
          return { run: { status, countsByType: first.counts }, ms: performance.now() - t };
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const fill = await syncOnce();
    console.log(
      `[${kind}] fill: ${integrations.length} sync(s) ${fill.run.status} in ${(fill.ms / 1000).toFixed(1)} s ` +
        `(${JSON.stringify(fill.run.countsByType)}); longest transaction of the server ${Math.round(Math.max(0, ...transactions.map((x) => x.ms)))} ms`,
    );
    const agentPage = await app.services.inventory.listAgents(operator, {
      integrationId: integ.id,
      limit: 500,
    });
    const agentIds = agentPage.items.map((a) => a.id);

    async function phase(name: 'idle' | 'sync', seconds: number, during?: Promise<unknown>): Promise<void> {
      const job: ClientJob = {
        baseUrl,
        token,
        integrationId: integ.id,
        agentIds,
        clients: Number(values.clients),
        seconds,
        maxRequests: Number(values.requests),
      };
      const session = values.profile ? new inspector.Session() : null;
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      sqlStats.clear();
      const queries0 = queryCount;
      const cpu0 = mainThreadCpuMs();
      const elu0 = performance.eventLoopUtilization();
      const t = performance.now();
      const worker = new Worker(here, { workerData: { role: 'clients', job }, execArgv: [] });
      const finished = once(worker, 'message') as Promise<
        [{ samples: Sample[]; errors: number; firstError: string[] }]
      >;
      if (during) void during.then(() => worker.postMessage({ type: 'stop' }));
      const [result] = await finished;
      const wall = (performance.now() - t) / 1000;
      const cpu = mainThreadCpuMs() - cpu0;
      const elu = performance.eventLoopUtilization(elu0).utilization;
      const queries = queryCount - queries0;
      await worker.terminate();
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        mkdirSync(values.profile!, { recursive: true });
        writeFileSync(join(values.profile!, `${kind}-${name}.cpuprofile`), JSON.stringify(profile));
        session.disconnect();
      }
      if (values['sql-stats']) {
        console.log(`[${kind}] ${name}: statements by total time (outside transactions)`);
        for (const [sql, e] of [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12))
          console.log(`  ${e.ms.toFixed(0).padStart(7)} ms ${String(e.n).padStart(6)}×  ${sql}`);
      }
      if (result.errors > 0)
        console.log(
          `[${kind}] ${name}: ${result.errors} failed requests, e.g.\n  ${result.firstError.join('\n  ')}`,
        );
      const n = result.samples.length;
      // The server's thread: CPU it used per request (the clients, simulator and sync workers are in
      // other threads), and how busy its event loop was. A loop near 100% busy means requests queue
      // for the CPU (our code, or a CPU taken by others); a loop mostly idle with a slow p95 means
      // requests wait on PostgreSQL (locks, the pool).
      const cpuPerRequest = Number.isNaN(cpu) ? NaN : cpu / Math.max(1, n);
      console.log(
        `[${kind}] ${name}: ${n} requests in ${wall.toFixed(1)} s; server thread CPU ${Number.isNaN(cpu) ? 'n/a' : `${(cpu / 1000).toFixed(1)} s = ${cpuPerRequest.toFixed(2)} ms per request`}, ` +
          `event loop ${(elu * 100).toFixed(0)}% busy; ${(queries / Math.max(1, n)).toFixed(2)} statements per request (outside transactions); load ${loadavg()[0].toFixed(1)}`,
      );
      figures[`${kind}_${name}_requests`] = n;
      figures[`${kind}_${name}_load`] = Math.round(loadavg()[0] * 10) / 10;
      figures[`${kind}_${name}_cpu_ms_per_request`] = Math.round(cpuPerRequest * 100) / 100;
      figures[`${kind}_${name}_event_loop_busy`] = Math.round(elu * 1000) / 1000;
      figures[`${kind}_${name}_statements_per_request`] = Math.round((queries / Math.max(1, n)) * 100) / 100;
      for (const endpoint of ENDPOINTS) {
        const xs = result.samples.filter((s) => s.endpoint === endpoint).map((s) => s.ms);
        const key = `${kind}_${name}_${endpoint.replace(/ /g, '_')}`;
        figures[`${key}_p50_ms`] = Math.round(pct(xs, 50) * 10) / 10;
        figures[`${key}_p95_ms`] = Math.round(pct(xs, 95) * 10) / 10;
        figures[`${key}_p99_ms`] = Math.round(pct(xs, 99) * 10) / 10;
        figures[`${key}_max_ms`] = Math.round(Math.max(...xs) * 10) / 10;
        rows.push([
          kind,
          name === 'sync' ? 'yes' : 'no',
          endpoint,
          String(xs.length),
          pct(xs, 50).toFixed(1),
          pct(xs, 95).toFixed(1),
          pct(xs, 99).toFixed(1),
          Math.max(...xs).toFixed(1),
          (xs.length / wall).toFixed(0),
        ]);
      }
    }

    await phase('idle', Number(values.seconds));
    simWorker.postMessage({ type: 'evolve', agents });
    const [evolved] = (await once(simWorker, 'message')) as [{ summary: string }];
    console.log(`[${kind}] workspace evolved: ${evolved.summary}`);
    const mark = transactions.length;
    const second = syncOnce();
    let ended = false;
    void second.then(() => (ended = true));
    await phase('sync', Number(values['seconds-sync']), second);
    if (!ended)
      console.log(
        `[${kind}] clients stopped before the sync ended: its final transaction is not in the figures`,
      );
    const sync2 = await second;
    const during = transactions.slice(mark).map((x) => x.ms);
    console.log(
      `[${kind}] second sync${workers > 1 ? `s (${workers} workers)` : ''}: ${sync2.run.status} in ${(sync2.ms / 1000).toFixed(1)} s; ` +
        `${during.length} transactions of the server meanwhile, longest ${Math.round(Math.max(0, ...during))} ms, ` +
        `${during.filter((x) => x >= 100).length} of ≥ 100 ms`,
    );
    figures[`${kind}_longest_tx_during_sync_ms`] = Math.round(Math.max(0, ...during));
    figures[`${kind}_sync_s`] = Math.round(sync2.ms / 100) / 10;
    /** 1 when the clients ran until the sync(s) ended (the whole sync is in the "sync" figures), else 0. */
    figures[`${kind}_sync_covered`] = ended ? 1 : 0;
    figures[`${kind}_sync_status`] = String(sync2.run.status);

    for (const w of syncWorkers) {
      w.postMessage({ type: 'close' });
      await once(w, 'message');
      await w.terminate();
    }
    await server.close();
    await app.close({ graceMs: 1000 });
    await db.close();
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (!values['no-pglite']) await runBackend('pglite');
  if (postgresUrl) await runBackend('postgres');
  else console.log('(PostgreSQL skipped: pass --postgres URL or set TRUSTLENS_TEST_DATABASE_URL)');

  simWorker.postMessage({ type: 'close' });
  await once(simWorker, 'message');
  await simWorker.terminate();

  const head = [
    'backend',
    'sync running',
    'endpoint',
    'requests',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'req/s',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(
    `\n${agents} agents, ${values.clients} concurrent clients over HTTP (loopback)` +
      (postgresUrl && Number(values.workers) > 0
        ? `; on PostgreSQL ${values.workers} sync workers sync (${workerRps} requests/s each) while "sync running" is yes`
        : '') +
      '\n',
  );
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i < 3 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  figures.agents = agents;
  figures.clients = Number(values.clients);
  figures.workers = postgresUrl ? Number(values.workers) : 0;
  figures.worker_rps = workerRps;
  console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
}
