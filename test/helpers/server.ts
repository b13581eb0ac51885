/**
 * An App + HTTP server for API tests: a database of the given back end, a simulated Mistral workspace,
 * and users of every role in organization A (admin, analyst, viewer) plus an admin of organization B,
 * each with a signed-in session and an API token of the same role. Every client sends requests with
 * `server.inject` (no port), by default with its API token; `.session` sends the session cookie and
 * the CSRF token instead, `.sessionWithoutCsrf` the cookie alone.
 *
 *   const h = await startTestServer(backend);
 *   const r = await h.admin.request('POST', '/api/v1/integrations', { name: 'x', apiKey: h.sim.apiKey, baseUrl: h.sim.url });
 *   await h.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/app/config.ts';
import { createApp, type App, type CreateAppOptions } from '../../src/app/root.ts';
import { createMistralConnector } from '../../src/mistral/index.ts';
import { buildServer, type BuildServerOptions } from '../../src/server/server.ts';
import type { Actor, Role } from '../../src/services/context.ts';
import { startSimulator, type SimulatorHandle, type StartOptions } from '../../src/simulator/index.ts';
import type { TestBackend, TestDatabase } from '../../src/store/testing.ts';
import { testKeyring } from '../store-fixtures.ts';

export const PASSWORD = 'correct horse battery staple';
export const ORG_A = 'Org A';
export const ORG_B = 'Org B';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Response<T = unknown> {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: T;
  text: string;
}

export interface Client {
  /** Who it is (null for anonymous). */
  role: Role | null;
  email: string | null;
  organizationId: string | null;
  /** The actor, to call services directly. */
  actor: Actor | null;
  /** The API token (bearer) and the session (cookie) of this user. */
  token: string | null;
  sessionToken: string | null;
  csrfToken: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are checked field by field
  request<T = any>(
    method: Method,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response<T>>;
  /** The same user through the session cookie and x-csrf-token. */
  session: Pick<Client, 'request'>;
  /** The session cookie without the CSRF header. */
  sessionWithoutCsrf: Pick<Client, 'request'>;
}

