/** Where the CLI takes a Mistral API key from. The key is never echoed. */
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../errors/index.ts';

/** Resolves the API key: --api-key-file, then --api-key (warned), then MISTRAL_API_KEY. */
export function resolveApiKey(
  flags: { apiKeyFile?: string; apiKey?: string },
  env: Record<string, string | undefined> = process.env,
): string {
  if (flags.apiKeyFile) return readKeyFile(flags.apiKeyFile, KEY_WORDS.ordinary);
  if (flags.apiKey) {
    process.stderr.write(
      'Warning: --api-key leaks the key into your shell history and the process list; prefer MISTRAL_API_KEY or --api-key-file.\n',
    );
    return flags.apiKey.trim();
  }
  const key = env.MISTRAL_API_KEY?.trim();
  if (!key) {
    throw new AppError('INVALID_INPUT', 'No Mistral API key was given.', {
      remediation:
        'Set MISTRAL_API_KEY or pass --api-key-file FILE. To try TrustLens without a key, run `npm start` (simulated workspace).',
    });
  }
  return key;
}

/**
 * The optional admin API key (issue 11: GET /v1/admin/* only): --admin-api-key-file, then
 * MISTRAL_ADMIN_API_KEY; undefined when neither is given (or `useEnv` is false and no file is).
 * There is no --admin-api-key flag: a key on the command line leaks into shell history.
 */
export function resolveAdminApiKey(
  flags: { adminApiKeyFile?: string },
  env: Record<string, string | undefined> = process.env,
  options: { useEnv?: boolean } = {},
): string | undefined {
  if (flags.adminApiKeyFile) return readKeyFile(flags.adminApiKeyFile, KEY_WORDS.admin);
  if (options.useEnv === false) return undefined;
  return env.MISTRAL_ADMIN_API_KEY?.trim() || undefined;
}

/** The admin key, required (rotation): --admin-api-key-file or MISTRAL_ADMIN_API_KEY. */
export function requireAdminApiKey(
  flags: { adminApiKeyFile?: string },
  env: Record<string, string | undefined> = process.env,
): string {
  const key = resolveAdminApiKey(flags, env);
  if (!key) {
    throw new AppError('INVALID_INPUT', 'No Mistral admin API key was given.', {
      remediation:
        'Pass --admin-api-key-file FILE (or set MISTRAL_ADMIN_API_KEY) with a key created by a member with the Admin role of the organization (admin.mistral.ai → Organization → API Keys).',
    });
  }
  return key;
}

const KEY_WORDS = {
  ordinary: { what: 'API key', env: 'MISTRAL_API_KEY' },
  admin: { what: 'admin API key', env: 'MISTRAL_ADMIN_API_KEY' },
} as const;

/** Reads a key file: one key, warned when other users can read it. The key is never echoed. */
function readKeyFile(file: string, words: { what: string; env: string }): string {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    text = readFileSync(file, 'utf8');
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      // Like the master key file: a secret that other users of this machine can read.
      process.stderr.write(
        `Warning: the ${words.what} file ${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\` (and check who may have read it).\n`,
      );
    }
  } catch {
    throw new AppError('INVALID_INPUT', `Cannot read the ${words.what} file ${file}.`, {
      remediation: `Pass a readable file that contains only the Mistral ${words.what}, or set ${words.env}.`,
    });
  }
  const key = text.trim();
  if (!key || /\s/.test(key)) {
    throw new AppError('INVALID_INPUT', `The ${words.what} file ${file} does not contain a single key.`, {
      remediation: 'Put only the key (one line, no spaces) in the file.',
    });
  }
  return key;
}
