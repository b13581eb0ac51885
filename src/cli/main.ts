/**
 * `trustlens` command line. Each verb lives in commands/<verb>.ts and exports `register(program)`.
 * Errors are rendered here, once: message + remediation on stderr, never the API key.
 *
 * Global flags (before or after the verb): --no-color, -q/--quiet, -v/--verbose (src/cli/terminal.ts,
 * docs/cli.md). Start-up is kept short: a verb's implementation (store, connector, server) is loaded
 * inside its action, so `--help`, `--version` and `completion` load only the command definitions.
 */
import { Command, CommanderError } from 'commander';
import { isAppError, redactSecrets } from '../errors/index.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { configureTerminal, paint } from './terminal.ts';

const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
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
  const [{ commands }, { EXAMPLES, examplesText }] = await Promise.all([
    import('./commands/index.ts'),
    import('./examples.ts'),
  ]);
  const program = new Command();
  program
    .name('trustlens')
    .description('Discover and monitor the AI agents in a Mistral AI workspace.')
    .version(VERSION, '-V, --version')
    .option('--no-color', 'no colour and no escape codes (also: NO_COLOR=1; FORCE_COLOR=1 forces colour)')
    .option('-q, --quiet', 'no progress and no informational lines on stderr: errors and the result only')
    .option('-v, --verbose', 'more detail on stderr: request figures, retries and rate-limit waits')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  addExamples(program, '', EXAMPLES, examplesText);
  program.hook('preAction', (_root, action) => {
    const o = action.optsWithGlobals() as { color?: boolean; quiet?: boolean; verbose?: boolean };
    configureTerminal({ color: o.color, quiet: o.quiet, verbose: o.verbose });
  });
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
    const secrets = [process.env.MISTRAL_API_KEY];
    if (isAppError(e)) {
      process.stderr.write(
        `${paint('stderr', ['red', 'bold'], 'Error:')} ${redactSecrets(e.message, secrets)}\n`,
      );
      if (e.remediation)
        process.stderr.write(
          `${paint('stderr', ['yellow', 'bold'], 'What to do:')} ${redactSecrets(e.remediation, secrets)}\n`,
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

/** Adds each command's "Examples:" (src/cli/examples.ts) to its --help, unless it has its own. */
function addExamples(
  cmd: Command,
  path: string,
  examples: Record<string, string[]>,
  render: (lines: readonly string[]) => string,
): void {
  const lines = examples[path];
  if (lines?.length) cmd.addHelpText('after', render(lines));
  for (const sub of cmd.commands)
    addExamples(sub, path ? `${path} ${sub.name()}` : sub.name(), examples, render);
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
