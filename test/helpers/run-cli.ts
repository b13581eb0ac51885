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
    child.stderr.on('data', (d) => (stderr += d));
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
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * The same command through the CLI's `main(argv)` (src/cli/main.ts) in this test process: what it prints
 * on stdout and stderr, and the exit code main returns, with the same environment rules as `runCli`. It
 * costs a fraction of a process (no Node start, no bundle load, PGlite's WebAssembly compiled once per
 * test process), so the suites run most commands this way and keep `runCli` for what concerns the
 * process itself (exit status through bin/trustlens, signals, start-up) and a smoke run per command
 * family. Calls run one at a time (they share the process's environment and standard streams).
 *
 * While a call runs, text written to process.stdout/stderr is captured; binary chunks pass through (the
 * node:test child reports to its runner as binary on stdout, and the CLI writes text only).
 */
export function runCliInProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
): Promise<CliRun> {
  const call = inProcessQueue.then(() => runInProcess(args, env, timeoutMs));
  inProcessQueue = call.catch(() => undefined);
  return call;
}

type Write = typeof process.stdout.write;
let mainModule: Promise<(argv: string[]) => Promise<number>> | undefined;

/**
 * src/cli/main.ts runs itself when imported (bin/trustlens just imports it): the first import here runs
 * it on `--version` (printing the version into the capture, which is dropped), then main is called.
 */
function loadMain(): Promise<(argv: string[]) => Promise<number>> {
  mainModule ??= (async () => {
    const argv = process.argv;
    process.argv = [argv[0], argv[1], '--version'];
    try {
      return (await import('../../src/cli/main.ts')).main;
    } finally {
      process.argv = argv;
    }
  })();
  return mainModule;
}

async function runInProcess(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<CliRun> {
  const savedEnv = { ...process.env };
  for (const k of CLEARED_ENV) delete process.env[k];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const savedExitCode = process.exitCode;
  process.exitCode = undefined;
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((s) => s.write);
  const errorListeners = streams.map((s) => s.listeners('error'));
  const signalListeners = (['SIGINT', 'SIGTERM'] as const).map(
    (sig) => [sig, process.listeners(sig)] as const,
  );
  const out = ['', ''];
  streams.forEach((s, i) => {
    s.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'string')
        return (writes[i] as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      out[i] += chunk;
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    } as Write;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const main = await loadMain();
    out[0] = out[1] = '';
    const code = await Promise.race([
      main(args),
      new Promise<never>((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`trustlens ${args.join(' ')} (in-process) timed out; stderr: ${out[1]}`)),
          timeoutMs,
        );
      }),
    ]);
    return { code, stdout: out[0], stderr: out[1] };
  } finally {
    clearTimeout(timer);
    streams.forEach((s, i) => {
      s.write = writes[i];
      for (const l of s.listeners('error'))
        if (!errorListeners[i].includes(l)) s.off('error', l as () => void);
    });
    for (const [sig, before] of signalListeners)
      for (const l of process.listeners(sig)) if (!before.includes(l)) process.off(sig, l);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    process.exitCode = savedExitCode;
  }
}
