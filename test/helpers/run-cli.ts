/** Runs `bin/trustlens` as a child process, the way users run it, with a bounded wait. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/trustlens');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The child gets this process's environment without MISTRAL_API_KEY, MISTRAL_ADMIN_API_KEY,
 * TRUSTLENS_RATE_LIMIT_SHARE, DATABASE_URL and
 * TRUSTLENS_DATA_DIR (so a developer's settings never leak into a test), plus `env`.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
  /** Sees the standard error so far each time more of it arrives (e.g. to act when a command waits). */
  onStderr?: (stderrSoFar: string) => void,
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        ...process.env,
        MISTRAL_API_KEY: undefined,
        MISTRAL_ADMIN_API_KEY: undefined,
        TRUSTLENS_RATE_LIMIT_SHARE: undefined,
        DATABASE_URL: undefined,
        TRUSTLENS_DATA_DIR: undefined,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`trustlens ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const CLEARED_ENV = [
  'MISTRAL_API_KEY',
  'MISTRAL_ADMIN_API_KEY',
  'TRUSTLENS_RATE_LIMIT_SHARE',
  'DATABASE_URL',
  'TRUSTLENS_DATA_DIR',
];
/** Settles (never rejects) when the last queued call's `main` has returned, not when its caller stopped waiting. */
let inProcessQueue: Promise<unknown> = Promise.resolve();
/** The call that timed out and whose `main` is still running, if any (for the next callers' messages). */
let stillRunning: string | undefined;

/**
 * The same command through the CLI's `main(argv, io)` (src/cli/main.ts) in this test process: what it
 * prints on stdout and stderr, and the exit code main returns, with the same environment rules as
 * `runCli`. It costs a fraction of a process (no Node start, no bundle load, PGlite's WebAssembly compiled
 * once per test process), so the suites run most commands this way and keep `runCli` for what concerns
 * the process itself (exit status through bin/trustlens, a closed pipe, signals, start-up, stdin) and a
 * smoke run per command family (in-process, a command that leaves a pool, timer or socket open still
 * passes; as a process it would never exit). Calls run one at a time (they share the process's
 * environment and standard streams): a call that times out is rejected at once, but the next call starts
 * only when its `main` has returned and put the streams and environment back (a call waiting behind it
 * gives up after its own `timeoutMs`). Signal handlers a command leaves behind are removed.
 */
export function runCliInProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
): Promise<CliRun> {
  const label = `trustlens ${args.join(' ')} (in-process)`;
  let gaveUp = false;
  const turn = inProcessQueue.then(() => (gaveUp ? undefined : startInProcess(args, env, label)));
  inProcessQueue = turn.then((run) => run?.settled);
  return new Promise<CliRun>((done, fail) => {
    let timer = setTimeout(() => {
      gaveUp = true;
      fail(
        new Error(
          `${label} did not start within ${timeoutMs} ms: ${stillRunning ? `${stillRunning}, which timed out,` : 'an earlier in-process call'} is still running`,
        ),
      );
    }, timeoutMs);
    void turn.then((run) => {
      if (!run) return; // this caller gave up while waiting
      clearTimeout(timer);
      timer = setTimeout(() => {
        stillRunning = label;
        fail(new Error(`${label} timed out after ${timeoutMs} ms; stderr: ${run.out.stderr}`));
      }, timeoutMs);
      run.result.then(done, fail).finally(() => clearTimeout(timer));
    });
  });
}

interface InProcessRun {
  out: { stdout: string; stderr: string };
  result: Promise<CliRun>;
  /** Resolves (never rejects) once main has returned or thrown and the signal handlers are cleaned up. */
  settled: Promise<void>;
}

function startInProcess(
  args: string[],
  env: Record<string, string | undefined>,
  label: string,
): InProcessRun {
  const out = { stdout: '', stderr: '' };
  const result = (async (): Promise<CliRun> => {
    const { main } = await import('../../src/cli/main.ts');
    // --server/--token of an earlier call that failed before program.ts set them must not carry over.
    const { setRemoteFlags } = await import('../../src/cli/remote.ts');
    setRemoteFlags({});
    const signalListeners = (['SIGINT', 'SIGTERM'] as const).map(
      (sig) => [sig, process.listeners(sig)] as const,
    );
    try {
      const code = await main(args, {
        stdout: (text) => (out.stdout += text),
        stderr: (text) => (out.stderr += text),
        env: { ...Object.fromEntries(CLEARED_ENV.map((k) => [k, undefined])), ...env },
      });
      return { code, ...out };
    } finally {
      for (const [sig, before] of signalListeners)
        for (const l of process.listeners(sig)) if (!before.includes(l)) process.off(sig, l);
    }
  })();
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  void settled.then(() => {
    if (stillRunning === label) stillRunning = undefined;
  });
  return { out, result, settled };
}
