/**
 * The GET endpoints of mistral-api.md §1–16 as pure functions of (workspace, params, query).
 * Records are sent verbatim from the workspace (no re-validation), so tests can inject bad data.
 *
 * Orders: models, files, agents, versions (ascending), aliases and libraries are served in
 * workspace array order (the generator keeps agents ascending by created_at and appends new
 * ones at the end); conversations are served in workspace array order too, which the generator
 * and evolve() keep NEWEST FIRST (created_at descending). Documents honour sort_by
 * (created_at | name | size) and sort_order (asc | desc; default created_at desc).
 *
 * Page sizes above MAX_PAGE_SIZE are silently capped (page/page_size endpoints compute their
 * offset with the capped size). Defaults follow the SDK: files 100, agents 20, versions 20,
 * libraries 100, documents 100, conversations 100.
 */
import type { WireAgent, WireEntry, WirePaginationInfo } from '../shared/mistral-wire.ts';
import { ADMIN_ROUTES } from './admin.ts';
import { connectorsOf } from './connectors.ts';
import { V2_ROUTES } from './v2-resources.ts';
import { QueryError, type Reply, type RouteContext, type RouteDef } from './http.ts';
import { peekEntries } from './conversations.ts';
import type { SimAgent, SimConnector, SimWorkspace } from './types.ts';

export const MAX_PAGE_SIZE = 1000;

export { QueryError, type Reply, type RouteContext, type RouteDef } from './http.ts';

export function errorBody(
  message: string,
  type: string,
  code: string | null = null,
): Record<string, unknown> {
  return { object: 'error', message, type, param: null, code };
}

const notFound = (what: string): Reply => ({
  status: 404,
  body: errorBody(`${what} not found`, 'invalid_request_error', 'not_found'),
});

function intParam(q: URLSearchParams, name: string, def: number, min: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw new QueryError(name, 'Input should be a valid integer');
  const n = Number(raw);
  if (n < min) throw new QueryError(name, `Input should be greater than or equal to ${min}`);
  return n;
}

function pageParams(ctx: RouteContext, defSize: number): { page: number; size: number } {
  const page = intParam(ctx.query, 'page', 0, 0);
  const size = Math.min(intParam(ctx.query, 'page_size', defSize, 1), ctx.maxPageSize);
  return { page, size };
}

function slicePage<T>(items: readonly T[], page: number, size: number): T[] {
  return items.slice(page * size, page * size + size);
}

function paginationInfo(total: number, page: number, size: number): WirePaginationInfo {
  const pages = Math.ceil(total / size);
  return {
    total_items: total,
    total_pages: pages,
    current_page: page,
    page_size: size,
    has_more: (page + 1) * size < total,
  };
}

/**
 * Opaque cursor: the ids of the last (up to 5) records served plus the offset after them.
 * Resuming starts after the latest of those ids that still exists, so deleting records
 * between two calls neither skips nor repeats the others; the offset is the last resort.
 */
const CURSOR_TAIL = 5;

function encodeCursor(offset: number, tail: string[]): string {
  return Buffer.from(JSON.stringify({ o: offset, ids: tail.slice(-CURSOR_TAIL) })).toString('base64url');
}

function cursorStart(token: string | null, ids: readonly string[]): number {
  if (!token) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new QueryError('page_token', 'Invalid page token');
  }
  const p = parsed as { o?: unknown; ids?: unknown };
  if (!p || typeof p.o !== 'number' || !Array.isArray(p.ids) || !p.ids.every((x) => typeof x === 'string')) {
    throw new QueryError('page_token', 'Invalid page token');
  }
  const tail = p.ids as string[];
  for (let i = tail.length - 1; i >= 0; i--) {
    const idx = ids.indexOf(tail[i]);
    if (idx >= 0) return idx + 1;
  }
  return Math.max(0, Math.min(p.o - tail.length, ids.length));
}

