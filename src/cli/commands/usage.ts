/**
 * `trustlens agents <integration>`: the stored agents with their ids (what `usage --agent` takes).
 * `trustlens usage <integration> --agent ID|NAME [--days N]`: an agent's daily usage series (by entry
 * time, UTC days), as stored by the last syncs. Definitions: docs/metrics.md.
 * Both read through the services (inventory, usage); an unknown agent is an error, never zeros.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { GUARDRAIL_STATES, type AgentSummary } from '../../services/agent-index.ts';
import { USAGE_MAX_DAYS } from '../../services/usage.ts';
import { formatTable, safeText } from '../../shared/text.ts';
import { choiceFlag, formatFlag, numberFlag } from '../flags.ts';
import {
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  WAIT_HELP,
  WAIT_OPTION,
  withApp,
  type AppFlags,
} from '../open-app.ts';
import { withServices } from '../backend.ts';

interface UsageFlags extends AppFlags {
  agent?: string;
  modelOnly?: boolean;
  days: string;
  format: string;
}

interface AgentsFlags extends AppFlags {
  guardrails?: string;
  search?: string;
  includeDeleted?: boolean;
  format: string;
}

function renderAgents(agents: AgentSummary[]): string {
  return formatTable(
    ['id', 'name', 'model', 'guardrails', 'open findings', 'runs 30d', 'status'],
    agents.map((a) => [
      a.id,
      safeText(a.name ?? '', 40),
      safeText(a.model ?? '', 32),
      a.guardrailState,
      String(a.openFindings.total),
      a.runs30d === null ? '-' : String(a.runs30d),
      a.deletedAt ? `deleted ${a.deletedAt.slice(0, 10)}` : a.status,
    ]),
  );
}

export function register(program: Command): void {
  program
    .command('agents <integration>')
    .description(
      'List the stored agents of an integration: id, name, model, guardrails (ids for `usage --agent`).',
    )
    .option('--guardrails <state>', `only agents in this guardrail state: ${GUARDRAIL_STATES.join(', ')}`)
    .option('--search <text>', 'only agents whose name contains this text (case-insensitive)')
    .option('--include-deleted', 'also agents no longer in the workspace')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string, flags: AgentsFlags) => {
      const format = formatFlag(flags.format);
      const guardrails =
        flags.guardrails === undefined
          ? undefined
          : choiceFlag('--guardrails', flags.guardrails, GUARDRAIL_STATES);
      await withServices(flags, async ({ services }, actor) => {
        const integration = await services.integrations.find(actor, ref);
        const agents: AgentSummary[] = [];
        let cursor: string | undefined;
        do {
          const page = await services.inventory.listAgents(actor, {
            integrationId: integration.id,
            guardrails,
            q: flags.search,
            includeDeleted: flags.includeDeleted === true,
            limit: 500,
            cursor,
          });
          agents.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (format === 'json') {
          process.stdout.write(JSON.stringify(agents, null, 2) + '\n');
          return;
        }
        if (agents.length === 0) {
          process.stdout.write(
            flags.guardrails || flags.search
              ? 'No agent matches these filters.\n'
              : `No agents stored for ${safeText(integration.name)} yet: run \`trustlens sync ${safeText(integration.name)}\` first.\n`,
          );
          return;
        }
        process.stdout.write(renderAgents(agents) + '\n');
      });
    });

  program
    .command('usage <integration>')
    .description(
      "An agent's daily usage series (runs, conversations, latency, tool calls) from stored syncs.",
    )
    .option('--agent <id-or-name>', 'the agent id, or its name when exactly one agent has it')
    .option('--model-only', 'the workspace-level series of conversations with no agent')
    .option('--days <n>', `how many days, ending today (1–${USAGE_MAX_DAYS})`, '90')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .addHelpText(
      'after',
      '\nAgent ids and names: `trustlens agents <integration>`.\nToken usage is not available from the Mistral API and is not shown.',
    )
    .action(async (ref: string, flags: UsageFlags) => {
      const days = numberFlag('--days', flags.days, { min: 1, max: USAGE_MAX_DAYS, integer: true })!;
      if (!flags.agent === !flags.modelOnly) {
        throw new AppError('INVALID_INPUT', 'Pass either --agent ID or --model-only.', {
          remediation: 'Agent ids and names are listed by `trustlens agents <integration>`.',
        });
      }
      const format = formatFlag(flags.format);
      await withApp(flags, async ({ services }, actor) => {
        const integration = await services.integrations.find(actor, ref);
        const usage = await services.usage.daily(actor, {
          integrationId: integration.id,
          agent: flags.agent ?? null,
          days,
        });
        if (format === 'json') {
          process.stdout.write(JSON.stringify(usage, null, 2) + '\n');
          return;
        }
        process.stdout.write(
          `Daily usage of ${usage.agentId ? `agent ${safeText(usage.agentName ?? '')} (${safeText(usage.agentId)})` : 'model-only conversations'} (UTC days)\n`,
        );
        process.stdout.write(
          formatTable(
            [
              'day',
              'runs',
              'conv',
              'avg latency ms',
              'code',
              'file search',
              'web search',
              'image',
              'function',
            ],
            usage.series.map((p) => [
              p.day,
              String(p.runs),
              String(p.conversations),
              p.avgLatencyMs === null ? '-' : String(p.avgLatencyMs),
              String(p.codeInterpreterCalls),
              String(p.fileSearchCalls),
              String(p.webSearchCalls),
              String(p.imageGenerationCalls),
              String(p.functionCalls),
            ]),
          ) + '\n',
        );
      });
    });
}
