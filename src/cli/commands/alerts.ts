/**
 * `trustlens alerts …`: alert destinations (a signed JSON webhook or a Slack incoming webhook), alert
 * rules, the delivery log, a test alert, and `dispatch` to evaluate finished syncs and send what is due
 * now (the server does it on its own every TRUSTLENS_ALERTS_TICK_SECONDS). Through services.alerts.
 *
 * A webhook URL can be a secret (Slack's is): it is read from --url-file or TRUSTLENS_ALERT_URL, never
 * printed; --url works but leaks into shell history. The signing secret is printed once, on stdout.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { SEVERITIES, type Severity } from '../../findings/types.ts';
import type { App } from '../../app/root.ts';
import {
  ALERT_EVENT_KINDS,
  DESTINATION_KINDS,
  type AlertEventKind,
  type DestinationKind,
} from '../../services/alerts.ts';
import type { Actor } from '../../services/context.ts';
import { safeText, formatTable } from '../../shared/text.ts';
import { choiceFlag, formatFlag, numberFlag } from '../flags.ts';
import {
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  WAIT_HELP,
  WAIT_OPTION,
  withApp,
  type AppFlags,
} from '../open-app.ts';
import { info } from '../terminal.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function readUrl(flags: { url?: string; urlFile?: string }): string {
  if (flags.urlFile) {
    try {
      return readFileSync(flags.urlFile, 'utf8').trim();
    } catch {
      throw new AppError('INVALID_INPUT', `Cannot read the URL file ${flags.urlFile}.`, {
        remediation: 'Pass a readable file that contains only the webhook URL.',
      });
    }
  }
  const url = flags.url ?? process.env.TRUSTLENS_ALERT_URL;
  if (!url) {
    throw new AppError('INVALID_INPUT', 'No webhook URL given.', {
      remediation:
        'Pass --url-file FILE (a file holding the URL) or set TRUSTLENS_ALERT_URL; --url URL works but leaks into shell history.',
    });
  }
  return url;
}

async function destinationRef(app: App, actor: Actor, ref: string): Promise<string> {
  const all = await app.services.alerts.listDestinations(actor);
  const hit = all.find((d) => d.id === ref) ?? all.find((d) => d.name.toLowerCase() === ref.toLowerCase());
  if (!hit) {
    throw new AppError('NOT_FOUND', `No alert destination "${safeText(ref)}".`, {
      remediation: 'List them with `trustlens alerts destinations list`.',
    });
  }
  return hit.id;
}

async function ruleRef(app: App, actor: Actor, ref: string): Promise<string> {
  const all = await app.services.alerts.listRules(actor);
  const hit = all.find((r) => r.id === ref) ?? all.find((r) => r.name.toLowerCase() === ref.toLowerCase());
  if (!hit) {
    throw new AppError('NOT_FOUND', `No alert rule "${safeText(ref)}".`, {
      remediation: 'List them with `trustlens alerts rules list`.',
    });
  }
  return hit.id;
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const json = (v: unknown) => out(JSON.stringify(v, null, 2));

function common(cmd: Command): Command {
  return cmd.option(DATA_DIR_OPTION, DATA_DIR_HELP).option(WAIT_OPTION, WAIT_HELP);
}

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Alerts after each sync to a signed webhook or Slack: destinations, rules, deliveries.');

  const destinations = alerts.command('destinations').description('Where alerts go.');

  common(
    destinations
      .command('list')
      .description('List the alert destinations (the URL is never shown, only a hint).')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (flags: AppFlags & { format: string }) => {
    const format = formatFlag(flags.format);
    await withApp(flags, async (app, actor) => {
      const list = await app.services.alerts.listDestinations(actor);
      if (format === 'json') return json(list);
      if (list.length === 0)
        return out('No alert destinations. Add one with `trustlens alerts destinations add`.');
      out(
        formatTable(
          ['NAME', 'KIND', 'URL', 'ENABLED', 'ID'],
          list.map((d) => [
            safeText(d.name, 40),
            d.kind,
            safeText(d.urlHint, 50),
            d.enabled ? 'yes' : 'no',
            d.id,
          ]),
        ),
      );
    });
  });

  common(
    destinations
      .command('add')
      .description('Add a destination; prints its signing secret once.')
      .requiredOption('--name <name>', 'a short name, e.g. secops-slack')
      .option('--kind <kind>', `${DESTINATION_KINDS.join(' or ')}`, 'webhook')
      .option('--url-file <file>', 'a file holding the webhook URL (default: $TRUSTLENS_ALERT_URL)')
      .option(
        '--url <url>',
        'the webhook URL (discouraged: it can hold a secret and leaks into shell history)',
      ),
  ).action(async (flags: AppFlags & { name: string; kind: string; url?: string; urlFile?: string }) => {
    const kind = choiceFlag('--kind', flags.kind, DESTINATION_KINDS) as DestinationKind;
    const url = readUrl(flags);
    await withApp(flags, async (app, actor) => {
      const { destination, signingSecret } = await app.services.alerts.createDestination(actor, {
        name: flags.name,
        kind,
        url,
      });
      info(
        `Added ${kind} destination "${safeText(destination.name)}" (${destination.id}) → ${destination.urlHint}`,
      );
      info('Its signing secret (shown once; the receiver verifies the TrustLens-Signature header with it):');
      out(signingSecret);
    });
  });

  common(
    destinations
      .command('test')
      .description('Send a test alert now and show what the receiver answered.')
      .argument('<destination>', 'name or id'),
  ).action(async (ref: string, flags: AppFlags) => {
    await withApp(flags, async (app, actor) => {
      const d = await app.services.alerts.sendTest(actor, await destinationRef(app, actor, ref));
      if (d.status === 'delivered') {
        out(`Delivered (HTTP ${d.lastStatusCode}); delivery ${d.id}.`);
        return;
      }
      throw new AppError(
        'UNEXPECTED_RESPONSE',
        `The test alert was not delivered: ${d.lastError ?? d.status}.`,
        {
          remediation:
            d.status === 'retrying'
              ? `It is retried automatically (next attempt ${d.nextAttemptAt}) while TrustLens serves; check the URL and the receiver.`
              : 'Check the URL (alerts destinations add --url-file …) and that the receiver accepts a JSON POST.',
        },
      );
    });
  });

  common(
    destinations
      .command('rotate-secret')
      .description('Replace the signing secret; prints the new one once.')
      .argument('<destination>', 'name or id'),
  ).action(async (ref: string, flags: AppFlags) => {
    await withApp(flags, async (app, actor) => {
      const { signingSecret } = await app.services.alerts.rotateSecret(
        actor,
        await destinationRef(app, actor, ref),
      );
      info('New signing secret (shown once; the old one no longer verifies):');
      out(signingSecret);
    });
  });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    common(
      destinations
        .command(verb)
        .description(`${verb === 'enable' ? 'Resume' : 'Pause'} deliveries to a destination.`)
        .argument('<destination>', 'name or id'),
    ).action(async (ref: string, flags: AppFlags) => {
      await withApp(flags, async (app, actor) => {
        const d = await app.services.alerts.updateDestination(actor, await destinationRef(app, actor, ref), {
          enabled,
        });
        out(`Destination "${safeText(d.name)}" is ${d.enabled ? 'enabled' : 'disabled'}.`);
      });
    });
  }

  common(
    destinations
      .command('remove')
      .description('Delete a destination and its delivery log.')
      .argument('<destination>', 'name or id'),
  ).action(async (ref: string, flags: AppFlags) => {
    await withApp(flags, async (app, actor) => {
      await app.services.alerts.deleteDestination(actor, await destinationRef(app, actor, ref));
      out('Deleted.');
    });
  });

  const rules = alerts.command('rules').description('What fires an alert.');

  common(
    rules
      .command('list')
      .description('List the alert rules.')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (flags: AppFlags & { format: string }) => {
    const format = formatFlag(flags.format);
    await withApp(flags, async (app, actor) => {
      const list = await app.services.alerts.listRules(actor);
      if (format === 'json') return json(list);
      if (list.length === 0) return out('No alert rules. Add one with `trustlens alerts rules add`.');
      const names = new Map((await app.services.alerts.listDestinations(actor)).map((d) => [d.id, d.name]));
      out(
        formatTable(
          ['NAME', 'FINDINGS', 'EVENTS', 'DESTINATIONS', 'ENABLED', 'ID'],
          list.map((r) => [
            safeText(r.name, 40),
            r.minSeverity
              ? `${r.minSeverity}+${r.ruleIds.length ? ` (${r.ruleIds.length} rules)` : ''}`
              : '-',
            r.events.join(',') || '-',
            r.destinationIds.map((d) => safeText(names.get(d) ?? d, 30)).join(','),
            r.enabled ? 'yes' : 'no',
            r.id,
          ]),
        ),
      );
    });
  });

  common(
    rules
      .command('add')
      .description('Add an alert rule (findings at a severity, and/or change events).')
      .requiredOption('--name <name>', 'a short name')
      .requiredOption('--destination <destination>', 'destination name or id (repeat for several)', collect)
      .option(
        '--min-severity <severity>',
        `new, reopened and worsened failing findings at this severity or higher (${SEVERITIES.join(', ')})`,
      )
      .option('--rule <ruleId>', 'only this TrustLens rule (repeat for several)', collect)
      .option(
        '--integration <integration>',
        'only this integration, name or id (repeat for several)',
        collect,
      )
      .option(
        '--event <event>',
        `a change event (${ALERT_EVENT_KINDS.join(', ')}; repeat for several)`,
        collect,
      )
      .option(
        '--sync-failing-runs <n>',
        'with --event sync_failing: how many failed syncs in a row (default 3)',
      ),
  ).action(
    async (
      flags: AppFlags & {
        name: string;
        destination: string[];
        minSeverity?: string;
        rule?: string[];
        integration?: string[];
        event?: string[];
        syncFailingRuns?: string;
      },
    ) => {
      const minSeverity =
        flags.minSeverity === undefined
          ? null
          : (choiceFlag('--min-severity', flags.minSeverity, SEVERITIES) as Severity);
      const events = (flags.event ?? []).map(
        (e) => choiceFlag('--event', e, ALERT_EVENT_KINDS) as AlertEventKind,
      );
      const syncFailingRuns = numberFlag('--sync-failing-runs', flags.syncFailingRuns, {
        min: 1,
        max: 100,
        integer: true,
      });
      await withApp(flags, async (app, actor) => {
        const destinationIds = await Promise.all(flags.destination.map((d) => destinationRef(app, actor, d)));
        const integrationIds = await Promise.all(
          (flags.integration ?? []).map(async (i) => (await app.services.integrations.find(actor, i)).id),
        );
        const rule = await app.services.alerts.createRule(actor, {
          name: flags.name,
          destinationIds,
          minSeverity,
          ruleIds: flags.rule ?? [],
          integrationIds,
          events,
          syncFailingRuns,
        });
        out(`Added alert rule "${safeText(rule.name)}" (${rule.id}).`);
      });
    },
  );

  common(
    rules.command('remove').description('Delete an alert rule.').argument('<rule>', 'name or id'),
  ).action(async (ref: string, flags: AppFlags) => {
    await withApp(flags, async (app, actor) => {
      await app.services.alerts.deleteRule(actor, await ruleRef(app, actor, ref));
      out('Deleted.');
    });
  });

  common(
    alerts
      .command('deliveries')
      .description('The delivery log, newest first: status, attempts, HTTP status, error.')
      .option('--destination <destination>', 'only this destination (name or id)')
      .option('--status <status>', 'pending, sending, retrying, delivered or failed')
      .option('--limit <n>', 'how many (default 50, max 500)')
      .option('--format <format>', 'table or json', 'table'),
  ).action(
    async (flags: AppFlags & { destination?: string; status?: string; limit?: string; format: string }) => {
      const format = formatFlag(flags.format);
      const status =
        flags.status === undefined
          ? undefined
          : choiceFlag('--status', flags.status, [
              'pending',
              'sending',
              'retrying',
              'delivered',
              'failed',
            ] as const);
      const limit = numberFlag('--limit', flags.limit, { min: 1, max: 500, integer: true });
      await withApp(flags, async (app, actor) => {
        const destinationId = flags.destination
          ? await destinationRef(app, actor, flags.destination)
          : undefined;
        const page = await app.services.alerts.listDeliveries(actor, { destinationId, status, limit });
        if (format === 'json') return json(page.items);
        if (page.items.length === 0) return out('No deliveries yet.');
        const names = new Map((await app.services.alerts.listDestinations(actor)).map((d) => [d.id, d.name]));
        out(
          formatTable(
            ['CREATED', 'DESTINATION', 'KIND', 'STATUS', 'ATTEMPTS', 'HTTP', 'FINDINGS', 'EVENTS', 'ERROR'],
            page.items.map((d) => [
              d.createdAt.slice(0, 19).replace('T', ' '),
              safeText(names.get(d.destinationId) ?? d.destinationId, 30),
              d.kind,
              d.status,
              `${d.attempts}/${d.maxAttempts}`,
              d.lastStatusCode === null ? '-' : String(d.lastStatusCode),
              String(d.findingCount),
              String(d.eventCount),
              safeText(d.lastError ?? '', 60),
            ]),
          ),
        );
      });
    },
  );

  common(
    alerts
      .command('dispatch')
      .description(
        'Evaluate finished syncs and send the alerts that are due now (the server does this by itself).',
      ),
  ).action(async (flags: AppFlags) => {
    await withApp(flags, async (app) => {
      const runs = await app.services.alerts.evaluatePending();
      const sent = await app.services.alerts.dispatchDue();
      const count = (s: string) => sent.filter((x) => x.status === s).length;
      out(
        `Evaluated ${runs} sync run(s); ${count('delivered')} delivered, ${count('retrying')} to retry, ${count('failed')} failed.`,
      );
      if (count('retrying') + count('failed') > 0) process.exitCode = 1;
    });
  });
}
