/**
 * `trustlens posture [integration]`: the risk score and its trend, findings by severity, guardrail
 * coverage, and the changes to make first (services.posture: summary and fixFirst, as GET /posture
 * and /posture/fix-first). A score is never shown as 0 before a sync has finished.
 */
import type { Command } from 'commander';
import { SEVERITIES } from '../../findings/types.ts';
import type { PostureFigures, TrendPoint } from '../../services/posture.ts';
import { formatTable, safeText } from '../../shared/text.ts';
import { formatFlag, numberFlag } from '../flags.ts';
import { DATA_DIR_HELP, DATA_DIR_OPTION, WAIT_HELP, WAIT_OPTION, type AppFlags } from '../open-app.ts';
import { withServices } from '../backend.ts';

interface PostureFlags extends AppFlags {
  format: string;
  top: string;
}

export function register(program: Command): void {
  program
    .command('posture [integration]')
    .description(
      'Risk score (0–100, higher is worse) and its trend, open findings by severity, guardrail coverage and what to fix first; every integration, or one by id or name.',
    )
    .option('--top <n>', 'how many changes to fix first (0–50)', '5')
    .option('--format <format>', 'table or json', 'table')
    .option(DATA_DIR_OPTION, DATA_DIR_HELP)
    .option(WAIT_OPTION, WAIT_HELP)
    .action(async (ref: string | undefined, flags: PostureFlags) => {
      const format = formatFlag(flags.format);
      const top = numberFlag('--top', flags.top, { min: 0, max: 50, integer: true })!;
      await withServices(flags, async ({ services }, actor) => {
        const integrationId = ref ? (await services.integrations.find(actor, ref)).id : undefined;
        const summary = await services.posture.summary(actor, { integrationId });
        const fixFirst = await services.posture.fixFirst(actor, { integrationId });
        if (format === 'json') {
          process.stdout.write(
            JSON.stringify({ ...summary, fixFirst: fixFirst.groups.slice(0, top) }, null, 2) + '\n',
          );
          return;
        }
        if (summary.integrations.length === 0) {
          process.stdout.write(
            'No integrations yet: a posture needs a sync. Add one with `trustlens integration add`, then `trustlens sync NAME`.\n',
          );
          return;
        }
        const out: string[] = [];
        if (!ref) out.push(figures('Organization', summary.organization));
        for (const i of summary.integrations) {
          out.push(figures(`${safeText(i.name)}${i.simulated ? ' (simulated)' : ''}`, i));
        }
        const groups = fixFirst.groups.slice(0, top);
        if (top > 0) {
          out.push(
            groups.length === 0
              ? 'Fix first: nothing — no open finding has a change that clears it.'
              : 'Fix first (the change that removes the most risk first):\n' +
                  formatTable(
                    ['risk removed', 'resource', 'change', 'clears'],
                    groups.map((g) => [
                      String(g.riskRemoved),
                      safeText(g.resourceName ?? g.resourceId, 40),
                      safeText(g.change, 70),
                      `${g.clears.length} finding(s)`,
                    ]),
                  ),
          );
        }
        process.stdout.write(out.join('\n\n') + '\n');
      });
    });
}

function figures(title: string, f: PostureFigures): string {
  const score =
    f.riskScore === null
      ? 'no score yet: it is computed when a sync finishes (`trustlens sync NAME`)'
      : `${f.riskScore} / 100${trendText(f.riskTrend)}`;
  const severities = SEVERITIES.map((s) => `${s} ${f.openFindingsBySeverity[s]}`).join(', ');
  const guardrails = Object.entries(f.agentsByGuardrailState)
    .map(([state, n]) => `${state.replace('_', '-')} ${n}`)
    .join(', ');
  return [
    `${title}`,
    `  risk score     ${score}`,
    `  open findings  ${severities} (not muted)`,
    `  agents         ${f.agents}; guardrails: ${guardrails}`,
    `  inventory      ${f.models} models, ${f.files} files, ${f.libraries} libraries`,
  ].join('\n');
}

/** " (was 41.5 on 2026-11-01, +3.2)" from the trend's first point; "" with one point. */
function trendText(trend: TrendPoint[]): string {
  if (trend.length < 2) return ' (trend: one sync so far)';
  const first = trend[0];
  const last = trend[trend.length - 1];
  const delta = Math.round((last.score - first.score) * 10) / 10;
  const recent = trend
    .slice(-6)
    .map((p) => String(p.score))
    .join(' → ');
  return ` (${delta > 0 ? '+' : ''}${delta} since ${first.at.slice(0, 10)}; last syncs: ${recent})`;
}
