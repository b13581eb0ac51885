/**
 * `trustlens findings list|show|mute|unmute` and `trustlens events`: the findings lifecycle and the
 * change history of a stored integration (filled by `trustlens sync` or `scan --data-dir`), through
 * the same services as the server's API (services.findings, services.events).
 *
 * Mutes: `--expires` is a strict ISO date that exists (muted to the end of that day, UTC) or a full
 * ISO timestamp with a zone; an active mute is only replaced with `--replace`; every mute and unmute
 * is kept in the finding's history (`findings show`).
 */
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors/index.ts';
import type { FindingMute } from '../../findings/types.ts';
import { SEVERITIES, type Severity } from '../../findings/types.ts';
import { requirementTitle } from '../../rules/frameworks/index.ts';
import type { Actor } from '../../services/context.ts';
import type { EventView } from '../../services/events.ts';
import type { FindingDetail, FindingView, ListFindingsQuery } from '../../services/findings.ts';
import { formatTable, safeText } from '../../shared/text.ts';
import { choiceFlag, formatFlag, numberFlag } from '../flags.ts';
import { info, paintSeverities } from '../terminal.ts';
import { DATA_DIR_HELP, DATA_DIR_OPTION, WAIT_HELP, WAIT_OPTION, type AppFlags } from '../open-app.ts';
import { withServices } from '../backend.ts';

interface ListFlags extends AppFlags {
  status: string;
  muted: string;
  severity?: string;
  rule?: string;
  format: string;
}

interface MuteFlags extends AppFlags {
  reason: string;
  by: string;
  expires?: string;
  replace?: boolean;
}

const MUTED_QUERY = { hide: 'exclude', include: 'include', only: 'only' } as const;

/** The same actor as the CLI's, under the name of the person who acts (audit log, mute history). */
function actingAs(actor: Actor, by: string | undefined): Actor {
  const label = by?.trim();
  return label ? { ...actor, label } : actor;
}

/** The services' "no finding" names the API; on the command line, name the verb that lists the ids. */
async function findingHint<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND' && e.message.startsWith('No finding')) {
      throw new AppError('NOT_FOUND', e.message, {
        details: e.details,
        remediation:
          'List the findings with their ids: `trustlens findings list <integration> --status all --muted include`.',
      });
    }
    throw e;
  }
}

/** --by: who acts, required and non-blank for a mute (it is the mute's and the audit log's "who"). */
function checkBy(by: string): void {
  if (by.trim() === '') {
    throw new AppError('INVALID_INPUT', '--by must name who accepts the risk.', {
      remediation: 'Pass for example --by alice@example.com.',
    });
  }
}

/** --expires checked before anything is opened (exit 64), with the flag's name in the message. */
async function checkExpires(raw: string | undefined): Promise<void> {
  if (raw === undefined) return;
  // The services are loaded when a command runs, not at start-up (`trustlens --help` stays fast).
  const { parseMuteExpiry } = await import('../../services/findings.ts');
  try {
    parseMuteExpiry(raw, new Date());
  } catch (e) {
    if (!isAppError(e)) throw e;
    throw new AppError(
      'INVALID_INPUT',
      `Invalid --expires "${raw}": ${e.message.replace(/^expiresAt/, 'it')}`,
      {
        remediation:
          'Pass a date that exists, YYYY-MM-DD (muted until the end of that day, UTC), such as --expires 2027-01-31, or a timestamp with a time zone such as 2027-01-31T18:00:00Z; omit --expires to mute until unmuted.',
      },
    );
  }
}

