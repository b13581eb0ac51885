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
 * The same command through the CLI's `main(argv, io)` (src/cli/main.ts) in this test process: what it
 * prints on stdout and stderr, and the exit code main returns, with the same environment rules as
 * `runCli`. It costs a fraction of a process (no Node start, no bundle load, PGlite's WebAssembly compiled
 * once per test process), so the suites run most commands this way and keep `runCli` for what concerns
 * the process itself (exit status through bin/trustlens, a closed pipe, signals, start-up, stdin) and a
 * smoke run per command family. Calls run one at a time (they share the process's environment and
 * standard streams); signal handlers a command leaves behind are removed.
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

async function runInProcess(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<CliRun> {
  const { main } = await import('../../src/cli/main.ts');
  const signalListeners = (['SIGINT', 'SIGTERM'] as const).map(
    (sig) => [sig, process.listeners(sig)] as const,
  );
  const out = { stdout: '', stderr: '' };
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      main(args, {
        stdout: (text) => (out.stdout += text),
        stderr: (text) => (out.stderr += text),
        env: { ...Object.fromEntries(CLEARED_ENV.map((k) => [k, undefined])), ...env },
      }),
      new Promise<never>((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`trustlens ${args.join(' ')} (in-process) timed out; stderr: ${out.stderr}`)),
          timeoutMs,
        );
      }),
    ]);
    return { code, ...out };
  } finally {
    clearTimeout(timer);
    for (const [sig, before] of signalListeners)
      for (const l of process.listeners(sig)) if (!before.includes(l)) process.off(sig, l);
  }
}
