/**
 * Filtering findings for lists (CLI, API, UI). Pure: `now` decides which mutes are still active.
 */
import { isMuted } from './mute.ts';
import type { CheckStatus, FindingState, FindingStatus, Severity } from './types.ts';

export interface FindingFilter {
  /** Default 'open'. */
  status?: FindingStatus | 'all';
  /** false (default): hide active mutes; true: show them too; 'only': only active mutes. */
  includeMuted?: boolean | 'only';
  severity?: Severity | readonly Severity[];
  ruleId?: string | readonly string[];
  /** FAIL / UNKNOWN / PASS as last evaluated. */
  lastStatus?: CheckStatus | readonly CheckStatus[];
  integrationId?: string;
  resourceId?: string;
}

export function filterFindings(
  list: readonly FindingState[],
  filter: FindingFilter,
  now: Date | string,
): FindingState[] {
  const status = filter.status ?? 'open';
  const includeMuted = filter.includeMuted ?? false;
  const severities = asSet(filter.severity);
  const ruleIds = asSet(filter.ruleId);
  const lastStatuses = asSet(filter.lastStatus);
  return list.filter((f) => {
    if (status !== 'all' && f.status !== status) return false;
    const muted = isMuted(f, now);
    if (includeMuted === false && muted) return false;
    if (includeMuted === 'only' && !muted) return false;
    if (severities && !severities.has(f.severity)) return false;
    if (ruleIds && !ruleIds.has(f.ruleId)) return false;
    if (lastStatuses && !lastStatuses.has(f.lastStatus)) return false;
    if (filter.integrationId !== undefined && f.integrationId !== filter.integrationId) return false;
    if (filter.resourceId !== undefined && f.resourceId !== filter.resourceId) return false;
    return true;
  });
}

function asSet<T extends string>(v: T | readonly T[] | undefined): Set<T> | null {
  if (v === undefined) return null;
  return new Set<T>(typeof v === 'string' ? [v] : (v as readonly T[]));
}
