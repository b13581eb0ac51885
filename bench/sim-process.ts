/**
 * A simulated workspace (src/simulator) in a child process, for the benches: its CPU time (generating
 * and serialising histories) is not charged to the process measured (the real API is remote too).
 *
 *   const sim = await startSimulatorProcess({ agents: 200, conversations: 4000, rps: 200, latencyMs: 25 });
 *   … sim.url, sim.apiKey; await sim.reset(); …; const stats = await sim.stats(); await sim.close();
 *
 * The child is this same file run with `--sim-child <json options>`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface SimProcessOptions {
  agents: number;
  conversations: number;
  /** The simulator's real rate limit (requests per second). */
  rps: number;
  latencyMs?: number;
  seed?: number;
}

export interface SimProcessStats {
  totalRequests: number;
  /** Requests answered 2xx. */
  ok: number;
  rateLimited: number;
  peakConcurrency: number;
}

export interface SimProcess {
  url: string;
  apiKey: string;
  pid: number;
  reset(): Promise<void>;
  stats(): Promise<SimProcessStats>;
  close(): Promise<void>;
}

type Req = { type: 'stats' | 'reset' | 'close' };
type Reply =
  { type: 'ready'; url: string; apiKey: string } | { type: 'stats'; stats: SimProcessStats } | { type: 'ok' };

export async function startSimulatorProcess(opts: SimProcessOptions): Promise<SimProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--sim-child', JSON.stringify(opts)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = async (m: Req): Promise<Reply> => {
    child.send(m);
    const [reply] = (await once(child, 'message')) as [Reply];
    return reply;
  };
  const [ready] = (await once(child, 'message')) as [Reply];
  if (ready.type !== 'ready') throw new Error('the simulator process did not start');
  return {
    url: ready.url,
    apiKey: ready.apiKey,
    pid: child.pid ?? 0,
    async reset() {
      await ask({ type: 'reset' });
    },
    async stats() {
      const r = await ask({ type: 'stats' });
      if (r.type !== 'stats') throw new Error('no simulator stats');
      return r.stats;
    },
    async close() {
      if (child.exitCode !== null) return;
      child.send({ type: 'close' } satisfies Req);
      await once(child, 'exit');
    },
  };
}

async function childMain(opts: SimProcessOptions): Promise<void> {
  const { peekEntries, startSimulator } = await import('../src/simulator/index.ts');
  const sim = await startSimulator({
    seed: opts.seed ?? 42,
    generator: { agents: opts.agents, conversations: opts.conversations },
    rateLimit: { rps: opts.rps },
    latencyMs: opts.latencyMs ?? 25,
  });
  // Generate the lazily built histories before anything is timed (the simulator's cost).
  for (const c of sim.workspace.conversations) peekEntries(c);
  process.on('message', (m: Req) => {
    if (m.type === 'stats') {
      const s = sim.stats();
      const ok = s.byRoute.filter((r) => r.status >= 200 && r.status < 300).reduce((n, r) => n + r.count, 0);
      const stats: SimProcessStats = {
        totalRequests: s.totalRequests,
        ok,
        rateLimited: s.rateLimited,
        peakConcurrency: s.peakConcurrency,
      };
      process.send!({ type: 'stats', stats } satisfies Reply);
    } else if (m.type === 'reset') {
      sim.resetStats();
      process.send!({ type: 'ok' } satisfies Reply);
    } else void sim.close().then(() => process.disconnect());
  });
  // Let the rate limiter's bucket settle before the first timed request.
  await new Promise((r) => setTimeout(r, 1100));
  process.send!({ type: 'ready', url: sim.url, apiKey: sim.apiKey } satisfies Reply);
}

const at = process.argv.indexOf('--sim-child');
if (at >= 0) await childMain(JSON.parse(process.argv[at + 1]) as SimProcessOptions);