/** --since: an ISO date or date-time (the events service's rule), checked before anything is opened. */
async function checkSince(raw: string | undefined): Promise<string | undefined> {
  const [{ parseMuteExpiry }, { checkTimestamp }] = await Promise.all([
    import('../../services/findings.ts'),
    import('../../services/read-scope.ts'),
  ]);
  try {
    const at = checkTimestamp('since', raw);
    // Date.parse rolls 2026-02-30 over to March 2: the day must exist.
    const ymd = raw !== undefined ? /^(\d{4})-(\d{2})-(\d{2})/.exec(raw) : null;
    if (ymd) parseMuteExpiry(`${ymd[1]}-${ymd[2]}-${ymd[3]}`, new Date(0));
    return at;
  } catch (e) {
    if (!isAppError(e)) throw e;
    throw new AppError('INVALID_INPUT', `Invalid --since "${raw}": it must be an ISO date or time.`, {
      remediation: 'Pass for example --since 2026-06-01 or --since 2026-06-01T12:00:00Z.',
    });
  }
}

function describeMute(m: FindingMute): string {
  return `by ${safeText(m.by, 120)} on ${safeText(m.at.slice(0, 10))}, ${m.expiresAt ? `until ${m.expiresAt}` : 'with no expiry'}: "${safeText(m.reason, 200)}"`;
}

function render(list: FindingView[]): string {
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
      f.muted ? `until ${f.mute?.expiresAt?.slice(0, 10) ?? 'unmuted'}: ${safeText(f.mute?.reason, 30)}` : '',
    ]),
  );
}

function indent(text: string, pad = '  '): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** One finding in full, for a terminal. Every text from the workspace goes through safeText. */
export function renderFindingDetail(f: FindingDetail): string {
  const out: string[] = [];
  out.push(
    `${safeText(f.id, 80)}  ${safeText(f.severity.toUpperCase())}  ${safeText(f.status)} (last check ${safeText(f.lastStatus)})${f.muted ? '  MUTED' : ''}`,
  );
  out.push(`${safeText(f.ruleId, 120)}: ${safeText(f.title, 200)}`);
  out.push(
    `Resource:    ${safeText(f.resourceType)} ${f.resourceName ? `"${safeText(f.resourceName, 80)}" ` : ''}(${safeText(f.resourceId, 120)})`,
  );
  out.push(`Integration: ${safeText(f.integrationId, 80)}`);
  out.push(
    `Seen:        first ${f.firstSeenAt}, last ${f.lastSeenAt}${f.resolvedAt ? `, resolved ${f.resolvedAt}` : ''}${f.reopenCount ? `, reopened ${f.reopenCount} time(s)` : ''}`,
  );
  out.push('', 'Detail:', indent(safeText(f.detail, 2000)));
  if (f.risk) out.push('', 'Risk:', indent(safeText(f.risk, 2000)));
  if (Object.keys(f.evidence).length > 0)
    out.push('', 'Evidence:', indent(JSON.stringify(f.evidence, null, 2)));
  out.push('', 'Remediation:', indent(safeText(f.remediationDetails.text || f.remediation, 2000)));
  if (f.remediationDetails.patchAgentBody) {
    const agentId = f.resourceType === 'agent' ? f.resourceId : '{agent_id}';
    out.push(
      '',
      `  PATCH /v1/agents/${safeText(agentId, 120)} with this body (TrustLens never sends it):`,
      indent(JSON.stringify(f.remediationDetails.patchAgentBody, null, 2), '    '),
    );
  }
  if (f.remediationDetails.consoleSteps.length > 0) {
    out.push('', '  In the Mistral console:');
    f.remediationDetails.consoleSteps.forEach((s, i) => out.push(`    ${i + 1}. ${safeText(s, 500)}`));
  }
  if (f.remediationDetails.references.length > 0) {
    out.push('', '  References:', ...f.remediationDetails.references.map((r) => `    ${safeText(r, 300)}`));
  }
  if (f.compliance.length > 0) {
    out.push(
      '',
      'Compliance:',
      ...f.compliance.map((c) => {
        const title = requirementTitle(c);
        return `  ${c.framework} ${c.id}${title ? `: ${title}` : ''}`;
      }),
    );
  }
  out.push('', 'Mute:');
  if (f.mute) out.push(`  ${f.muted ? 'muted' : 'expired'} ${describeMute(f.mute)}`);
  else out.push('  not muted');
  out.push('', 'Mute history:');
  if (f.muteHistory.length === 0) out.push('  never muted');
  for (const h of f.muteHistory) {
    out.push(
      h.action === 'mute'
        ? `  ${safeText(h.at)}  mute    by ${safeText(h.by ?? 'unknown', 120)}, ${h.expiresAt ? `until ${safeText(h.expiresAt)}` : 'no expiry'}: "${safeText(h.reason, 200)}"`
        : `  ${safeText(h.at)}  unmute  by ${safeText(h.by ?? 'unknown', 120)}`,
    );
  }
  return out.join('\n');
}

