/**
 * The findings page's filters, read from and written to the query string (a view can be shared), and
 * turned into the GET /api/v1/findings query. Values the API would refuse are ignored, not sent.
 */
import type { paths } from '../../api/schema';
import { SEVERITIES, type Severity } from '../../components/badges';

export type FindingsQuery = NonNullable<paths['/api/v1/findings']['get']['parameters']['query']>;
export type FindingStatusFilter = 'open' | 'resolved' | 'all';
export type MutedFilter = 'exclude' | 'include' | 'only';
export type GroupBy = 'rule' | 'resource' | 'none';
export type ResourceType = NonNullable<FindingsQuery['resourceType']>;

export const RESOURCE_TYPES: ResourceType[] = ['agent', 'model', 'file', 'library', 'integration'];

export interface FindingFilters {
  /** Empty: every severity. Worst first, without duplicates. */
  severity: Severity[];
  ruleId: string | null;
  status: FindingStatusFilter;
  muted: MutedFilter;
  integrationId: string | null;
  /** A framework id (owasp-llm-2025) or framework:requirement. */
  framework: string | null;
  resourceType: ResourceType | null;
  resourceId: string | null;
  groupBy: GroupBy;
}

export const DEFAULT_FILTERS: FindingFilters = {
  severity: [],
  ruleId: null,
  status: 'open',
  muted: 'exclude',
  integrationId: null,
  framework: null,
  resourceType: null,
  resourceId: null,
  groupBy: 'rule',
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** A free-text parameter: trimmed, empty → null, longer than the API accepts → null. */
function text(value: string | null, max: number): string | null {
  const t = value?.trim() ?? '';
  return t && t.length <= max ? t : null;
}

export function parseSeverities(value: string | null): Severity[] {
  if (!value) return [];
  const wanted = new Set(value.split(',').map((s) => s.trim().toLowerCase()));
  return SEVERITIES.filter((s) => wanted.has(s));
}

export function parseFindingFilters(params: URLSearchParams): FindingFilters {
  return {
    severity: parseSeverities(params.get('severity')),
    ruleId: text(params.get('ruleId'), 200),
    status: oneOf(params.get('status'), ['open', 'resolved', 'all'] as const) ?? DEFAULT_FILTERS.status,
    muted: oneOf(params.get('muted'), ['exclude', 'include', 'only'] as const) ?? DEFAULT_FILTERS.muted,
    integrationId: text(params.get('integrationId'), 200),
    framework: text(params.get('framework'), 200),
    resourceType: oneOf(params.get('resourceType'), RESOURCE_TYPES),
    resourceId: text(params.get('resourceId'), 200),
    groupBy: oneOf(params.get('groupBy'), ['rule', 'resource', 'none'] as const) ?? DEFAULT_FILTERS.groupBy,
  };
}

/**
 * The query string of `filters` merged into `current` (other parameters, e.g. the open finding, are
 * kept); defaults are left out so the address stays short.
 */
export function writeFindingFilters(current: URLSearchParams, filters: FindingFilters): URLSearchParams {
  const next = new URLSearchParams(current);
  const set = (key: string, value: string | null, fallback: string | null = null) => {
    if (value === null || value === '' || value === fallback) next.delete(key);
    else next.set(key, value);
  };
  set(
    'severity',
    filters.severity.length ? SEVERITIES.filter((s) => filters.severity.includes(s)).join(',') : null,
  );
  set('ruleId', filters.ruleId);
  set('status', filters.status, DEFAULT_FILTERS.status);
  set('muted', filters.muted, DEFAULT_FILTERS.muted);
  set('integrationId', filters.integrationId);
  set('framework', filters.framework);
  set('resourceType', filters.resourceType);
  set('resourceId', filters.resourceId);
  set('groupBy', filters.groupBy, DEFAULT_FILTERS.groupBy);
  return next;
}

/** The API query of the filters (grouping is the page's, not the API's). */
export function toFindingsQuery(filters: FindingFilters): FindingsQuery {
  const q: FindingsQuery = { status: filters.status, muted: filters.muted };
  if (filters.severity.length) q.severity = filters.severity.join(',');
  if (filters.ruleId) q.ruleId = filters.ruleId;
  if (filters.integrationId) q.integrationId = filters.integrationId;
  if (filters.framework) q.framework = filters.framework;
  if (filters.resourceType) q.resourceType = filters.resourceType;
  if (filters.resourceId) q.resourceId = filters.resourceId;
  return q;
}

/** Whether any filter narrows the list beyond the defaults (open, unmuted, everything). */
export function isFiltered(filters: FindingFilters): boolean {
  return (
    filters.severity.length > 0 ||
    filters.ruleId !== null ||
    filters.status !== DEFAULT_FILTERS.status ||
    filters.muted !== DEFAULT_FILTERS.muted ||
    filters.integrationId !== null ||
    filters.framework !== null ||
    filters.resourceType !== null ||
    filters.resourceId !== null
  );
}
