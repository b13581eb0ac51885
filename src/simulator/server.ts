/**
 * The simulator's HTTP server (node:http, 127.0.0.1 by default).
 *
 * Per request, in this order: GET /_sim/stats is answered at once (no auth, not counted);
 * otherwise the request is counted, then
 *   non-GET → 405 (counted in refusedNonGet) · bad/missing Bearer key → 401 (the admin key is
 *   accepted on /v1/admin/* only; the ordinary key there → 403 `{"detail"}`)
 *   · no token in the bucket → 429 + Retry-After · unknown path → 404
 *   · beta route while beta is off → 403/404 · feature off (connectors, library sharing, Admin
 *   API, audit log) → 403 · injected fault (share `faults.rate`)
 *   · the route's answer (a bad query parameter → 422 with a `detail` array).
 * Every answer waits `latencyMs` first ('slow' faults wait `slowMs` more). With a rate limit on,
 * every answer past the auth check carries x-ratelimit-* and ratelimitbysize-* headers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendAuditEntry } from './admin.ts';
import { evolveWorkspace } from './evolve.ts';
import { generateWorkspace } from './generator.ts';
import { createRng, mixSeed } from './prng.ts';
import { TokenBucket } from './rate-limiter.ts';
import { errorBody, matchRoute, MAX_PAGE_SIZE, QueryError, type RouteMatch } from './routes.ts';
import { StatsRecorder } from './stats.ts';
import {
  FAULT_KINDS,
  type AuditEntryInput,
  type EvolveOptions,
  type FaultKind,
  type SimulatorHandle,
  type SimulatorKnobs,
  type SimulatorOptions,
  type SimWorkspace,
} from './types.ts';

type Outcome =
  | { kind: 'reply'; status: number; body: unknown; headers: Record<string, string>; delayMs: number }
  | { kind: 'reset'; delayMs: number }
  | { kind: 'truncated'; body: string; headers: Record<string, string>; delayMs: number }
  | { kind: 'malformed'; headers: Record<string, string>; delayMs: number };

const JSON_TYPE = 'application/json';
const DEFAULT_SLOW_MS = 2000;

export interface StartOptions extends SimulatorOptions {
  /** Cap on page_size for every list endpoint (default MAX_PAGE_SIZE = 1000). */
  maxPageSize?: number;
}

