/**
 * The access matrix of issue 8, generated from the OpenAPI document so that a new route cannot be
 * forgotten: every /api/v1 operation of /api/openapi.json is sent as anonymous, viewer, analyst and
 * admin of organization A and as the admin of organization B, with path parameters filled with real
 * ids of organization A and a body generated from the operation's request schema (hand-written where
 * generation cannot make a valid one). Expected: 401 for anonymous on every non-public route; the
 * route's declared minimum role (checked against the issue) allows or refuses (403) each role; B's
 * admin gets 404 for anything of A, never A's ids or names in any response (nor A's users B's: B has
 * synced data of its own from another simulated workspace). Destructive routes act on
 * throwaway objects made for each request, and a refused request must leave its object intact.
 * The test fails when an operation of the document has no expectation here, or a registered route is
 * missing from the document.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RouteAccess } from '../src/server/plugins/auth.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { recordReliability } from './helpers/reliability.ts';
import {
  apiOperations,
  fillPath,
  hasQueryParam,
  minimalQuery,
  minimalValue,
  pathParams,
  resourceParams,
  toOpenApiPath,
  withQuery,
  type ApiOperation,
  type OpenApiDocument,
  type ResourceIds,
} from './helpers/openapi-requests.ts';
import { startKeyProxy, type KeyProxy } from './helpers/key-proxy.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';
import { ORG_A, ORG_B, PASSWORD, startTestServer, type Client, type TestServer } from './helpers/server.ts';

type CallerName = 'anonymous' | 'viewer' | 'analyst' | 'admin' | 'otherAdmin';
/** Each caller with its API token, then the three roles of A again through a browser session. */
const CALLERS: Array<[CallerName, 'token' | 'session']> = [
  ['anonymous', 'token'],
  ['viewer', 'token'],
  ['analyst', 'token'],
  ['admin', 'token'],
  ['otherAdmin', 'token'],
  ['viewer', 'session'],
  ['analyst', 'session'],
  ['admin', 'session'],
];
const COLUMNS = ['anon', 'viewer', 'analyst', 'admin', 'otherOrg', 'viewer·s', 'analyst·s', 'admin·s'];

