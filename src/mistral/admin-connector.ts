/**
 * The read-only connector to Mistral's Admin API (beta; mistral-api.md §24), with an admin-scoped
 * key. Same transport, pacing, retries, page-size fallback and record checks as the ordinary
 * connector (connector-core.ts); the SDK has no Admin API, so requests are built here.
 *
 * The admin key is sent only to GET /v1/admin/* (anything else is refused before it leaves the
 * process: READ_ONLY_VIOLATION), and the ordinary key never comes here. A key's plaintext `key`
 * field is dropped as soon as a page is read: it is never in a result.
 *
 * 401 → ADMIN_KEY_INVALID, 403 → ADMIN_KEY_FORBIDDEN (not an admin key, or a plan without the
 * feature: the caller tells which by what else worked). Other errors are the transport's.
 */
import { AppError } from '../errors/index.ts';
import type { DataQualityWarning } from '../inventory/types.ts';
import type {
  WireApiKey,
  WireAuditLog,
  WireInvite,
  WireMember,
  WireRateLimits,
  WireRoles,
  WireUsage,
  WireWorkspace,
} from '../shared/mistral-wire-admin.ts';
import {
  basePathOf,
  bodyObject,
  bodyRecords,
  checkKeyText,
  createPacedTransport,
  createPageSizer,
  resolveSettings,
} from './connector-core.ts';
import { unexpectedResponseError } from './errors.ts';
import { nextPageNumber, paginate } from './pagination.ts';
import { API_KEY, AUDIT_ENTRY, checkRecords, INVITE, MEMBER, WORKSPACE } from './record-validation.ts';
import type { AdminConnectorOptions, ListResult, MistralAdminConnector, OneResult } from './types.ts';

export const ADMIN_ROUTES = {
  apiKeys: 'GET /v1/admin/api-keys',
  users: 'GET /v1/admin/users',
  workspaces: 'GET /v1/admin/workspaces',
  roles: 'GET /v1/admin/roles',
  auditLogs: 'GET /v1/admin/audit-logs',
  rateLimit: 'GET /v1/admin/rate-limit',
  usage: 'GET /v1/admin/usage',
} as const;

/** What to do about a key the Admin API refuses (one-off scans and stored integrations alike). */
export const ADMIN_KEY_REMEDIATION = {
  invalid:
    'Create a new admin API key in the Mistral Console (admin.mistral.ai → Organization → API Keys, signed in as a user with the Admin role) and give it to TrustLens: `trustlens integration update <name> --admin-api-key-file FILE` for an integration, MISTRAL_ADMIN_API_KEY or --admin-api-key-file for a scan.',
  forbidden:
    "Use an API key created by a user with the Admin role in the organization (Mistral's Admin API rejects ordinary workspace keys); audit logs also need one of Mistral's Enterprise plans.",
} as const;

export function adminKeyInvalidError(endpoint: string): AppError {
  return new AppError(
    'ADMIN_KEY_INVALID',
    `Mistral refused the admin API key for ${endpoint} (HTTP 401): it is unknown, revoked or expired.`,
    { remediation: ADMIN_KEY_REMEDIATION.invalid, details: { endpoint, status: 401 } },
  );
}

export function adminKeyForbiddenError(endpoint: string): AppError {
  return new AppError(
    'ADMIN_KEY_FORBIDDEN',
    `Mistral refused ${endpoint} to the admin API key (HTTP 403): the key is not admin-scoped (an ordinary workspace key, or its user is not an organization admin), or the organization's plan does not include this feature.`,
    { remediation: ADMIN_KEY_REMEDIATION.forbidden, details: { endpoint, status: 403 } },
  );
}

/** A key as Mistral masks it in `hidden_key`: the first 4 and last 4 characters around "...". */
export function hiddenKeyOf(apiKey: string): string {
  const k = apiKey.trim();
  return `${k.slice(0, 4)}...${k.slice(-4)}`;
}

/** Largest audit-log `limit` tried when more entries than a page share one instant. */
const MAX_AUDIT_LIMIT = 1000;
const MAX_AUDIT_PAGES = 100_000;

