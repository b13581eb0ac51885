/**
 * Export of the filtered findings as CSV or JSON. The CSV is safe to open in a spreadsheet: a cell
 * that starts with = + - @, a tab or a carriage return is prefixed with a single quote, so workspace
 * data (agent names, titles) can never run as a formula. Pure functions; the download is separate.
 */
import type { Finding } from './grouping';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: neutralised against formula injection, quoted, quotes doubled. */
export function csvCell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) s = '';
  else if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else s = JSON.stringify(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** Rows to CSV text (CRLF line ends, as RFC 4180 says). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const FINDING_CSV_COLUMNS = [
  'id',
  'integrationId',
  'ruleId',
  'severity',
  'status',
  'lastStatus',
  'title',
  'resourceType',
  'resourceId',
  'resourceName',
  'detail',
  'remediation',
  'firstSeenAt',
  'lastSeenAt',
  'resolvedAt',
  'reopenCount',
  'muted',
  'muteReason',
  'mutedBy',
  'mutedAt',
  'muteExpiresAt',
  'evidence',
] as const;

export function findingsToCsv(findings: readonly Finding[]): string {
  return toCsv(
    FINDING_CSV_COLUMNS,
    findings.map((f) => [
      f.id,
      f.integrationId,
      f.ruleId,
      f.severity,
      f.status,
      f.lastStatus,
      f.title,
      f.resourceType,
      f.resourceId,
      f.resourceName,
      f.detail,
      f.remediation,
      f.firstSeenAt,
      f.lastSeenAt,
      f.resolvedAt,
      f.reopenCount,
      f.muted,
      f.mute?.reason ?? null,
      f.mute?.by ?? null,
      f.mute?.at ?? null,
      f.mute?.expiresAt ?? null,
      f.evidence,
    ]),
  );
}

export function findingsToJson(
  findings: readonly Finding[],
  query: Record<string, unknown>,
  at: Date,
): string {
  return (
    JSON.stringify({ exportedAt: at.toISOString(), query, count: findings.length, findings }, null, 2) + '\n'
  );
}

/** "trustlens-findings-2025-06-01T10-20-30Z.csv" */
export function exportFileName(kind: 'csv' | 'json', at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  return `trustlens-findings-${stamp}.${kind}`;
}

/** Saves text as a file through a temporary object URL (browser only). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
