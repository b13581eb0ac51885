/**
 * What a sync reads beyond the product document's inventory (issue 11), as the latest stored snapshot
 * has it: MCP connectors (where each points, its credentials' names and status, its tools, the agents
 * using it), the organization read with the optional admin key (API keys, members, invites,
 * workspaces, rate limit, usage and cost per model and month), and the availability rows of all of
 * them (`Snapshot.extraAvailability`).
 *
 * Every section carries its availability: a section that was not read says why and what to do, and
 * is never shown as an empty list or a zero. No credential or key value is ever returned: connector
 * records hold none (src/inventory/connectors.ts), and an API key's masked form is masked again here
 * if it does not look masked.
 *
 * Scoped to the actor's organization (another organization's integration is NOT_FOUND); any role
 * may read. The derived views are cached per stored snapshot (src/services/read-cache.ts).
 */
import { AppError } from '../errors/index.ts';
import type {
  AdminFeatureKey,
  AdminInventory,
  ApiKeyRecord,
  InviteRecord,
  MemberRecord,
  UsageCostRecord,
  WorkspaceRecord,
} from '../inventory/admin.ts';
import type { ConnectorRecord } from '../inventory/connectors.ts';
import type { BatchJobRecord, PromptRecord, RegistryFeatureKey } from '../inventory/prompts-skills.ts';
import type {
  AvailabilityStatus,
  ExtraFeatureKey,
  FeatureAvailability,
  Snapshot,
} from '../inventory/types.ts';
import { adminsUntold } from '../rules/admin-helpers.ts';
import { KEY_UNUSED_AFTER_DAYS } from '../rules/checks/mistral-integration-api-key-unused.ts';
import type { IntegrationView, Store } from '../store/index.ts';
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
} from './read-scope.ts';

/**
 * The rows this service adds to the availability matrix, in the order they are shown. The v2
 * registry's lists (prompts, skills, batch jobs) have their own sections (`SectionKey`) but are not
 * rows of the matrix.
 */
export type ExtraRowKey = ExtraFeatureKey | AdminFeatureKey;
/** Every section a page of this service can depend on. */
export type SectionKey = ExtraRowKey | RegistryFeatureKey;
export const EXTRA_ROW_KEYS: readonly ExtraRowKey[] = [
  'connectors',
  'librarySharing',
  'adminApiKeys',
  'adminMembers',
  'auditLog',
  'rateLimit',
  'adminUsage',
];

interface RowMeta {
  label: string;
  endpoints: string[];
  /** Which key reads it: the integration's ordinary key, or the optional admin key. */
  needs: 'apiKey' | 'adminKey';
  /** A condition beyond the key (plan, beta), for people. */
  note: string | null;
}

const ROWS: Record<SectionKey, RowMeta> = {
  connectors: {
    label: 'MCP connectors',
    endpoints: [
      'GET /v1/connectors',
      'GET /v1/connectors/{id}/tools',
      'GET /v1/connectors/{id}/{organization|workspace|user}/credentials',
    ],
    needs: 'apiKey',
    note: 'Beta API',
  },
  librarySharing: {
    label: 'Library sharing',
    endpoints: ['GET /v1/libraries/{id}/share'],
    needs: 'apiKey',
    note: 'Beta API',
  },
  adminApiKeys: {
    label: 'API keys of the organization',
    endpoints: ['GET /v1/admin/api-keys'],
    needs: 'adminKey',
    note: null,
  },
  adminMembers: {
    label: 'Members, invites and workspaces',
    endpoints: ['GET /v1/admin/users', 'GET /v1/admin/roles', 'GET /v1/admin/workspaces'],
    needs: 'adminKey',
    note: null,
  },
  auditLog: {
    label: 'Audit log',
    endpoints: ['GET /v1/admin/audit-logs'],
    needs: 'adminKey',
    note: 'Enterprise plans only',
  },
  rateLimit: {
    label: 'Rate limit',
    endpoints: ['GET /v1/admin/rate-limit'],
    needs: 'adminKey',
    note: null,
  },
  adminUsage: {
    label: 'Usage and cost per model',
    endpoints: ['GET /v1/admin/usage'],
    needs: 'adminKey',
    note: null,
  },
  prompts: {
    label: 'Prompts',
    endpoints: ['GET /v2/prompts', 'GET /v2/prompts/{id}/versions'],
    needs: 'apiKey',
    note: 'Beta API',
  },
  skills: {
    label: 'Skills',
    endpoints: ['GET /v2/skills', 'GET /v2/skills/{id}/versions'],
    needs: 'apiKey',
    note: 'Beta API',
  },
  batchJobs: {
    label: 'Batch jobs',
    endpoints: ['GET /v1/batch/jobs'],
    needs: 'apiKey',
    note: null,
  },
};