/** The client through a session of its own, signed in for this one request (cookie and x-csrf-token). */
async function throughFreshSession(h: TestServer, c: Client): Promise<Client> {
  const signed = await h.app.services.accounts.login(c.email!, PASSWORD, {
    ip: '127.0.0.1',
    userAgent: 'matrix',
  });
  const request: Client['request'] = async (method, url, body) => {
    const r = await h.server.inject({
      method,
      url,
      headers: { cookie: `trustlens_session=${signed.sessionToken}`, 'x-csrf-token': signed.csrfToken },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    let parsed: unknown = undefined;
    try {
      parsed = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.statusCode, headers: r.headers, body: parsed as never, text: r.body };
  };
  return { ...c, token: null, request };
}
const RANK: Record<Exclude<RouteAccess, 'public'>, number> = { viewer: 1, analyst: 2, admin: 3 };

interface Ctx {
  h: TestServer;
  doc: OpenApiDocument;
  /** Ids of organization A's objects by collection (integrations, agents, syncs, findings, users, tokens). */
  ids: ResourceIds;
  /** Two versions of ids.agents, for the comparison route. */
  versions: { from: number; to: number };
  /** Organization A's ids and names: none may reach B's admin. */
  markers: Set<string>;
  /** Organization B's ids and names: none may reach A's users (the other direction). */
  markersB: Set<string>;
  seq(): number;
  /** In front of the simulator: accepts every key made by newKey. */
  proxy: KeyProxy;
  /** Receives the alerts (test alerts) the matrix sends. */
  receiver: WebhookReceiver;
  /** Organization B's alert destination (a rule B creates must name one of B's). */
  destinationB: string;
}

/** A new Mistral key that the workspace behind ctx.proxy accepts. */
function newKey(ctx: Ctx): string {
  const key = `sk-matrix-${ctx.seq()}-${randomBytes(8).toString('hex')}`;
  ctx.proxy.accept(key);
  return key;
}

interface Prepared {
  /** Path parameters of a throwaway object of organization A. */
  params: Record<string, string>;
  /** After a refused request: what changed (null when the object is intact). */
  intact?: () => Promise<string | null>;
}

interface Expectation {
  /** The least role issue 8 gives this action. */
  issueRole: RouteAccess;
  /** The declared minimum role when it differs on purpose from issueRole (the service decides the rest). */
  declaredRole?: RouteAccess;
  /** The status of an allowed request. */
  ok: number;
  /** Merged over the body generated from the request schema. */
  body?: (ctx: Ctx, caller: Client) => Record<string, unknown>;
  /** Replaces the generated required query parameters. */
  query?: (ctx: Ctx) => Record<string, string>;
  /** A fresh object of organization A for each request (destructive routes). */
  prepare?: (ctx: Ctx) => Promise<Prepared>;
}

// --- throwaway objects of organization A -------------------------------------------------------

async function throwawayIntegration(
  ctx: Ctx,
  check: 'exists' | 'key' | 'name' | 'admin-key',
  options: { withAdminKey?: boolean } = {},
): Promise<Prepared> {
  const { h } = ctx;
  const name = `throwaway-int-${ctx.seq()}`;
  // Behind the key proxy, so that its key can be rotated to another one the workspace accepts.
  const view = await h.app.services.integrations.create(h.admin.actor!, {
    name,
    apiKey: newKey(ctx),
    baseUrl: ctx.proxy.url,
    ...(options.withAdminKey ? { adminApiKey: h.sim.adminApiKey } : {}),
  });
  ctx.markers.add(view.id).add(name);
  return {
    params: { id: view.id },
    intact: async () => {
      const now = await h.admin.request('GET', `/api/v1/integrations/${view.id}`);
      if (now.status !== 200) return `integration gone (${now.status})`;
      if (check === 'key' && now.body.keyUpdatedAt !== view.keyUpdatedAt) return 'key rotated';
      if (check === 'name' && now.body.name !== name) return `renamed to ${now.body.name}`;
      if (check === 'admin-key' && JSON.stringify(now.body.adminKey) !== JSON.stringify(view.adminKey))
        return 'admin key changed';
      return null;
    },
  };
}

async function throwawayUser(ctx: Ctx): Promise<Prepared> {
  const { h } = ctx;
  const email = `throwaway-${ctx.seq()}@a.example`;
  const user = await h.app.services.accounts.createUser(h.admin.actor!, {
    email,
    password: PASSWORD,
    role: 'viewer',
    name: 'Throwaway',
  });
  ctx.markers.add(user.id).add(email);
  return {
    params: { id: user.id },
    intact: async () => {
      const users = await h.app.services.accounts.listUsers(h.admin.actor!);
      const now = users.find((u) => u.id === user.id);
      if (!now) return 'user deleted';
      if (now.name !== 'Throwaway' || now.role !== 'viewer' || now.disabled) return 'user changed';
      return null;
    },
  };
}

async function throwawayToken(ctx: Ctx): Promise<Prepared> {
  const { h } = ctx;
  const { view } = await h.app.services.accounts.createToken(h.admin.actor!, {
    name: `throwaway-${ctx.seq()}`,
    role: 'viewer',
  });
  ctx.markers.add(view.id);
  return {
    params: { id: view.id },
    intact: async () => {
      const tokens = await h.app.services.accounts.listTokens(h.admin.actor!);
      const now = tokens.find((t) => t.id === view.id);
      if (!now) return 'token gone';
      return now.revokedAt ? 'token revoked' : null;
    },
  };
}

async function throwawayDestination(ctx: Ctx, check: 'exists' | 'name' | 'secret'): Promise<Prepared> {
  const { h } = ctx;
  const name = `throwaway-dest-${ctx.seq()}`;
  const { destination } = await h.app.services.alerts.createDestination(h.admin.actor!, {
    name,
    kind: 'webhook',
    url: ctx.receiver.url,
  });
  ctx.markers.add(destination.id).add(name);
  return {
    params: { id: destination.id },
    intact: async () => {
      const now = (await h.app.services.alerts.listDestinations(h.admin.actor!)).find(
        (d) => d.id === destination.id,
      );
      if (!now) return 'destination deleted';
      if (check === 'name' && now.name !== name) return `renamed to ${now.name}`;
      if (check === 'secret' && now.secretUpdatedAt !== destination.secretUpdatedAt) return 'secret rotated';
      return null;
    },
  };
}

async function throwawayAlertRule(ctx: Ctx, check: 'exists' | 'name'): Promise<Prepared> {
  const { h } = ctx;
  const name = `throwaway-rule-${ctx.seq()}`;
  const rule = await h.app.services.alerts.createRule(h.admin.actor!, {
    name,
    destinationIds: [ctx.ids.destinations],
    minSeverity: 'critical',
  });
  ctx.markers.add(rule.id).add(name);
  return {
    params: { id: rule.id },
    intact: async () => {
      const now = (await h.app.services.alerts.listRules(h.admin.actor!)).find((r) => r.id === rule.id);
      if (!now) return 'rule deleted';
      if (check === 'name' && now.name !== name) return `renamed to ${now.name}`;
      return null;
    },
  };
}

/** The finding of ids.findings, muted or not before the request. */
async function findingInState(ctx: Ctx, muted: boolean): Promise<Prepared> {
  const { h } = ctx;
  const id = ctx.ids.findings;
  const findings = h.app.services.findings;
  if (muted) await findings.mute(h.admin.actor!, id, { reason: 'matrix set-up', replace: true });
  else await findings.unmute(h.admin.actor!, id);
  return {
    params: { id },
    intact: async () => {
      const now = await findings.get(h.admin.actor!, id);
      return now.muted === muted ? null : `muted is now ${now.muted}`;
    },
  };
}

// --- what issue 8 says about each route ---------------------------------------------------------

const EXPECTATIONS: Record<string, Expectation> = {
  'GET /api/v1/health': { issueRole: 'public', ok: 200 },
  'POST /api/v1/auth/login': {
    issueRole: 'public',
    ok: 200,
    // Each caller signs in as itself (anonymous as A's viewer), so B's admin gets B's session.
    body: (_ctx, caller) => ({ email: caller.email ?? 'viewer@a.example', password: PASSWORD }),
  },
  'POST /api/v1/setup': {
    issueRole: 'public',
    // Users exist: refused for everyone (CONFLICT), and no session is created.
    ok: 409,
    body: () => ({
      setupToken: 'not-a-set-up-token',
      organizationName: 'Matrix',
      email: 'setup@matrix.example',
      password: 'a long enough password',
    }),
  },
  'POST /api/v1/auth/logout': { issueRole: 'viewer', ok: 204 },
  'GET /api/v1/session': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/organization': { issueRole: 'viewer', ok: 200 },

  'GET /api/v1/users': { issueRole: 'admin', ok: 200 },
  'POST /api/v1/users': { issueRole: 'admin', ok: 201 },
  'PATCH /api/v1/users/{id}': {
    // Declared viewer so that users change their own name and password; on another user, admin only.
    issueRole: 'admin',
    declaredRole: 'viewer',
    ok: 200,
    body: () => ({ name: 'Renamed by the matrix' }),
    prepare: throwawayUser,
  },
  'DELETE /api/v1/users/{id}': { issueRole: 'admin', ok: 204, prepare: throwawayUser },
  'GET /api/v1/tokens': { issueRole: 'admin', ok: 200 },
  'POST /api/v1/tokens': { issueRole: 'admin', ok: 201 },
  'DELETE /api/v1/tokens/{id}': { issueRole: 'admin', ok: 200, prepare: throwawayToken },
  'GET /api/v1/audit-log': { issueRole: 'admin', ok: 200 },

  'GET /api/v1/integrations': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/export': {
    issueRole: 'viewer',
    ok: 200,
    query: () => ({ format: 'sarif' }),
  },

  // Alerts (issue 12): everyone reads the configuration and the delivery log; admins change it.
  'GET /api/v1/alerts/destinations': { issueRole: 'viewer', ok: 200 },
  'POST /api/v1/alerts/destinations': {
    issueRole: 'admin',
    ok: 201,
    body: (ctx) => ({ name: `matrix-dest-${ctx.seq()}`, kind: 'webhook', url: ctx.receiver.url }),
  },
  'GET /api/v1/alerts/destinations/{id}': { issueRole: 'viewer', ok: 200 },
  'PATCH /api/v1/alerts/destinations/{id}': {
    issueRole: 'admin',
    ok: 200,
    body: (ctx) => ({ name: `renamed-dest-${ctx.seq()}` }),
    prepare: (ctx) => throwawayDestination(ctx, 'name'),
  },
  'DELETE /api/v1/alerts/destinations/{id}': {
    issueRole: 'admin',
    ok: 204,
    prepare: (ctx) => throwawayDestination(ctx, 'exists'),
  },
  'POST /api/v1/alerts/destinations/{id}/rotate-secret': {
    issueRole: 'admin',
    ok: 200,
    prepare: (ctx) => throwawayDestination(ctx, 'secret'),
  },
  'POST /api/v1/alerts/destinations/{id}/test': { issueRole: 'admin', ok: 200 },
  'GET /api/v1/alerts/rules': { issueRole: 'viewer', ok: 200 },
  'POST /api/v1/alerts/rules': {
    issueRole: 'admin',
    ok: 201,
    body: (ctx, caller) => ({
      name: `matrix-rule-${ctx.seq()}`,
      destinationIds: [
        caller.organizationId === ctx.h.organizationB ? ctx.destinationB : ctx.ids.destinations,
      ],
      minSeverity: 'high',
      events: ['guardrails_removed'],
    }),
  },
  'GET /api/v1/alerts/rules/{id}': { issueRole: 'viewer', ok: 200 },
  'PUT /api/v1/alerts/rules/{id}': {
    issueRole: 'admin',
    ok: 200,
    body: (ctx) => ({
      name: `replaced-rule-${ctx.seq()}`,
      destinationIds: [ctx.ids.destinations],
      minSeverity: 'low',
    }),
    prepare: (ctx) => throwawayAlertRule(ctx, 'name'),
  },
  'DELETE /api/v1/alerts/rules/{id}': {
    issueRole: 'admin',
    ok: 204,
    prepare: (ctx) => throwawayAlertRule(ctx, 'exists'),
  },
  'GET /api/v1/alerts/deliveries': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/alerts/deliveries/{id}': { issueRole: 'viewer', ok: 200 },
  'POST /api/v1/integrations': {
    issueRole: 'admin',
    ok: 201,
    body: (ctx) => ({ name: `matrix-${ctx.seq()}`, apiKey: ctx.h.sim.apiKey, baseUrl: ctx.h.sim.url }),
  },
  'GET /api/v1/integrations/{id}': { issueRole: 'viewer', ok: 200 },
  'PATCH /api/v1/integrations/{id}': {
    issueRole: 'admin',
    ok: 200,
    body: (ctx) => ({ name: `renamed-${ctx.seq()}`, syncIntervalMinutes: 720 }),
    prepare: (ctx) => throwawayIntegration(ctx, 'name'),
  },
  'POST /api/v1/integrations/{id}/rotate-key': {
    issueRole: 'admin',
    ok: 200,
    body: (ctx) => ({ apiKey: newKey(ctx) }),
    prepare: (ctx) => throwawayIntegration(ctx, 'key'),
  },
  'DELETE /api/v1/integrations/{id}': {
    issueRole: 'admin',
    ok: 204,
    prepare: (ctx) => throwawayIntegration(ctx, 'exists'),
  },
  // Issue 11: the admin key, set (validated as one: the simulator's admin key, which the proxy passes
  // through) and removed on its own; admin only, like the key.
  'PUT /api/v1/integrations/{id}/admin-key': {
    issueRole: 'admin',
    ok: 200,
    body: (ctx) => ({ adminApiKey: ctx.h.sim.adminApiKey }),
    prepare: (ctx) => throwawayIntegration(ctx, 'admin-key'),
  },
  'DELETE /api/v1/integrations/{id}/admin-key': {
    issueRole: 'admin',
    ok: 200,
    prepare: (ctx) => throwawayIntegration(ctx, 'admin-key', { withAdminKey: true }),
  },
  'POST /api/v1/integrations/{id}/syncs': { issueRole: 'analyst', ok: 202 },
  'GET /api/v1/integrations/{id}/syncs': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/syncs/{runId}': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/availability': { issueRole: 'viewer', ok: 200 },

  'GET /api/v1/agents': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/agents/{agentId}': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/agents/{agentId}/versions/compare': {
    issueRole: 'viewer',
    ok: 200,
    query: (ctx) => ({ from: String(ctx.versions.from), to: String(ctx.versions.to) }),
  },
  'GET /api/v1/models': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/files': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/libraries': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/connectors': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/connectors/{connectorId}': {
    issueRole: 'viewer',
    ok: 200,
    prepare: async (ctx) => {
      const id = ctx.ids.integrations;
      const page = await ctx.h.app.services.extras.listConnectors(ctx.h.admin.actor!, id, { limit: 1 });
      return { params: { id, connectorId: page.items[0].id } };
    },
  },
  'GET /api/v1/integrations/{id}/prompts': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/skills': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/batch-jobs': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/organization': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/organization/api-keys': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/organization/members': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/integrations/{id}/organization/invites': { issueRole: 'viewer', ok: 200 },

  'GET /api/v1/findings': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/findings/{id}': { issueRole: 'viewer', ok: 200 },
  'POST /api/v1/findings/{id}/mute': {
    issueRole: 'analyst',
    ok: 200,
    prepare: (ctx) => findingInState(ctx, false),
  },
  'POST /api/v1/findings/{id}/unmute': {
    issueRole: 'analyst',
    ok: 200,
    prepare: (ctx) => findingInState(ctx, true),
  },
  'GET /api/v1/events': { issueRole: 'viewer', ok: 200 },
  // The Mistral admin audit log the syncs stored (issue 11): an inventory read, unlike TrustLens's own.
  'GET /api/v1/integrations/{id}/audit-log': { issueRole: 'viewer', ok: 200 },

  'GET /api/v1/posture': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/posture/fix-first': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/posture/exposure': { issueRole: 'viewer', ok: 200 },
  'GET /api/v1/rules': { issueRole: 'viewer', ok: 200 },
};

function expectedStatus(e: Expectation, caller: CallerName, hasPathParams: boolean): number {
  if (e.issueRole === 'public') return e.ok;
  if (caller === 'anonymous') return 401;
  if (caller === 'otherAdmin') return hasPathParams ? 404 : e.ok;
  return RANK[caller] >= RANK[e.issueRole] ? e.ok : 403;
}

/** Organization A's ids and names found in a response, leaving out what the request itself carried. */
function leaked(markers: Set<string>, responseText: string, requestText: string): string[] {
  return [...markers].filter((m) => responseText.includes(m) && !requestText.includes(m));
}

async function allItems(client: Client, url: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const r: {
      status: number;
      text: string;
      body: { items: Array<Record<string, unknown>>; nextCursor: string | null };
    } = await client.request('GET', withQuery(url, cursor ? { cursor } : {}));
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}

for (const backend of testBackends()) {
  describe(`access matrix from the OpenAPI document (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    let simB: SimulatorHandle;
    let proxy: KeyProxy;
    let receiver: WebhookReceiver | undefined;
    let ctx: Ctx;
    let ops: Map<string, ApiOperation>;
    const table = new Map<string, string[]>();
    /** Per caller column: route checks made, and those that answered as expected without a leak. */
    const tally = new Map<string, { tried: number; ok: number }>(
      COLUMNS.map((c) => [c, { tried: 0, ok: 0 }]),
    );

    before(async () => {
      h = await startTestServer(backend);
      // Organization B gets data of its own (another workspace), so that its lists are not trivially empty.
      simB = await startSimulator({
        seed: 77,
        host: '127.0.0.1',
        generator: { agents: 4, conversations: 10 },
      });
      const integrationB2 = await h.app.services.integrations.create(h.otherAdmin.actor!, {
        name: 'sim-b2',
        apiKey: simB.apiKey,
        baseUrl: simB.url,
      });
      await h.syncNow(integrationB2.id);

      const doc = (await h.anonymous.request<OpenApiDocument>('GET', '/api/openapi.json')).body;
      ops = new Map(apiOperations(doc).map((o) => [o.key, o]));

      const a = h.admin;
      const A = h.integrationA;
      const agents = await allItems(a, `/api/v1/agents?integrationId=${A}&limit=500`);
      const findings = await allItems(
        a,
        `/api/v1/findings?integrationId=${A}&status=all&muted=include&limit=500`,
      );
      const runs = await allItems(a, `/api/v1/integrations/${A}/syncs`);
      const users = await allItems(a, '/api/v1/users');
      const tokens = await allItems(a, '/api/v1/tokens');
      const integrations = await allItems(a, '/api/v1/integrations');
      const files = await allItems(a, `/api/v1/files?integrationId=${A}&limit=500`);
      const libraries = await allItems(a, `/api/v1/libraries?integrationId=${A}&limit=500`);
      const audit = await allItems(a, '/api/v1/audit-log?limit=500');
      assert.ok(agents.length > 0 && findings.length > 0 && runs.length > 0, 'organization A has data');

      const ids: ResourceIds = {
        integrations: A,
        agents: String(agents[0].id),
        syncs: String(runs[0].id),
        findings: String(findings[0].id),
        users: String(users.find((u) => u.email === 'viewer@a.example')!.id),
        tokens: String(tokens[0].id),
      };
      receiver = await startWebhookReceiver();
      const destination = (
        await h.app.services.alerts.createDestination(h.admin.actor!, {
          name: 'matrix-destination-a',
          kind: 'webhook',
          url: receiver.url,
        })
      ).destination;
      const alertRule = await h.app.services.alerts.createRule(h.admin.actor!, {
        name: 'matrix-rule-a',
        destinationIds: [destination.id],
        minSeverity: 'high',
      });
      const delivery = await h.app.services.alerts.sendTest(h.admin.actor!, destination.id);
      assert.equal(delivery.status, 'delivered');
      ids.destinations = destination.id;
      ids.rules = alertRule.id;
      ids.deliveries = delivery.id;
      const destinationB = (
        await h.app.services.alerts.createDestination(h.otherAdmin.actor!, {
          name: 'matrix-destination-b',
          kind: 'webhook',
          url: receiver.url,
        })
      ).destination.id;
      const detail = await a.request('GET', `/api/v1/integrations/${A}/agents/${ids.agents}`);
      const versions = (detail.body.versions as number[] | undefined) ?? [];
      const markers = new Set<string>([h.organizationA, ORG_A]);
      // Ids long enough to be unique (audit entries have small sequential numbers: their content counts).
      for (const list of [agents, findings, runs, users, tokens, integrations, files, libraries, audit])
        for (const item of list) if (String(item.id).length >= 8) markers.add(String(item.id));
      for (const i of integrations) markers.add(String(i.name));
      for (const m of [destination.id, destination.name, alertRule.id, alertRule.name, delivery.id])
        markers.add(m);
      for (const u of users) markers.add(String(u.email));
      let n = 0;
      proxy = await startKeyProxy(h.sim);
      ctx = {
        proxy,
        h,
        doc,
        ids,
        versions: { from: versions[0] ?? 0, to: versions[versions.length - 1] ?? 0 },
        markers,
        markersB: new Set<string>(),
        seq: () => ++n,
        receiver,
        destinationB,
      };
      // B's own data must not collide with A's markers, or the leak check would mean nothing.
      const bAgents = await allItems(h.otherAdmin, '/api/v1/agents?limit=500');
      assert.ok(bAgents.length > 0, "organization B's admin sees B's agents");
      assert.deepEqual(leaked(markers, JSON.stringify(bAgents), ''), []);
      const bFindings = await allItems(h.otherAdmin, '/api/v1/findings?status=all&limit=500');
      const bUsers = await allItems(h.otherAdmin, '/api/v1/users');
      for (const list of [bAgents, bFindings, bUsers])
        for (const item of list) ctx.markersB.add(String(item.id));
      for (const u of bUsers) ctx.markersB.add(String(u.email));
      for (const m of [h.organizationB, ORG_B, h.integrationB, integrationB2.id, integrationB2.name])
        ctx.markersB.add(m);
      assert.deepEqual(leaked(ctx.markersB, JSON.stringify([agents, findings, users]), ''), []);
    });

    after(async () => {
      if (table.size > 0) {
        const width = Math.max(...[...table.keys()].map((k) => k.length));
        const head = `${'route'.padEnd(width)}  ${COLUMNS.join(' ')}`;
        const rows = [...table.entries()].map(
          ([k, s]) => `${k.padEnd(width)}  ${s.map((x, i) => x.padEnd(COLUMNS[i].length)).join(' ')}`,
        );
        console.log(`access matrix (${backend.kind}):\n${head}\n${rows.join('\n')}`);
        recordReliability({
          suite: 'access',
          title: 'Every route × every caller, from the OpenAPI document',
          backend: backend.kind,
          rows: [...tally.entries()].map(([column, t]) => ({
            case: `${column.replace('·s', ' (session cookie + CSRF)')} on ${table.size} routes`,
            tried: t.tried,
            survived: t.ok,
            detail: 'expected status; refused requests change nothing; no other organization data',
          })),
          notes: [
            'anon = no credentials, otherOrg = the admin of another organization; the others use API tokens unless marked.',
          ],
        });
      }
      await proxy?.close();
      await receiver?.close();
      await simB?.close();
      await h?.close();
    });

    it('has an expectation for every operation of the OpenAPI document, and every route is in it', () => {
      const documented = [...ops.keys()];
      const missing = documented.filter((k) => !EXPECTATIONS[k]);
      assert.deepEqual(missing, [], 'operations of /api/openapi.json with no expectation in this test');
      const stale = Object.keys(EXPECTATIONS).filter((k) => !ops.has(k));
      assert.deepEqual(stale, [], 'expectations for operations no longer in the document');
      const registered = h.server.apiRoutes.map((r) => `${r.method} ${toOpenApiPath(r.url)}`);
      const undocumented = registered.filter((k) => !ops.has(k));
      assert.deepEqual(undocumented, [], 'registered routes missing from the OpenAPI document');
      const unregistered = documented.filter((k) => !registered.includes(k));
      assert.deepEqual(unregistered, [], 'documented operations that are not registered routes');
    });

    it('declares on every route the minimum role issue 8 gives it', () => {
      const wrong: string[] = [];
      for (const r of h.server.apiRoutes) {
        const key = `${r.method} ${toOpenApiPath(r.url)}`;
        const e = EXPECTATIONS[key];
        if (!e) continue; // reported by the coverage test
        const want = e.declaredRole ?? e.issueRole;
        if (r.minRole !== want) wrong.push(`${key}: declared ${r.minRole}, issue 8 says ${want}`);
      }
      assert.deepEqual(wrong, []);
      // The groups of the issue, independently of the table above.
      const declared = (k: string) =>
        h.server.apiRoutes.find((r) => `${r.method} ${toOpenApiPath(r.url)}` === k)?.minRole;
      for (const r of h.server.apiRoutes) {
        const k = `${r.method} ${toOpenApiPath(r.url)}`;
        if (/^\/api\/v1\/(users|tokens|audit-log)(\/|$)/.test(r.url) && k !== 'PATCH /api/v1/users/{id}')
          assert.equal(r.minRole, 'admin', k);
        if (/^\/api\/v1\/integrations(\/:id)?(\/rotate-key|\/admin-key)?$/.test(r.url) && r.method !== 'GET')
          assert.equal(r.minRole, 'admin', k);
        if (
          r.method === 'GET' &&
          !/^\/api\/v1\/(users|tokens|audit-log)$/.test(r.url) &&
          r.minRole !== 'public'
        )
          assert.equal(r.minRole, 'viewer', k);
      }
      assert.equal(declared('POST /api/v1/integrations/{id}/syncs'), 'analyst');
      assert.equal(declared('POST /api/v1/findings/{id}/mute'), 'analyst');
      assert.equal(declared('POST /api/v1/findings/{id}/unmute'), 'analyst');
    });

    for (const [key, e] of Object.entries(EXPECTATIONS)) {
      it(key, async () => {
        const op = ops.get(key);
        assert.ok(op, `${key} is in the OpenAPI document`);
        const hasParams = pathParams(op.path).length > 0;
        const schema = op.op.requestBody?.content['application/json']?.schema;
        const problems: string[] = [];
        const statuses: string[] = [];
        for (const [column, [name, auth]] of CALLERS.map((c, i) => [COLUMNS[i], c] as const)) {
          const before = problems.length;
          // Sign-out ends the session it is sent with: it gets one of its own.
          const caller =
            auth === 'token'
              ? h[name]
              : key === 'POST /api/v1/auth/logout'
                ? await throughFreshSession(h, h[name])
                : { ...h[name], token: null, request: h[name].session.request };
          const prepared = e.prepare ? await e.prepare(ctx) : null;
          const params = prepared?.params ?? (hasParams ? resourceParams(op.path, ctx.ids) : {});
          const query = e.query ? e.query(ctx) : minimalQuery(op.op, ctx.doc);
          const url = withQuery(fillPath(op.path, params), query);
          const generated = schema ? (minimalValue(schema, ctx.doc) as Record<string, unknown>) : undefined;
          const body = schema || e.body ? { ...generated, ...e.body?.(ctx, caller) } : undefined;
          const res = await caller.request(op.method, url, body);
          const want = expectedStatus(e, name, hasParams);
          statuses.push(String(res.status));
          const label = `${name}${auth === 'session' ? ' (session)' : ''}: ${op.method} ${url}`;
          if (res.status !== want) problems.push(`${label} → ${res.status} (expected ${want}) ${res.text}`);
          if (res.status >= 400 && !(res.body as { error?: unknown })?.error)
            problems.push(`${label}: error without the error shape: ${res.text}`);
          if (res.status === 403 || res.status === 401 || res.status === 404) {
            const damage = prepared?.intact ? await prepared.intact() : null;
            if (damage) problems.push(`${label} was refused but changed its object: ${damage}`);
          }
          if (e.issueRole !== 'public' && name !== 'anonymous' && res.status < 300) {
            // What a user creates becomes its organization's data: the other one must never see it.
            const own = name === 'otherAdmin' ? ctx.markersB : ctx.markers;
            const created = res.body as { id?: unknown; email?: unknown; apiToken?: { id?: unknown } };
            if (op.method === 'POST' && typeof created?.id === 'string') own.add(created.id);
            if (op.method === 'POST' && typeof created?.email === 'string') own.add(created.email);
            if (typeof created?.apiToken?.id === 'string') own.add(created.apiToken.id);
          }
          if (name !== 'otherAdmin') {
            const found = leaked(ctx.markersB, res.text + JSON.stringify(res.headers), url);
            if (found.length) problems.push(`${label} shows organization B's ${found.join(', ')}`);
          } else {
            const sent = url + JSON.stringify(body ?? '');
            const found = leaked(ctx.markers, res.text + JSON.stringify(res.headers), sent);
            if (found.length) problems.push(`${label} shows organization A's ${found.join(', ')}`);
            if (op.method === 'GET' && hasQueryParam(op.op, 'integrationId') && !hasParams) {
              // Asked for A's integration: 404, or B's own data (lists that do not filter by
              // integration), never A's items.
              const scoped = withQuery(url, { integrationId: h.integrationA });
              const r = await caller.request('GET', scoped);
              if (r.status !== 404 && r.status !== 200)
                problems.push(`${name}: GET ${scoped} → ${r.status} ${r.text.slice(0, 300)}`);
              const items = (r.body as { items?: Array<{ integrationId?: unknown }> })?.items ?? [];
              if (r.status === 200 && items.some((i) => i.integrationId === h.integrationA))
                problems.push(`${name}: GET ${scoped} lists items of A's integration`);
              const more = leaked(ctx.markers, r.text, scoped);
              if (more.length) problems.push(`${name}: GET ${scoped} shows ${more.join(', ')}`);
              statuses[statuses.length - 1] += `/${r.status}`;
            }
          }
          const t = tally.get(column)!;
          t.tried++;
          if (problems.length === before) t.ok++;
        }
        table.set(key, statuses);
        assert.deepEqual(problems, [], problems.join('\n'));
      });
    }

    it('lets viewers and analysts change their own name, never their own role', async () => {
      for (const c of [h.viewer, h.analyst]) {
        // Signed in (session): the user itself. An API token is not the user (403, as in the matrix).
        const me = await c.session.request('GET', '/api/v1/session');
        const id = me.body.user?.id as string;
        assert.ok(id, `${c.email} has a user id`);
        const renamed = await c.session.request('PATCH', `/api/v1/users/${id}`, { name: `Self ${c.role}` });
        assert.equal(renamed.status, 200, renamed.text);
        assert.equal(renamed.body.name, `Self ${c.role}`);
        const promoted = await c.session.request('PATCH', `/api/v1/users/${id}`, { role: 'admin' });
        assert.equal(promoted.status, 403, promoted.text);
        const enabled = await c.session.request('PATCH', `/api/v1/users/${id}`, { disabled: false });
        assert.equal(enabled.status, 403, enabled.text);
        const byToken = await c.request('PATCH', `/api/v1/users/${id}`, { name: 'By token' });
        assert.equal(byToken.status, 403, byToken.text);
        const after = (await allItems(h.admin, '/api/v1/users')).find((u) => u.id === id);
        assert.equal(after?.role, c.role);
      }
    });
  });
}
