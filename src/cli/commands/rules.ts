/**
 * `trustlens rules [--format table|json]`: the rule catalog. Table: id, severity, resource type, title and
 * the compliance requirement ids; JSON: an array of every rule's full metadata, with each compliance
 * reference's short title.
 */
import type { Command } from 'commander';
import { formatTable } from '../../shared/text.ts';
import { formatFlag } from '../flags.ts';
import { paintSeverities } from '../terminal.ts';
import type { RuleMeta } from '../../findings/types.ts';
import { requirementTitle } from '../../rules/frameworks/index.ts';

export function rulesJson(metas: readonly RuleMeta[]): unknown[] {
  return metas.map((m) => ({
    ...m,
    compliance: m.compliance.map((c) => ({ ...c, title: requirementTitle(c) })),
  }));
}

export function rulesTable(metas: readonly RuleMeta[]): string {
  const rows = metas.map((m) => [
    m.id,
    m.severity,
    m.resourceType,
    m.title,
    m.compliance.map((c) => c.id).join(', '),
  ]);
  return `${formatTable(['ID', 'SEVERITY', 'RESOURCE', 'TITLE', 'FRAMEWORKS'], rows)}\n\n${metas.length} rules.\n`;
}

export function register(program: Command): void {
  program
    .command('rules')
    .description('List the rule catalog (id, severity, resource type, title, compliance frameworks).')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { format: string }) => {
      const format = formatFlag(flags.format);
      const metas = (await import('../../rules/catalog.ts')).ruleMetas();
      if (format === 'json') process.stdout.write(`${JSON.stringify(rulesJson(metas), null, 2)}\n`);
      else process.stdout.write(paintSeverities('stdout', rulesTable(metas)));
    });
}
