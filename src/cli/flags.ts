/** Parsing of CLI flag values: one place for the checks and the error wording (exit 64). */
import { EXPORT_FORMATS, type ExportFormat } from '../exports/types.ts';
import { AppError } from '../errors/index.ts';

export interface NumberFlagOptions {
  min: number;
  max?: number;
  integer?: boolean;
}

/** A number flag within a range; undefined when the flag was not given. */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  opts: NumberFlagOptions,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    n < opts.min ||
    (opts.max !== undefined && n > opts.max) ||
    (opts.integer === true && !Number.isInteger(n));
  if (bad) {
    const range = opts.max !== undefined ? `between ${opts.min} and ${opts.max}` : `at least ${opts.min}`;
    throw new AppError(
      'INVALID_INPUT',
      `${flag} must be ${opts.integer ? 'a whole number' : 'a number'} ${range} (got "${raw}").`,
      {
        remediation: `Pass for example ${flag} ${opts.max !== undefined ? Math.min(opts.max, Math.max(opts.min, 10)) : Math.max(opts.min, 10)}.`,
      },
    );
  }
  return n;
}

/** One of a fixed set of values, in any case (`CRITICAL`, `Critical` and `critical` alike). */
export function choiceFlag<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  const match = allowed.find((a) => a.toLowerCase() === raw.trim().toLowerCase());
  if (match === undefined) {
    throw new AppError('INVALID_INPUT', `${flag} must be one of ${allowed.join(', ')}, got "${raw}".`, {
      remediation: `Pass for example ${flag} ${allowed[0]}.`,
    });
  }
  return match;
}

export type OutputFormat = 'table' | 'json';

/** What `trustlens scan` and `trustlens export` write: the table, or one of the export formats. */
export type ReportFormat = 'table' | ExportFormat;

/** The --format flag of scan and export. */
export function reportFormatFlag(
  raw: string,
  allowed: readonly ReportFormat[] = ['table', ...EXPORT_FORMATS],
): ReportFormat {
  const value = raw.trim().toLowerCase() as ReportFormat;
  if (!allowed.includes(value)) {
    throw new AppError('INVALID_INPUT', `Unknown format "${raw}".`, {
      remediation: `Use --format with one of: ${allowed.join(', ')}.`,
    });
  }
  return value;
}

/** The --format flag every listing command takes. */
export function formatFlag(raw: string): OutputFormat {
  const value = raw.trim().toLowerCase();
  if (value !== 'table' && value !== 'json') {
    throw new AppError('INVALID_INPUT', `Unknown format "${raw}".`, {
      remediation: 'Use --format table or --format json.',
    });
  }
  return value;
}
