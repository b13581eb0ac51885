/**
 * `trustlens integration add|list|rotate-key|remove` and `trustlens sync`: the stored side of
 * TrustLens from the command line (the server will offer the same over HTTP).
 * Keys come from MISTRAL_API_KEY or --api-key-file, are validated (GET /v1/models) before anything
 * is stored, and are only ever shown as a hint (last 4 characters) and a fingerprint.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { createIntegrationService } from '../../integrations/integration-service.ts';
import type { IntegrationView, Store } from '../../store/index.ts';
import { runStoredSync } from '../../sync/run-sync.ts';
import { resolveApiKey } from '../api-key.ts';
import { loadConnectorFactory } from '../connector.ts';
import { formatFlag, numberFlag } from '../flags.ts';
import { DATA_DIR_HELP, DATA_DIR_OPTION, withStore, type StoreFlags } from '../open-store.ts';
import { formatTable, safeText } from '../../shared/text.ts';

interface KeyFlags extends StoreFlags {
  apiKeyFile?: string;
  format?: string;
}

const validateKey = async (apiKey: string, baseUrl: string) =>
  (await loadConnectorFactory())({ apiKey, baseUrl }).validateKey();

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

function show(views: IntegrationView[], rawFormat = 'table'): void {
  if (formatFlag(rawFormat) === 'json') {
    process.stdout.write(JSON.stringify(views, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    formatTable(
      ['id', 'name', 'base URL', 'every (min)', 'key', 'fingerprint', 'key set'],
      views.map((v) => [
        v.id,
        safeText(v.name, 40),
        safeText(v.baseUrl, 40),
        String(v.syncFrequencyMinutes),
        v.keyHint,
        v.keyFingerprint,
        v.keyUpdatedAt,
      ]),
    ) + '\n',
  );
}

export function register(program: Command): void {
  const integration = program
    .command('integration')
    .description('Manage stored Mistral integrations (name, encrypted API key, base URL, sync frequency).');

  integration
    .command('add')
    .description('Add an integration; the key (MISTRAL_API_KEY or --api-key-file) is validated first.')
    .requiredOption('--name <name>', 'a unique name')
    .option('--base-url <url>', 'global, eu, us, or a URL', 'global')
    .option('--frequency <minutes>', 'sync frequency in minutes', '360')
    .option('--api-key-file <file>', 'read the API key from a file')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (flags: KeyFlags & { name: string; baseUrl: string; frequency: string }) => {
      const apiKey = resolveApiKey(flags);
      await withStore(flags, async (store) => {
        const view = await createIntegrationService({ store, validateKey }).create({
          name: flags.name,
          apiKey,
          baseUrl: flags.baseUrl,
          syncFrequencyMinutes: Number(flags.frequency), // validated by the service (normalizeSyncFrequency)
        });
        show([view], flags.format);
      });
    });

  integration
    .command('list')
    .description('List integrations (keys are shown as a hint and a fingerprint only).')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (flags: KeyFlags) => {
      await withStore(flags, async (store) => show(await store.integrations.list(), flags.format));
    });

  integration
    .command('rotate-key <integration>')
    .description('Replace the API key (validated first) of an integration, by id or name.')
    .option('--api-key-file <file>', 'read the new API key from a file')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (ref: string, flags: KeyFlags) => {
      const apiKey = resolveApiKey(flags);
      await withStore(flags, async (store) => {
        const current = await findIntegration(store, ref);
        show([await createIntegrationService({ store, validateKey }).rotateKey(current.id, apiKey)]);
      });
    });

  integration
    .command('remove <integration>')
    .description('Delete an integration with its key, inventory, findings and history.')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (ref: string, flags: StoreFlags) => {
      await withStore(flags, async (store) => {
        const current = await findIntegration(store, ref);
        await store.integrations.delete(current.id);
        process.stdout.write(
          `Removed integration ${safeText(current.name)} (${current.id}) and everything stored for it.\n`,
        );
      });
    });

  program
    .command('runs <integration>')
    .description(
      'Recent sync runs of an integration: status, counts, duration, requests, feature availability, errors.',
    )
    .option('--limit <n>', 'how many (1–100)', '10')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (ref: string, flags: StoreFlags & { limit: string; format: string }) => {
      const limit = numberFlag('--limit', flags.limit, { min: 1, max: 100, integer: true })!;
      const format = formatFlag(flags.format);
      await withStore(flags, async (store) => {
        const integration = await findIntegration(store, ref);
        const runs = await store.syncRuns.list(integration.id, limit);
        if (format === 'json') {
          process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
          return;
        }
        const unavailable = (r: (typeof runs)[number]) =>
          r.availability
            ? Object.entries(r.availability)
                .filter(([, a]) => a.status !== 'available')
                .map(([k, a]) => `${k} ${a.status}`)
                .join(', ')
            : '';
        process.stdout.write(
          formatTable(
            [
              'started',
              'status',
              'seconds',
              'requests',
              'agents',
              'models',
              'files',
              'libraries',
              'not available',
            ],
            runs.map((r) => [
              r.startedAt,
              r.status,
              r.durationMs === null ? '' : (r.durationMs / 1000).toFixed(1),
              r.requests === null ? '' : String(r.requests),
              String(r.countsByType?.agent ?? ''),
              String(r.countsByType?.model ?? ''),
              String(r.countsByType?.file ?? ''),
              String(r.countsByType?.library ?? ''),
              unavailable(r),
            ]),
          ) + '\n',
        );
      });
    });

  program
    .command('sync [integration]')
    .description('Sync one stored integration now (by id or name), or every one with --all.')
    .option('--all', 'sync every integration')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (ref: string | undefined, flags: StoreFlags & { all?: boolean }) => {
      if (!ref && !flags.all) {
        throw new AppError('INVALID_INPUT', 'Name an integration to sync, or pass --all.', {
          remediation: 'Run `trustlens integration list` to see the integrations.',
        });
      }
      await withStore(flags, async (store) => {
        const targets = flags.all ? await store.integrations.list() : [await findIntegration(store, ref!)];
        let failed = 0;
        for (const target of targets) {
          try {
            const r = await runStoredSync({
              store,
              integrationId: target.id,
              connectorFactory: await loadConnectorFactory(),
            });
            const s = r.pipeline.snapshot;
            const open = (await store.findings.list(target.id, { status: 'open' })).length;
            process.stdout.write(
              `${safeText(target.name)}: ${r.pipeline.status} in ${(r.durationMs / 1000).toFixed(1)} s, ${r.requests} requests; ` +
                `${s.agents.length} agents, ${s.models.length} models, ${s.files.length} files, ${s.libraries.length} libraries; ` +
                `${r.events.length} change events; ${open} open findings\n`,
            );
            if (r.pipeline.status === 'failed') failed++; // nothing could be listed: not a pass
            for (const e of s.errors)
              process.stdout.write(
                `  ${e.feature}: ${safeText(e.message, 200)} ${safeText(e.remediation, 200)}\n`,
              );
          } catch (e) {
            if (!flags.all) throw e;
            failed++;
            process.stderr.write(`${safeText(target.name)}: ${e instanceof Error ? e.message : String(e)}\n`);
          }
        }
        if (failed) process.exitCode = 1;
      });
    });
}