/** One feature's state as the latest stored snapshot saw it; status null = not known (said why). */
export interface SectionAvailability {
  feature: SectionKey;
  status: AvailabilityStatus | null;
  message: string | null;
  remediation: string | null;
  code: string | null;
}

export interface ExtraAvailabilityRow extends SectionAvailability {
  feature: ExtraRowKey;
  label: string;
  endpoints: string[];
  needs: 'apiKey' | 'adminKey';
  note: string | null;
}

export interface ExtraAvailabilityView {
  integrationId: string;
  /** The sync whose snapshot the statuses come from; null before any stored snapshot. */
  syncRunId: string | null;
  takenAt: string | null;
  rows: ExtraAvailabilityRow[];
}

export interface ConnectorAgent {
  id: string;
  /** null when the agent is not in the snapshot (or has no name). */
  name: string | null;
}

export interface ConnectorView extends ConnectorRecord {
  integrationId: string;
  /** Registered by someone in the organization (not built by Mistral). */
  custom: boolean;
  /** Its server is reached over plain HTTP (or ws); null when the scheme is unknown. */
  insecureTransport: boolean | null;
  /** Its server is on a loopback, private or intranet address; null when unknown. */
  nonPublicServer: boolean | null;
  /** The agents whose current tools use it, with their names. */
  agents: ConnectorAgent[];
}

export interface SectionPage<T> extends Page<T> {
  integrationId: string;
  syncRunId: string | null;
  takenAt: string | null;
  /** Why the list is empty when it is not read: never an empty list taken for "none". */
  availability: SectionAvailability;
}

export interface ApiKeyView {
  id: string;
  name: string | null;
  /** The masked form (e.g. "HQSx...Ug6Y"); never the key. */
  hiddenKey: string;
  workspaceId: string | null;
  workspaceName: string | null;
  product: string | null;
  createdBy: string | null;
  createdAt: string | null;
  expiresOn: string | null;
  lastUsedOn: string | null;
  canDelete: boolean | null;
  isIntegrationKey: boolean | null;
  neverExpires: boolean;
  /** Its expiry date has passed (as of the request). */
  expired: boolean;
  /** Days until it expires (negative once expired); null when it never expires. */
  daysToExpiry: number | null;
  /** Days since its last use; null when never used. */
  daysSinceLastUse: number | null;
}

export type MemberView = MemberRecord;
export type InviteView = InviteRecord;

export interface UsageModelRow {
  model: string;
  products: string[];
  /** Quantities by metric (input_tokens, output_tokens, …); null when a row gave none. */
  metrics: Record<string, number | null>;
  /** Sum of the cost of its rows; null when no row had a cost. */
  cost: number | null;
}

export interface UsageMonthView {
  year: number;
  month: number;
  currency: string | null;
  startDate: string | null;
  endDate: string | null;
  totalCost: number | null;
  byModel: UsageModelRow[];
}

