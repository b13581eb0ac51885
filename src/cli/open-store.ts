/**
 * Opens the store for a CLI verb: PostgreSQL when DATABASE_URL is set, else PGlite in the data
 * folder (--data-dir, TRUSTLENS_DATA_DIR, or ./.trustlens). The master key comes from
 * TRUSTLENS_MASTER_KEY or the data folder's key file. Always closes the database.
 */
import { loadKeyring, type Keyring } from '../crypto/index.ts';
import { AppError } from '../errors/index.ts';
import {
  createStore,
  databaseOptionsFromEnv,
  openDatabase,
  resolveDataDir,
  type IntegrationView,
  type Store,
} from '../store/index.ts';

export interface StoreFlags {
  dataDir?: string;
}

export const DATA_DIR_OPTION = '--data-dir <dir>';
export const DATA_DIR_HELP =
  'data folder (default TRUSTLENS_DATA_DIR or ./.trustlens; DATABASE_URL selects PostgreSQL)';

export async function withStore<T>(
  flags: StoreFlags,
  fn: (store: Store, keyring: Keyring) => Promise<T>,
): Promise<T> {
  const env = databaseOptionsFromEnv();
  const dataDir = resolveDataDir(flags.dataDir ?? env.dataDir);
  if (env.databaseUrl && !process.env.TRUSTLENS_MASTER_KEY?.trim()) {
    // A key file in whatever folder the command runs from would make stored keys unreadable elsewhere.
    throw new AppError('INVALID_INPUT', 'DATABASE_URL is set but TRUSTLENS_MASTER_KEY is not.', {
      remediation:
        'With a PostgreSQL server, give every TrustLens process the same master key: export TRUSTLENS_MASTER_KEY=$(openssl rand -base64 32), kept in your secret store.',
    });
  }
  const keyring = loadKeyring({ dataDir });
  const db = await openDatabase({ dataDir, databaseUrl: env.databaseUrl });
  try {
    return await fn(createStore(db, { keyring }), keyring);
  } finally {
    await db.close();
  }
}

/** Finds an integration by id or (case-insensitive) name. */
export async function findIntegration(store: Store, ref: string): Promise<IntegrationView> {
  const found =
    (await store.integrations.get(ref).catch(() => null)) ?? (await store.integrations.getByName(ref));
  if (!found) {
    throw new AppError('NOT_FOUND', `No integration "${ref}".`, {
      remediation: 'Run `trustlens integration list` to see the integrations and their ids.',
    });
  }
  return found;
}
