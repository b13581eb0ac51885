/**
 * Export formats at scale: renders one generated workspace (default 2,000 agents, read through the real
 * connector and pipeline from the simulator on 127.0.0.1) in every format and prints one markdown table:
 * render time (median of N), output size, and each format's time as a ratio to plain JSON in the same
 * run (the machine is noisy: compare ratios, not milliseconds).
 *
 *   node --import tsx bench/exports-bench.ts [--agents 2000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { renderExport } from '../src/exports/render.ts';
import { EXPORT_FORMATS } from '../src/exports/types.ts';
import { exportContext, generatedReport } from '../test/helpers/scan-reports.ts';

const { values } = parseArgs({
  options: { agents: { type: 'string', default: '2000' }, runs: { type: 'string', default: '3' } },
});
const agents = Number(values.agents);
const runs = Math.max(1, Number(values.runs));
const report = await generatedReport(agents);
const context = exportContext();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: Array<{ format: string; ms: number; bytes: number }> = [];
for (const format of EXPORT_FORMATS) {
  await renderExport(format, report, context); // loads the renderer (and its libraries) once
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const text = await renderExport(format, report, context);
    times.push(performance.now() - t);
    bytes = Buffer.byteLength(text);
  }
  rows.push({ format, ms: median(times), bytes });
}
const json = rows.find((r) => r.format === 'json')!.ms;
const lines = [
  `Exports of ${report.summary.agents} agents, ${report.findings.length} findings (median of ${runs} renders)`,
  '',
  '| format | render (ms) | × json | size (MB) |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.format} | ${r.ms.toFixed(0)} | ${(r.ms / json).toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} |`,
  ),
];
process.stdout.write(lines.join('\n') + '\n');