export interface OrganizationView {
  integrationId: string;
  syncRunId: string | null;
  takenAt: string | null;
  sections: {
    apiKeys: SectionAvailability;
    members: SectionAvailability;
    invites: SectionAvailability;
    workspaces: SectionAvailability;
    auditLog: SectionAvailability;
    rateLimit: SectionAvailability;
    usage: SectionAvailability;
  };
  /** Counts over the keys; null when they were not read (see sections.apiKeys). */
  apiKeys: {
    total: number;
    neverExpire: number;
    expired: number;
    /** Never used, or not for KEY_UNUSED_AFTER_DAYS (90) days: the rule's own threshold. */
    unusedFor90Days: number;
    /** Whether the integration's own key is among them; null when that could not be told. */
    integrationKeyFound: boolean | null;
  } | null;
  members: { total: number; admins: number; outsiders: number; outsiderAdmins: number } | null;
  invites: { total: number; pending: number; expired: number; grantingAdmin: number } | null;
  workspaces: WorkspaceRecord[] | null;
  auditLog: { entriesRead: number; cursor: string | null; truncated: boolean } | null;
  rateLimit: {
    requestsPerSecond: number;
    /** What TrustLens paced itself to; null when not applied. */
    pacedRequestsPerSecond: number | null;
    tokensByModel: { model: string; tokensPerMinute: number; tokensPerMonth: number }[];
  } | null;
  /** Current month first; null when not read. */
  usage: UsageMonthView[] | null;
}

/** A prompt or skill of the v2 registry: names, versions, aliases, where credentials sit (never text). */
export interface RegistryObjectView extends PromptRecord {
  integrationId: string;
}

/** A batch job: status, endpoint, model, the agent it runs (with its name when it still exists). */
export interface BatchJobView extends BatchJobRecord {
  integrationId: string;
  /** The agent's name in the snapshot; null when no agent, it no longer exists, or it has no name. */
  agentName: string | null;
}

export interface SectionListQuery {
  cursor?: string;
  limit?: number;
  q?: string;
}

export interface ConnectorListQuery extends SectionListQuery {
  kind?: 'custom' | 'builtIn';
}

export interface MemberListQuery extends SectionListQuery {
  admin?: boolean;
  outsider?: boolean;
}

export interface WorkspaceExtrasService {
  availability(actor: Actor, integrationId: string): Promise<ExtraAvailabilityView>;
  listConnectors(
    actor: Actor,
    integrationId: string,
    query?: ConnectorListQuery,
  ): Promise<SectionPage<ConnectorView>>;
  getConnector(actor: Actor, integrationId: string, connectorId: string): Promise<ConnectorView>;
  organization(actor: Actor, integrationId: string): Promise<OrganizationView>;
  listApiKeys(
    actor: Actor,
    integrationId: string,
    query?: SectionListQuery,
  ): Promise<SectionPage<ApiKeyView>>;
  listMembers(actor: Actor, integrationId: string, query?: MemberListQuery): Promise<SectionPage<MemberView>>;
  listInvites(
    actor: Actor,
    integrationId: string,
    query?: SectionListQuery,
  ): Promise<SectionPage<InviteView>>;
  listPrompts(
    actor: Actor,
    integrationId: string,
    query?: SectionListQuery,
  ): Promise<SectionPage<RegistryObjectView>>;
  listSkills(
    actor: Actor,
    integrationId: string,
    query?: SectionListQuery,
  ): Promise<SectionPage<RegistryObjectView>>;
  listBatchJobs(
    actor: Actor,
    integrationId: string,
    query?: BatchJobListQuery,
  ): Promise<SectionPage<BatchJobView>>;
}

export interface BatchJobListQuery extends SectionListQuery {
  status?: string;
}

export interface WorkspaceExtrasDeps {
  store: Pick<Store, 'integrations' | 'snapshots'>;
  now?: () => Date;
  /** Derived views kept (one per integration and stored snapshot); default 32. */
  cacheCapacity?: number;
}

/** What one stored snapshot gives this service, derived once. */
interface Derived {
  syncRunId: string | null;
  takenAt: string | null;
  hasSnapshot: boolean;
  extra: Snapshot['extraAvailability'] | null;
  connectors: ConnectorView[] | null;
  admin: AdminInventory | null;
  /** Why the organization's admins could not be told (src/rules/admin-helpers.ts), or null. */
  adminsUntold?: string | null;
  /** The v2 registry's lists; null when not read (or a snapshot older than them). */
  prompts?: RegistryObjectView[] | null;
  skills?: RegistryObjectView[] | null;
  batchJobs?: BatchJobView[] | null;
}

