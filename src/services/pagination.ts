/**
 * Lists: `{ items, nextCursor }`. A cursor is opaque to clients (base64url of a small JSON value the
 * service chose, e.g. the sort key and id of the last item); a cursor that does not decode is a 400.
 */
import { AppError } from '../errors/index.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined | null, check: (v: unknown) => v is T): T | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) {
    throw new AppError('INVALID_INPUT', 'The cursor is not valid for this list.', {
      details: { field: 'cursor' },
      remediation:
        'Pass the nextCursor of the previous page unchanged, or omit it to start from the beginning.',
    });
  }
  return value;
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
}
