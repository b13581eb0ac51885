/**
 * `trustlens keys status|rewrap`: master-key rotation for the stored integration API keys, through
 * services.keys (the composition root loads the keyring).
 *
 * Rotation: set the new key in TRUSTLENS_MASTER_KEY and the old one in TRUSTLENS_MASTER_KEY_PREVIOUS
 * (comma-separated if several), run `trustlens keys rewrap`, check `trustlens keys status` shows only
 * the new key id, then remove the old key. Only data keys are re-wrapped; no API key is decrypted to
 * disk or printed. Uses DATABASE_URL when set, else the PGlite database in the data folder.
 */
import type { Command } from 'commander';
import { formatFlag } from '../flags.ts';
import {
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  WAIT_HELP,
  WAIT_OPTION,
  withApp,
  type AppFlags,
} from '../open-app.ts';

export function register(program: Command): void {
  const keys = program.command('keys').description('Master key of the stored API keys: status and rotation.');

  keys
    .command('status')
    .description('Show the current master key id and how many stored API keys each master key wraps.')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (flags: AppFlags & { format: string }) => {
      const format = formatFlag(flags.format);
      await withApp(flags, async ({ services }, actor) => {
        const status = await services.keys.status(actor);
        if (format === 'json') {
          process.stdout.write(JSON.stringify(status, null, 2) + '\n');
          return;
        }
        process.stdout.write(`Current master key: ${status.currentKeyId}\n`);
        if (status.previousKeyIds.length)
          process.stdout.write(`Previous master keys: ${status.previousKeyIds.join(', ')}\n`);
        if (status.usage.length === 0) process.stdout.write('No stored API keys.\n');
        for (const u of status.usage) {
          process.stdout.write(
            `${u.masterKeyId}  ${u.integrations} integration(s)${u.alertSecrets ? `, ${u.alertSecrets} alert secret(s)` : ''}  (${u.state})\n`,
          );
        }
        if (status.usage.some((u) => u.state !== 'current'))
          process.stdout.write('Run `trustlens keys rewrap` to re-wrap them with the current master key.\n');
      });
    });

  keys
    .command('rewrap')
    .description('Re-wrap every stored data key with the current master key (TRUSTLENS_MASTER_KEY).')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (flags: AppFlags) => {
      await withApp(flags, async ({ services }, actor) => {
        const r = await services.keys.rewrap(actor);
        process.stdout.write(
          `Re-wrapped ${r.rewrapped} data key(s) with master key ${r.masterKeyId}; ${r.alreadyCurrent} already used it.\n`,
        );
      });
    });
}