const DAY_MS = 86_400_000;

/**
 * A masked key stays as sent when it looks masked ("abcd...wxyz", "••••", "****"); anything else is
 * masked here (first 4 + "..." + last 4, or "••••" when short), so a plaintext value never leaves.
 */
export function maskKey(hidden: string): string {
  const s = String(hidden);
  if (/(\.\.\.|…|\*{3,}|•{3,})/.test(s) && s.length <= 40) return s;
  if (s.length >= 16) return `${s.slice(0, 4)}...${s.slice(-4)}`;
  return '••••';
}

function daysBetween(fromDay: string, to: Date): number | null {
  const t = Date.parse(fromDay.length === 10 ? `${fromDay}T00:00:00Z` : fromDay);
  if (Number.isNaN(t)) return null;
  return Math.floor((to.getTime() - t) / DAY_MS);
}

export function apiKeyView(k: ApiKeyRecord, now: Date): ApiKeyView {
  const toExpiry = k.expiresOn === null ? null : daysBetween(k.expiresOn, now);
  return {
    id: k.id,
    name: k.name,
    hiddenKey: maskKey(k.hiddenKey),
    workspaceId: k.workspaceId,
    workspaceName: k.workspaceName,
    product: k.product,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    expiresOn: k.expiresOn,
    lastUsedOn: k.lastUsedOn,
    canDelete: k.canDelete,
    isIntegrationKey: k.isIntegrationKey,
    neverExpires: k.expiresOn === null,
    // An expiry day is usable through its end.
    expired: toExpiry !== null && toExpiry > 0,
    daysToExpiry: toExpiry === null ? null : -toExpiry,
    daysSinceLastUse: k.lastUsedOn === null ? null : daysBetween(k.lastUsedOn, now),
  };
}

/** Usage rows of a month grouped per model (metrics summed, cost summed; null stays unknown). */
export function usageByModel(m: UsageCostRecord): UsageMonthView {
  const byModel = new Map<string, UsageModelRow>();
  for (const r of m.rows) {
    let row = byModel.get(r.model);
    if (!row) {
      row = { model: r.model, products: [], metrics: {}, cost: null };
      byModel.set(r.model, row);
    }
    if (!row.products.includes(r.product)) row.products.push(r.product);
    const before = row.metrics[r.metric];
    row.metrics[r.metric] = r.quantity === null ? (before ?? null) : (before ?? 0) + r.quantity;
    if (r.cost !== null) row.cost = (row.cost ?? 0) + r.cost;
  }
  const rows = [...byModel.values()].sort(
    (a, b) => (b.cost ?? -1) - (a.cost ?? -1) || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
  );
  return {
    year: m.year,
    month: m.month,
    currency: m.currency,
    startDate: m.startDate,
    endDate: m.endDate,
    totalCost: m.totalCost,
    byModel: rows,
  };
}

function sectionState(d: Derived, feature: SectionKey, present: boolean): SectionAvailability {
  const meta = ROWS[feature];
  if (!d.hasSnapshot) {
    return {
      feature,
      status: null,
      message: 'No finished sync has read it yet.',
      remediation: 'Run a sync (Sync now on the integration’s page) to read it.',
      code: null,
    };
  }
  const row: FeatureAvailability | undefined = (d.extra as Record<string, FeatureAvailability> | null)?.[
    feature
  ];
  if (!row) {
    return {
      feature,
      status: null,
      message: `The last sync did not read ${meta.label.toLowerCase()}: it ran before TrustLens read it.`,
      remediation:
        meta.needs === 'adminKey'
          ? 'Add an admin API key to the integration and run a sync.'
          : 'Run a sync to read it.',
      code: null,
    };
  }
  if (row.status === 'available' && !present) {
    return {
      feature,
      status: 'error',
      message: 'The stored snapshot says it was read but holds no data for it.',
      remediation: 'Run a sync again; if it persists, report it with the sync run id.',
      code: 'NOT_STORED',
    };
  }
  return {
    feature,
    status: row.status,
    message: row.message ?? null,
    remediation: row.remediation ?? null,
    code: row.code ?? null,
  };
}

