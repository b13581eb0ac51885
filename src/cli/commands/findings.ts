/**
 * `trustlens findings list|mute|unmute` and `trustlens events`: the findings lifecycle and the
 * change history of a stored integration (filled by `trustlens sync` or `scan --data-dir`).
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { isMuted } from '../../findings/mute.ts';
import { SEVERITIES, type FindingState, type Severity } from '../../findings/types.ts';
import { formatTable, safeText } from '../../shared/text.ts';
import {
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  findIntegration,
  withStore,
  type StoreFlags,
} from '../open-store.ts';
import { choiceFlag, formatFlag, numberFlag } from '../flags.ts';

interface ListFlags extends StoreFlags {
  status: string;
  muted: string;
  severity?: string;
  rule?: string;
  format: string;
}

function isoOrNull(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  const t = Date.parse(value);
  const year = Number.isNaN(t) ? NaN : new Date(t).getUTCFullYear();
  if (Number.isNaN(t) || year < 1970 || year > 9999) {
    throw new AppError('INVALID_INPUT', `${flag} must be a date or time, got "${value}".`, {
      remediation: `Pass an ISO date such as ${flag} 2027-01-31.`,
    });
  }
  return new Date(t).toISOString();
}

function render(list: FindingState[], now: Date): string {
  return formatTable(
    ['id', 'severity', 'status', 'check', 'rule', 'resource', 'first seen', 'muted'],
    list.map((f) => [
      f.id,
      f.severity,
      f.status,
      f.lastStatus,
      f.ruleId,
      safeText(f.resourceName ?? f.resourceId, 32),
      f.firstSeenAt.slice(0, 10),
      isMuted(f, now)
        ? `until ${f.mute?.expiresAt?.slice(0, 10) ?? 'unmuted'}: ${safeText(f.mute?.reason, 30)}`
        : '',
    ]),
  );
}

export function register(program: Command): void {
  const findings = program
    .command('findings')
    .description('List, mute and unmute the findings of a stored integration.');

  findings
    .command('list <integration>')
    .description('List findings (default: open and not muted).')
    .option('--status <status>', 'open, resolved or all', 'open')
    .option('--muted <muted>', 'hide, include or only', 'hide')
    .option('--severity <list>', `comma-separated: ${SEVERITIES.join(',')}`)
    .option('--rule <id>', 'only this rule id')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (ref: string, flags: ListFlags) => {
      const status = choiceFlag('--status', flags.status, ['open', 'resolved', 'all'] as const);
      const muted = choiceFlag('--muted', flags.muted, ['hide', 'include', 'only'] as const);
      const format = formatFlag(flags.format);
      const severity = flags.severity
        ?.split(',')
        .map((s) => choiceFlag('--severity', s.trim(), SEVERITIES)) as Severity[] | undefined;
      await withStore(flags, async (store) => {
        const integration = await findIntegration(store, ref);
        const now = new Date();
        const list = await store.findings.list(
          integration.id,
          {
            status,
            includeMuted: muted === 'hide' ? false : muted === 'include' ? true : 'only',
            severity,
            ruleId: flags.rule,
          },
          now,
        );
        process.stdout.write(
          format === 'json' ? JSON.stringify(list, null, 2) + '\n' : render(list, now) + '\n',
        );
      });
    });

  findings
    .command('mute <findingId>')
    .description('Accept the risk of a finding: it leaves the default list until unmuted or until --expires.')
    .requiredOption('--reason <text>', 'why the risk is accepted')
    .requiredOption('--by <who>', 'who accepts it')
    .option('--expires <date>', 'when the mute ends (ISO date or time)')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (id: string, flags: StoreFlags & { reason: string; by: string; expires?: string }) => {
      const expiresAt = isoOrNull(flags.expires, '--expires');
      await withStore(flags, async (store) => {
        const f = await store.findings.mute(id, { reason: flags.reason, by: flags.by, expiresAt });
        process.stdout.write(
          `Muted ${f.id} (${f.ruleId} on ${safeText(f.resourceName ?? f.resourceId)})${expiresAt ? ` until ${expiresAt}` : ''}.\n`,
        );
      });
    });

  findings
    .command('unmute <findingId>')
    .description('Lift the mute of a finding.')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (id: string, flags: StoreFlags) => {
      await withStore(flags, async (store) => {
        const f = await store.findings.unmute(id);
        process.stdout.write(`Unmuted ${f.id} (${f.ruleId}).\n`);
      });
    });

  program
    .command('events <integration>')
    .description(
      'Change events recorded by syncs (created, deleted, changed, guardrails removed or weakened, …).',
    )
    .option('--since <date>', 'only events at or after this time')
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .action(async (ref: string, flags: StoreFlags & { since?: string; limit: string; format: string }) => {
      const format = formatFlag(flags.format);
      const limit = numberFlag('--limit', flags.limit, { min: 1, max: 1000, integer: true })!;
      const since = isoOrNull(flags.since, '--since') ?? undefined;
      await withStore(flags, async (store) => {
        const integration = await findIntegration(store, ref);
        const events = await store.events.list(integration.id, { since, limit });
        if (format === 'json') process.stdout.write(JSON.stringify(events, null, 2) + '\n');
        else
          process.stdout.write(
            formatTable(
              ['at', 'type', 'resource', 'summary'],
              events.map((e) => [
                e.at,
                e.type,
                `${e.resourceType}:${safeText(e.resourceId, 40)}`,
                safeText(e.summary, 100),
              ]),
            ) + '\n',
          );
      });
    });
}
