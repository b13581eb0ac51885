/**
 * `trustlens serve` as a child process, the one way tests start it (the serve suite, the browser suites
 * through test/helpers/browser.ts, the crash suite that kills it and starts it again on the same
 * database). The child gets this process's environment without MISTRAL_API_KEY, DATABASE_URL and
 * TRUSTLENS_DATA_DIR (a developer's settings never leak into a test), with TRUSTLENS_LOG_LEVEL=warn,
 * plus `env`.
 *
 * `startServe` resolves once the server prints its address (and `until`, when given, matches stdout);
 * it rejects with the process's output when the process exits first or does not start in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './run-cli.ts';

export interface ServeExit {
  /** The exit code, null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Settles with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<ServeExit>;
  /** Waits (up to `ms`) until stdout matches `pattern`; returns the match. Throws when the process ended. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /**
   * SIGTERM (graceful stop), then waits for the exit; with `killAfterMs`, SIGKILL when it has not
   * exited by then.
   */
  stop(options?: { killAfterMs?: number }): Promise<ServeExit>;
}

export interface StartServeOptions {
  /** Resolve only once stdout also matches this. */
  until?: RegExp;
  /** How long the start may take (default 120 s). */
  timeoutMs?: number;
}

const live = new Set<ChildProcess>();

/** Kills every server started here that still runs (call it from `after`). */
export function killAllServes(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

/** Starts `trustlens serve --port 0 …args`. */
export function startServe(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: StartServeOptions = {},
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
    let ended = false;
    const exited = new Promise<ServeExit>((r) =>
      child.on('close', (code, signal) => {
        ended = true;
        live.delete(child);
        r({ code, signal });
      }),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`trustlens serve did not start in time:\n${out}\n${err}`));
    }, options.timeoutMs ?? 120_000);
    const served: Omit<ServeProcess, 'url'> = {
      child,
      pid: child.pid!,
      stdout: () => out,
      stderr: () => err,
      exited,
      async waitFor(pattern, ms = 120_000) {
        const deadline = Date.now() + ms;
        for (;;) {
          const hit = pattern.exec(out);
          if (hit) return hit;
          if (ended || Date.now() > deadline)
            throw new Error(`trustlens serve never printed ${pattern}:\n${out}\n${err}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async kill() {
        if (!ended) child.kill('SIGKILL');
        await exited;
      },
      async stop({ killAfterMs } = {}) {
        if (!ended) child.kill('SIGTERM');
        const killer =
          killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const result = await exited;
        clearTimeout(killer);
        return result;
      },
    };
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /TrustLens is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && (!options.until || options.until.test(out))) {
        clearTimeout(timer);
        resolve({ ...served, url: m[1] });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`trustlens serve exited (${code ?? signal}) before starting:\n${out}\n${err}`));
    });
  });
}
