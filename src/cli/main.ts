/**
 * `trustlens` command line. Each verb lives in commands/<verb>.ts and exports `register(program)`.
 * Errors are rendered here, once: message + remediation on stderr, never the API key.
 *
 * Global flags (before or after the verb): --no-color, -q/--quiet, -v/--verbose (src/cli/terminal.ts,
 * docs/cli.md). Start-up is kept short: a verb's implementation (store, connector, server) is loaded
 * inside its action, so `--help`, `--version` and `completion` load only the command definitions.
 */
import { CommanderError } from 'commander';
import { isAppError, redactSecrets } from '../errors/index.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { configureTerminal, paint } from './terminal.ts';
import { VERSION } from '../shared/version.ts';

/**
 * Where one run of `main` writes and which environment it sees; each field left out is the process's own.
 * The commands write to process.stdout/stderr and read process.env: for the run, `stdout`/`stderr` take
 * the text written to those streams (binary chunks still go to the stream: the CLI writes text only) and
 * `env` sets (or, when undefined, removes) variables; everything is put back when main returns. This is
 * how the tests run a command in their own process (test/helpers/run-cli.ts): one such run at a time.
 */
export interface CliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: Record<string, string | undefined>;
}

/**
 * Runs one `trustlens` command line and resolves to its exit code (src/cli/exit-codes.ts). Importing this
 * module runs nothing: the process that runs the CLI is src/cli/bin.ts, which also handles a closed pipe
 * and sets the exit status. process.exitCode is left as main found it.
 */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const restore = redirect(io);
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  try {
    return await run(argv);
  } finally {
    process.exitCode = exitCodeBefore;
    restore();
  }
}

async function run(argv: string[]): Promise<number> {
  // --version alone answers before any command is loaded.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  // Colour for errors raised before a command runs (a bad flag) follows the same rules.
  configureTerminal({
    color: argv.includes('--no-color') ? false : undefined,
    quiet: argv.includes('--quiet') || argv.includes('-q'),
    verbose: argv.includes('--verbose') || argv.includes('-v'),
  });
  const { buildProgram } = await import('./program.ts');
  const program = buildProgram(VERSION);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version exit 0; every other commander error is a usage error (documented as 64).
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version'
        ? e.exitCode
        : EXIT.USAGE;
    }
    // The Mistral key and the server's API token (--server) never reach the terminal.
    const { remoteSecrets } = await import('./remote.ts');
    const secrets = [process.env.MISTRAL_API_KEY, ...remoteSecrets()];
    if (isAppError(e)) {
      process.stderr.write(
        `${paint('stderr', ['red', 'bold'], 'Error:')} ${terminalSafe(redactSecrets(e.message, secrets))}\n`,
      );
      if (e.remediation)
        process.stderr.write(
          `${paint('stderr', ['yellow', 'bold'], 'What to do:')} ${terminalSafe(redactSecrets(e.remediation, secrets))}\n`,
        );
      return exitCodeOf(e.code);
    }
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(
      `${paint('stderr', ['red', 'bold'], 'Unexpected error:')} ${redactSecrets(text, secrets)}\n`,
    );
    return EXIT.ERROR;
  }
}

/**
 * An error's text may quote workspace or stored data (an integration's name): no control character
 * (terminal escapes, C1 controls) or invisible format character (bidi overrides) reaches the terminal.
 * Line breaks are kept.
 */
function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/gu, ' ');
}

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/** Installs `io` on the process (see CliIo); returns what puts everything back. */
function redirect(io: CliIo): () => void {
  const undo: Array<() => void> = [];
  for (const [stream, take] of [
    [process.stdout, io.stdout],
    [process.stderr, io.stderr],
  ] as const) {
    if (!take) continue;
    const write = stream.write as Write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      if (typeof chunk !== 'string') return write.call(this, chunk, ...rest);
      take(chunk);
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    } as typeof stream.write;
    undo.push(() => {
      stream.write = write as typeof stream.write;
    });
  }
  if (io.env) {
    const saved = { ...process.env };
    for (const [k, v] of Object.entries(io.env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    undo.push(() => {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    });
  }
  return () => {
    for (const u of undo.reverse()) u();
  };
}
