/** Where the CLI takes a Mistral API key from. The key is never echoed. */
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../errors/index.ts';

/** Resolves the API key: --api-key-file, then --api-key (warned), then MISTRAL_API_KEY. */
export function resolveApiKey(
  flags: { apiKeyFile?: string; apiKey?: string },
  env: Record<string, string | undefined> = process.env,
): string {
  if (flags.apiKeyFile) {
    let text: string;
    try {
      const st = statSync(flags.apiKeyFile);
      if (!st.isFile()) throw new Error('not a file');
      text = readFileSync(flags.apiKeyFile, 'utf8');
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        // Like the master key file: a secret that other users of this machine can read.
        process.stderr.write(
          `Warning: the API key file ${flags.apiKeyFile} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run \`chmod 600 ${flags.apiKeyFile}\` (and check who may have read it).\n`,
        );
      }
    } catch {
      throw new AppError('INVALID_INPUT', `Cannot read the API key file ${flags.apiKeyFile}.`, {
        remediation: 'Pass a readable file that contains only the Mistral API key, or set MISTRAL_API_KEY.',
      });
    }
    const key = text.trim();
    if (!key || /\s/.test(key)) {
      throw new AppError(
        'INVALID_INPUT',
        `The API key file ${flags.apiKeyFile} does not contain a single key.`,
        {
          remediation: 'Put only the key (one line, no spaces) in the file.',
        },
      );
    }
    return key;
  }
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
