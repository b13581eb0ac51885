/**
 * The read-only Mistral connector (issue 2 §3): the official SDK for URLs, auth and response
 * validation; our transport underneath for GET-only enforcement, rate limiting, retries and raw
 * bodies; our pagination on top. Methods return raw wire records (snake_case, exactly as sent),
 * with a data-quality warning for every record the SDK rejected or silently degraded.
 *
 * The bulk endpoints of a sync (conversation histories and pages, agent versions and aliases)
 * take a fast path (issue 13): the same transport without the SDK's request/response machinery,
 * the URL and headers the SDK would send, and a fast check (fast-check.ts, or the SDK's own schema
 * for agent versions). An answer the check is not sure of is replayed through the SDK call (no
 * second request), so every warning is still the SDK's. `fastValidation: false` turns it off.
 */
import { Mistral } from '@mistralai/mistralai';
import { SDK_METADATA } from '@mistralai/mistralai/lib/config.js';
import {
  encodeFormQuery,
  encodeJSONQuery,
  encodeSimple,
  queryJoin,
} from '@mistralai/mistralai/lib/encodings.js';
import { HTTPClient, matchContentType } from '@mistralai/mistralai/lib/http.js';
import { pathToFunc } from '@mistralai/mistralai/lib/url.js';
import type { RequestOptions } from '@mistralai/mistralai/lib/sdks.js';
import { Agent$inboundSchema, MCPTool$inboundSchema } from '@mistralai/mistralai/models/components';
import * as z from 'zod/v4';
import { AppError } from '../errors/index.ts';
import type { DataQualityWarning } from '../inventory/types.ts';
import type {
  WireAgent,
  WireAgentAlias,
  WireConversation,
  WireConversationHistory,
  WireDocument,
  WireFile,
  WireLibrary,
  WireModelCard,
} from '../shared/mistral-wire.ts';
import type {
  WireConnector,
  WireConnectorCredential,
  WireSharing,
} from '../shared/mistral-wire-connectors.ts';
import type {
  WireBatchJob,
  WirePrompt,
  WirePromptVersion,
  WireSkill,
  WireSkillVersion,
} from '../shared/mistral-wire-v2.ts';
import { BATCH_JOB, PROMPT, PROMPT_VERSION, SKILL, SKILL_VERSION } from './v2-records.ts';
import { fastAliasPageOk, fastConversationPageOk, fastHistoryOk } from './fast-check.ts';
import { betaAccessError, invalidApiKeyError, notFoundError, unexpectedResponseError } from './errors.ts';
import { isListingCutShort, nextCursor, nextPageNumber, paginate, type Page } from './pagination.ts';
import {
  AGENT,
  AGENT_VERSION,
  ALIAS,
  checkRecords,
  CONNECTOR,
  CONVERSATION,
  CREDENTIAL,
  DOCUMENT,
  ENTRY,
  FILE,
  issueText,
  LIBRARY,
  MODEL,
  SHARING,
  type RecordKind,
  type RecordSchema,
} from './record-validation.ts';
import {
  basePathOf,
  bodyObject,
  bodyRecords,
  checkKeyText,
  createPacedTransport,
  createPageSizer,
  resolveSettings,
} from './connector-core.ts';
import type { Capture } from './transport.ts';
export { CONNECTOR_DEFAULTS } from './connector-core.ts';
import type {
  ConnectorOptions,
  ConnectorStats,
  ListResult,
  MistralConnector,
  OneResult,
  WireConnectorMcpTool,
} from './types.ts';

type RouteKind = 'nonbeta' | 'beta-list' | 'beta-item' | 'beta-sublist';
interface Route {
  name: string;
  kind: RouteKind;
  /** For messages: the feature (beta) or the thing (404). */
  label: string;
}