function connectorViews(s: Snapshot, integrationId: string): ConnectorView[] | null {
  if (!Array.isArray(s.connectors)) return null;
  const names = new Map(s.agents.map((a) => [a.id, a.name]));
  return s.connectors.map((c) => ({
    ...c,
    integrationId,
    custom: !c.builtIn,
    insecureTransport: c.serverScheme === null ? null : c.serverScheme === 'http' || c.serverScheme === 'ws',
    nonPublicServer: c.serverExposure === 'unknown' ? null : c.serverExposure === 'private',
    agents: c.usedByAgents.map((id) => ({ id, name: names.get(id) ?? null })),
  }));
}

function registryViews(
  records: readonly PromptRecord[] | null | undefined,
  integrationId: string,
): RegistryObjectView[] | null {
  if (!Array.isArray(records)) return null;
  // Snapshots from before the credential scan lack these two fields: not scanned, nothing found.
  return records.map((r) => ({
    ...r,
    integrationId,
    secretsScanned: r.secretsScanned ?? false,
    secretFindings: r.secretFindings ?? [],
  }));
}

function batchJobViews(s: Snapshot, integrationId: string): BatchJobView[] | null {
  if (!Array.isArray(s.batchJobs)) return null;
  const names = new Map(s.agents.map((a) => [a.id, a.name]));
  return s.batchJobs.map((j) => ({
    ...j,
    integrationId,
    agentName: j.agentId !== null && j.agentExists === true ? (names.get(j.agentId) ?? null) : null,
  }));
}

interface NameCursor {
  k: string;
  id: string;
}
const isNameCursor = (v: unknown): v is NameCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as NameCursor).k === 'string' &&
  typeof (v as NameCursor).id === 'string';

/** Pages items ordered by (key, id), the cursor naming the last item's key and id. */
function pageByKey<T>(
  items: readonly T[],
  keyOf: (x: T) => string,
  idOf: (x: T) => string,
  cursor: string | undefined,
  limit: number | undefined,
): Page<T> {
  const n = clampLimit(checkLimit(limit));
  const after = decodeCursor(cursor, isNameCursor);
  const cmp = (ak: string, aid: string, bk: string, bid: string) =>
    ak < bk ? -1 : ak > bk ? 1 : aid < bid ? -1 : aid > bid ? 1 : 0;
  const sorted = items
    .map((x) => ({ x, k: keyOf(x), id: idOf(x) }))
    .sort((a, b) => cmp(a.k, a.id, b.k, b.id));
  const rest = after ? sorted.filter((e) => cmp(e.k, e.id, after.k, after.id) > 0) : sorted;
  const slice = rest.slice(0, n);
  const last = slice[slice.length - 1];
  return {
    items: slice.map((e) => e.x),
    nextCursor: rest.length > n && last ? encodeCursor({ k: last.k, id: last.id }) : null,
  };
}

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();

/** A sortable key that orders ISO times newest first (digits complemented; other characters kept). */
function invertedTime(iso: string): string {
  return iso.replace(/[0-9]/g, (c) => String(9 - Number(c)));
}

