/**
 * Figures of the reliability and security suites (issue 14), for RELIABILITY.md.
 *
 * Every reliability suite runs in two sizes:
 *  - `ci` (the default, inside `npm test`): bounded counts and durations, so the CI stays quick;
 *  - `full` (`npm run reliability`, which sets TRUSTLENS_RELIABILITY=full): the sizes the issue asks for
 *    (e.g. 20 kills per back end, 50 clients for 60 seconds).
 * Pick sizes with `reliabilitySize({ ci, full })`.
 *
 * A suite reports what it did with `recordReliability(...)`: when TRUSTLENS_RELIABILITY_OUT names a
 * folder (set by scripts/reliability.ts), the figures are written there as `<suite>[.<backend>].json`
 * and the script renders them into RELIABILITY.md; otherwise the call does nothing. Record what was
 * actually measured (counts of faults injected, survived, requests sent, records lost), never a
 * constant: the report is only worth the test behind it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ReliabilitySize = 'ci' | 'full';

export function reliabilitySizeName(): ReliabilitySize {
  return process.env.TRUSTLENS_RELIABILITY === 'full' ? 'full' : 'ci';
}

/** The value for the current size: `reliabilitySize({ ci: 3, full: 20 })`. */
export function reliabilitySize<T>(sizes: { ci: T; full: T }): T {
  return sizes[reliabilitySizeName()];
}

export interface ReliabilityRow {
  /** What was tried, e.g. "429 storm (5 rps allowed, 100 demanded)". */
  case: string;
  /** How many times (faults injected, kills, inputs, requests). */
  tried: number;
  /** How many of them ended as expected (sync partial/failed with the right message, no 500, …). */
  survived: number;
  /**
   * Records lost or corrupted (inventory rows, usage double counts, …), as measured: the goal is 0.
   * Leave it out where the case cannot lose data (a refused request): RELIABILITY.md shows "—".
   */
  lost?: number;
  /** Anything else worth a column: latencies, durations, messages seen. */
  detail?: string;
}

export interface ReliabilityReport {
  /** File-name-safe id of the suite, e.g. "faults", "crashes", "fuzz", "access", "load", "secrets". */
  suite: string;
  /** Heading in RELIABILITY.md. */
  title: string;
  /** "pglite", "postgres" or undefined when the suite has no back end. */
  backend?: string;
  /** One row per case. */
  rows: ReliabilityRow[];
  /** Free lines under the table: what the suite checks, how to reproduce. */
  notes?: string[];
}

export function recordReliability(report: ReliabilityReport): void {
  const dir = process.env.TRUSTLENS_RELIABILITY_OUT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const name = report.backend ? `${report.suite}.${report.backend}` : report.suite;
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ ...report, size: reliabilitySizeName(), at: new Date().toISOString() }, null, 2),
  );
}