export const ROUTES = {
  models: { name: 'GET /v1/models', kind: 'nonbeta', label: 'Model discovery' },
  files: { name: 'GET /v1/files', kind: 'nonbeta', label: 'File discovery' },
  agentsPages: { name: 'GET /v1/agents/pages', kind: 'beta-list', label: 'Agent discovery' },
  agents: { name: 'GET /v1/agents', kind: 'beta-list', label: 'Agent discovery' },
  agent: { name: 'GET /v1/agents/{agent_id}', kind: 'beta-item', label: 'The agent' },
  versions: { name: 'GET /v1/agents/{agent_id}/versions', kind: 'beta-sublist', label: 'The agent' },
  aliases: { name: 'GET /v1/agents/{agent_id}/aliases', kind: 'beta-sublist', label: 'The agent' },
  libraries: {
    name: 'GET /v1/libraries',
    kind: 'beta-list',
    label: 'Document library discovery (the Libraries API)',
  },
  documents: { name: 'GET /v1/libraries/{library_id}/documents', kind: 'beta-sublist', label: 'The library' },
  conversations: {
    name: 'GET /v1/conversations',
    kind: 'beta-list',
    label: 'Usage metrics (the Conversations API)',
  },
  history: {
    name: 'GET /v1/conversations/{conversation_id}/history',
    kind: 'beta-item',
    label: 'The conversation',
  },
  connectors: { name: 'GET /v1/connectors', kind: 'beta-list', label: 'Connector (MCP) discovery' },
  connectorTools: {
    name: 'GET /v1/connectors/{connector_id_or_name}/tools',
    kind: 'beta-sublist',
    label: 'The connector',
  },
  credentials: {
    name: 'GET /v1/connectors/{connector_id_or_name}/{scope}/credentials',
    kind: 'beta-sublist',
    label: 'The connector',
  },
  sharing: { name: 'GET /v1/libraries/{library_id}/share', kind: 'beta-sublist', label: 'The library' },
  prompts: { name: 'GET /v2/prompts', kind: 'beta-list', label: 'Prompt discovery (the Prompts API)' },
  promptVersions: { name: 'GET /v2/prompts/{prompt_id}/versions', kind: 'beta-sublist', label: 'The prompt' },
  skills: { name: 'GET /v2/skills', kind: 'beta-list', label: 'Skill discovery (the Skills API)' },
  skillVersions: { name: 'GET /v2/skills/{skill_id}/versions', kind: 'beta-sublist', label: 'The skill' },
  batchJobs: { name: 'GET /v1/batch/jobs', kind: 'nonbeta', label: 'Batch job discovery' },
} as const satisfies Record<string, Route>;

/**
 * A tool of GET /v1/connectors/{id}/tools, checked against the SDK's MCPTool schema. The SDK's own
 * response schema also takes any array of objects, so it checks nothing: every record is checked here.
 */
const CONNECTOR_TOOL: RecordKind = {
  resourceType: 'connector',
  idOf: (r) => {
    const name = r && typeof r === 'object' ? (r as { name?: unknown }).name : undefined;
    return typeof name === 'string' ? name : null;
  },
  validate: (r) => {
    const v = (MCPTool$inboundSchema as RecordSchema).safeParse(r);
    return v.success ? { ok: true, parsed: v.data } : { ok: false, issue: issueText(v.error.issues) };
  },
  degraded: () => [],
};

interface CallResult<T> {
  /** The SDK's parsed value; undefined when the SDK rejected the body. */
  parsed: T | undefined;
  /** The raw JSON body. */
  json: unknown;
  /** Why the SDK rejected the body (when it did). */
  rejection?: string;
}

const silentLogger = { group() {}, groupEnd() {}, log() {} };

const historyPath = pathToFunc('/v1/conversations/{conversation_id}/history');
const conversationsPath = pathToFunc('/v1/conversations')();

const versionsPath = pathToFunc('/v1/agents/{agent_id}/versions');
const aliasesPath = pathToFunc('/v1/agents/{agent_id}/aliases');
/** The SDK's own response schema of GET /v1/agents/{id}/versions (betaAgentsListVersions.js). */
const AGENT_VERSIONS_SCHEMA = z.array(Agent$inboundSchema);

/**
 * A fast-path request: its URL (built as the SDK builds it) and the check of its answer, which
 * gives the parsed value when it is sure the SDK accepts the answer, else null.
 */
interface FastRequest {
  url: string;
  check(json: unknown): { parsed: unknown } | null;
}

/** A hand-written check whose "parsed" value is the raw JSON (kinds that never look at parsed fields). */
const rawWhen =
  (ok: (json: unknown) => boolean) =>
  (json: unknown): { parsed: unknown } | null =>
    ok(json) ? { parsed: json } : null;

function pathParam(name: string, value: string): string | undefined {
  return encodeSimple(name, value, { explode: false, charEncoding: 'percent' });
}

