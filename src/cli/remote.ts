/**
 * `--server URL` (or TRUSTLENS_SERVER): the CLI as a client of a running server's API instead of the
 * data folder (ADR 0002). The global flags are read once by program.ts before a command runs; the
 * token comes from --token-file, --token (warned: visible in the process list) or TRUSTLENS_TOKEN,
 * and is never printed: main.ts redacts it from every error.
 *
 * Kept free of heavy imports: main.ts reads `remoteSecrets()` when it renders an error.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../errors/index.ts';

export const SERVER_OPTION = '--server <url>';
export const SERVER_HELP =
  "act through a running server's API (`trustlens serve`) instead of the data folder (also TRUSTLENS_SERVER); the API token from TRUSTLENS_TOKEN or --token-file";
export const TOKEN_FILE_OPTION = '--token-file <file>';
export const TOKEN_FILE_HELP = 'with --server: read the API token from this file (not visible in `ps`)';
export const TOKEN_OPTION = '--token <token>';
export const TOKEN_HELP =
  'with --server: the API token itself (visible to other local users in `ps`: prefer TRUSTLENS_TOKEN or --token-file)';

/** The commands that can act through a server: they list --server and the token flags in their --help. */
export const REMOTE_COMMANDS = [
  'integration add',
  'integration update',
  'integration list',
  'integration rotate-key',
  'integration remove',
  'runs',
  'sync',
  'findings list',
  'findings show',
  'findings mute',
  'findings unmute',
  'events',
  'agents',
  'posture',
  'export',
] as const;

/** Adds --server, --token-file and --token to the commands that can act through a server. */
export function addServerOptions(program: Command): void {
  for (const path of REMOTE_COMMANDS) {
    let cmd: Command | undefined = program;
    for (const name of path.split(' ')) cmd = cmd?.commands.find((c) => c.name() === name);
    cmd
      ?.option(SERVER_OPTION, SERVER_HELP)
      .option(TOKEN_FILE_OPTION, TOKEN_FILE_HELP)
      .option(TOKEN_OPTION, TOKEN_HELP);
  }
}

/** Verbs that work on this machine only: they refuse --server (with TRUSTLENS_SERVER they run locally). */
export const LOCAL_ONLY: Record<string, string> = {
  scan: '`scan` reads a workspace with a Mistral key from this machine; on a server, add an integration and sync it: `trustlens integration add --server URL`, then `trustlens sync NAME --server URL`.',
  demo: '`demo` runs a simulated workspace in this process; on a server, `npm start` (or `trustlens serve --demo`) starts the demo there.',
  sim: '`sim` runs the simulated Mistral API on this machine; it has nothing to do on a server.',
  keys: "`keys` works on the master key of a data folder, which only the server's machine holds: run it there, with the server stopped (or on PostgreSQL with TRUSTLENS_MASTER_KEY).",
  serve: '`serve` starts a server; it cannot run through one.',
  worker:
    "`worker` takes sync jobs from the queue in the database itself (DATABASE_URL, next to `serve --no-worker`); it does not go through a server's API.",
};

/** Verbs the server's API does not offer (yet): they refuse --server and TRUSTLENS_SERVER. */
export const NOT_REMOTE: Record<string, string> = {
  alerts:
    'Alerts through a server are not in the CLI yet: use the console (Settings → Alerts) or the API (/api/v1/alerts/destinations, /api/v1/alerts/rules, /api/v1/alerts/deliveries; reference at /api/docs); a server evaluates and sends alerts by itself.',
  usage:
    "The API has no daily usage series per agent yet: GET /api/v1/integrations/{id}/agents/{agentId} gives an agent's usage and its usageDaily (the last 90 days); or run `trustlens usage` on the server's machine with the server stopped, or on PostgreSQL.",
};

export interface RemoteFlags {
  server?: string;
  token?: string;
  tokenFile?: string;
}

let flags: RemoteFlags = {};
const secrets: string[] = [];

/** Set by program.ts from the global flags before a command runs. */
export function setRemoteFlags(f: RemoteFlags): void {
  flags = { server: f.server, token: f.token, tokenFile: f.tokenFile };
  if (f.token) secrets.push(f.token);
}

/** Secrets to redact from any message: the token of the flag, the environment and the file. */
export function remoteSecrets(): string[] {
  return [...secrets, process.env.TRUSTLENS_TOKEN ?? ''].filter((s) => s.length >= 4);
}

/** The server given by --server or, failing that, TRUSTLENS_SERVER; undefined for local mode. */
export function serverGiven(env: Record<string, string | undefined> = process.env): {
  url: string;
  from: 'flag' | 'env';
} | null {
  if (flags.server !== undefined) return { url: flags.server, from: 'flag' };
  const e = env.TRUSTLENS_SERVER?.trim();
  return e ? { url: e, from: 'env' } : null;
}

/**
 * The API token: --token-file, then --token (warned), then TRUSTLENS_TOKEN. Throws INVALID_INPUT
 * (exit 64) when there is none. The token is never part of a message.
 */
export function resolveToken(server: string, env: Record<string, string | undefined> = process.env): string {
  const create = `Create an API token in the console (${server}/settings/tokens, as an admin) or with POST /api/v1/tokens, and pass it in TRUSTLENS_TOKEN or a file named by --token-file.`;
  if (flags.tokenFile !== undefined) {
    const file = flags.tokenFile;
    let text: string;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      text = readFileSync(file, 'utf8');
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        process.stderr.write(
          `Warning: the token file ${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\` (and check who may have read it).\n`,
        );
      }
    } catch {
      throw new AppError('INVALID_INPUT', `Cannot read the token file ${file}.`, {
        remediation: `Pass a readable file that contains only the API token. ${create}`,
      });
    }
    const token = text.trim();
    if (!token || /\s/.test(token)) {
      throw new AppError('INVALID_INPUT', `The token file ${file} does not contain a single token.`, {
        remediation: 'Put only the token (one line, no spaces) in the file.',
      });
    }
    secrets.push(token);
    return token;
  }
  if (flags.token !== undefined) {
    process.stderr.write(
      'Warning: --token is visible to other users of this machine (`ps`) and stays in your shell history; prefer TRUSTLENS_TOKEN or --token-file.\n',
    );
    const token = flags.token.trim();
    if (token) return token;
  }
  const token = env.TRUSTLENS_TOKEN?.trim();
  if (!token) {
    throw new AppError('INVALID_INPUT', `No API token for the server ${server}.`, { remediation: create });
  }
  return token;
}

/**
 * Called before a command runs: a verb that cannot act through a server refuses --server (and, for
 * the verbs the API does not offer, TRUSTLENS_SERVER too) with why and what to do.
 */
export function checkRemoteVerb(path: string[]): void {
  const verb = path[0];
  const given = serverGiven();
  if (!given || verb === undefined) return;
  if (given.from === 'flag' && LOCAL_ONLY[verb]) {
    throw new AppError('INVALID_INPUT', `\`trustlens ${verb}\` does not work with --server.`, {
      remediation: `${LOCAL_ONLY[verb]} Without --server it runs on this machine.`,
    });
  }
  if (NOT_REMOTE[verb]) {
    throw new AppError(
      'INVALID_INPUT',
      `\`trustlens ${verb}\` does not work through a server (${given.from === 'flag' ? '--server' : 'TRUSTLENS_SERVER'}).`,
      {
        remediation: `${NOT_REMOTE[verb]}${given.from === 'env' ? ' Unset TRUSTLENS_SERVER to run it locally.' : ''}`,
      },
    );
  }
}
