/**
 * The export registry: one renderer per format, loaded on first use (the CycloneDX library and the HTML
 * template are not paid for by a `--format json` scan or by the CLI's start-up).
 */
import type { ScanReport } from './scan-report.ts';
import type { ExportContext, ExportFormat, Renderer } from './types.ts';

const LOADERS: Record<ExportFormat, () => Promise<Renderer>> = {
  json: async () => (report) => JSON.stringify(report, null, 2) + '\n',
  ocsf: async () => (await import('./ocsf.ts')).renderOcsf,
  sarif: async () => (await import('./sarif.ts')).renderSarif,
  csv: async () => (await import('./csv.ts')).renderCsv,
  cyclonedx: async () => (await import('./cyclonedx.ts')).renderCycloneDx,
  html: async () => (await import('./html.ts')).renderHtml,
};

export async function renderExport(
  format: ExportFormat,
  report: ScanReport,
  context: ExportContext,
): Promise<string> {
  const render = await LOADERS[format]();
  return render(report, context);
}