type Query = Record<string, string | number | undefined>;

export function createMistralAdminConnector(opts: AdminConnectorOptions): MistralAdminConnector {
  checkKeyText(opts.adminApiKey, {
    label: 'Mistral admin API key',
    create:
      'Create an admin API key in the Mistral Console (admin.mistral.ai → Organization → API Keys, signed in as a user with the Admin role).',
  });
  const adminKey = opts.adminApiKey;
  const settings = resolveSettings(opts);
  const { baseUrl, pageSize } = settings;
  const secrets = [adminKey];
  const adminPrefix = `${basePathOf(baseUrl)}/v1/admin/`;
  const paced = createPacedTransport(
    settings,
    adminKey,
    opts.log,
    (path) => path.startsWith(adminPrefix),
    'GET /v1/admin/* (the Admin API)',
  );
  const { limiter, transport } = paced;
  const sized = createPageSizer(pageSize, transport);

  /** One GET of the Admin API: the parsed JSON of a 2xx answer, else a typed AppError. */
  async function get(route: string, path: string, query: Query = {}): Promise<unknown> {
    const url = new URL(`${baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const { id, headers } = transport.begin(route);
    try {
      try {
        await transport.fetcher(url.toString(), {
          method: 'GET',
          headers: { ...headers, authorization: `Bearer ${adminKey}`, accept: 'application/json' },
        });
      } catch (e) {
        const failure = transport.get(id)?.failure;
        if (failure) throw failure;
        if (e instanceof AppError) throw e;
        throw unexpectedResponseError(route, 'the request failed', {}, secrets);
      }
      const cap = transport.get(id)?.capture;
      if (!cap) throw unexpectedResponseError(route, 'no response was recorded', {}, secrets);
      if (cap.status >= 200 && cap.status < 300) return cap.json;
      if (cap.status === 401) throw adminKeyInvalidError(route);
      if (cap.status === 403) throw adminKeyForbiddenError(route);
      const what =
        cap.status === 404
          ? 'the Admin API was not found at the configured base URL (it may not point at the Mistral API, or this deployment has no Admin API)'
          : `status ${cap.status}`;
      throw unexpectedResponseError(route, what, { status: cap.status, body: cap.text }, secrets);
    } finally {
      transport.end(id);
    }
  }

  /** Drops the plaintext `key` of every API key record, whatever else the record holds. */
  function withoutPlaintext(recs: unknown[]): unknown[] {
    return recs.map((r) => {
      if (!r || typeof r !== 'object' || Array.isArray(r) || !('key' in r)) return r;
      const copy = { ...(r as Record<string, unknown>) };
      delete copy.key;
      return copy;
    });
  }

  async function listApiKeys(): Promise<ListResult<WireApiKey>> {
    const route = ADMIN_ROUTES.apiKeys;
    const res = await sized(route, (limit) =>
      paginate<number>({
        endpoint: route,
        kind: API_KEY,
        first: 0,
        requestKey: (offset) => `offset ${offset}`,
        async fetch(offset) {
          const json = await get(route, '/v1/admin/api-keys', { limit, offset });
          const recs = withoutPlaintext(bodyRecords(route, json, 'keys', secrets));
          return {
            records: recs,
            warnings: checkRecords(API_KEY, recs, undefined, route),
            // Only an empty page ends it: a server that caps `limit` below ours sends short pages.
            next: recs.length === 0 ? null : offset + recs.length,
          };
        },
      }),
    );
    return res as ListResult<WireApiKey>;
  }

  async function listUsers() {
    const route = ADMIN_ROUTES.users;
    type Tagged = { kind: 'member' | 'invite'; record: unknown };
    const res = await sized(route, (size) =>
      paginate<number>({
        endpoint: route,
        kind: MEMBER,
        first: 1,
        requestKey: (p) => `page ${p}`,
        recordKey: (t) => {
          const { kind, record } = t as Tagged;
          const id = (kind === 'member' ? MEMBER : INVITE).idOf(record);
          return id === null ? null : `${kind} ${id}`;
        },
        async fetch(page, before) {
          const json = await get(route, '/v1/admin/users', { page, page_size: size });
          const members = bodyRecords(route, json, 'members', secrets);
          const invites = bodyRecords(route, json, 'invites', secrets);
          const total = (json as Record<string, unknown>).total;
          const received = members.length + invites.length;
          return {
            records: [
              ...members.map((record): Tagged => ({ kind: 'member', record })),
              ...invites.map((record): Tagged => ({ kind: 'invite', record })),
            ],
            warnings: [
              ...checkRecords(MEMBER, members, undefined, route),
              ...checkRecords(INVITE, invites, undefined, route),
            ],
            next: nextPageNumber({
              page,
              pageSize: size,
              received,
              collected: before + received,
              total: typeof total === 'number' ? total : null,
            }),
          };
        },
      }),
    );
    const tagged = res.items as Tagged[];
    return {
      members: tagged.filter((t) => t.kind === 'member').map((t) => t.record as WireMember),
      invites: tagged.filter((t) => t.kind === 'invite').map((t) => t.record as WireInvite),
      warnings: res.warnings,
    };
  }

  async function listWorkspaces(): Promise<ListResult<WireWorkspace>> {
    const route = ADMIN_ROUTES.workspaces;
    const res = await sized(route, (size) =>
      paginate<number>({
        endpoint: route,
        kind: WORKSPACE,
        first: 1,
        requestKey: (p) => `page ${p}`,
        async fetch(page, before) {
          const json = await get(route, '/v1/admin/workspaces', { page, page_size: size });
          const recs = bodyRecords(route, json, 'items', secrets);
          const total = (json as Record<string, unknown>).total;
          return {
            records: recs,
            warnings: checkRecords(WORKSPACE, recs, undefined, route),
            next: nextPageNumber({
              page,
              pageSize: size,
              received: recs.length,
              collected: before + recs.length,
              total: typeof total === 'number' ? total : null,
            }),
          };
        },
      }),
    );
    return res as ListResult<WireWorkspace>;
  }

  /**
   * Audit entries after `start` (exclusive), oldest first. Each next page asks `after` = the last
   * entry's time minus 1 ms, so entries at the same instant as a page's last one come again
   * (whether the server's `after` is exclusive or not) and only unseen log_ids are kept. The read
   * ends on a page with nothing new that is shorter than asked (one request more than the entries
   * need, so a server that caps `limit` is still read to the end). A full page with nothing new
   * (more entries at one instant than a page holds) is asked again with a doubled limit; past
   * MAX_AUDIT_LIMIT the read moves past that instant with a warning. At `maxEntries` it stops
   * (truncated) and drops the entries of its last instant, unless they are all it has, so the next
   * read (after the last kept entry's time, exclusive) neither loses nor repeats any. Hard caps: it
   * never holds more than 2 × maxEntries entries (more than that at one instant: the rest of that
   * instant is skipped, with a warning) nor reads more than a page budget scaled to them (then it
   * keeps the whole instants read so far, with a warning, or fails when there are none).
   */
  async function listAuditLogs(o: {
    after: string | null;
    since: string;
    maxEntries: number;
  }): Promise<ListResult<WireAuditLog> & { truncated: boolean }> {
    const route = ADMIN_ROUTES.auditLogs;
    const start = o.after ?? o.since;
    const startAt = instantOf(start);
    if (startAt === null) {
      throw new AppError('INVALID_INPUT', `The audit log start time "${start}" is not an ISO date-time.`, {
        remediation: 'Pass an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z.',
        details: { field: o.after !== null ? 'after' : 'since' },
      });
    }
    if (!Number.isInteger(o.maxEntries) || o.maxEntries < 1) {
      throw new AppError('INVALID_INPUT', 'maxEntries must be a whole number of at least 1.', {
        remediation: 'Pass a positive whole number of audit entries to read at most.',
        details: { field: 'maxEntries' },
      });
    }
    return sized(route, async (pageLimit) => {
      const items: WireAuditLog[] = [];
      const warnings: DataQualityWarning[] = [];
      const seen = new Set<string>();
      let askAfter = start;
      let limit = pageLimit;
      // Hard caps, so a server that keeps sending new entries (or pages) cannot make a read hold
      // without bound: at most 2 × maxEntries entries and a page budget scaled to them.
      const holdMax = 2 * o.maxEntries;
      const pageMax = Math.min(MAX_AUDIT_PAGES, 100 + 10 * Math.ceil(holdMax / pageLimit));
      for (let pages = 0; ; pages++) {
        if (pages >= pageMax) {
          const cut = wholeInstantCut(items, items.length);
          if (cut === 0) {
            throw unexpectedResponseError(route, `pagination did not end after ${pages} pages`, {}, secrets);
          }
          warnings.push({
            resourceType: 'auditEntry',
            resourceId: null,
            endpoint: route,
            issue: `the audit log read did not end after ${pages} pages; the oldest ${cut} entries were kept and the rest are read at the next read`,
          });
          return { items: items.slice(0, cut), warnings, truncated: true };
        }
        let json: unknown;
        try {
          json = await get(route, '/v1/admin/audit-logs', { sort: 'ascending', after: askAfter, limit });
        } catch (e) {
          // A raised limit the server refuses: move past the crowded instant as at the cap.
          if (!(limit > pageLimit && isStatus(e, 422))) throw e;
          json = null;
          limit = MAX_AUDIT_LIMIT;
        }
        let fresh = 0;
        let lastAt: number | null = null;
        let full = true;
        if (json !== null) {
          const recs = bodyRecords(route, json, null, secrets);
          warnings.push(...checkRecords(AUDIT_ENTRY, recs, undefined, route));
          full = recs.length >= limit;
          for (const r of recs) {
            const iso = createdAtOf(r);
            const at = iso === null ? null : instantOf(iso);
            if (at !== null) {
              if (lastAt !== null && at < lastAt) {
                throw unexpectedResponseError(
                  route,
                  'the audit log did not come oldest first (sort=ascending was not honoured), so it cannot be read incrementally',
                  { status: 200 },
                  secrets,
                );
              }
              lastAt = at;
              if (at <= startAt) continue; // `after` is exclusive
            }
            const id = AUDIT_ENTRY.idOf(r);
            if (id !== null) {
              if (seen.has(id)) continue;
              seen.add(id);
            }
            items.push(r as WireAuditLog);
            fresh++;
          }
          if (items.length >= o.maxEntries) {
            // Stop at the last whole instant within maxEntries (later ones may continue unread); when
            // one instant holds them all, read on until it ends, so the next read never splits it.
            const cut = wholeInstantCut(items, o.maxEntries);
            if (cut > 0) return { items: items.slice(0, cut), warnings, truncated: true };
            if (items.length >= holdMax) {
              // One instant holds more than twice maxEntries: keep that many, say the rest are skipped.
              const at = instantOf(items[holdMax - 1].created_at);
              warnings.push({
                resourceType: 'auditEntry',
                resourceId: null,
                endpoint: route,
                issue: `more than ${holdMax} audit entries share the instant ${at === null ? 'unknown' : new Date(Math.floor(at / 1000)).toISOString()}; ${holdMax} were kept and the others at that instant are skipped`,
              });
              return { items: items.slice(0, holdMax), warnings, truncated: true };
            }
          }
          if (fresh === 0 && !full) break; // nothing new, and nothing more: the end
          if (fresh > 0) {
            if (lastAt === null) {
              throw unexpectedResponseError(
                route,
                'audit entries came without a created_at time, so the log cannot be paged',
                { status: 200 },
                secrets,
              );
            }
            askAfter = new Date(Math.floor(lastAt / 1000) - 1).toISOString();
            continue;
          }
        }
        // A full page with nothing new: more entries at one instant than a page holds.
        if (limit < MAX_AUDIT_LIMIT) {
          limit = Math.min(MAX_AUDIT_LIMIT, limit * 2);
          continue;
        }
        const stuckAt = lastAt ?? instantOf(askAfter) ?? startAt;
        warnings.push({
          resourceType: 'auditEntry',
          resourceId: null,
          endpoint: route,
          issue: `more audit entries than one page holds share the instant ${new Date(Math.floor(stuckAt / 1000)).toISOString()}; some at that instant may be missing`,
        });
        askAfter = new Date(Math.floor(stuckAt / 1000) + 1).toISOString();
        limit = pageLimit;
      }
      return { items, warnings, truncated: false };
    });
  }

  const connector: MistralAdminConnector = {
    baseUrl,

    async validateAdminKey() {
      const route = ADMIN_ROUTES.apiKeys;
      const json = await get(route, '/v1/admin/api-keys', { limit: 1, offset: 0 });
      bodyRecords(route, json, 'keys', secrets);
    },

    listApiKeys,
    listUsers,
    listWorkspaces,

    async getRoles(): Promise<OneResult<WireRoles>> {
      const route = ADMIN_ROUTES.roles;
      const body = bodyObject(route, await get(route, '/v1/admin/roles'), secrets);
      const warnings: DataQualityWarning[] = [];
      for (const f of ['organization_roles', 'workspace_roles']) {
        if (!Array.isArray(body[f])) {
          warnings.push({
            resourceType: 'admin',
            resourceId: null,
            endpoint: route,
            issue: `${f}: not an array`,
          });
        }
      }
      return { item: body as unknown as WireRoles, warnings };
    },

    listAuditLogs,

    async getRateLimit(): Promise<OneResult<WireRateLimits>> {
      const route = ADMIN_ROUTES.rateLimit;
      const body = bodyObject(route, await get(route, '/v1/admin/rate-limit'), secrets);
      const rps = body.requests_per_second;
      if (typeof rps !== 'number' || !Number.isFinite(rps) || rps <= 0) {
        throw unexpectedResponseError(
          route,
          'requests_per_second is not a positive number',
          { status: 200 },
          secrets,
        );
      }
      const warnings: DataQualityWarning[] = [];
      const byModel = body.tokens_limits_by_model;
      if (!byModel || typeof byModel !== 'object' || Array.isArray(byModel)) {
        warnings.push({
          resourceType: 'admin',
          resourceId: null,
          endpoint: route,
          issue: 'tokens_limits_by_model: not an object',
        });
      }
      return { item: body as unknown as WireRateLimits, warnings };
    },

    async getUsage(year, month): Promise<OneResult<WireUsage>> {
      const route = ADMIN_ROUTES.usage;
      const body = bodyObject(route, await get(route, '/v1/admin/usage', { year, month }), secrets);
      return { item: body, warnings: [] };
    },

    setRequestRate(requestsPerSecond) {
      paced.setRequestRate(requestsPerSecond);
    },

    stats() {
      return { ...transport.stats(), currentRate: limiter.currentRate };
    },
  };
  return connector;
}

function isStatus(e: unknown, status: number): boolean {
  return e instanceof AppError && e.details.status === status;
}

function createdAtOf(r: unknown): string | null {
  const v = r && typeof r === 'object' ? (r as { created_at?: unknown }).created_at : undefined;
  return typeof v === 'string' ? v : null;
}

/**
 * An ISO date-time as microseconds since the epoch (Mistral's times carry microseconds; Date keeps
 * milliseconds), or null when it does not parse.
 */
export function instantOf(iso: string): number | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const frac = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(iso)?.[1] ?? '';
  const micro = Number(frac.padEnd(6, '0').slice(3, 6));
  return ms * 1000 + micro;
}

/**
 * Where a truncated read may end: the largest i ≤ max with an entry at a later instant right after
 * it (items[i] is later than items[i-1]), so every instant kept was read whole; 0 when none.
 */
function wholeInstantCut(entries: readonly WireAuditLog[], max: number): number {
  for (let i = Math.min(max, entries.length - 1); i >= 1; i--) {
    const a = instantOf(entries[i - 1].created_at);
    const b = instantOf(entries[i].created_at);
    if (a !== null && b !== null && b > a) return i;
  }
  return 0;
}
