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
