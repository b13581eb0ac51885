/**
 * Master keys and the keyring that wraps every integration's data key.
 *
 * Sources, in order:
 *  1. `TRUSTLENS_MASTER_KEY`: 32 bytes written as 64 hex characters or as base64 (standard or URL-safe).
 *     `TRUSTLENS_MASTER_KEY_PREVIOUS` (optional): earlier keys, comma-separated, same encodings; they are
 *     used only to unwrap data keys that have not been re-wrapped yet (see `rewrapAll`).
 *  2. Otherwise a key file `<dataDir>/master.key`, generated on first use with mode 0600 (O_EXCL, so two
 *     processes starting together agree on one key). A key file readable by group or others is refused.
 *
 * A master key's id is the first 8 bytes of SHA-256(key), in hex: it is stored next to each wrapped data
 * key, so a data key always names the master key that can unwrap it, and the id reveals nothing usable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors/index.ts';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';

export interface MasterKey {
  /** First 8 bytes of SHA-256 of the key, hex (16 characters). */
  readonly id: string;
  readonly key: Buffer;
}

export interface Keyring {
  /** Wraps every new data key. */
  readonly current: MasterKey;
  /** Earlier keys, only for unwrapping (rotation in progress). */
  readonly previous: readonly MasterKey[];
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function masterKeyFromBytes(key: Buffer): MasterKey {
  if (key.length !== MASTER_KEY_BYTES) {
    throw new AppError('CRYPTO_ERROR', `A master key must be exactly ${MASTER_KEY_BYTES} bytes.`);
  }
  return { id: masterKeyId(key), key: Buffer.from(key) };
}

/**
 * Parses a master key written as 64 hex characters or base64 of exactly 32 bytes.
 * The error never repeats the value it was given.
 */
export function parseMasterKey(text: string, source = 'TRUSTLENS_MASTER_KEY'): MasterKey {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return masterKeyFromBytes(Buffer.from(value, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && value.length >= 43 && value.length <= 44) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === MASTER_KEY_BYTES) return masterKeyFromBytes(bytes);
  }
  throw new AppError(
    'CRYPTO_ERROR',
    `${source} is not a valid master key: it must encode exactly 32 bytes.`,
    {
      remediation:
        'Set it to 64 hex characters or to base64 of 32 random bytes, e.g. the output of `openssl rand -base64 32`.',
    },
  );
}

export function createKeyring(current: MasterKey, previous: readonly MasterKey[] = []): Keyring {
  const seen = new Set([current.id]);
  const prev: MasterKey[] = [];
  for (const k of previous) {
    if (!seen.has(k.id)) {
      seen.add(k.id);
      prev.push(k);
    }
  }
  return { current, previous: prev };
}

/** The master key with this id, or undefined. */
export function findMasterKey(keyring: Keyring, id: string): MasterKey | undefined {
  if (keyring.current.id === id) return keyring.current;
  return keyring.previous.find((k) => k.id === id);
}

export interface LoadKeyringOptions {
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Data folder holding the generated key file when no key is given in the environment. */
  dataDir: string;
}

/** Reads the keyring from the environment, or from (creating if needed) the key file in the data folder. */
export function loadKeyring(options: LoadKeyringOptions): Keyring {
  const env = options.env ?? process.env;
  const previous = (env.TRUSTLENS_MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => parseMasterKey(s, 'TRUSTLENS_MASTER_KEY_PREVIOUS'));
  const fromEnv = env.TRUSTLENS_MASTER_KEY?.trim();
  if (fromEnv) return createKeyring(parseMasterKey(fromEnv), previous);
  return createKeyring(loadOrCreateKeyFile(options.dataDir), previous);
}

/** Reads `<dataDir>/master.key`, generating it (mode 0600) when it does not exist yet. */
export function loadOrCreateKeyFile(dataDir: string): MasterKey {
  const path = join(dataDir, MASTER_KEY_FILE);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new AppError(
      'STORAGE_ERROR',
      `Cannot create the data folder ${dataDir} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      {
        cause: e,
        remediation: 'Pass a folder you can write to with --data-dir (or TRUSTLENS_DATA_DIR).',
      },
    );
  }
  try {
    writeFileSync(path, randomBytes(MASTER_KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // the umask cannot loosen it, but be explicit
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new AppError('CRYPTO_ERROR', `Cannot create the master key file ${path}.`, {
        cause: e,
        remediation: 'Make the data folder writable, or set TRUSTLENS_MASTER_KEY.',
      });
    }
  }
  const st = statSync(path);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new AppError(
      'CRYPTO_ERROR',
      `The master key file ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); refusing to use it.`,
      { remediation: `Run \`chmod 600 ${path}\` (and check who may have read it), then start again.` },
    );
  }
  return parseMasterKey(readFileSync(path, 'utf8'), path);
}