export function createWorkspaceExtrasService(deps: WorkspaceExtrasDeps): WorkspaceExtrasService {
  const now = deps.now ?? (() => new Date());
  const store = deps.store;
  const lookups = { integrations: cachedIntegrationLookups(store.integrations) };
  const cache = new ReadCache(deps.cacheCapacity ?? 32);

  async function scoped(actor: Actor, integrationId: string): Promise<IntegrationView> {
    if (typeof integrationId !== 'string' || integrationId === '') {
      throw invalid('integrationId', 'integrationId is required.', 'Pass the id of the integration.');
    }
    return (await integrationsInScope(lookups, actor, integrationId))[0];
  }

  /** The latest stored snapshot's views: one small query, then the cache (keyed by that snapshot). */
  async function derived(integrationId: string): Promise<Derived> {
    const latest = (await store.snapshots.list(integrationId))[0];
    if (!latest) {
      return {
        syncRunId: null,
        takenAt: null,
        hasSnapshot: false,
        extra: null,
        connectors: null,
        admin: null,
      };
    }
    return cache.get(
      `${integrationId}\u0000${latest.syncRunId}\u0000${latest.takenAt}`,
      Date.now(),
      async () => {
        const stored = await store.snapshots.loadLatest(integrationId);
        if (!stored) {
          return {
            syncRunId: null,
            takenAt: null,
            hasSnapshot: false,
            extra: null,
            connectors: null,
            admin: null,
          };
        }
        const s = stored.snapshot;
        return {
          syncRunId: stored.syncRunId,
          takenAt: stored.takenAt,
          hasSnapshot: true,
          extra: s.extraAvailability ?? null,
          connectors: connectorViews(s, integrationId),
          admin: s.admin ?? null,
          adminsUntold: s.admin?.members ? adminsUntold(s) : null,
          prompts: registryViews(s.prompts, integrationId),
          skills: registryViews(s.skills, integrationId),
          batchJobs: batchJobViews(s, integrationId),
        };
      },
    );
  }

  function sectionPage<R, T>(
    integ: IntegrationView,
    d: Derived,
    feature: SectionKey,
    items: readonly R[] | null,
    page: (items: readonly R[]) => Page<T>,
  ): SectionPage<T> {
    const availability = sectionState(d, feature, items !== null);
    const readable = availability.status === 'available' && items !== null;
    return {
      integrationId: integ.id,
      syncRunId: d.syncRunId,
      takenAt: d.takenAt,
      availability,
      ...(readable ? page(items) : { items: [], nextCursor: null }),
    };
  }

  async function registryPage(
    actor: Actor,
    integrationId: string,
    query: SectionListQuery,
    feature: 'prompts' | 'skills',
  ): Promise<SectionPage<RegistryObjectView>> {
    const integ = await scoped(actor, integrationId);
    const q = checkString('q', query.q, 200)?.toLowerCase();
    const d = await derived(integ.id);
    return sectionPage(integ, d, feature, d[feature] ?? null, (all) => {
      const shown = all.filter(
        (r) =>
          q === undefined ||
          [r.name, r.title, r.id, ...r.aliases.map((a) => a.alias)].some((f) => lower(f).includes(q)),
      );
      return pageByKey(
        shown,
        (r) => lower(r.title ?? r.name),
        (r) => r.id,
        query.cursor,
        query.limit,
      );
    });
  }

  return {
    async availability(actor, integrationId) {
      const integ = await scoped(actor, integrationId);
      const d = await derived(integ.id);
      const present: Record<ExtraRowKey, boolean> = {
        connectors: d.connectors !== null,
        librarySharing: true,
        adminApiKeys: d.admin?.apiKeys != null,
        adminMembers: d.admin?.members != null,
        auditLog: d.admin?.auditLog != null,
        rateLimit: d.admin?.rateLimit != null,
        adminUsage: d.admin?.usage != null,
      };
      return {
        integrationId: integ.id,
        syncRunId: d.syncRunId,
        takenAt: d.takenAt,
        rows: EXTRA_ROW_KEYS.map((feature) => ({
          ...sectionState(d, feature, present[feature]),
          feature,
          label: ROWS[feature].label,
          endpoints: ROWS[feature].endpoints,
          needs: ROWS[feature].needs,
          note: ROWS[feature].note,
        })),
      };
    },

    async listConnectors(actor, integrationId, query = {}) {
      const integ = await scoped(actor, integrationId);
      const q = checkString('q', query.q, 200)?.toLowerCase();
      const kind = checkChoice('kind', query.kind, ['custom', 'builtIn'] as const);
      const d = await derived(integ.id);
      return sectionPage(integ, d, 'connectors', d.connectors, (all) => {
        const shown = all.filter(
          (c) =>
            (kind === undefined || c.custom === (kind === 'custom')) &&
            (q === undefined ||
              [c.name, c.title, c.server, c.id, c.description].some((f) => lower(f).includes(q))),
        );
        return pageByKey(
          shown,
          (c) => lower(c.title ?? c.name),
          (c) => c.id,
          query.cursor,
          query.limit,
        );
      });
    },

    async getConnector(actor, integrationId, connectorId) {
      const integ = await scoped(actor, integrationId);
      if (typeof connectorId !== 'string' || connectorId === '') {
        throw invalid('connectorId', 'connectorId is required.', 'Pass the id of the connector.');
      }
      const d = await derived(integ.id);
      const state = sectionState(d, 'connectors', d.connectors !== null);
      const found =
        state.status === 'available' ? d.connectors?.find((c) => c.id === connectorId) : undefined;
      if (!found) {
        throw new AppError('NOT_FOUND', `No connector "${connectorId}" in this integration's last sync.`, {
          remediation:
            state.status === 'available'
              ? 'List the connectors of the integration (GET /api/v1/integrations/{id}/connectors) to find the id.'
              : `Connectors were not read by the last sync: ${state.message ?? 'unknown'} ${state.remediation ?? ''}`.trim(),
        });
      }
      return found;
    },

    async organization(actor, integrationId) {
      const integ = await scoped(actor, integrationId);
      const d = await derived(integ.id);
      const a = d.admin;
      const at = now();
      const sections = {
        apiKeys: sectionState(d, 'adminApiKeys', a?.apiKeys != null),
        members: sectionState(d, 'adminMembers', a?.members != null),
        invites: sectionState(d, 'adminMembers', a?.invites != null),
        workspaces: sectionState(d, 'adminMembers', a?.workspaces != null),
        auditLog: sectionState(d, 'auditLog', a?.auditLog != null),
        rateLimit: sectionState(d, 'rateLimit', a?.rateLimit != null),
        usage: sectionState(d, 'adminUsage', a?.usage != null),
      };
      const ok = (s: SectionAvailability) => s.status === 'available';
      const keys = ok(sections.apiKeys) && a?.apiKeys ? a.apiKeys.map((k) => apiKeyView(k, at)) : null;
      const members = ok(sections.members) && a?.members ? a.members : null;
      const invites = ok(sections.invites) && a?.invites ? a.invites : null;
      const rl = ok(sections.rateLimit) && a?.rateLimit ? a.rateLimit : null;
      const audit = ok(sections.auditLog) && a?.auditLog ? a.auditLog : null;
      return {
        integrationId: integ.id,
        syncRunId: d.syncRunId,
        takenAt: d.takenAt,
        sections,
        apiKeys: keys && {
          total: keys.length,
          neverExpire: keys.filter((k) => k.neverExpires).length,
          expired: keys.filter((k) => k.expired).length,
          unusedFor90Days: keys.filter(
            (k) => k.daysSinceLastUse === null || k.daysSinceLastUse >= KEY_UNUSED_AFTER_DAYS,
          ).length,
          integrationKeyFound: keys.some((k) => k.isIntegrationKey === true)
            ? true
            : keys.every((k) => k.isIntegrationKey === false)
              ? false
              : null,
        },
        members: members && {
          total: members.length,
          admins: members.filter((m) => m.isAdmin).length,
          // false: the count above is only those recognised (roles unread, records dropped, or none
          // recognised although the admin key belongs to an admin); adminsUnknownReason says why.
          adminsKnown: !d.adminsUntold,
          adminsUnknownReason: d.adminsUntold ?? null,
          outsiders: members.filter((m) => m.ssoOutsider === true).length,
          outsiderAdmins: members.filter((m) => m.isAdmin && m.ssoOutsider === true).length,
        },
        invites: invites && {
          total: invites.length,
          pending: invites.filter((i) => !i.expired).length,
          expired: invites.filter((i) => i.expired).length,
          grantingAdmin: invites.filter((i) => i.grantsAdmin).length,
        },
        workspaces: ok(sections.workspaces) && a?.workspaces ? a.workspaces : null,
        auditLog: audit && {
          entriesRead: audit.entries.length,
          cursor: audit.cursor,
          truncated: audit.truncated,
        },
        rateLimit: rl && {
          requestsPerSecond: rl.requestsPerSecond,
          pacedRequestsPerSecond: rl.pacedRequestsPerSecond,
          tokensByModel: Object.entries(rl.tokensByModel)
            .map(([model, t]) => ({
              model,
              tokensPerMinute: t.tokensPerMinute,
              tokensPerMonth: t.tokensPerMonth,
            }))
            .sort((x, y) => (x.model < y.model ? -1 : x.model > y.model ? 1 : 0)),
        },
        usage: ok(sections.usage) && a?.usage ? a.usage.map(usageByModel) : null,
      };
    },

    async listApiKeys(actor, integrationId, query = {}) {
      const integ = await scoped(actor, integrationId);
      const q = checkString('q', query.q, 200)?.toLowerCase();
      const d = await derived(integ.id);
      const at = now();
      return sectionPage(integ, d, 'adminApiKeys', d.admin?.apiKeys ?? null, (all) => {
        const views = all
          .map((k) => apiKeyView(k, at))
          .filter(
            (k) =>
              q === undefined ||
              [k.name, k.workspaceName, k.product, k.createdBy, k.id].some((f) => lower(f).includes(q)),
          );
        return pageByKey(
          views,
          (k) => lower(k.name),
          (k) => k.id,
          query.cursor,
          query.limit,
        );
      });
    },

    async listMembers(actor, integrationId, query = {}) {
      const integ = await scoped(actor, integrationId);
      const q = checkString('q', query.q, 200)?.toLowerCase();
      const admin = checkBoolean('admin', query.admin);
      const outsider = checkBoolean('outsider', query.outsider);
      const d = await derived(integ.id);
      return sectionPage(integ, d, 'adminMembers', d.admin?.members ?? null, (all) => {
        const shown = all.filter(
          (m) =>
            (admin === undefined || m.isAdmin === admin) &&
            (outsider === undefined || (m.ssoOutsider === true) === outsider) &&
            (q === undefined || [m.email, m.name, m.id].some((f) => lower(f).includes(q))),
        );
        return pageByKey(
          shown,
          (m) => lower(m.email ?? m.name),
          (m) => m.id,
          query.cursor,
          query.limit,
        );
      });
    },

    async listInvites(actor, integrationId, query = {}) {
      const integ = await scoped(actor, integrationId);
      const q = checkString('q', query.q, 200)?.toLowerCase();
      const d = await derived(integ.id);
      return sectionPage(integ, d, 'adminMembers', d.admin?.invites ?? null, (all) => {
        const shown = all.filter((i) => q === undefined || lower(i.email).includes(q));
        return pageByKey(
          shown,
          (i) => lower(i.email),
          (i) => i.id,
          query.cursor,
          query.limit,
        );
      });
    },

    async listPrompts(actor, integrationId, query = {}) {
      return registryPage(actor, integrationId, query, 'prompts');
    },

    async listSkills(actor, integrationId, query = {}) {
      return registryPage(actor, integrationId, query, 'skills');
    },

    async listBatchJobs(actor, integrationId, query = {}) {
      const integ = await scoped(actor, integrationId);
      const q = checkString('q', query.q, 200)?.toLowerCase();
      const status = checkString('status', query.status, 100)?.toUpperCase();
      const d = await derived(integ.id);
      return sectionPage(integ, d, 'batchJobs', d.batchJobs ?? null, (all) => {
        const shown = all.filter(
          (j) =>
            (status === undefined || j.status.toUpperCase() === status) &&
            (q === undefined ||
              [j.id, j.endpoint, j.model, j.agentId, j.agentName].some((f) => lower(f).includes(q))),
        );
        // Newest first: the key is the creation time inverted (unknown last), then the id.
        return pageByKey(
          shown,
          (j) => (j.createdAt === null ? '~' : invertedTime(j.createdAt)),
          (j) => j.id,
          query.cursor,
          query.limit,
        );
      });
    },
  };
}
