/**
 * `trustlens integration add|list|update|rotate-key|remove`, `trustlens sync` and `trustlens runs`: the stored
 * side of TrustLens from the command line, through the same services as the server's API.
 * Keys come from MISTRAL_API_KEY or --api-key-file, are validated (GET /v1/models) before anything
 * is stored, and are only ever shown as a hint (last 4 characters) and a fingerprint.
 * The optional admin key (issue 11: GET /v1/admin/* only) comes from --admin-api-key-file or
 * MISTRAL_ADMIN_API_KEY, is validated as an admin key first, and is set, rotated and removed on its own.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors/index.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import type { IntegrationView } from '../../store/index.ts';
import { requireAdminApiKey, resolveAdminApiKey, resolveApiKey } from '../api-key.ts';
import { choiceFlag, formatFlag, numberFlag } from '../flags.ts';
import { SEVERITIES } from '../../findings/types.ts';
import { incompleteFeatures } from '../../inventory/sync-status.ts';
import { DATA_DIR_HELP, DATA_DIR_OPTION, WAIT_HELP, WAIT_OPTION, type AppFlags } from '../open-app.ts';
import { remoteMode, withServices } from '../backend.ts';
import { formatTable, safeText } from '../../shared/text.ts';
import { info } from '../terminal.ts';
import { createProgressDisplay } from '../progress.ts';

type StoreFlags = AppFlags;

interface SyncFlags {
  all?: boolean;
  format: string;
  failOn?: string;
  allowPartial?: boolean;
  rps?: string;
  concurrency?: string;
}

interface KeyFlags extends StoreFlags {
  apiKeyFile?: string;
  adminApiKeyFile?: string;
  format?: string;
}

const ADMIN_KEY_FILE_OPTION = '--admin-api-key-file <file>';

function show(views: IntegrationView[], rawFormat = 'table'): void {
  if (formatFlag(rawFormat) === 'json') {
    process.stdout.write(JSON.stringify(views, null, 2) + '\n');
    return;
  }
  if (views.length === 0) {
    process.stdout.write(
      'No integrations yet: add one with `trustlens integration add --name NAME` (the key from MISTRAL_API_KEY or --api-key-file).\n',
    );
    return;
  }
  process.stdout.write(
    formatTable(
      ['id', 'name', 'base URL', 'every (min)', 'key', 'fingerprint', 'key set', 'admin key'],
      views.map((v) => [
        v.id,
        safeText(v.name, 40),
        safeText(v.baseUrl, 40),
        String(v.syncFrequencyMinutes),
        v.keyHint,
        v.keyFingerprint,
        v.keyUpdatedAt,
        // Hint and fingerprint only, like the key; "none" when the integration has no admin key.
        v.adminKey ? `${v.adminKey.hint} ${v.adminKey.fingerprint}` : 'none',
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
    .option(
      ADMIN_KEY_FILE_OPTION,
      'also store an admin API key (Admin API reads only), read from a file (default: $MISTRAL_ADMIN_API_KEY when set)',
    )
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (flags: KeyFlags & { name: string; baseUrl: string; frequency: string }) => {
      const apiKey = resolveApiKey(flags);
      const adminApiKey = resolveAdminApiKey(flags);
      await withServices({ ...flags, create: true }, async ({ services }, actor) => {
        const view = await services.integrations
          .create(actor, {
            name: flags.name,
            apiKey,
            ...(adminApiKey !== undefined ? { adminApiKey } : {}),
            baseUrl: flags.baseUrl,
            syncIntervalMinutes: Number(flags.frequency), // validated by the service (normalizeSyncFrequency)
          })
          .catch((e: unknown) => {
            if (isAppError(e) && e.code === 'CONFLICT') {
              // Name the verbs that exist on this command line.
              throw new AppError('CONFLICT', e.message, {
                remediation: `Choose another --name, or change the existing one: \`trustlens integration update ${shellWord(flags.name)} --base-url URL --frequency MINUTES\` (\`trustlens integration rotate-key ${shellWord(flags.name)}\` for its key).`,
              });
            }
            throw e;
          });
        show([view], flags.format);
      });
    });

  integration
    .command('update <integration>')
    .description(
      'Change the name, base URL or sync frequency of an integration (by id or name), or set or remove its admin API key; a new base URL needs the key(s) again.',
    )
    .option('--name <name>', 'a new unique name')
    .option('--base-url <url>', 'a new base URL: global, eu, us, or a URL (the key is validated there first)')
    .option('--frequency <minutes>', 'a new sync frequency in minutes (15 to 10080)')
    .option('--api-key-file <file>', 'the API key, with --base-url (default: $MISTRAL_API_KEY)')
    .option(
      ADMIN_KEY_FILE_OPTION,
      'set or replace the admin API key (Admin API reads only; validated first), read from a file; with --base-url: default $MISTRAL_ADMIN_API_KEY',
    )
    .option('--remove-admin-key', 'remove the admin API key (the ordinary key stays)')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(
      async (
        ref: string,
        flags: KeyFlags & { name?: string; baseUrl?: string; frequency?: string; removeAdminKey?: boolean },
      ) => {
        const format = formatFlag(flags.format ?? 'table');
        if (
          flags.name === undefined &&
          flags.baseUrl === undefined &&
          flags.frequency === undefined &&
          flags.adminApiKeyFile === undefined &&
          !flags.removeAdminKey
        ) {
          throw new AppError('INVALID_INPUT', 'Nothing to update.', {
            remediation:
              'Pass --name, --base-url, --frequency, --admin-api-key-file FILE or --remove-admin-key (`trustlens integration rotate-key` changes the key).',
          });
        }
        if (flags.removeAdminKey && (flags.adminApiKeyFile !== undefined || flags.baseUrl !== undefined)) {
          throw new AppError(
            'INVALID_INPUT',
            '--remove-admin-key does not go with --admin-api-key-file or --base-url.',
            {
              remediation:
                'Remove the admin key on its own (`trustlens integration update NAME --remove-admin-key`), then make the other change.',
            },
          );
        }
        const frequency = numberFlag('--frequency', flags.frequency, { min: 15, max: 10080, integer: true });
        const baseUrl =
          flags.baseUrl === undefined
            ? undefined
            : (await import('../../app/root.ts')).checkBaseUrl(flags.baseUrl);
        // The stored key is never sent to a new address: the key is given again, and validated there.
        const apiKey = baseUrl === undefined ? undefined : resolveApiKey(flags);
        // The admin key from its file; with a new base URL also from MISTRAL_ADMIN_API_KEY (a stored one
        // must be given again there too).
        const adminApiKey = resolveAdminApiKey(flags, process.env, { useEnv: baseUrl !== undefined });
        await withServices(flags, async ({ services }, actor) => {
          const current = await services.integrations.find(actor, ref);
          let view = current;
          if (
            flags.name !== undefined ||
            baseUrl !== undefined ||
            frequency !== undefined ||
            adminApiKey !== undefined
          ) {
            view = await services.integrations.update(actor, current.id, {
              ...(flags.name !== undefined ? { name: flags.name } : {}),
              ...(baseUrl !== undefined ? { baseUrl, apiKey } : {}),
              ...(frequency !== undefined ? { syncIntervalMinutes: frequency } : {}),
              ...(adminApiKey !== undefined ? { adminApiKey } : {}),
            });
          }
          if (flags.removeAdminKey) {
            view = await services.integrations.removeAdminKey(actor, current.id);
            info(
              `Removed the admin API key of ${safeText(view.name)}: its next sync reports the Admin API features unavailable. Revoke the key in the Mistral Console if it is no longer used.`,
            );
          }
          show([view], format);
        });
      },
    );

  integration
    .command('list')
    .description('List integrations (keys are shown as a hint and a fingerprint only).')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (flags: KeyFlags) => {
      await withServices(flags, async ({ services }, actor) =>
        show(await services.integrations.list(actor), flags.format),
      );
    });

  integration
    .command('rotate-key <integration>')
    .description(
      'Replace the API key (validated first) of an integration, by id or name; with --admin or --admin-api-key-file, its admin API key instead.',
    )
    .option('--api-key-file <file>', 'read the new API key from a file')
    .option(
      ADMIN_KEY_FILE_OPTION,
      'rotate the admin API key instead, to the one in this file (validated as an admin key first)',
    )
    .option(
      '--admin',
      'rotate the admin API key instead (from --admin-api-key-file or $MISTRAL_ADMIN_API_KEY)',
    )
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string, flags: KeyFlags & { admin?: boolean }) => {
      if (flags.admin || flags.adminApiKeyFile !== undefined) {
        if (flags.apiKeyFile !== undefined) {
          throw new AppError('INVALID_INPUT', 'Rotate one key at a time.', {
            remediation:
              'Run `trustlens integration rotate-key NAME --api-key-file FILE` for the key, and `trustlens integration rotate-key NAME --admin-api-key-file FILE` for the admin key.',
          });
        }
        const adminApiKey = requireAdminApiKey(flags);
        await withServices(flags, async ({ services }, actor) => {
          const current = await services.integrations.find(actor, ref);
          if (!current.adminKey) {
            throw new AppError(
              'NOT_FOUND',
              `The integration "${current.name}" has no admin API key to rotate.`,
              {
                remediation: `Add one with \`trustlens integration update ${shellWord(current.name)} --admin-api-key-file FILE\`.`,
              },
            );
          }
          show([await services.integrations.setAdminKey(actor, current.id, adminApiKey)]);
        });
        return;
      }
      const apiKey = resolveApiKey(flags);
      await withServices(flags, async ({ services }, actor) => {
        const current = await services.integrations.find(actor, ref);
        show([await services.integrations.rotateKey(actor, current.id, apiKey)]);
      });
    });

  integration
    .command('remove <integration>')
    .description('Delete an integration with its key, inventory, findings and history.')
    .option('--yes', 'do not ask for confirmation (needed when not run on a terminal)')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string, flags: StoreFlags & { yes?: boolean }) => {
      const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
      if (!flags.yes && !interactive) {
        throw new AppError(
          'INVALID_INPUT',
          `Removing ${ref} deletes its key, inventory, findings and history.`,
          {
            remediation: `Confirm with \`trustlens integration remove ${shellWord(ref)} --yes\` (without a terminal nothing is asked).`,
          },
        );
      }
      await withServices(flags, async ({ services }, actor) => {
        const current = await services.integrations.find(actor, ref);
        if (
          !flags.yes &&
          !(await confirm(
            `Remove integration ${safeText(current.name)} (${current.id}) with its key, inventory, findings and history? [y/N] `,
          ))
        ) {
          process.stderr.write('Nothing was removed.\n');
          return;
        }
        await services.integrations.delete(actor, current.id);
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
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string, flags: StoreFlags & { limit: string; format: string }) => {
      const limit = numberFlag('--limit', flags.limit, { min: 1, max: 100, integer: true })!;
      const format = formatFlag(flags.format);
      await withServices(flags, async ({ services }, actor) => {
        const integration = await services.integrations.find(actor, ref);
        const runs = (await services.syncs.listRuns(actor, integration.id, { limit })).items;
        if (format === 'json') {
          process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
          return;
        }
        if (runs.length === 0) {
          process.stdout.write(
            `No sync of ${safeText(integration.name)} yet: run \`trustlens sync ${safeText(integration.name)}\` (a running server also syncs it on its schedule).\n`,
          );
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
    .option(
      '--format <format>',
      'table or json (one object per integration: the run, events, open findings)',
      'table',
    )
    .option(
      '--fail-on <severity>',
      `exit ${EXIT.FINDINGS} when an open, unmuted finding is at this severity or higher (${SEVERITIES.join(', ')}); exit ${EXIT.PARTIAL_COVERAGE} when none is but coverage is incomplete`,
    )
    .option('--allow-partial', `with --fail-on: do not exit ${EXIT.PARTIAL_COVERAGE} on incomplete coverage`)
    .option('--rps <n>', 'client-side request rate limit (requests per second)')
    .option('--concurrency <n>', 'maximum requests in flight')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(
      async (ref: string | undefined, rawFlags: Omit<StoreFlags, 'rps' | 'concurrency'> & SyncFlags) => {
        const format = formatFlag(rawFlags.format);
        const failOn =
          rawFlags.failOn === undefined ? undefined : choiceFlag('--fail-on', rawFlags.failOn, SEVERITIES);
        const flags: AppFlags & Omit<SyncFlags, 'rps' | 'concurrency'> = {
          ...rawFlags,
          rps: numberFlag('--rps', rawFlags.rps, { min: 0.01 }),
          concurrency: numberFlag('--concurrency', rawFlags.concurrency, {
            min: 1,
            max: 1000,
            integer: true,
          }),
        };
        if (remoteMode() && (flags.rps !== undefined || flags.concurrency !== undefined)) {
          throw new AppError('INVALID_INPUT', '--rps and --concurrency do not apply with --server.', {
            remediation:
              'A server syncs at its own request rate: drop these flags (they set the request rate of a sync run on this machine).',
          });
        }
        if (!ref && !flags.all) {
          throw new AppError('INVALID_INPUT', 'Name an integration to sync, or pass --all.', {
            remediation: 'Run `trustlens integration list` to see the integrations.',
          });
        }
        const json: unknown[] = [];
        const gate = { findings: 0, partial: [] as string[] };
        // Human lines go to stderr with --format json, so stdout stays one JSON document.
        const say = (text: string) => (format === 'json' ? process.stderr : process.stdout).write(text);
        await withServices(flags, async ({ services }, actor) => {
          const targets = flags.all
            ? await services.integrations.list(actor)
            : [await services.integrations.find(actor, ref!)];
          // The exit code is the same as for a single sync: 2 when a key was refused or Mistral could not
          // be reached, otherwise 1 when a sync failed (README, exit codes).
          const exitCodes: number[] = [];
          for (const target of targets) {
            try {
              // Progress on stderr while it reads (src/cli/progress.ts); nothing with --quiet.
              const progress = createProgressDisplay({ label: safeText(target.name, 40) });
              const { run, started, done } = await services.syncs.trigger(actor, target.id, {
                onProgress: progress.listener,
              });
              if (!started) {
                throw new AppError(
                  'CONFLICT',
                  `A sync of ${safeText(target.name)} is already running (started ${run.startedAt} by ${safeText(run.requestedBy ?? 'unknown')}).`,
                  {
                    remediation: 'Wait for it to end (`trustlens runs` shows it), then sync again.',
                  },
                );
              }
              const end = (await done!.finally(() => progress.finish()))!;
              const r = await services.syncs.report(end);
              const c = end.countsByType;
              const posture = (await services.posture.summary(actor, { integrationId: target.id }))
                .integrations[0];
              const open = posture?.openFindingsBySeverity ?? null;
              if (format === 'json') {
                json.push({
                  integration: { id: target.id, name: target.name },
                  run: end,
                  changeEvents: r ? r.changeEvents : null,
                  openFindingsBySeverity: open,
                  riskScore: posture?.riskScore ?? null,
                });
              }
              if (failOn && end.status !== 'failed' && end.status !== 'interrupted') {
                const limit = SEVERITIES.indexOf(failOn);
                gate.findings += SEVERITIES.filter((_, i) => i <= limit).reduce(
                  (n, s) => n + (open?.[s] ?? 0),
                  0,
                );
                const missing: string[] = end.availability ? incompleteFeatures(end.availability) : [];
                // A partial run whose gaps lie beyond the matrix (connectors, library sharing, the
                // admin-key sections, registries) is incomplete too: its errors name them.
                if (missing.length === 0 && end.status === 'partial')
                  missing.push(...new Set(end.errors.map((e) => `${e.feature} failed`)));
                if (missing.length) gate.partial.push(`${safeText(target.name)}: ${missing.join(', ')}`);
              }
              say(
                `${safeText(target.name)}: ${end.status} in ${((end.durationMs ?? 0) / 1000).toFixed(1)} s, ${end.requests ?? 0} requests; ` +
                  `${c?.agent ?? 0} agents, ${c?.model ?? 0} models, ${c?.file ?? 0} files, ${c?.library ?? 0} libraries; ` +
                  (r
                    ? `${r.changeEvents} change events; ${r.openFindings} open findings\n`
                    : 'nothing stored\n'),
              );
              if (end.status === 'failed' || end.status === 'interrupted') {
                exitCodes.push(exitCodeOf(end.errors[0]?.code)); // not a pass
              }
              for (const e of dedupeErrors(end.errors))
                say(`  ${e.feature}: ${safeText(e.message, 200)} ${safeText(e.remediation, 200)}\n`);
            } catch (e) {
              if (!flags.all) throw e;
              exitCodes.push(exitCodeOf(isAppError(e) ? e.code : undefined));
              process.stderr.write(
                `${safeText(target.name)}: ${safeText(e instanceof Error ? e.message : String(e), 500)}\n`,
              );
            }
          }
          // The alerts of these syncs go out now, from this process (a server sends them by itself).
          await services.alerts.evaluatePending();
          const sent = await services.alerts.dispatchDue();
          if (sent.length > 0) {
            const count = (x: string) => sent.filter((d) => d.status === x).length;
            info(
              `Alerts: ${count('delivered')} delivered, ${count('retrying')} to retry, ${count('failed')} failed (\`trustlens alerts deliveries\` shows them).`,
            );
          }
          if (format === 'json') process.stdout.write(JSON.stringify(json, null, 2) + '\n');
          if (exitCodes.length) {
            process.exitCode = exitCodes.includes(EXIT.MISTRAL) ? EXIT.MISTRAL : Math.max(...exitCodes);
            return;
          }
          if (failOn && gate.findings > 0) {
            process.stderr.write(
              `${gate.findings} open finding(s) at severity ${failOn} or higher (--fail-on).\n`,
            );
            process.exitCode = EXIT.FINDINGS;
          } else if (failOn && gate.partial.length && !flags.allowPartial) {
            process.stderr.write(
              `No open finding at severity ${failOn} or higher, but coverage is incomplete (${gate.partial.join('; ')}). Exit ${EXIT.PARTIAL_COVERAGE}: fix the access or pass --allow-partial.\n`,
            );
            process.exitCode = EXIT.PARTIAL_COVERAGE;
          }
        });
      },
    );
}

/** A fatal error is recorded once per feature; print it once. */
function dedupeErrors<T extends { feature: string; code: string; message: string }>(errors: T[]): T[] {
  const seen = new Map<string, T & { feature: string }>();
  for (const e of errors) {
    const key = `${e.code}\u0000${e.message}`;
    const prior = seen.get(key);
    if (prior) seen.set(key, { ...prior, feature: `${prior.feature}, ${e.feature}` });
    else seen.set(key, e);
  }
  return [...seen.values()];
}

/** A name as it would be typed in a shell. */
function shellWord(s: string): string {
  return /^[\w.@:/-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is a yes. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