function cursorPage<T>(
  items: readonly T[],
  idOf: (x: T) => string,
  token: string | null,
  size: number,
): { data: T[]; next: string | null } {
  const ids = items.map((x) => idOf(x));
  const start = cursorStart(token, ids);
  const data = items.slice(start, start + size);
  const end = start + data.length;
  return { data, next: end < items.length && data.length ? encodeCursor(end, ids.slice(start, end)) : null };
}

function filterAgents(ws: SimWorkspace, q: URLSearchParams): WireAgent[] {
  let list = ws.agents.map((a) => a.current);
  const sources = q.getAll('sources');
  if (sources.length) list = list.filter((a) => sources.includes(String(a.source)));
  const dc = q.get('deployment_chat');
  if (dc === 'true' || dc === 'false') list = list.filter((a) => a.deployment_chat === (dc === 'true'));
  const name = q.get('name');
  if (name) list = list.filter((a) => a.name === name);
  const id = q.get('id');
  if (id) list = list.filter((a) => a.id === id);
  const search = q.get('search')?.toLowerCase();
  if (search)
    list = list.filter(
      (a) => String(a.name).toLowerCase().includes(search) || String(a.id).toLowerCase().includes(search),
    );
  list = filterMetadata(list, q);
  return list;
}

function filterMetadata<T extends { metadata?: unknown }>(list: T[], q: URLSearchParams): T[] {
  const raw = q.get('metadata');
  if (!raw) return list;
  let want: unknown;
  try {
    want = JSON.parse(raw);
  } catch {
    throw new QueryError('metadata', 'metadata must be a JSON object');
  }
  if (!want || typeof want !== 'object' || Array.isArray(want))
    throw new QueryError('metadata', 'metadata must be a JSON object');
  return list.filter((x) => {
    const m = x.metadata;
    if (!m || typeof m !== 'object') return false;
    return Object.entries(want as Record<string, unknown>).every(
      ([k, v]) => JSON.stringify((m as Record<string, unknown>)[k]) === JSON.stringify(v),
    );
  });
}

/**
 * id → index lookups over the live arrays. An entry is trusted only if the record at that index
 * still has that id; otherwise the index is rebuilt (tests and evolve() edit the arrays freely).
 */
const INDEXES = new WeakMap<readonly unknown[], Map<string, number>>();

function findById<T>(items: readonly T[], idOf: (x: T) => unknown, id: string): T | undefined {
  const hit = INDEXES.get(items)?.get(id);
  if (hit !== undefined && items[hit] !== undefined && idOf(items[hit]) === id) return items[hit];
  const index = new Map<string, number>();
  items.forEach((x, i) => {
    const key = String(idOf(x));
    if (!index.has(key)) index.set(key, i);
  });
  INDEXES.set(items, index);
  const i = index.get(id);
  return i === undefined ? undefined : items[i];
}

function findAgent(ws: SimWorkspace, id: string): SimAgent | undefined {
  return findById(ws.agents, (a) => a.current?.id, id);
}

/** A version number or an alias name → that version object. */
function resolveVersion(agent: SimAgent, ref: string): WireAgent | undefined {
  let num: number | undefined;
  if (/^\d+$/.test(ref)) num = Number(ref);
  else num = agent.aliases.find((a) => a.alias === ref)?.version;
  if (num === undefined) return undefined;
  return agent.versions.find((v) => v.version === num);
}

function findConversation(ws: SimWorkspace, id: string) {
  return findById(ws.conversations, (c) => c.conversation?.id, id);
}

const MESSAGE_TYPES = new Set(['message.input', 'message.output']);

/** A connector by id or by name (the API takes either). */
function findConnector(ws: SimWorkspace, idOrName: string): SimConnector | undefined {
  const list = connectorsOf(ws);
  return findById(list, (c) => c.connector?.id, idOrName) ?? list.find((c) => c.connector?.name === idOrName);
}

/** A connector as the listing and GET …/{id} send it (see SimConnector.toolsInListing). */
function listedConnector(c: SimConnector): SimConnector['connector'] {
  if (c.toolsInListing === undefined) return c.connector;
  const { tools: _tools, ...rest } = c.connector;
  return c.toolsInListing === 'null' ? { ...rest, tools: null } : rest;
}