export function createMistralConnector(opts: ConnectorOptions): MistralConnector {
  checkKeyText(opts.apiKey, {
    label: 'Mistral API key',
    create:
      'Create a key in the Mistral Console (admin.mistral.ai → Organization → API Keys) and enter it in the integration.',
  });
  const settings = resolveSettings(opts);
  const { baseUrl, pageSize } = settings;
  const secrets = [opts.apiKey];
  // The ordinary key is never sent to the Admin API (that is the admin key's, admin-connector.ts).
  const adminPrefix = `${basePathOf(baseUrl)}/v1/admin/`;
  const paced = createPacedTransport(
    settings,
    opts.apiKey,
    opts.log,
    (path) => !path.startsWith(adminPrefix),
    'the workspace API (not /v1/admin/*)',
  );
  const { limiter, transport } = paced;
  const sdk = new Mistral({
    apiKey: opts.apiKey,
    serverURL: baseUrl,
    httpClient: new HTTPClient({ fetcher: transport.fetcher }),
    retryConfig: { strategy: 'none' },
    timeoutMs: -1, // per-attempt timeouts are the transport's
    debugLogger: silentLogger, // MISTRAL_DEBUG would print the Authorization header
  });

  /*
   * The fast path (issue 13): histories and conversation pages are fetched without the SDK, with
   * the URL and headers the SDK would send, and checked by fast-check.ts. An answer the check is
   * not sure of is replayed through the SDK (no second request), so its warnings are the SDK's.
   */
  const fastValidation = opts.fastValidation !== false;
  const validation = { fast: 0, sdk: 0 };
  const fastHeaders: Record<string, string> = {
    accept: 'application/json',
    authorization: `Bearer ${opts.apiKey}`,
    'user-agent': `mistral-client-typescript/${SDK_METADATA.sdkVersion}`,
  };
  const sdkBase = new URL(baseUrl);
  sdkBase.pathname = `${sdkBase.pathname.replace(/\/+$/, '')}/`;
  /** The URL the SDK's request builder makes of a path and query (sdks.js _createRequest). */
  function sdkUrl(path: string, query: string): string {
    const u = new URL(path, sdkBase);
    u.hash = '';
    if (query) u.search = `?${query.startsWith('&') ? query.slice(1) : query}`;
    return u.href;
  }

  async function fastCall<T>(
    route: Route,
    fast: FastRequest | undefined,
    invoke: (o: RequestOptions) => Promise<T>,
  ): Promise<CallResult<T>> {
    if (!fastValidation || !fast) {
      validation.sdk++;
      return call(route, invoke);
    }
    const cap = await transport.request(route.name, fast.url, fastHeaders);
    const ok =
      cap.status === 200 && matchContentType(contentTypeOnly(cap), 'application/json')
        ? fast.check(cap.json)
        : null;
    if (ok) {
      validation.fast++;
      return { parsed: ok.parsed as T, json: cap.json };
    }
    validation.sdk++;
    return call(route, invoke, cap);
  }

  async function call<T>(
    route: Route,
    invoke: (o: RequestOptions) => Promise<T>,
    replay?: Capture,
  ): Promise<CallResult<T>> {
    const { id, headers } = transport.begin(route.name, replay);
    try {
      let parsed: T;
      try {
        parsed = await invoke({ headers, retries: { strategy: 'none' } });
      } catch (e) {
        const rec = transport.get(id);
        if (rec?.failure) throw rec.failure;
        if (e instanceof AppError) throw e;
        const cap = rec?.capture;
        if (cap && cap.status >= 200 && cap.status < 300) {
          // The SDK rejected a JSON body (schema, or content type): keep the raw JSON.
          return { parsed: undefined, json: cap.json, rejection: rejectionText(e) };
        }
        if (cap) throw await classify(route, cap);
        const name = e instanceof Error ? e.name : 'error';
        throw unexpectedResponseError(route.name, `the request failed inside the SDK (${name})`, {}, secrets);
      }
      const cap = transport.get(id)?.capture;
      if (!cap) throw unexpectedResponseError(route.name, 'no response was recorded', {}, secrets);
      return { parsed, json: cap.json };
    } finally {
      transport.end(id);
    }
  }

  let nonBetaProbe: Promise<boolean> | undefined;
  /** Whether a non-beta endpoint answers (tells "no beta access" from "wrong base URL"). */
  function nonBetaWorks(): Promise<boolean> {
    nonBetaProbe ??= call(ROUTES.models, (o) => sdk.models.list(undefined, o)).then(
      () => true,
      (e: unknown) => {
        nonBetaProbe = undefined;
        if (e instanceof AppError && e.details.status === 404) return false;
        throw e;
      },
    );
    return nonBetaProbe;
  }

  async function classify(route: Route, cap: Capture): Promise<AppError> {
    const s = cap.status;
    if (s === 401) return invalidApiKeyError(route.name);
    if (s === 403 && route.kind !== 'nonbeta') return betaAccessError(route.name, s, route.label);
    if (s === 404 && route.kind === 'beta-list') {
      if (await nonBetaWorks()) return betaAccessError(route.name, s, route.label);
      return unexpectedResponseError(
        route.name,
        'neither this beta endpoint nor GET /v1/models exists at the configured base URL; it may not point at the Mistral API',
        { status: s, body: cap.text },
        secrets,
      );
    }
    if (s === 404 && route.kind !== 'nonbeta') return notFoundError(route.name, route.label);
    const what = s === 403 ? 'access was refused' : `status ${s}`;
    return unexpectedResponseError(route.name, what, { status: s, body: cap.text }, secrets);
  }

  function records(route: Route, json: unknown, field: string | null): unknown[] {
    return bodyRecords(route.name, json, field, secrets);
  }

  function pageWarnings(
    route: Route,
    kind: RecordKind,
    recs: unknown[],
    parsedItems: unknown,
    r: CallResult<unknown>,
  ): DataQualityWarning[] {
    const parsedArr = r.parsed !== undefined && Array.isArray(parsedItems) ? parsedItems : undefined;
    const w = checkRecords(kind, recs, parsedArr, route.name);
    if (r.parsed === undefined && w.length === 0) {
      w.push({
        resourceType: kind.resourceType,
        resourceId: null,
        endpoint: route.name,
        issue: `response envelope: ${r.rejection ?? 'rejected by the SDK'}`,
      });
    }
    return w;
  }

  function oneWarnings(
    route: Route,
    kind: RecordKind,
    json: unknown,
    r: CallResult<unknown>,
  ): DataQualityWarning[] {
    return pageWarnings(route, kind, [json], r.parsed === undefined ? undefined : [r.parsed], r);
  }

  function asObject(route: Route, json: unknown): Record<string, unknown> {
    return bodyObject(route.name, json, secrets);
  }

  /** page/page_size listing of a bare-array endpoint. */
  function bareArrayPages(
    route: Route,
    kind: RecordKind,
    pageSize: number,
    invoke: (page: number, o: RequestOptions) => Promise<unknown>,
    fast?: (page: number) => FastRequest,
    onPage?: (fresh: unknown[]) => void,
  ) {
    return paginate<number>({
      endpoint: route.name,
      kind,
      first: 0,
      onPage,
      requestKey: (p) => `page ${p}`,
      async fetch(page, before): Promise<Page<number>> {
        const r = fast
          ? await fastCall(route, fast(page), (o) => invoke(page, o))
          : await call(route, (o) => invoke(page, o));
        const recs = records(route, r.json, null);
        return {
          records: recs,
          warnings: pageWarnings(route, kind, recs, r.parsed, r),
          next: nextPageNumber({ page, pageSize, received: recs.length, collected: before + recs.length }),
        };
      },
    });
  }

  /** Token pages of a v2 registry list (prompts, skills): pageSize, pageToken → nextPageToken. */
  function v2Pages(
    route: Route,
    kind: RecordKind,
    invoke: (pageToken: string | undefined, o: RequestOptions) => Promise<{ result: { data?: unknown } }>,
  ) {
    return paginate<string | undefined>({
      endpoint: route.name,
      kind,
      first: undefined,
      requestKey: (t) => (t === undefined ? '(first page)' : `pageToken ${t}`),
      async fetch(token): Promise<Page<string | undefined>> {
        const r = await call(route, (o) => invoke(token, o));
        const recs = records(route, r.json, 'data');
        const next = nextCursor((r.json as Record<string, unknown>).nextPageToken);
        return { records: recs, warnings: pageWarnings(route, kind, recs, r.parsed?.result.data, r), next };
      },
    });
  }

  /** Warnings of a version list, naming the prompt or skill (a version number alone says little). */
  function versionWarnings(
    route: Route,
    kind: RecordKind,
    ownerId: string,
    recs: unknown[],
    r: CallResult<{ data?: unknown }>,
  ): DataQualityWarning[] {
    return pageWarnings(route, kind, recs, r.parsed?.data, r).map((w) => ({
      ...w,
      resourceId: ownerId,
      issue: w.resourceId ? `version ${w.resourceId}: ${w.issue}` : w.issue,
    }));
  }

  const sizer = createPageSizer(pageSize, transport);
  const sized = <T>(route: Route, run: (size: number) => Promise<T>): Promise<T> => sizer(route.name, run);

  let agentsStyle: 'cursor' | 'pages' = 'cursor';

  async function listAgentsCursor(pageSize: number) {
    const route = ROUTES.agentsPages;
    return paginate<string | undefined>({
      endpoint: route.name,
      kind: AGENT,
      first: undefined,
      requestKey: (t) => (t === undefined ? '(first page)' : `cursor ${t}`),
      async fetch(token): Promise<Page<string | undefined>> {
        const r = await call(route, (o) =>
          sdk.beta.agents.listPages({ pageSize, pageToken: token ?? null }, o),
        );
        const recs = records(route, r.json, 'data');
        const next = nextCursor((r.json as Record<string, unknown>).next_page_token);
        return { records: recs, warnings: pageWarnings(route, AGENT, recs, r.parsed?.result.data, r), next };
      },
    });
  }

  function listAgentsPaged() {
    return sized(ROUTES.agents, (size) =>
      bareArrayPages(ROUTES.agents, AGENT, size, (page, o) =>
        sdk.beta.agents.list({ page, pageSize: size }, o),
      ),
    );
  }

  /** One pass over GET /v1/files; `onTotal` is told the total of the last page that had one. */
  function listFilesOnce(onTotal: (total: number) => void): Promise<ListResult<WireFile>> {
    const route = ROUTES.files;
    return sized(route, (pageSize) =>
      paginate<number>({
        endpoint: route.name,
        kind: FILE,
        first: 0,
        requestKey: (p) => `page ${p}`,
        async fetch(page, before) {
          const r = await call(route, (o) => sdk.files.list({ page, pageSize, includeTotal: true }, o));
          const recs = records(route, r.json, 'data');
          const total = (r.json as Record<string, unknown>).total;
          if (typeof total === 'number') onTotal(total);
          return {
            records: recs,
            warnings: pageWarnings(route, FILE, recs, r.parsed?.data, r),
            next: nextPageNumber({
              page,
              pageSize,
              received: recs.length,
              collected: before + recs.length,
              total: typeof total === 'number' ? total : null,
            }),
          };
        },
      }),
    ) as Promise<ListResult<WireFile>>;
  }

  const connector: MistralConnector = {
    baseUrl,

    async validateKey() {
      await call(ROUTES.models, (o) => sdk.models.list(undefined, o));
    },

    async listModels() {
      const route = ROUTES.models;
      const r = await call(route, (o) => sdk.models.list(undefined, o));
      const recs = records(route, r.json, 'data');
      return {
        items: recs as WireModelCard[],
        warnings: pageWarnings(route, MODEL, recs, r.parsed?.data, r),
      };
    },

    async listFiles() {
      const route = ROUTES.files;
      // The listing's own total says whether records moved between two pages while it was read (a
      // record skipped looks like a deletion): read it once more, then fail the feature rather than
      // report a complete listing that is not (test/reliability-faults.test.ts).
      // A total that changed between two pages means a record was added or deleted meanwhile, and the
      // pages after it shifted: one may have been skipped even when the counts agree.
      // A listing cut short (an empty page before the announced total: files deleted meanwhile) is
      // read once more too.
      for (let attempt = 1; ; attempt++) {
        const totals: number[] = [];
        let res: Awaited<ReturnType<typeof listFilesOnce>>;
        try {
          res = await listFilesOnce((t) => totals.push(t));
        } catch (e) {
          if (attempt < 2 && isListingCutShort(e)) continue;
          throw e;
        }
        const total = totals.length ? totals[totals.length - 1] : null;
        const steady = totals.every((t) => t === total);
        if (total === null || (steady && res.items.length >= total)) return res;
        if (attempt >= 2) {
          throw unexpectedResponseError(
            route.name,
            `the listing announced ${total} files but returned ${res.items.length}${steady ? '' : ' and its total changed while it was read'}: files moved between pages while they were listed; they will be retried at the next sync`,
            {},
            [],
          );
        }
      }
    },

    async listAgents() {
      if (agentsStyle === 'pages') return (await listAgentsPaged()) as ListResult<WireAgent>;
      try {
        return (await sized(ROUTES.agentsPages, listAgentsCursor)) as ListResult<WireAgent>;
      } catch (e) {
        // /v1/agents/pages unknown (404) while /v1/agents works: use the deprecated page style.
        if (!(e instanceof AppError) || e.code !== 'BETA_ACCESS_REQUIRED' || e.details.status !== 404)
          throw e;
        const res = await listAgentsPaged();
        agentsStyle = 'pages';
        transport.log({
          level: 'info',
          msg: 'GET /v1/agents/pages is not available; listing agents with GET /v1/agents',
        });
        return res as ListResult<WireAgent>;
      }
    },

    async getAgent(agentId, version) {
      const route = ROUTES.agent;
      const r = await call(route, (o) => sdk.beta.agents.get({ agentId, agentVersion: version ?? null }, o));
      const item = asObject(route, r.json);
      return { item: item as WireAgent, warnings: oneWarnings(route, AGENT, item, r) };
    },

    async listAgentVersions(agentId) {
      const route = ROUTES.versions;
      const res = await sized(route, (size) =>
        bareArrayPages(
          route,
          AGENT_VERSION,
          size,
          (page, o) => sdk.beta.agents.listVersions({ agentId, page, pageSize: size }, o),
          typeof agentId === 'string'
            ? (page) => ({
                url: sdkUrl(
                  versionsPath({ agent_id: pathParam('agent_id', agentId) }),
                  encodeFormQuery({ page, page_size: size }),
                ),
                // The SDK's own schema (agents are what the rules read): only its request machinery is saved.
                check(json) {
                  const r = AGENT_VERSIONS_SCHEMA.safeParse(json);
                  return r.success ? { parsed: r.data } : null;
                },
              })
            : undefined,
        ),
      );
      return res as ListResult<WireAgent>;
    },

    async listAgentAliases(agentId) {
      const route = ROUTES.aliases;
      const fast: FastRequest | undefined =
        typeof agentId === 'string'
          ? {
              url: sdkUrl(aliasesPath({ agent_id: pathParam('agent_id', agentId) }), ''),
              check: rawWhen(fastAliasPageOk),
            }
          : undefined;
      const r = await fastCall(route, fast, (o) => sdk.beta.agents.listVersionAliases({ agentId }, o));
      const recs = records(route, r.json, null);
      return { items: recs as WireAgentAlias[], warnings: pageWarnings(route, ALIAS, recs, r.parsed, r) };
    },

    async listLibraries() {
      const route = ROUTES.libraries;
      type Req = { token?: string; page: number };
      const res = await sized(route, (pageSize) =>
        paginate<Req>({
          endpoint: route.name,
          kind: LIBRARY,
          first: { page: 0 },
          requestKey: (q) => (q.token !== undefined ? `cursor ${q.token}` : `page ${q.page}`),
          async fetch(q) {
            const r = await call(route, (o) =>
              sdk.beta.libraries.list({ pageSize, pageToken: q.token ?? null, page: q.page }, o),
            );
            const recs = records(route, r.json, 'data');
            const body = r.json as Record<string, unknown>;
            const token = nextCursor(body.next_page_token);
            let next: Req | null = null;
            if (token !== null) next = { token, page: 0 };
            else if (recs.length > 0 && isPagination(body.pagination) && body.pagination.has_more === true) {
              // A server that only pages by number (the deprecated style): follow `has_more`.
              next = { page: q.page + 1 };
            }
            return { records: recs, warnings: pageWarnings(route, LIBRARY, recs, r.parsed?.data, r), next };
          },
        }),
      );
      return res as ListResult<WireLibrary>;
    },

    async listLibraryDocuments(libraryId) {
      const route = ROUTES.documents;
      const res = await sized(route, (pageSize) =>
        paginate<number>({
          endpoint: route.name,
          kind: DOCUMENT,
          first: 0,
          requestKey: (p) => `page ${p}`,
          async fetch(page, before) {
            const r = await call(route, (o) =>
              sdk.beta.libraries.documents.list({ libraryId, page, pageSize }, o),
            );
            const recs = records(route, r.json, 'data');
            const pg = (r.json as Record<string, unknown>).pagination;
            return {
              records: recs,
              warnings: pageWarnings(route, DOCUMENT, recs, r.parsed?.data, r),
              next: nextPageNumber({
                page,
                pageSize,
                received: recs.length,
                collected: before + recs.length,
                hasMore: isPagination(pg) ? pg.has_more : null,
              }),
            };
          },
        }),
      );
      return res as ListResult<WireDocument>;
    },

    async listConversations(opts) {
      const route = ROUTES.conversations;
      const onPage = opts?.onPage as ((fresh: unknown[]) => void) | undefined;
      const res = await sized(route, (size) =>
        bareArrayPages(
          route,
          CONVERSATION,
          size,
          (page, o) => sdk.beta.conversations.list({ page, pageSize: size }, o),
          (page) => ({
            url: sdkUrl(
              conversationsPath,
              queryJoin(
                encodeFormQuery({ page, page_size: size }),
                encodeJSONQuery({ metadata: undefined }, { explode: false }),
              ),
            ),
            check: rawWhen(fastConversationPageOk),
          }),
          onPage,
        ),
      );
      return res as ListResult<WireConversation>;
    },

    async getConversationHistory(conversationId): Promise<OneResult<WireConversationHistory>> {
      const route = ROUTES.history;
      const fast: FastRequest | undefined =
        typeof conversationId === 'string'
          ? {
              url: sdkUrl(historyPath({ conversation_id: pathParam('conversation_id', conversationId) }), ''),
              check: rawWhen(fastHistoryOk),
            }
          : undefined;
      const r = await fastCall(route, fast, (o) => sdk.beta.conversations.getHistory({ conversationId }, o));
      const body = asObject(route, r.json);
      const entries = records(route, body, 'entries');
      const warnings: DataQualityWarning[] = [];
      if (r.parsed === undefined) {
        entries.forEach((entry, i) => {
          const v = ENTRY.validate(entry);
          if (v.ok) return;
          const eid = ENTRY.idOf(entry);
          warnings.push({
            resourceType: 'conversation',
            resourceId: conversationId,
            endpoint: route.name,
            issue: `entries[${i}]${eid ? ` (${eid})` : ''}: ${v.issue}`,
          });
        });
        if (warnings.length === 0) {
          warnings.push({
            resourceType: 'conversation',
            resourceId: conversationId,
            endpoint: route.name,
            issue: `response envelope: ${r.rejection ?? 'rejected by the SDK'}`,
          });
        }
      }
      return { item: body as unknown as WireConversationHistory, warnings };
    },

    async listConnectors() {
      const route = ROUTES.connectors;
      const res = await sized(route, (pageSize) =>
        paginate<string | undefined>({
          endpoint: route.name,
          kind: CONNECTOR,
          first: undefined,
          requestKey: (t) => (t === undefined ? '(first page)' : `cursor ${t}`),
          async fetch(cursor) {
            const r = await call(route, (o) =>
              sdk.beta.connectors.list({ cursor: cursor ?? null, pageSize }, o),
            );
            const recs = records(route, r.json, 'items');
            const pg = (r.json as Record<string, unknown>).pagination;
            const next = nextCursor(
              pg && typeof pg === 'object' ? (pg as Record<string, unknown>).next_cursor : null,
            );
            return {
              records: recs,
              warnings: pageWarnings(route, CONNECTOR, recs, r.parsed?.items, r),
              next,
            };
          },
        }),
      );
      return res as ListResult<WireConnector>;
    },

    async listConnectorTools(connectorIdOrName) {
      const route = ROUTES.connectorTools;
      const res = await sized(route, (pageSize) =>
        paginate<number>({
          endpoint: route.name,
          kind: CONNECTOR_TOOL,
          // Pages of this route start at 1 (the SDK's default); `refresh` stays false (Mistral's copy,
          // not a new call to the MCP server).
          first: 1,
          requestKey: (p) => `page ${p}`,
          async fetch(page, before): Promise<Page<number>> {
            const r = await call(route, (o) =>
              sdk.beta.connectors.listTools({ connectorIdOrName, page, pageSize }, o),
            );
            const recs = records(route, r.json, null);
            // Every record against MCPTool (parsed items not passed: the SDK's union accepts any object).
            const warnings = pageWarnings(route, CONNECTOR_TOOL, recs, undefined, r).map((w) => ({
              ...w,
              resourceId: connectorIdOrName,
              issue: `tools${w.resourceId ? ` (${w.resourceId})` : ''}: ${w.issue}`,
            }));
            return {
              records: recs,
              warnings,
              next: nextPageNumber({
                page,
                pageSize,
                received: recs.length,
                collected: before + recs.length,
              }),
            };
          },
        }),
      );
      return res as ListResult<WireConnectorMcpTool>;
    },

    async listConnectorCredentials(connectorIdOrName, scope) {
      const route = ROUTES.credentials;
      const r = await call(route, (o) => {
        const req = { connectorIdOrName };
        if (scope === 'organization') return sdk.beta.connectors.listOrganizationCredentials(req, o);
        if (scope === 'workspace') return sdk.beta.connectors.listWorkspaceCredentials(req, o);
        return sdk.beta.connectors.listUserCredentials(req, o);
      });
      const recs = records(route, r.json, 'credentials');
      const warnings = pageWarnings(route, CREDENTIAL, recs, r.parsed?.credentials, r).map((w) => ({
        ...w,
        resourceId: connectorIdOrName,
        issue: `${scope} credentials: ${w.issue}`,
      }));
      return { items: recs as WireConnectorCredential[], warnings };
    },

    async listLibrarySharing(libraryId) {
      const route = ROUTES.sharing;
      const r = await call(route, (o) => sdk.beta.libraries.accesses.list({ libraryId }, o));
      const recs = records(route, r.json, 'data');
      return {
        items: recs as WireSharing[],
        warnings: pageWarnings(route, SHARING, recs, r.parsed?.data, r),
      };
    },

    listPrompts() {
      const route = ROUTES.prompts;
      return sized(route, (pageSize) =>
        v2Pages(route, PROMPT, (pageToken, o) => sdk.beta.prompts.list({ pageSize, pageToken }, o)),
      ) as Promise<ListResult<WirePrompt>>;
    },

    async listPromptVersions(promptId) {
      const route = ROUTES.promptVersions;
      const r = await call(route, (o) => sdk.beta.prompts.listVersions({ promptId }, o));
      const recs = records(route, r.json, 'data');
      return {
        items: recs as WirePromptVersion[],
        warnings: versionWarnings(route, PROMPT_VERSION, promptId, recs, r),
      };
    },

    listSkills() {
      const route = ROUTES.skills;
      return sized(route, (pageSize) =>
        v2Pages(route, SKILL, (pageToken, o) => sdk.beta.skills.list({ pageSize, pageToken }, o)),
      ) as Promise<ListResult<WireSkill>>;
    },

    async listSkillVersions(skillId) {
      const route = ROUTES.skillVersions;
      const r = await call(route, (o) => sdk.beta.skills.listVersions({ skillId }, o));
      const recs = records(route, r.json, 'data');
      return {
        items: recs as WireSkillVersion[],
        warnings: versionWarnings(route, SKILL_VERSION, skillId, recs, r),
      };
    },

    async listBatchJobs() {
      const route = ROUTES.batchJobs;
      try {
        const res = await sized(route, (pageSize) =>
          paginate<number>({
            endpoint: route.name,
            kind: BATCH_JOB,
            first: 0,
            requestKey: (p) => `page ${p}`,
            async fetch(page, before): Promise<Page<number>> {
              const r = await call(route, (o) => sdk.batch.jobs.list({ page, pageSize }, o));
              const recs = records(route, r.json, 'data');
              const total = (r.json as Record<string, unknown>).total;
              return {
                records: recs,
                warnings: pageWarnings(route, BATCH_JOB, recs, r.parsed?.data, r),
                next: nextPageNumber({
                  page,
                  pageSize,
                  received: recs.length,
                  collected: before + recs.length,
                  total: typeof total === 'number' ? total : null,
                }),
              };
            },
          }),
        );
        return res as ListResult<WireBatchJob>;
      } catch (e) {
        // A key or plan without batch access: 403 (or 404 while /v1/models answers).
        if (e instanceof AppError && e.code !== 'INVALID_API_KEY') {
          const status = e.details.status;
          if (status === 403 || (status === 404 && (await nonBetaWorks())))
            throw featureNotAvailableError(route.name, Number(status), route.label);
        }
        throw e;
      }
    },

    setRequestRate(requestsPerSecond) {
      paced.setRequestRate(requestsPerSecond);
    },

    stats(): ConnectorStats {
      return { ...transport.stats(), currentRate: limiter.currentRate, validation: { ...validation } };
    },
  };
  return connector;
}

