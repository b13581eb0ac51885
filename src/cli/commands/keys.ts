/**
 * `trustlens keys status|rewrap`: master-key rotation for the stored integration API keys.
 *
 * Rotation: set the new key in TRUSTLENS_MASTER_KEY and the old one in TRUSTLENS_MASTER_KEY_PREVIOUS
 * (comma-separated if several), run `trustlens keys rewrap`, check `trustlens keys status` shows only
 * the new key id, then remove the old key. Only data keys are re-wrapped; no API key is decrypted to
 * disk or printed. Uses DATABASE_URL when set, else the PGlite database in the data folder.
 */
import type { Command } from 'commander';
import { DATA_DIR_HELP, DATA_DIR_OPTION, withStore, type StoreFlags } from '../open-store.ts';

export function register(program: Command): void {
  const keys = program.command('keys').description('Master key of the stored API keys: status and rotation.');

  keys
    .command('status')
    .description('Show the current master key id and how many stored API keys each master key wraps.')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (flags: StoreFlags) => {
      await withStore(flags, async (store, keyring) => {
        const currentId = keyring.current.id;
        const previousIds = keyring.previous.map((k) => k.id);
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
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (flags: StoreFlags) => {
      await withStore(flags, async (store, keyring) => {
        const currentId = keyring.current.id;
        const r = await store.integrations.rewrapAll();
        process.stdout.write(
          `Re-wrapped ${r.rewrapped} data key(s) with master key ${currentId}; ${r.alreadyCurrent} already used it.\n`,
        );
      });
    });
}
