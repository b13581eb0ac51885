/**
 * `trustlens export [integration]`: a stored integration's latest sync as a file — the scan JSON, OCSF,
 * SARIF, CSV, CycloneDX or the HTML report (docs/exports.md) — from the data folder or PostgreSQL,
 * through services.exports. `trustlens scan --format …` writes the same formats for a one-shot scan.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../services/exports.ts';
import { reportFormatFlag } from '../flags.ts';
import { safeText } from '../../shared/text.ts';
import { DATA_DIR_HELP, DATA_DIR_OPTION, WAIT_HELP, WAIT_OPTION, type AppFlags } from '../open-app.ts';
import { withServices } from '../backend.ts';
import { info } from '../terminal.ts';
import { checkOutputPath, writePrivateFile } from './scan.ts';

interface ExportFlags extends AppFlags {
  format: string;
  output?: string;
}

export function register(program: Command): void {
  program
    .command('export')
    .description("Write a stored integration's latest sync as JSON, OCSF, SARIF, CSV, CycloneDX or HTML.")
    .argument('[integration]', 'integration name or id (optional when there is only one)')
    .option('--format <format>', EXPORT_FORMATS.join(', '), 'json')
    .option('--output <file>', 'write to a file (readable by you only) instead of stdout')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string | undefined, flags: ExportFlags) => {
      const format = reportFormatFlag(flags.format, EXPORT_FORMATS) as ExportFormat;
      if (flags.output !== undefined) checkOutputPath(flags.output);
      const file = await withServices(flags, async ({ services }, actor) => {
        let id = ref;
        if (id === undefined) {
          const all = await services.integrations.list(actor);
          if (all.length !== 1) {
            throw new AppError(
              'INVALID_INPUT',
              all.length === 0
                ? 'There is no integration to export.'
                : `There are ${all.length} integrations: say which one.`,
              {
                remediation:
                  all.length === 0
                    ? 'Add one with `trustlens integration add` (or `trustlens scan --data-dir`), sync it, then export.'
                    : `Pass its name or id: trustlens export "${safeText(all[0].name, 60)}" --format ${format}.`,
              },
            );
          }
          id = all[0].id;
        }
        const integration = await services.integrations.find(actor, id);
        return services.exports.render(actor, integration.id, format);
      });
      if (flags.output) {
        writePrivateFile(flags.output, file.body);
        info(`Wrote the ${format} export to ${flags.output}\n`);
      } else {
        process.stdout.write(file.body);
      }
    });
}
