/**
 * Inventory queries: agents (list with filters, sort and cursor pagination; one agent in full; two of
 * its versions compared), models, files and libraries. Scoped to the actor's organization: an
 * integration of another organization, and anything in it, is NOT_FOUND.
 * Field names follow the scan JSON contract (docs/scan-json.md) wherever the same thing is meant.
 */
import { diffAgentConfig, describeAgentChanges } from '../drift/index.ts';
import { AppError } from '../errors/index.ts';
import type { FieldChange, Severity } from '../findings/types.ts';
import { SEVERITIES } from '../findings/types.ts';
import { isMuted } from '../findings/mute.ts';
import type {
  AgentConfig,
  AgentRecord,
  AgentStatus,
  FileRecord,
  LibraryRecord,
  ModelRecord,
} from '../inventory/types.ts';
import { getRule } from '../rules/catalog.ts';
import type { FindingRow, IntegrationView, Store } from '../store/index.ts';
import type { DailyUsagePoint } from '../usage/types.ts';
import {
  createAgentIndex,
  GUARDRAIL_STATES,
  guardrailState,
  type AgentIndex,
  type AgentSummary,
  type GuardrailState,
  type IndexedAgent,
  type IntegrationIndex,
} from './agent-index.ts';
import type { Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';
import { cachedIntegrationLookups, ReadCache } from './read-cache.ts';
import {
  checkBoolean,
  checkChoice,
  checkLimit,
  checkString,
  integrationsInScope,
  invalid,
  utcDay,
} from './read-scope.ts';

export const AGENT_SORTS = ['name', 'model', 'openFindings', 'runs', 'lastActivity', 'riskScore'] as const;
export type AgentSort = (typeof AGENT_SORTS)[number];
export const AGENT_STATUSES: readonly AgentStatus[] = ['active', 'idle', 'unknown'];

export interface ListAgentsQuery {
  integrationId?: string;
  guardrails?: GuardrailState;
  model?: string;
  /** A tool type (web_search, connector, function …) or label ("function lookup_order"), case-insensitive. */
  tool?: string;
  hasOpenFindings?: boolean;
  /** Case-insensitive substring of the name. */
  q?: string;
  status?: AgentStatus;
  sort?: AgentSort;
  order?: 'asc' | 'desc';
  includeDeleted?: boolean;
  cursor?: string;
  limit?: number;
}

export interface AgentFinding {
  id: string;
  ruleId: string;
  severity: Severity;
  status: 'open' | 'resolved';
  lastStatus: string;
  title: string;
  detail: string;
  remediation: string;
  muted: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface AgentEvent {
  id: number;
  type: string;
  at: string;
  summary: string;
  changes: FieldChange[] | null;
  syncRunId: string | null;
}

export interface AgentDetail extends AgentRecord {
  integrationId: string;
  guardrailState: GuardrailState;
  modelLifecycle: AgentSummary['modelLifecycle'];
  riskScore: number;
  openFindingsCount: AgentSummary['openFindings'];
  runs30d: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
  changedAt: string;
  deletedAt: string | null;
  /** Knowledge bases with the document count of each library (null when the library is unknown). */
  knowledgeBases: (AgentRecord['knowledgeBases'][number] & { documentCount: number | null })[];
  /** Daily series of the last 90 days (docs/metrics.md); null when usage is unavailable. */
  usageDaily: DailyUsagePoint[] | null;
  /** Open findings on the agent (muted ones included, flagged). */
  findings: AgentFinding[];
  /** The 20 most recent change events of the agent. */
  events: AgentEvent[];
}

export interface VersionComparison {
  integrationId: string;
  agentId: string;
  fromVersion: number;
  toVersion: number;
  /** Field-by-field differences (src/drift), empty when identical. */
  changes: FieldChange[];
  summary: string;
}

export interface ModelSummary extends ModelRecord {
  integrationId: string;
  /** Agents (not deleted) whose model is this card's id or one of its aliases. */
  agentCount: number;
  agentIds: string[];
  deletedAt: string | null;
}

export interface FileSummary extends FileRecord {
  integrationId: string;
  deletedAt: string | null;
}

export interface LibrarySummary extends LibraryRecord {
  integrationId: string;
  agentCount: number;
  agentIds: string[];
  deletedAt: string | null;
}

export interface ResourceListQuery {
  integrationId?: string;
  includeDeleted?: boolean;
  cursor?: string;
  limit?: number;
}

export interface InventoryService {
  listAgents(actor: Actor, query?: ListAgentsQuery): Promise<Page<AgentSummary>>;
  getAgent(actor: Actor, integrationId: string, agentId: string): Promise<AgentDetail>;
  compareAgentVersions(
    actor: Actor,
    integrationId: string,
    agentId: string,
    fromVersion: number,
    toVersion: number,
  ): Promise<VersionComparison>;
  listModels(actor: Actor, query?: ResourceListQuery): Promise<Page<ModelSummary>>;
  listFiles(actor: Actor, query?: ResourceListQuery): Promise<Page<FileSummary>>;
  listLibraries(actor: Actor, query?: ResourceListQuery): Promise<Page<LibrarySummary>>;
}

export interface InventoryServiceDeps {
  store: Pick<Store, 'integrations' | 'queries' | 'usage'>;
  /** Shared with the posture service (one cache); created here when absent. */
  agentIndex?: AgentIndex;
  now?: () => Date;
}

type SortValue = string | number | null;

interface AgentCursor {
  s: AgentSort;
  o: 'asc' | 'desc';
  k: SortValue;
  i: string;
  id: string;
}

function sortValue(a: AgentSummary, sort: AgentSort): SortValue {
  switch (sort) {
    case 'name':
      return (a.name ?? '').toLowerCase();
    case 'model':
      return a.model ?? '';
    case 'openFindings':
      return a.openFindings.total;
    case 'runs':
      return a.runs30d;
    case 'lastActivity':
      return a.lastActivityAt;
    case 'riskScore':
      return a.riskScore;
  }
}

/** Order of sort values: nulls always last (whatever the direction), then by value. */
function compareValues(x: SortValue, y: SortValue, desc: boolean): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  const c = x < y ? -1 : 1;
  return desc ? -c : c;
}

function compareKeys(
  a: { k: SortValue; i: string; id: string },
  b: { k: SortValue; i: string; id: string },
  desc: boolean,
): number {
  return (
    compareValues(a.k, b.k, desc) ||
    (a.i < b.i ? -1 : a.i > b.i ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function isAgentCursor(v: unknown): v is AgentCursor {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    (AGENT_SORTS as readonly unknown[]).includes(c.s) &&
    (c.o === 'asc' || c.o === 'desc') &&
    (c.k === null || typeof c.k === 'string' || typeof c.k === 'number') &&
    typeof c.i === 'string' &&
    typeof c.id === 'string'
  );
}

interface OffsetCursor {
  i: string;
  id: string;
}
const isOffsetCursor = (v: unknown): v is OffsetCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as OffsetCursor).i === 'string' &&
  typeof (v as OffsetCursor).id === 'string';

function agentNotFound(agentId: string): AppError {
  return new AppError('NOT_FOUND', `No agent "${agentId}" in this integration.`, {
    remediation: 'List the agents of the integration (GET /api/v1/agents?integrationId=…) to find the id.',
  });
}

/** Page over items sorted by (integrationId, id), with a cursor naming the last item. */
function pageById<T extends { integrationId: string; id: string }>(
  items: T[],
  cursor: string | undefined,
  limit: number | undefined,
): Page<T> {
  const n = clampLimit(checkLimit(limit));
  const after = decodeCursor(cursor, isOffsetCursor);
  items.sort(
    (a, b) =>
      (a.integrationId < b.integrationId ? -1 : a.integrationId > b.integrationId ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const rest = after
    ? items.filter((x) => x.integrationId > after.i || (x.integrationId === after.i && x.id > after.id))
    : items;
  const page = rest.slice(0, n);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rest.length > n && last ? encodeCursor({ i: last.integrationId, id: last.id }) : null,
  };
}

function toAgentFinding(f: FindingRow, now: Date): AgentFinding {
  return {
    id: f.id,
    ruleId: f.ruleId,
    severity: f.severity,
    status: f.status,
    lastStatus: f.lastStatus,
    title: f.title,
    detail: f.detail,
    remediation: getRule(f.ruleId)?.meta.remediation.text ?? '',
    muted: isMuted(f, now),
    firstSeenAt: f.firstSeenAt,
    lastSeenAt: f.lastSeenAt,
  };
}

interface AgentFilters {
  guardrails?: GuardrailState;
  status?: AgentStatus;
  model?: string;
  tool?: string;
  q?: string;
  hasOpenFindings?: boolean;
  includeDeleted: boolean;
}

interface KeyedAgent {
  a: IndexedAgent;
  key: { k: SortValue; i: string; id: string };
}

/** The agents of the indexes that pass the filters, in list order. */
function sortedMatches(
  indexes: readonly IntegrationIndex[],
  f: AgentFilters,
  sort: AgentSort,
  desc: boolean,
): KeyedAgent[] {
  const out: KeyedAgent[] = [];
  for (const idx of indexes) {
    for (const a of idx.agents) {
      const s = a.summary;
      if (!f.includeDeleted && s.deletedAt !== null) continue;
      if (f.guardrails && s.guardrailState !== f.guardrails) continue;
      if (f.status && s.status !== f.status) continue;
      if (f.model !== undefined && s.model !== f.model) continue;
      if (f.tool !== undefined && !a.toolKeys.has(f.tool)) continue;
      if (f.hasOpenFindings !== undefined && s.openFindings.total > 0 !== f.hasOpenFindings) continue;
      if (f.q !== undefined && !a.nameLower.includes(f.q)) continue;
      out.push({ a, key: { k: sortValue(s, sort), i: s.integrationId, id: s.id } });
    }
  }
  return out.sort((x, y) => compareKeys(x.key, y.key, desc));
}

/** Lists over several integrations kept (each holds references to its indexes until evicted). */
const MULTI_SORTED_ENTRIES = 64;
const serials = new WeakMap<IntegrationIndex, number>();
let nextSerial = 1;
/** A number that names one index object (never reused), for cache keys. */
function indexSerial(idx: IntegrationIndex): number {
  let n = serials.get(idx);
  if (n === undefined) {
    n = nextSerial++;
    serials.set(idx, n);
  }
  return n;
}

export function createInventoryService(deps: InventoryServiceDeps): InventoryService {
  const now = deps.now ?? (() => new Date());
  const store = deps.store;
  const index = deps.agentIndex ?? createAgentIndex({ store, now });
  // Lookups for reads only (src/services/read-cache.ts): at most INTEGRATION_LOOKUP_TTL_MS old.
  const lookups = { integrations: cachedIntegrationLookups(store.integrations) };
  /** Sorted agent lists over several integrations (one integration's are in its index's memo). */
  const multiSorted = new ReadCache(MULTI_SORTED_ENTRIES);

  async function scoped(actor: Actor, integrationId: string): Promise<IntegrationView> {
    if (typeof integrationId !== 'string' || integrationId === '') {
      throw invalid('integrationId', 'integrationId is required.', 'Pass the id of the integration.');
    }
    return (await integrationsInScope(lookups, actor, integrationId))[0];
  }

  async function loadAgent(actor: Actor, integrationId: string, agentId: string) {
    const integ = await scoped(actor, integrationId);
    if (typeof agentId !== 'string' || agentId === '') {
      throw invalid('agentId', 'agentId is required.', 'Pass the id of the agent.');
    }
    const entry = await store.queries.record(integ.id, 'agent', agentId);
    if (!entry) throw agentNotFound(agentId);
    return { integ, entry, record: entry.data as AgentRecord };
  }

  async function agentDetail(
    integ: IntegrationView,
    idx: IntegrationIndex,
    agentId: string,
  ): Promise<AgentDetail> {
    const at = now();
    // The reads are independent: at once (on PostgreSQL they run side by side on the pool's
    // connections; on PGlite one after the other, as before). The usage series only when the record
    // says usage was read (a second step, rare to skip).
    const [entry, libraries, findings, events] = await Promise.all([
      store.queries.record(integ.id, 'agent', agentId),
      // Document counts of the integration's libraries: the same for every agent of this index.
      idx.memo.get(
        'library-document-counts',
        at.getTime(),
        async () =>
          new Map(
            (await store.queries.records(integ.id, 'library', true)).map((l) => [
              l.id,
              (l.data as LibraryRecord).documentCount,
            ]),
          ),
      ),
      store.queries.findingsOf(integ.id, 'agent', agentId),
      store.queries.events({
        integrationIds: [integ.id],
        resourceId: agentId,
        limit: 20,
      }),
    ]);
    if (!entry) throw agentNotFound(agentId);
    const record = entry.data as AgentRecord;
    const summary = idx.byId.get(agentId)?.summary;
    const usageDaily =
      record.usage === null ? null : await store.usage(integ.id).loadDailySeries(agentId, utcDay(at, 89));
    return {
      ...record,
      integrationId: integ.id,
      guardrailState: guardrailState(record),
      modelLifecycle: summary?.modelLifecycle ?? null,
      riskScore: summary?.riskScore ?? 0,
      openFindingsCount: summary?.openFindings ?? {
        total: 0,
        bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
      },
      runs30d: summary?.runs30d ?? null,
      firstSeenAt: entry.firstSeenAt,
      lastSeenAt: entry.lastSeenAt,
      changedAt: entry.changedAt,
      deletedAt: entry.deletedAt,
      knowledgeBases: record.knowledgeBases.map((k) => ({
        ...k,
        documentCount: libraries.get(k.id) ?? null,
      })),
      usageDaily,
      findings: findings.filter((f) => f.status === 'open').map((f) => toAgentFinding(f, at)),
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        at: e.at,
        summary: e.summary,
        changes: e.changes,
        syncRunId: e.syncRunId,
      })),
    };
  }

  return {
    async listAgents(actor, query = {}) {
      const guardrails = checkChoice('guardrails', query.guardrails, GUARDRAIL_STATES);
      const status = checkChoice('status', query.status, AGENT_STATUSES);
      const sort = checkChoice('sort', query.sort, AGENT_SORTS) ?? 'name';
      const order = checkChoice('order', query.order, ['asc', 'desc'] as const) ?? 'asc';
      const model = checkString('model', query.model);
      const tool = checkString('tool', query.tool)?.toLowerCase();
      const q = checkString('q', query.q, 200)?.toLowerCase();
      const hasOpenFindings = checkBoolean('hasOpenFindings', query.hasOpenFindings);
      const includeDeleted = checkBoolean('includeDeleted', query.includeDeleted) ?? false;
      const limit = clampLimit(checkLimit(query.limit));
      const cursor = decodeCursor(query.cursor, isAgentCursor);
      if (cursor && (cursor.s !== sort || cursor.o !== order)) {
        throw invalid(
          'cursor',
          'The cursor belongs to a list with another sort order.',
          'Pass the same sort and order as for the first page, or start again without a cursor.',
        );
      }
      const integrations = await integrationsInScope(lookups, actor, query.integrationId);
      const indexes: IntegrationIndex[] = [];
      for (const integ of integrations) indexes.push(await index.get(integ.id));
      const desc = order === 'desc';
      const filters = { guardrails, status, model, tool, q, hasOpenFindings, includeDeleted };
      // Sorted matches depend on the indexes alone: kept in the index's memo (every cursor of the list
      // pages them), or, over several integrations, in a small cache keyed by the identity of each index
      // (an index is replaced, never changed, when it is stale: a replaced one never matches again).
      const what = JSON.stringify([filters, sort, order]);
      const sorted =
        indexes.length === 1
          ? await indexes[0].memo.get(`agents\u0000${what}`, now().getTime(), async () =>
              sortedMatches(indexes, filters, sort, desc),
            )
          : indexes.every((x) => x.memo.capacity > 0)
            ? await multiSorted.get(
                `${indexes.map(indexSerial).join(',')}\u0000${what}`,
                now().getTime(),
                async () => sortedMatches(indexes, filters, sort, desc),
              )
            : sortedMatches(indexes, filters, sort, desc);
      let start = 0;
      if (cursor) {
        // First item strictly after the cursor (the list is in compareKeys order).
        const after = { k: cursor.k, i: cursor.i, id: cursor.id };
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareKeys(sorted[mid].key, after, desc) > 0) hi = mid;
          else lo = mid + 1;
        }
        start = lo;
      }
      const page = sorted.slice(start, start + limit);
      const last = page[page.length - 1];
      return {
        items: page.map((x) => x.a.summary),
        nextCursor:
          sorted.length > start + limit && last
            ? encodeCursor({ s: sort, o: order, k: last.key.k, i: last.key.i, id: last.key.id })
            : null,
      };
    },

    async getAgent(actor, integrationId, agentId) {
      const integ = await scoped(actor, integrationId);
      if (typeof agentId !== 'string' || agentId === '') {
        throw invalid('agentId', 'agentId is required.', 'Pass the id of the agent.');
      }
      const idx = await index.get(integ.id);
      // Everything in the detail changes only with a sync, a mute or the day, as the index does.
      if (idx.byId.has(agentId)) {
        return idx.memo.get(`detail\u0000${agentId}`, now().getTime(), () =>
          agentDetail(integ, idx, agentId),
        );
      }
      return agentDetail(integ, idx, agentId);
    },

    async compareAgentVersions(actor, integrationId, agentId, fromVersion, toVersion) {
      for (const [field, v] of [
        ['fromVersion', fromVersion],
        ['toVersion', toVersion],
      ] as const) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
          throw invalid(
            field,
            `${field} must be a version number (0 or more).`,
            'Pick versions from the agent’s versions list.',
          );
        }
      }
      const { integ, record } = await loadAgent(actor, integrationId, agentId);
      const configs = new Map<number, AgentConfig>();
      for (const c of record.versionHistory ?? []) configs.set(c.version, c);
      if (!configs.has(record.version)) configs.set(record.version, record);
      const pick = (field: 'fromVersion' | 'toVersion', v: number): AgentConfig => {
        const c = configs.get(v);
        if (!c) {
          const known = [...configs.keys()].sort((a, b) => a - b);
          throw new AppError('NOT_FOUND', `Version ${v} of agent "${agentId}" is not known.`, {
            details: { field },
            remediation:
              known.length > 0
                ? `Pick one of the known versions: ${known.join(', ')}.`
                : 'The version history was not available at the last sync; sync again once it is.',
          });
        }
        return c;
      };
      const from = pick('fromVersion', fromVersion);
      const to = pick('toVersion', toVersion);
      const changes = diffAgentConfig(from, to);
      return {
        integrationId: integ.id,
        agentId,
        fromVersion,
        toVersion,
        changes,
        summary: changes.length === 0 ? 'no differences' : describeAgentChanges(from, to, changes),
      };
    },

    async listModels(actor, query = {}) {
      const includeDeleted = checkBoolean('includeDeleted', query.includeDeleted) ?? false;
      const out: ModelSummary[] = [];
      for (const integ of await integrationsInScope(lookups, actor, query.integrationId)) {
        const idx = await index.get(integ.id);
        const live = idx.agents.filter((a) => a.summary.deletedAt === null);
        for (const e of await store.queries.records(integ.id, 'model', includeDeleted)) {
          const m = e.data as ModelRecord;
          const names = new Set([m.id, ...(m.aliases ?? [])]);
          const agentIds = live
            .filter((a) => a.summary.model !== null && names.has(a.summary.model))
            .map((a) => a.summary.id);
          out.push({
            ...m,
            integrationId: integ.id,
            agentCount: agentIds.length,
            agentIds,
            deletedAt: e.deletedAt,
          });
        }
      }
      return pageById(out, query.cursor, query.limit);
    },

    async listFiles(actor, query = {}) {
      const includeDeleted = checkBoolean('includeDeleted', query.includeDeleted) ?? false;
      const out: FileSummary[] = [];
      for (const integ of await integrationsInScope(lookups, actor, query.integrationId)) {
        for (const e of await store.queries.records(integ.id, 'file', includeDeleted)) {
          out.push({ ...(e.data as FileRecord), integrationId: integ.id, deletedAt: e.deletedAt });
        }
      }
      return pageById(out, query.cursor, query.limit);
    },

    async listLibraries(actor, query = {}) {
      const includeDeleted = checkBoolean('includeDeleted', query.includeDeleted) ?? false;
      const out: LibrarySummary[] = [];
      for (const integ of await integrationsInScope(lookups, actor, query.integrationId)) {
        const idx = await index.get(integ.id);
        const live = idx.agents.filter((a) => a.summary.deletedAt === null);
        for (const e of await store.queries.records(integ.id, 'library', includeDeleted)) {
          const agentIds = live.filter((a) => a.libraryIds.includes(e.id)).map((a) => a.summary.id);
          out.push({
            ...(e.data as LibraryRecord),
            integrationId: integ.id,
            agentCount: agentIds.length,
            agentIds,
            deletedAt: e.deletedAt,
          });
        }
      }
      return pageById(out, query.cursor, query.limit);
    },
  };
}
