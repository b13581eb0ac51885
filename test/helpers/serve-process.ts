/**
 * `trustlens serve` as a child process, for tests that stop or kill it (SIGTERM, SIGKILL) and start it
 * again on the same database. The child gets this process's environment without MISTRAL_API_KEY,
 * DATABASE_URL and TRUSTLENS_DATA_DIR (a developer's settings never leak into a test), plus `env`.
 *
 * `startServe` resolves once the server prints its address (and `until`, when given, matches stdout);
 * it rejects with the process's output when the process exits first or does not start in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './run-cli.ts';

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Settles with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful stop), then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();

/** Kills every server started here that still runs (call it from `after`). */
export function killAllServes(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

export function startServe(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { until?: RegExp; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
      env: {
        ...process.env,
        MISTRAL_API_KEY: undefined,
        DATABASE_URL: undefined,
        TRUSTLENS_DATA_DIR: undefined,
        TRUSTLENS_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let out = '';
    let err = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.on('close', (code, signal) => {
        live.delete(child);
        r({ code, signal });
      }),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`trustlens serve did not start in time: ${out} ${err}`));
    }, options.timeoutMs ?? 120_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /TrustLens is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && (!options.until || options.until.test(out))) {
        clearTimeout(timer);
        resolve({
          child,
          pid: child.pid!,
          url: m[1],
          stdout: () => out,
          stderr: () => err,
          exited,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`trustlens serve exited (${code ?? signal}) before starting: ${out} ${err}`));
    });
  });
}
