/**
 * CSV export (issue 12): one row per finding of the scan report, for spreadsheets and pipelines.
 * docs/exports-bom-html-csv.md describes the columns.
 *
 * - RFC 4180: every cell quoted, quotes doubled, CRLF between records (and after the last one);
 * - UTF-8 without a byte order mark (a BOM breaks the header name of the first column for most CSV
 *   readers and pipelines; spreadsheets that guess the encoding are told it by the download's
 *   `text/csv; charset=utf-8` media type);
 * - formula-injection safe (OWASP "CSV Injection", ASVS 1.2.10): a cell whose first character, or
 *   first character after leading white space, is = + - @ (or their full-width forms), a tab, CR or
 *   LF is prefixed with a single quote, so a spreadsheet shows it as text;
 * - control, bidirectional and zero-width characters are shown as ⟨U+XXXX⟩ instead of being
 *   obeyed (CR and CRLF inside a cell become LF; LF and TAB are kept).
 * Lifecycle columns are empty when the export is of a one-shot scan (no stored finding to read them from);
 * `muted` says whether the mute is in force at export time (an expired mute reads false, its reason,
 * author and expiry stay in the next columns).
 */
import { muteInForce } from '../findings/mute.ts';
import { publicBaseUrl, revealInvisible } from './text-safety.ts';
import { findingUid, type Renderer } from './types.ts';

export const CSV_COLUMNS = [
  'findingUid',
  'ruleId',
  'status',
  'severity',
  'resourceType',
  'resourceId',
  'resourceName',
  'title',
  'detail',
  'remediation',
  'firstSeenAt',
  'lastSeenAt',
  'muted',
  'muteReason',
  'mutedBy',
  'muteExpiresAt',
  'workspaceBaseUrl',
  'simulated',
] as const;

/** A first character a spreadsheet may read as the start of a formula. */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/u;

/** One cell: invisible characters shown, neutralised against formula injection, quoted, quotes doubled. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let s = value === null || value === undefined ? '' : revealInvisible(String(value));
  if (FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const renderCsv: Renderer = (report, context) => {
  const baseUrl = publicBaseUrl(report.source.baseUrl);
  const simulated = context.simulated === true;
  const lines = [CSV_COLUMNS.map(csvCell).join(',')];
  for (const f of report.findings) {
    const life = context.lifecycle?.(f);
    const row = [
      findingUid(report, f, context),
      f.ruleId,
      f.status,
      f.severity,
      f.resourceType,
      f.resourceId,
      f.resourceName,
      f.title,
      f.detail,
      f.remediation,
      life?.firstSeenAt,
      life?.lastSeenAt,
      life ? muteInForce(life.mute, context.exportedAt) : null,
      life?.mute?.reason,
      life?.mute?.by,
      life?.mute?.expiresAt,
      baseUrl,
      simulated,
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
};
