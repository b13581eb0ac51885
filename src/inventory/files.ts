/** Files: wire file objects → FileRecord (sizes in bytes; times as ISO strings). */
import type { DataQualityWarning, FileRecord } from './types.ts';
import type { WireFile } from '../shared/mistral-wire.ts';

function unixToIso(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000).toISOString() : null;
}

export function toFileRecord(f: WireFile, warnings: DataQualityWarning[] = []): FileRecord {
  return {
    id: f.id,
    filename: typeof f.filename === 'string' ? f.filename : '',
    sizeBytes: typeof f.bytes === 'number' ? f.bytes : 0,
    purpose: typeof f.purpose === 'string' ? f.purpose : 'unknown',
    sampleType: typeof f.sample_type === 'string' ? f.sample_type : null,
    createdAt: unixToIso(f.created_at),
    source: typeof f.source === 'string' ? f.source : null,
    visibility: f.visibility ?? null,
    mimetype: f.mimetype ?? null,
    numLines: typeof f.num_lines === 'number' ? f.num_lines : null,
    expiresAt: unixToIso(f.expires_at),
    dataQuality: warnings.filter((w) => w.resourceId === f.id),
  };
}