export interface TestServer {
  app: App;
  server: FastifyInstance;
  sim: SimulatorHandle;
  db: TestDatabase;
  admin: Client;
  analyst: Client;
  viewer: Client;
  anonymous: Client;
  /** Admin of organization B. */
  otherAdmin: Client;
  organizationA: string;
  organizationB: string;
  /** An integration of organization A against the simulator (synced once when `sync` is set). */
  integrationA: string;
  /** An integration of organization B against the simulator. */
  integrationB: string;
  /** Runs a sync of the integration and waits for it to end. */
  syncNow(integrationId: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  simulator?: Partial<StartOptions>;
  /** Sync integration A once before returning (default true). */
  sync?: boolean;
  server?: BuildServerOptions;
  app?: Partial<CreateAppOptions>;
  env?: Record<string, string>;
}

export const testConnectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({
    ...o,
    maxRetryElapsedMs: 300,
    requestTimeoutMs: 5000,
    requestsPerSecond: 300,
    maxConcurrency: 8,
  });

function client(
  server: FastifyInstance,
  who: Omit<Client, 'request' | 'session' | 'sessionWithoutCsrf'>,
): Client {
  const send =
    (auth: 'token' | 'session' | 'cookie-only' | 'none') =>
    async <T>(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const h: Record<string, string> = { ...headers };
      if (auth === 'token' && who.token) h.authorization = `Bearer ${who.token}`;
      if ((auth === 'session' || auth === 'cookie-only') && who.sessionToken)
        h.cookie = `trustlens_session=${who.sessionToken}`;
      if (auth === 'session' && who.csrfToken) h['x-csrf-token'] = who.csrfToken;
      const r = await server.inject({
        method,
        url,
        headers: h,
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      let parsed: unknown = undefined;
      try {
        parsed = r.body ? JSON.parse(r.body) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: r.statusCode, headers: r.headers, body: parsed as T, text: r.body };
    };
  const mode = who.token ? 'token' : 'none';
  return {
    ...who,
    request: send(mode),
    session: { request: send('session') },
    sessionWithoutCsrf: { request: send('cookie-only') },
  };
}

export async function startTestServer(
  backend: TestBackend,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const db = await backend.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'trustlens-server-test-'));
  const sim = await startSimulator({
    seed: 21,
    host: '127.0.0.1',
    generator: { agents: 5, conversations: 20 },
    ...options.simulator,
  });
  const app = await createApp(loadConfig({ dataDir }, options.env ?? {}), {
    db: db.db,
    keyring: testKeyring(),
    connectorFactory: testConnectorFactory,
    shutdownGraceMs: 2000,
    ...options.app,
  });
  const server = await buildServer(app, { logger: false, ...options.server });
  const accounts = app.services.accounts;
  const meta = { ip: '127.0.0.1', userAgent: 'test' };

  // Organization A: its admin first (the first start), then an analyst and a viewer.
  const init = await accounts.bootstrap({
    adminEmail: 'admin@a.example',
    adminPassword: PASSWORD,
    orgName: ORG_A,
    apiToken: null,
  });
  if (init.kind !== 'initialized') throw new Error(`bootstrap gave ${init.kind}`);
  const organizationA = init.organizationId;
  const { organizationId: organizationB } = await accounts.ensureOrganizationWithAdmin({
    organizationName: ORG_B,
    simulated: false,
    email: 'admin@b.example',
    password: PASSWORD,
  });

  async function signIn(email: string, role: Role, organizationId: string) {
    const signed = await accounts.login(email, PASSWORD, meta);
    const session = await accounts.authenticateSession(signed.sessionToken, meta);
    if (!session) throw new Error('no session');
    return { signed, actor: session.actor, role, organizationId, email };
  }
  const adminA = await signIn('admin@a.example', 'admin', organizationA);
  for (const role of ['analyst', 'viewer'] as const) {
    await accounts.createUser(adminA.actor, { email: `${role}@a.example`, password: PASSWORD, role });
  }
  const adminB = await signIn('admin@b.example', 'admin', organizationB);
  const users = [
    adminA,
    await signIn('analyst@a.example', 'analyst', organizationA),
    await signIn('viewer@a.example', 'viewer', organizationA),
    adminB,
  ];
  const clients: Client[] = [];
  for (const u of users) {
    const creator = u.organizationId === organizationA ? adminA.actor : adminB.actor;
    const { token } = await accounts.createToken(creator, { name: `${u.role} token`, role: u.role });
    clients.push(
      client(server, {
        role: u.role,
        email: u.email,
        organizationId: u.organizationId,
        actor: u.actor,
        token,
        sessionToken: u.signed.sessionToken,
        csrfToken: u.signed.csrfToken,
      }),
    );
  }
  const anonymous = client(server, {
    role: null,
    email: null,
    organizationId: null,
    actor: null,
    token: null,
    sessionToken: null,
    csrfToken: null,
  });

  const integrationA = (
    await app.services.integrations.create(adminA.actor, {
      name: 'sim-a',
      apiKey: sim.apiKey,
      baseUrl: sim.url,
    })
  ).id;
  const integrationB = (
    await app.services.integrations.create(adminB.actor, {
      name: 'sim-b',
      apiKey: sim.apiKey,
      baseUrl: sim.url,
    })
  ).id;

  async function syncNow(integrationId: string) {
    const r = await app.services.syncs.trigger(systemActorFor(), integrationId);
    await r.done;
  }
  if (options.sync !== false) await syncNow(integrationA);

  return {
    app,
    server,
    sim,
    db,
    admin: clients[0],
    analyst: clients[1],
    viewer: clients[2],
    otherAdmin: clients[3],
    anonymous,
    organizationA,
    organizationB,
    integrationA,
    integrationB,
    syncNow,
    async close() {
      await server.close();
      await app.close({ graceMs: 2000 });
      await sim.close();
      await db.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The scheduler's actor: sees every organization. */
function systemActorFor(): Actor {
  return { kind: 'system', id: null, label: 'test', organizationId: null, role: 'admin' };
}