function credentialsRoute(scope: keyof SimConnector['credentials']): RouteDef {
  return {
    pattern: `/v1/connectors/{connector_id_or_name}/${scope}/credentials`,
    beta: true,
    feature: 'connectors',
    handle: ({ ws, params }) => {
      const c = findConnector(ws, params.connector_id_or_name);
      if (!c) return notFound('Connector');
      return {
        status: 200,
        body: { credentials: c.credentials[scope], connector_preset_credentials_for_auth: [] },
      };
    },
  };
}

export const ROUTES: readonly RouteDef[] = [
  {
    pattern: '/v1/models',
    beta: false,
    handle: ({ ws }) => ({ status: 200, body: { object: 'list', data: ws.models } }),
  },
  {
    pattern: '/v1/models/{model_id}',
    beta: false,
    handle: ({ ws, params }) => {
      const id = params.model_id;
      const card =
        ws.models.find((m) => m.id === id) ??
        ws.models.find((m) => Array.isArray(m.aliases) && m.aliases.includes(id));
      return card ? { status: 200, body: card } : notFound('Model');
    },
  },
  {
    pattern: '/v1/files',
    beta: false,
    handle: (ctx) => {
      const { page, size } = pageParams(ctx, 100);
      const q = ctx.query;
      let list = ctx.ws.files;
      const purpose = q.get('purpose');
      if (purpose) list = list.filter((f) => f.purpose === purpose);
      for (const key of ['sample_type', 'source'] as const) {
        const vals = q.getAll(key);
        if (vals.length) list = list.filter((f) => vals.includes(String(f[key])));
      }
      const mimes = q.getAll('mimetypes');
      if (mimes.length) list = list.filter((f) => mimes.includes(String(f.mimetype)));
      const search = q.get('search')?.toLowerCase();
      if (search) list = list.filter((f) => String(f.filename).toLowerCase().includes(search));
      const body: Record<string, unknown> = { object: 'list', data: slicePage(list, page, size) };
      if (q.get('include_total') !== 'false') body.total = list.length;
      return { status: 200, body };
    },
  },
  {
    pattern: '/v1/files/{file_id}',
    beta: false,
    handle: ({ ws, params }) => {
      const f = ws.files.find((x) => x.id === params.file_id);
      return f ? { status: 200, body: { ...f, deleted: f.deleted ?? false } } : notFound('File');
    },
  },
  {
    pattern: '/v1/agents',
    beta: true,
    handle: (ctx) => {
      const { page, size } = pageParams(ctx, 20);
      return { status: 200, body: slicePage(filterAgents(ctx.ws, ctx.query), page, size) };
    },
  },
  {
    pattern: '/v1/agents/pages',
    beta: true,
    handle: (ctx) => {
      const size = Math.min(intParam(ctx.query, 'page_size', 20, 1), ctx.maxPageSize);
      const { data, next } = cursorPage(
        filterAgents(ctx.ws, ctx.query),
        (a) => String(a.id),
        ctx.query.get('page_token'),
        size,
      );
      return { status: 200, body: { object: 'list', data, next_page_token: next } };
    },
  },
  {
    pattern: '/v1/agents/{agent_id}',
    beta: true,
    handle: ({ ws, params, query }) => {
      const agent = findAgent(ws, params.agent_id);
      if (!agent) return notFound('Agent');
      const ref = query.get('agent_version');
      if (ref === null || ref === '') return { status: 200, body: agent.current };
      const v = resolveVersion(agent, ref);
      return v ? { status: 200, body: v } : notFound('Agent version');
    },
  },
  {
    pattern: '/v1/agents/{agent_id}/versions',
    beta: true,
    handle: (ctx) => {
      const agent = findAgent(ctx.ws, ctx.params.agent_id);
      if (!agent) return notFound('Agent');
      const { page, size } = pageParams(ctx, 20);
      return { status: 200, body: slicePage(agent.versions, page, size) };
    },
  },
  {
    pattern: '/v1/agents/{agent_id}/versions/{version}',
    beta: true,
    handle: ({ ws, params }) => {
      const agent = findAgent(ws, params.agent_id);
      if (!agent) return notFound('Agent');
      const v = resolveVersion(agent, params.version);
      return v ? { status: 200, body: v } : notFound('Agent version');
    },
  },
  {
    pattern: '/v1/agents/{agent_id}/aliases',
    beta: true,
    handle: ({ ws, params }) => {
      const agent = findAgent(ws, params.agent_id);
      return agent ? { status: 200, body: agent.aliases } : notFound('Agent');
    },
  },
  {
    pattern: '/v1/libraries',
    beta: true,
    handle: (ctx) => {
      const q = ctx.query;
      const size = Math.min(intParam(q, 'page_size', 100, 1), ctx.maxPageSize);
      let list = ctx.ws.libraries.map((l) => l.library);
      const search = q.get('search')?.toLowerCase();
      if (search) list = list.filter((l) => String(l.name).toLowerCase().includes(search));
      const token = q.get('page_token');
      if (token) {
        // The SDK sends `page=0&page_token=…`: the token wins and `pagination` is left out.
        const { data, next } = cursorPage(list, (l) => String(l.id), token, size);
        return { status: 200, body: { data, next_page_token: next } };
      }
      const page = intParam(q, 'page', 0, 0);
      const data = slicePage(list, page, size);
      const end = page * size + data.length;
      const next =
        end < list.length && data.length
          ? encodeCursor(
              end,
              data.map((l) => String(l.id)),
            )
          : null;
      return {
        status: 200,
        body: { data, next_page_token: next, pagination: paginationInfo(list.length, page, size) },
      };
    },
  },
  {
    pattern: '/v1/libraries/{library_id}',
    beta: true,
    handle: ({ ws, params }) => {
      const lib = ws.libraries.find((l) => l.library.id === params.library_id);
      return lib ? { status: 200, body: lib.library } : notFound('Library');
    },
  },
  {
    pattern: '/v1/libraries/{library_id}/share',
    beta: true,
    feature: 'librarySharing',
    handle: ({ ws, params }) => {
      const lib = ws.libraries.find((l) => l.library.id === params.library_id);
      if (!lib) return notFound('Library');
      return { status: 200, body: { data: lib.sharing ?? [] } };
    },
  },
  {
    pattern: '/v1/connectors',
    beta: true,
    feature: 'connectors',
    handle: (ctx) => {
      const q = ctx.query;
      const size = Math.min(intParam(q, 'page_size', 100, 1), ctx.maxPageSize);
      const list = connectorsOf(ctx.ws).map(listedConnector);
      const { data, next } = cursorPage(list, (c) => String(c.id), q.get('cursor'), size);
      return { status: 200, body: { items: data, pagination: { next_cursor: next, page_size: size } } };
    },
  },
  {
    pattern: '/v1/connectors/{connector_id_or_name}',
    beta: true,
    feature: 'connectors',
    handle: ({ ws, params }) => {
      const c = findConnector(ws, params.connector_id_or_name);
      return c ? { status: 200, body: listedConnector(c) } : notFound('Connector');
    },
  },
  {
    pattern: '/v1/connectors/{connector_id_or_name}/tools',
    beta: true,
    feature: 'connectors',
    handle: (ctx) => {
      const c = findConnector(ctx.ws, ctx.params.connector_id_or_name);
      if (!c) return notFound('Connector');
      const page = intParam(ctx.query, 'page', 1, 1);
      const size = Math.min(intParam(ctx.query, 'page_size', 100, 1), ctx.maxPageSize);
      const tools = (c.connector.tools ?? []).map((t) => ({
        name: t.name,
        title: null,
        description: t.description,
        inputSchema: t.jsonschema ?? { type: 'object', properties: {} },
      }));
      return { status: 200, body: slicePage(tools, page - 1, size) };
    },
  },
  credentialsRoute('organization'),
  credentialsRoute('workspace'),
  credentialsRoute('user'),
  {
    pattern: '/v1/libraries/{library_id}/documents',
    beta: true,
    handle: (ctx) => {
      const lib = ctx.ws.libraries.find((l) => l.library.id === ctx.params.library_id);
      if (!lib) return notFound('Library');
      const { page, size } = pageParams(ctx, 100);
      let docs = lib.documents.slice();
      const search = ctx.query.get('search')?.toLowerCase();
      if (search) docs = docs.filter((d) => String(d.name).toLowerCase().includes(search));
      const sortBy = ctx.query.get('sort_by') ?? 'created_at';
      const desc = (ctx.query.get('sort_order') ?? 'desc') !== 'asc';
      if (sortBy === 'created_at' || sortBy === 'name' || sortBy === 'size') {
        docs.sort((a, b) => {
          const x = a[sortBy] ?? '';
          const y = b[sortBy] ?? '';
          const c =
            x < y ? -1 : x > y ? 1 : String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
          return desc ? -c : c;
        });
      }
      return {
        status: 200,
        body: { pagination: paginationInfo(docs.length, page, size), data: slicePage(docs, page, size) },
      };
    },
  },
  {
    pattern: '/v1/conversations',
    beta: true,
    handle: (ctx) => {
      const { page, size } = pageParams(ctx, 100);
      const all = ctx.ws.conversations;
      if (!ctx.query.get('metadata'))
        return { status: 200, body: slicePage(all, page, size).map((c) => c.conversation) };
      const list = filterMetadata(
        all.map((c) => c.conversation),
        ctx.query,
      );
      return { status: 200, body: slicePage(list, page, size) };
    },
  },
  {
    pattern: '/v1/conversations/{conversation_id}',
    beta: true,
    handle: ({ ws, params }) => {
      const c = findConversation(ws, params.conversation_id);
      return c ? { status: 200, body: c.conversation } : notFound('Conversation');
    },
  },
  {
    pattern: '/v1/conversations/{conversation_id}/history',
    beta: true,
    handle: ({ ws, params }) => {
      const c = findConversation(ws, params.conversation_id);
      if (!c) return notFound('Conversation');
      return {
        status: 200,
        body: { object: 'conversation.history', conversation_id: c.conversation.id, entries: peekEntries(c) },
      };
    },
  },
  {
    pattern: '/v1/conversations/{conversation_id}/messages',
    beta: true,
    handle: ({ ws, params }) => {
      const c = findConversation(ws, params.conversation_id);
      if (!c) return notFound('Conversation');
      const messages = peekEntries(c).filter((e: WireEntry) => MESSAGE_TYPES.has(String(e.type)));
      return {
        status: 200,
        body: { object: 'conversation.messages', conversation_id: c.conversation.id, messages },
      };
    },
  },
];

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

/** ROUTES and V2_ROUTES (the ordinary key's; prompts, skills, batch jobs: v2-resources.ts) and ADMIN_ROUTES (GET /v1/admin/*, the admin key's: admin.ts). */
const COMPILED = [...ROUTES, ...V2_ROUTES, ...ADMIN_ROUTES].map((route) => ({
  route,
  segments: route.pattern.split('/').slice(1),
}));

/**
 * Matches a raw path (percent-encoded segments are decoded). Literal segments win over
 * parameters (so /v1/agents/pages is not an agent id). Returns null for an unknown path,
 * and throws URIError for a malformed escape.
 */
export function matchRoute(path: string): RouteMatch | null {
  const parts = path.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // trailing slash
  const decoded = parts.map((p) => decodeURIComponent(p));
  let best: { match: RouteMatch; literals: number } | null = null;
  for (const { route, segments } of COMPILED) {
    if (segments.length !== decoded.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.startsWith('{')) params[s.slice(1, -1)] = decoded[i];
      else if (s === decoded[i]) literals++;
      else {
        ok = false;
        break;
      }
    }
    if (ok && (!best || literals > best.literals)) best = { match: { route, params }, literals };
  }
  return best?.match ?? null;
}
