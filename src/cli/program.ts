/**
 * The `trustlens` command tree: the global flags, every verb (commands/index.ts) and each command's
 * "Examples:" (examples.ts). main.ts parses with it; the help and completion tests walk it.
 */
import { Command } from 'commander';
import { commands } from './commands/index.ts';
import { EXAMPLES, examplesText } from './examples.ts';
import {
  addServerOptions,
  checkRemoteVerb,
  SERVER_HELP,
  SERVER_OPTION,
  setRemoteFlags,
  TOKEN_FILE_HELP,
  TOKEN_FILE_OPTION,
  TOKEN_HELP,
  TOKEN_OPTION,
} from './remote.ts';
import { configureTerminal } from './terminal.ts';

export function buildProgram(version: string): Command {
  const program = new Command();
  program
    .name('trustlens')
    .description('Discover and monitor the AI agents in a Mistral AI workspace.')
    .version(version, '-V, --version')
    .option('--no-color', 'no colour and no escape codes (also: NO_COLOR=1; FORCE_COLOR=1 forces colour)')
    .option('-q, --quiet', 'no progress and no informational lines on stderr: errors and the result only')
    .option('-v, --verbose', 'more detail on stderr: request figures, retries and rate-limit waits')
    .option(SERVER_OPTION, SERVER_HELP)
    .option(TOKEN_FILE_OPTION, TOKEN_FILE_HELP)
    .option(TOKEN_OPTION, TOKEN_HELP)
    .showHelpAfterError()
    // Before the verbs are added: subcommands inherit it (a usage error is thrown, main.ts exits 64).
    .exitOverride();
  for (const register of commands) register(program);
  addServerOptions(program);
  addExamples(program, '');
  program.hook('preAction', (_root, action) => {
    const o = action.optsWithGlobals() as {
      color?: boolean;
      quiet?: boolean;
      verbose?: boolean;
      server?: string;
      token?: string;
      tokenFile?: string;
    };
    configureTerminal({ color: o.color, quiet: o.quiet, verbose: o.verbose });
    // --server: the CLI acts through a server's API (src/cli/backend.ts); some verbs cannot.
    setRemoteFlags({ server: o.server, token: o.token, tokenFile: o.tokenFile });
    const path: string[] = [];
    for (let c: typeof action | null = action; c && c !== program; c = c.parent) path.unshift(c.name());
    checkRemoteVerb(path);
  });
  return program;
}

/** Adds each command's "Examples:" (examples.ts) to its --help. */
function addExamples(cmd: Command, path: string): void {
  const lines = EXAMPLES[path];
  if (lines?.length) cmd.addHelpText('after', examplesText(lines));
  for (const sub of cmd.commands) addExamples(sub, path ? `${path} ${sub.name()}` : sub.name());
}