export async function startSimulator(opts: StartOptions = {}): Promise<SimulatorHandle> {
  const seed = opts.seed ?? 1;
  const apiKey = opts.apiKey ?? `sim-${randomBytes(16).toString('hex')}`;
  const adminApiKey = opts.adminApiKey ?? `sim-admin-${randomBytes(16).toString('hex')}`;
  if (adminApiKey === apiKey) throw new RangeError('adminApiKey must differ from apiKey');
  let workspace: SimWorkspace =
    opts.workspace ?? generateWorkspace({ integrationApiKey: apiKey, ...opts.generator, seed });
  const expectedAuth = Buffer.from(`Bearer ${apiKey}`);
  const expectedAdminAuth = Buffer.from(`Bearer ${adminApiKey}`);
  const maxPageSize = Math.max(1, opts.maxPageSize ?? MAX_PAGE_SIZE);
  const knobs: Required<SimulatorKnobs> = {
    beta: opts.beta ?? { enabled: true },
    rateLimit: opts.rateLimit ?? null,
    latencyMs: opts.latencyMs ?? 0,
    faults: opts.faults ?? null,
    features: { ...opts.features },
    adminRequestsPerSecond: opts.adminRequestsPerSecond ?? null,
  };
  let bucket = knobs.rateLimit ? new TokenBucket(knobs.rateLimit) : null;
  const faultRng = createRng(mixSeed(seed, 0xfa17));
  const stats = new StatsRecorder();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let evolveStep = 0;

  function same(header: string | undefined, expected: Buffer): boolean {
    if (!header) return false;
    const got = Buffer.from(header);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }

  /** Which key a request carries: the ordinary one, the admin one, or neither. */
  function keyOf(header: string | undefined): 'ordinary' | 'admin' | null {
    if (same(header, expectedAuth)) return 'ordinary';
    if (same(header, expectedAdminAuth)) return 'admin';
    return null;
  }

  /** The rate served by GET /v1/admin/rate-limit when a knob overrides the workspace's value. */
  function servedRps(): number | undefined {
    const k = knobs.adminRequestsPerSecond;
    if (typeof k === 'number') return k;
    if (k === 'limiter' && bucket) return Math.max(1, Math.floor(bucket.rps));
    return undefined;
  }

  function decide(
    req: IncomingMessage,
    url: URL,
    match: RouteMatch | null,
    badPath: boolean,
    requestId: string,
  ): Outcome {
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'mistral-correlation-id': requestId,
    };
    const delayMs = Math.max(0, knobs.latencyMs ?? 0);
    const reply = (status: number, body: unknown): Outcome => ({
      kind: 'reply',
      status,
      body,
      headers,
      delayMs,
    });
    if (req.method !== 'GET') {
      stats.refusedNonGet++;
      headers.allow = 'GET';
      return reply(
        405,
        errorBody(
          'Method not allowed: this simulator is read-only',
          'invalid_request_error',
          'method_not_allowed',
        ),
      );
    }
    const adminPath = match ? match.route.admin === true : url.pathname.startsWith('/v1/admin/');
    const key = keyOf(req.headers.authorization);
    if (key === 'ordinary' && adminPath) {
      return reply(403, {
        detail:
          'The Admin API needs an admin API key (a key of a user with the Admin role); workspace API keys are rejected',
      });
    }
    if (key === null || (key === 'admin' && !adminPath)) {
      return reply(401, { message: 'Unauthorized', request_id: requestId });
    }
    if (bucket) {
      const t = bucket.take();
      const perMinute = Math.round(bucket.rps * 60);
      headers['x-ratelimit-limit-req-minute'] = String(perMinute);
      headers['x-ratelimit-remaining-req-minute'] = String(t.ok ? Math.min(perMinute, t.remaining) : 0);
      headers['ratelimitbysize-limit'] = String(t.limit);
      headers['ratelimitbysize-remaining'] = String(t.ok ? t.remaining : 0);
      headers['ratelimitbysize-reset'] = String(t.resetS);
      if (!t.ok) {
        stats.rateLimited++;
        headers['retry-after'] = String(t.retryAfterS);
        return reply(429, errorBody('Rate limit exceeded', 'rate_limited', '1300'));
      }
    }
    if (badPath) return reply(400, errorBody('Malformed path', 'invalid_request_error'));
    if (!match)
      return reply(404, errorBody(`No route for ${url.pathname}`, 'invalid_request_error', 'not_found'));
    const beta = knobs.beta ?? { enabled: true };
    if (match.route.beta && !beta.enabled) {
      const status = beta.status ?? 403;
      return reply(
        status,
        status === 403
          ? errorBody(
              'Your workspace does not have access to this beta feature',
              'invalid_request_error',
              'forbidden',
            )
          : errorBody('Not Found', 'invalid_request_error', 'not_found'),
      );
    }
    const feature = match.route.feature;
    if (match.route.admin && knobs.features.adminApi === false) {
      return reply(403, { detail: 'The Admin API is not enabled for this organization' });
    }
    if (match.route.admin && feature === 'auditLog' && knobs.features.auditLog === false) {
      return reply(403, {
        detail: 'Audit logs are an Enterprise feature: your organization plan does not include them',
      });
    }
    if (feature && knobs.features[feature] === false) {
      return reply(
        403,
        errorBody(
          'Your workspace does not have access to this beta feature',
          'invalid_request_error',
          'forbidden',
        ),
      );
    }
    let fault: FaultKind | null = null;
    const f = knobs.faults;
    if (f && f.rate > 0 && faultRng.next() < f.rate) {
      const kinds = f.kinds && f.kinds.length ? f.kinds : FAULT_KINDS;
      fault = faultRng.pick(kinds);
      stats.faultsInjected++;
    }
    if (fault === '500' || fault === '502' || fault === '503') {
      const status = Number(fault);
      const msg =
        status === 500 ? 'Internal server error' : status === 502 ? 'Bad gateway' : 'Service unavailable';
      return reply(status, errorBody(msg, 'server_error'));
    }
    if (fault === 'reset') return { kind: 'reset', delayMs };
    if (fault === 'malformed') return { kind: 'malformed', headers, delayMs };
    let out: Outcome;
    try {
      const r = match.route.handle({
        ws: workspace,
        params: match.params,
        query: url.searchParams,
        maxPageSize,
        adminRequestsPerSecond: servedRps(),
      });
      out = reply(r.status, r.body);
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      out = reply(422, {
        detail: [{ loc: [e.location, e.param], msg: e.message, type: 'value_error' }],
      });
    }
    if (fault === 'truncated' && out.kind === 'reply') {
      return { kind: 'truncated', body: JSON.stringify(out.body), headers, delayMs };
    }
    if (fault === 'slow') out.delayMs += Math.max(0, f?.slowMs ?? DEFAULT_SLOW_MS);
    return out;
  }

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.resume(); // bodies are ignored
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const method = req.method ?? 'GET';
    if (url.pathname === '/_sim/stats' && method === 'GET') {
      res.writeHead(200, { 'content-type': JSON_TYPE });
      res.end(JSON.stringify(stats.snapshot()));
      return;
    }
    stats.begin();
    res.once('close', () => stats.end());
    let match: RouteMatch | null = null;
    let badPath = false;
    try {
      match = matchRoute(url.pathname);
    } catch {
      badPath = true;
    }
    const routeName = match ? match.route.pattern : '(unknown)';
    const requestId = randomBytes(16).toString('hex');
    let outcome: Outcome;
    try {
      outcome = decide(req, url, match, badPath, requestId);
    } catch (e) {
      outcome = {
        kind: 'reply',
        status: 500,
        body: errorBody(`Simulator error: ${e instanceof Error ? e.message : String(e)}`, 'server_error'),
        headers: { 'content-type': JSON_TYPE },
        delayMs: 0,
      };
    }
    later(outcome.delayMs, () => {
      if (res.destroyed || res.writableEnded) return;
      switch (outcome.kind) {
        case 'reply': {
          stats.record(method, routeName, outcome.status);
          const text = JSON.stringify(outcome.body);
          res.writeHead(outcome.status, {
            ...outcome.headers,
            'content-length': String(Buffer.byteLength(text)),
          });
          res.end(text);
          return;
        }
        case 'reset':
          stats.record(method, routeName, 0);
          req.socket.destroy();
          return;
        case 'truncated': {
          stats.record(method, routeName, 200);
          const full = Buffer.from(outcome.body);
          res.writeHead(200, { ...outcome.headers, 'content-length': String(full.length) });
          res.write(full.subarray(0, Math.max(1, Math.floor(full.length / 2))));
          // Let the partial body reach the client, then cut the connection.
          later(10, () => req.socket.destroy());
          return;
        }
        case 'malformed': {
          stats.record(method, routeName, 200);
          const text = '{"object":"list","data":[{"id":"oops",}';
          res.writeHead(200, { ...outcome.headers, 'content-length': String(Buffer.byteLength(text)) });
          res.end(text);
          return;
        }
      }
    });
  }

  const server = createServer(onRequest);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closed: Promise<void> | null = null;

  const handle: SimulatorHandle = {
    url: `http://${host}:${addr.port}`,
    apiKey,
    adminApiKey,
    get workspace() {
      return workspace;
    },
    set workspace(ws: SimWorkspace) {
      workspace = ws;
    },
    configure(p: SimulatorKnobs) {
      if ('beta' in p && p.beta) knobs.beta = p.beta;
      if ('latencyMs' in p) knobs.latencyMs = p.latencyMs ?? 0;
      if ('faults' in p) knobs.faults = p.faults ?? null;
      if ('features' in p) knobs.features = { ...p.features };
      if ('adminRequestsPerSecond' in p) knobs.adminRequestsPerSecond = p.adminRequestsPerSecond ?? null;
      if ('rateLimit' in p) {
        knobs.rateLimit = p.rateLimit ?? null;
        bucket = knobs.rateLimit ? new TokenBucket(knobs.rateLimit) : null;
      }
    },
    evolve(o: EvolveOptions = {}) {
      evolveStep++;
      return evolveWorkspace(workspace, { ...o, seed: o.seed ?? mixSeed(seed, 0xe701, evolveStep) });
    },
    addAuditEntry: (e: AuditEntryInput) => appendAuditEntry(workspace, e),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
  return handle;
}