/**
 * Batch jobs (not beta) refused to this key or plan: code FORBIDDEN (details.feature 'batchJobs'),
 * which discovery records as 'unavailable', not as a failed read.
 */
function featureNotAvailableError(endpoint: string, status: number, feature: string): AppError {
  return new AppError(
    'FORBIDDEN',
    `${feature} is not available to this API key or workspace plan (HTTP ${status}).`,
    {
      remediation:
        'Use a key of a workspace whose plan includes batch inference (Mistral Console → Batch), or ignore this row if the workspace does not use batch jobs.',
      details: { endpoint, status, feature: 'batchJobs' },
      httpStatus: 424,
    },
  );
}

/** What the SDK's matchContentType reads of a response (its content-type), without building Headers. */
function contentTypeOnly(cap: Capture): Response {
  const headers = {
    get: (name: string) =>
      name.toLowerCase() === 'content-type' ? (cap.contentType ?? null) : cap.headers.get(name),
  };
  return { headers } as unknown as Response;
}

function isPagination(v: unknown): v is { has_more: boolean; current_page?: number } {
  return !!v && typeof v === 'object' && typeof (v as { has_more?: unknown }).has_more === 'boolean';
}

function rejectionText(e: unknown): string {
  const cause = e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  const issues = cause && typeof cause === 'object' ? (cause as { issues?: unknown }).issues : undefined;
  if (Array.isArray(issues)) return issueText(issues as { path: PropertyKey[]; message: string }[]);
  return e instanceof Error ? e.name : 'rejected by the SDK';
}
