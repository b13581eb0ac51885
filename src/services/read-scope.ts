/**
 * Shared by the read-side services: which integrations an actor's query covers, and input checks that
 * name the offending field (AppError INVALID_INPUT, details.field).
 */
import { AppError } from '../errors/index.ts';
import type { IntegrationView, Store } from '../store/index.ts';
import { canSee, type Actor } from './context.ts';

export function invalid(field: string, message: string, remediation: string): AppError {
  return new AppError('INVALID_INPUT', message, { remediation, details: { field } });
}

export function integrationNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No integration "${id}".`, {
    remediation: 'List the integrations (GET /api/v1/integrations) to find the id.',
  });
}

/**
 * The integrations a query covers: the one named (NOT_FOUND when it does not exist or belongs to another
 * organization), or every integration the actor sees.
 */
export async function integrationsInScope(
  store: Pick<Store, 'integrations'>,
  actor: Actor,
  integrationId?: string,
): Promise<IntegrationView[]> {
  if (integrationId !== undefined) {
    if (typeof integrationId !== 'string' || integrationId === '') {
      throw invalid(
        'integrationId',
        'integrationId must be a non-empty string.',
        'Pass the id of an integration, or omit it.',
      );
    }
    const view = await store.integrations.get(integrationId);
    if (!view || !canSee(actor, view.organizationId)) throw integrationNotFound(integrationId);
    return [view];
  }
  return store.integrations.list(actor.organizationId ?? undefined);
}

export function checkChoice<T extends string>(
  field: string,
  value: unknown,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalid(
      field,
      `${field} must be one of ${choices.join(', ')}.`,
      `Use one of: ${choices.join(', ')}.`,
    );
  }
  return value as T;
}

export function checkString(field: string, value: unknown, maxLength = 500): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalid(
      field,
      `${field} must be a non-empty string of at most ${maxLength} characters.`,
      `Pass a shorter ${field}, or omit it.`,
    );
  }
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw invalid(field, `${field} must be true or false.`, `Pass true or false, or omit ${field}.`);
  }
  return value;
}

/** A full ISO 8601 timestamp (date and time, with a zone) → normalised ISO string. */
/** 2026-02-30 parses (as 2 March) but does not exist. */
function dateExists(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export function checkTimestamp(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value) ||
    Number.isNaN(Date.parse(value)) ||
    !dateExists(value.slice(0, 10))
  ) {
    throw invalid(
      field,
      `${field} must be an ISO 8601 date or date-time.`,
      'Use a value such as 2026-06-01 or 2026-06-01T12:00:00Z.',
    );
  }
  return new Date(value).toISOString();
}

export function checkLimit(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(
      'limit',
      'limit must be a positive whole number.',
      'Pass a limit from 1 to 500, or omit it.',
    );
  }
  return value;
}

/** The UTC day 'YYYY-MM-DD' of a time, `days` days earlier. */
export function utcDay(at: Date, daysBefore = 0): string {
  return new Date(at.getTime() - daysBefore * 86_400_000).toISOString().slice(0, 10);
}
