/**
 * `trustlens usage <integration> --agent ID [--days N]`: an agent's daily usage series (by entry
 * time, UTC days), as stored by the last syncs. Definitions: docs/metrics.md.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { formatTable, safeText } from '../../shared/text.ts';
import { loadDailySeries } from '../../usage/daily-series.ts';
import {
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  findIntegration,
  withStore,
  type StoreFlags,
} from '../open-store.ts';
import { formatFlag, numberFlag } from '../flags.ts';

interface UsageFlags extends StoreFlags {
  agent?: string;
  modelOnly?: boolean;
  days: string;
  format: string;
}

export function register(program: Command): void {
  program
    .command('usage <integration>')
    .description(
      "An agent's daily usage series (runs, conversations, latency, tool calls) from stored syncs.",
    )
    .option('--agent <id>', 'the agent id')
    .option('--model-only', 'the workspace-level series of conversations with no agent')
    .option('--days <n>', 'how many days, ending today (1–365)', '90')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .addHelpText('after', '\nToken usage is not available from the Mistral API and is not shown.')
    .action(async (ref: string, flags: UsageFlags) => {
      const days = numberFlag('--days', flags.days, { min: 1, max: 365, integer: true })!;
      if (!flags.agent === !flags.modelOnly) {
        throw new AppError('INVALID_INPUT', 'Pass either --agent ID or --model-only.', {
          remediation: 'Agent ids are listed by `trustlens scan` or `trustlens findings list`.',
        });
      }
      const format = formatFlag(flags.format);
      await withStore(flags, async (store) => {
        const integration = await findIntegration(store, ref);
        const agentId = flags.agent ?? null;
        const series = await loadDailySeries(store.usage(integration.id), agentId, { now: new Date(), days });
        if (format === 'json') {
          process.stdout.write(
            JSON.stringify({ integrationId: integration.id, agentId, series }, null, 2) + '\n',
          );
          return;
        }
        process.stdout.write(
          `Daily usage of ${agentId ? `agent ${safeText(agentId)}` : 'model-only conversations'} (UTC days)\n`,
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
            series.map((p) => [
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
