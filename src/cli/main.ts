/**
 * `trustlens` command line. Each verb lives in commands/<verb>.ts and exports `register(program)`.
 * Errors are rendered here, once: message + remediation on stderr, never the API key.
 */
import { Command, CommanderError } from 'commander';
import { isAppError, redactSecrets } from '../errors/index.ts';
import { commands } from './commands/index.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';

const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('trustlens')
    .description('Discover and monitor the AI agents in a Mistral AI workspace.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
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
      process.stderr.write(`Error: ${redactSecrets(e.message, secrets)}\n`);
      if (e.remediation) process.stderr.write(`What to do: ${redactSecrets(e.remediation, secrets)}\n`);
      return exitCodeOf(e.code);
    }
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`Unexpected error: ${redactSecrets(text, secrets)}\n`);
    return EXIT.ERROR;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
