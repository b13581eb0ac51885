/**
 * A simulator in its own worker thread, for suites that load the server: a real Mistral API is not
 * starved by TrustLens's own clients, and an in-process simulator sharing the server's event loop under
 * 50 clients can miss the connector's per-attempt timeout (the full-size load suite once failed its
 * syncs with "no answer within 5000 ms"). The approach of bench/api-bench.ts: the worker loads this
 * file through tsx's loader (a data: URL entry) and serves the simulator; the main thread drives it by
 * messages (evolve, the workspace's agent ids, close).
 */
import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { StartOptions } from '../../src/simulator/index.ts';
import type { EvolveOptions } from '../../src/simulator/types.ts';

type Message = { type: 'evolve'; options: EvolveOptions } | { type: 'agentIds' } | { type: 'close' };
type Request = Message & { id: number };
type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

export interface WorkerSimulator {
  url: string;
  apiKey: string;
  /** Evolves the workspace (as SimulatorHandle.evolve) and resolves once it is served. */
  evolve(options: EvolveOptions): Promise<void>;
  /** The ids of the workspace's current agents. */
  agentIds(): Promise<string[]>;
  close(): Promise<void>;
}

const ROLE = 'trustlens-test-simulator';

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  const { startSimulator } = await import('../../src/simulator/index.ts');
  const sim = await startSimulator((workerData as { options: StartOptions }).options);
  parentPort!.postMessage({ url: sim.url, apiKey: sim.apiKey });
  parentPort!.on('message', (m: Request) => {
    void (async (): Promise<Reply> => {
      try {
        if (m.type === 'evolve') {
          sim.evolve(m.options);
          return { id: m.id, ok: true };
        }
        if (m.type === 'agentIds')
          return { id: m.id, ok: true, value: sim.workspace.agents.map((a) => a.current.id) };
        await sim.close();
        return { id: m.id, ok: true };
      } catch (e) {
        return { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    })().then((reply) => parentPort!.postMessage(reply));
  });
}

/** Starts a simulator (same options as startSimulator, plain data only) in a worker thread. */
export async function startWorkerSimulator(options: StartOptions): Promise<WorkerSimulator> {
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: { role: ROLE, options },
    execArgv: [],
  });
  const failed = once(worker, 'error').then(([e]) => {
    throw e;
  });
  const [ready] = (await Promise.race([once(worker, 'message'), failed])) as [
    { url: string; apiKey: string },
  ];
  let nextId = 0;
  const pending = new Map<number, (r: Reply) => void>();
  worker.on('message', (r: Reply) => {
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
  const call = async (m: Message): Promise<unknown> => {
    const id = ++nextId;
    const reply = await new Promise<Reply>((res) => {
      pending.set(id, res);
      worker.postMessage({ ...m, id });
    });
    if (!reply.ok) throw new Error(`simulator worker: ${reply.error}`);
    return reply.value;
  };
  let closed = false;
  return {
    url: ready.url,
    apiKey: ready.apiKey,
    evolve: async (o) => void (await call({ type: 'evolve', options: o })),
    agentIds: async () => (await call({ type: 'agentIds' })) as string[],
    async close() {
      if (closed) return;
      closed = true;
      await call({ type: 'close' });
      await worker.terminate();
    },
  };
}
