/**
 * `trustlens keys status|rewrap`: master-key rotation for the stored integration API keys.
 *
 * Rotation: set the new key in TRUSTLENS_MASTER_KEY and the old one in TRUSTLENS_MASTER_KEY_PREVIOUS
 * (comma-separated if several), run `trustlens keys rewrap`, check `trustlens keys status` shows only
 * the new key id, then remove the old key. Only data keys are re-wrapped; no API key is decrypted to
 * disk or printed. Uses DATABASE_URL when set, else the PGlite database in the data folder.
 */
import type { Command } from 'commander';
import { loadKeyring } from '../../crypto/index.ts';
import { createStore, databaseOptionsFromEnv, openDatabase, resolveDataDir } from '../../store/index.ts';

interface KeysFlags {
  dataDir?: string;
}

async function withStore<T>(
  flags: KeysFlags,
  fn: (store: ReturnType<typeof createStore>, currentId: string, previousIds: string[]) => Promise<T>,
): Promise<T> {
  const env = databaseOptionsFromEnv();
  const dataDir = resolveDataDir(flags.dataDir ?? env.dataDir);
  const keyring = loadKeyring({ dataDir });
  const db = await openDatabase({ dataDir, databaseUrl: env.databaseUrl });
  try {
    return await fn(
      createStore(db, { keyring }),
      keyring.current.id,
      keyring.previous.map((k) => k.id),
    );
  } finally {
    await db.close();
  }
}

export function register(program: Command): void {
  const keys = program.command('keys').description('Master key of the stored API keys: status and rotation.');
  const dataDirOption = '--data-dir <dir>';
  const dataDirHelp = 'data folder (default TRUSTLENS_DATA_DIR or ./.trustlens)';

  keys
    .command('status')
    .description('Show the current master key id and how many stored API keys each master key wraps.')
    .option(dataDirOption, dataDirHelp)
    .action(async (flags: KeysFlags) => {
      await withStore(flags, async (store, currentId, previousIds) => {
        process.stdout.write(`Current master key: ${currentId}\n`);
        if (previousIds.length) process.stdout.write(`Previous master keys: ${previousIds.join(', ')}\n`);
        const usage = await store.integrations.masterKeyUsage();
        if (usage.length === 0) process.stdout.write('No stored API keys.\n');
        for (const u of usage) {
          const label =
            u.masterKeyId === currentId
              ? 'current'
              : previousIds.includes(u.masterKeyId)
                ? 'previous'
                : 'unknown';
          process.stdout.write(`${u.masterKeyId}  ${u.integrations} integration(s)  (${label})\n`);
        }
      });
    });

  keys
    .command('rewrap')
    .description('Re-wrap every stored data key with the current master key (TRUSTLENS_MASTER_KEY).')
    .option(dataDirOption, dataDirHelp)
    .action(async (flags: KeysFlags) => {
      await withStore(flags, async (store, currentId) => {
        const r = await store.integrations.rewrapAll();
        process.stdout.write(
          `Re-wrapped ${r.rewrapped} data key(s) with master key ${currentId}; ${r.alreadyCurrent} already used it.\n`,
        );
      });
    });
}