export function register(program: Command): void {
  const findings = program
    .command('findings')
    .description('List, show, mute and unmute the findings of a stored integration.');

  findings
    .command('list <integration>')
    .description('List findings (default: open and not muted).')
    .option('--status <status>', 'open, resolved or all', 'open')
    .option('--muted <muted>', 'hide, include or only', 'hide')
    .option('--severity <list>', `comma-separated: ${SEVERITIES.join(',')}`)
    .option('--rule <id>', 'only this rule id')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string, flags: ListFlags) => {
      const status = choiceFlag('--status', flags.status, ['open', 'resolved', 'all'] as const);
      const muted = choiceFlag('--muted', flags.muted, ['hide', 'include', 'only'] as const);
      const format = formatFlag(flags.format);
      const severity = flags.severity
        ?.split(',')
        .map((s) => choiceFlag('--severity', s.trim(), SEVERITIES)) as Severity[] | undefined;
      await withServices(flags, async ({ services }, actor) => {
        const integration = await services.integrations.find(actor, ref);
        const query: ListFindingsQuery = {
          integrationId: integration.id,
          status,
          muted: MUTED_QUERY[muted],
          severity,
          ruleId: flags.rule,
          limit: 500,
        };
        const list: FindingView[] = [];
        let cursor: string | undefined;
        do {
          const page = await services.findings.list(actor, { ...query, cursor });
          list.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (format === 'json') {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write(
            `No ${status === 'all' ? '' : `${status} `}findings${muted === 'only' ? ' that are muted' : ''}${severity || flags.rule ? ' matching these filters' : ''} for ${safeText(integration.name)}${muted === 'hide' ? ' (muted ones hidden: --muted include)' : ''}.\n`,
          );
          return;
        }
        process.stdout.write(paintSeverities('stdout', render(list)) + '\n');
        process.stdout.write(`${list.length} finding(s). Details: trustlens findings show <id>\n`);
      });
    });

  findings
    .command('show <findingId>')
    .description(
      'One finding in full: detail, evidence, remediation with the PATCH body, compliance, first and last seen, mute history.',
    )
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (id: string, flags: AppFlags & { format: string }) => {
      const format = formatFlag(flags.format);
      await withServices(flags, async ({ services }, actor) => {
        const f = await findingHint(() => services.findings.get(actor, id));
        process.stdout.write(
          format === 'json' ? JSON.stringify(f, null, 2) + '\n' : renderFindingDetail(f) + '\n',
        );
      });
    });

  findings
    .command('mute <findingId>')
    .description('Accept the risk of a finding: it leaves the default list until unmuted or until --expires.')
    .requiredOption('--reason <text>', 'why the risk is accepted')
    .requiredOption('--by <who>', 'who accepts it (kept in the mute history and the audit log)')
    .option(
      '--expires <date>',
      'when the mute ends: YYYY-MM-DD (the end of that day, UTC) or an ISO timestamp with a time zone',
    )
    .option('--replace', 'replace the current mute of a finding that is already muted')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (id: string, flags: MuteFlags) => {
      checkBy(flags.by);
      await checkExpires(flags.expires);
      await withServices(flags, async ({ services }, cli) => {
        if (services.where.kind === 'remote') {
          info(
            'Through a server, the mute is recorded under the API token (its name), not --by: put who accepts the risk in --reason if it matters.\n',
          );
        }
        const actor = actingAs(cli, flags.by);
        let f: FindingDetail;
        try {
          f = await findingHint(() =>
            services.findings.mute(actor, id, {
              reason: flags.reason,
              expiresAt: flags.expires ?? null, // the raw string: the service applies the same strict rule
              replace: flags.replace === true,
            }),
          );
        } catch (e) {
          if (isAppError(e) && e.code === 'CONFLICT') {
            const current = (e.details as { mute?: FindingMute } | undefined)?.mute;
            throw new AppError(
              'CONFLICT',
              `Finding ${id} is already muted${current ? ` ${describeMute(current)}` : ''}.`,
              {
                details: e.details,
                remediation: `Pass --replace to replace that mute (it stays in the history: trustlens findings show ${id}), or lift it first with trustlens findings unmute ${id}.`,
              },
            );
          }
          throw e;
        }
        process.stdout.write(
          `Muted ${f.id} (${f.ruleId} on ${safeText(f.resourceName ?? f.resourceId)}) ${f.mute?.expiresAt ? `until ${f.mute.expiresAt}` : 'until unmuted'}.\n`,
        );
      });
    });

  findings
    .command('unmute <findingId>')
    .description('Lift the mute of a finding (kept in its mute history).')
    .option('--by <who>', 'who lifts it (kept in the mute history and the audit log)')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (id: string, flags: AppFlags & { by?: string }) => {
      await withServices(flags, async ({ services }, cli) => {
        const before = await findingHint(() => services.findings.get(cli, id));
        const f = await services.findings.unmute(actingAs(cli, flags.by), id);
        process.stdout.write(
          before.mute === null
            ? `${f.id} (${f.ruleId}) was not muted.\n`
            : `Unmuted ${f.id} (${f.ruleId}).\n`,
        );
      });
    });

  program
    .command('events <integration>')
    .description(
      'Change events recorded by syncs (created, deleted, changed, guardrails removed or weakened, …), who made them when an admin key reads the audit log, and its security events (API keys created or deleted, SSO disabled, training or public sharing enabled, connector credentials changed, libraries shared).',
    )
    .option(
      '--since <date>',
      'only events at or after this ISO date or time (2026-06-01, 2026-06-01T12:00:00Z)',
    )
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string, flags: AppFlags & { since?: string; limit: string; format: string }) => {
      const format = formatFlag(flags.format);
      const limit = numberFlag('--limit', flags.limit, { min: 1, max: 1000, integer: true })!;
      const since = await checkSince(flags.since);
      await withServices(flags, async ({ services }, actor) => {
        const integration = await services.integrations.find(actor, ref);
        const events: EventView[] = [];
        let cursor: string | undefined;
        do {
          const page = await services.events.list(actor, {
            integrationId: integration.id,
            since,
            limit: Math.min(500, limit - events.length),
            cursor,
          });
          events.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && events.length < limit);
        if (format === 'json') {
          process.stdout.write(JSON.stringify(events, null, 2) + '\n');
          return;
        }
        if (events.length === 0) {
          process.stdout.write(
            flags.since
              ? `No events for ${safeText(integration.name)} since ${safeText(flags.since)}.\n`
              : `No events yet for ${safeText(integration.name)}: events compare two syncs (run \`trustlens sync ${safeText(integration.name)}\` again later).\n`,
          );
          return;
        }
        process.stdout.write(
          formatTable(
            ['at', 'type', 'resource', 'by', 'summary'],
            events.map((e) => [
              e.at,
              e.type,
              `${e.resourceType}:${safeText(e.resourceId, 40)}`,
              byColumn(e),
              safeText(e.summary, 100),
            ]),
          ) + '\n',
        );
      });
    });
}

/** Who made a change (from the admin audit log): "alice@…", "probably alice@…" (several entries), or "-". */
function byColumn(e: Pick<EventView, 'attribution'>): string {
  const a = e.attribution;
  if (!a) return '-';
  const who = a.actor ? safeText(a.actor, 60) : a.actorType === 'API_KEY' ? 'an API key' : 'unnamed';
  return a.candidates > 1 ? `probably ${who}` : who;
}
