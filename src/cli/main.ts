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
 * A reader that stops early (`trustlens demo --format json | head`) closes the pipe: stop quietly with
 * the status a SIGPIPE would give, never a stack trace.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(EXIT.PIPE_CLOSED);
    });
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
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

const code = await main(process.argv.slice(2));
process.exitCode = code;
