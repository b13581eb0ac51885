/**
 * The Agents list's state in the URL (?q=&guardrails=none&sort=runs&order=desc …): parsed leniently (a
 * value the API would refuse is dropped, so a hand-edited link still opens), written back without defaults,
 * and turned into the GET /api/v1/agents query (src/server/routes/inventory.ts AgentsQuery).
 */
import type { paths } from '../../api/schema';

export type AgentsApiQuery = NonNullable<paths['/api/v1/agents']['get']['parameters']['query']>;
export type AgentSortKey = NonNullable<AgentsApiQuery['sort']>;
export type GuardrailFilter = NonNullable<AgentsApiQuery['guardrails']>;
export type StatusFilter = NonNullable<AgentsApiQuery['status']>;

export const AGENT_SORT_KEYS: readonly AgentSortKey[] = [
  'name',
  'model',
  'openFindings',
  'runs',
  'lastActivity',
  'riskScore',
];
export const GUARDRAIL_FILTERS: readonly GuardrailFilter[] = ['none', 'non_blocking', 'blocking', 'unknown'];
export const STATUS_FILTERS: readonly StatusFilter[] = ['active', 'idle', 'unknown'];

/** Tool types Mistral agents use; the API also matches a label such as "function lookup_order". */
export const TOOL_TYPES = [
  'web_search',
  'web_search_premium',
  'code_interpreter',
  'image_generation',
  'document_library',
  'function',
  'connector',
  'mcp',
] as const;

export interface AgentFilters {
  q: string;
  integrationId: string | null;
  guardrails: GuardrailFilter | null;
  model: string | null;
  tool: string | null;
  /** true: only agents with open findings; false: only without; null: either. */
  hasOpenFindings: boolean | null;
  status: StatusFilter | null;
  includeDeleted: boolean;
  sort: AgentSortKey;
  order: 'asc' | 'desc';
}

export const DEFAULT_FILTERS: AgentFilters = {
  q: '',
  integrationId: null,
  guardrails: null,
  model: null,
  tool: null,
  hasOpenFindings: null,
  status: null,
  includeDeleted: false,
  sort: 'name',
  order: 'asc',
};

const MAX_TEXT = 200; // the API's limit for q, model and tool

function choice<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function text(value: string | null): string | null {
  const v = value?.trim() ?? '';
  return v === '' ? null : v.slice(0, MAX_TEXT);
}

function bool(value: string | null): boolean | null {
  return value === 'true' ? true : value === 'false' ? false : null;
}

export function parseAgentFilters(params: URLSearchParams): AgentFilters {
  return {
    q: (params.get('q') ?? '').slice(0, MAX_TEXT),
    integrationId: text(params.get('integrationId')),
    guardrails: choice(params.get('guardrails'), GUARDRAIL_FILTERS),
    model: text(params.get('model')),
    tool: text(params.get('tool')),
    hasOpenFindings: bool(params.get('hasOpenFindings')),
    status: choice(params.get('status'), STATUS_FILTERS),
    includeDeleted: params.get('includeDeleted') === 'true',
    sort: choice(params.get('sort'), AGENT_SORT_KEYS) ?? DEFAULT_FILTERS.sort,
    order: choice(params.get('order'), ['asc', 'desc'] as const) ?? DEFAULT_FILTERS.order,
  };
}

/** The query string of a view: only what differs from the defaults, in a stable order. */
export function agentFiltersToParams(f: AgentFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim() !== '') p.set('q', f.q.trim());
  if (f.integrationId) p.set('integrationId', f.integrationId);
  if (f.guardrails) p.set('guardrails', f.guardrails);
  if (f.model) p.set('model', f.model);
  if (f.tool) p.set('tool', f.tool);
  if (f.hasOpenFindings !== null) p.set('hasOpenFindings', String(f.hasOpenFindings));
  if (f.status) p.set('status', f.status);
  if (f.includeDeleted) p.set('includeDeleted', 'true');
  if (f.sort !== DEFAULT_FILTERS.sort || f.order !== DEFAULT_FILTERS.order) {
    p.set('sort', f.sort);
    p.set('order', f.order);
  }
  return p;
}

/** The GET /api/v1/agents query (without cursor and limit). */
export function agentsApiQuery(f: AgentFilters): AgentsApiQuery {
  const query: AgentsApiQuery = { sort: f.sort, order: f.order };
  if (f.q.trim() !== '') query.q = f.q.trim();
  if (f.integrationId) query.integrationId = f.integrationId;
  if (f.guardrails) query.guardrails = f.guardrails;
  if (f.model) query.model = f.model;
  if (f.tool) query.tool = f.tool;
  if (f.hasOpenFindings !== null) query.hasOpenFindings = f.hasOpenFindings ? 'true' : 'false';
  if (f.status) query.status = f.status;
  if (f.includeDeleted) query.includeDeleted = 'true';
  return query;
}

/** Whether any filter or search narrows the list (sort and "include deleted" do not). */
export function isFiltered(f: AgentFilters): boolean {
  return (
    f.q.trim() !== '' ||
    f.integrationId !== null ||
    f.guardrails !== null ||
    f.model !== null ||
    f.tool !== null ||
    f.hasOpenFindings !== null ||
    f.status !== null
  );
}

/** The filters cleared, keeping the sort (what "Reset filters" does). */
export function resetFilters(f: AgentFilters): AgentFilters {
  return { ...DEFAULT_FILTERS, sort: f.sort, order: f.order };
}
