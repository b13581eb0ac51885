/**
 * The server's operations side: security headers (CSP without inline script, nosniff, frame-ancestors
 * none; /api/docs still served), the OpenAPI 3.1 document listing every /api/v1 route with its method,
 * /healthz, /readyz (200, then 503 when the database is gone), /metrics (loopback or admin), a 500 that
 * shows no internals, login rate limiting, logs without secrets, and a real listening server.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { metrics } from '../src/server/plugins/metrics.ts';
import { buildServer } from '../src/server/server.ts';
import { testBackends } from '../src/store/testing.ts';
import { PASSWORD, startTestServer, type TestServer } from './helpers/server.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The routes of issue 8 (the API the web UI is built on). */
const EXPECTED_ROUTES = [
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/session',
  'POST /api/v1/setup',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'PATCH /api/v1/users/:id',
  'DELETE /api/v1/users/:id',
  'GET /api/v1/tokens',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/:id',
  'GET /api/v1/organization',
  'GET /api/v1/audit-log',
  'GET /api/v1/integrations',
  'POST /api/v1/integrations',
  'GET /api/v1/integrations/:id',
  'PATCH /api/v1/integrations/:id',
  'DELETE /api/v1/integrations/:id',
  'POST /api/v1/integrations/:id/rotate-key',
  'POST /api/v1/integrations/:id/syncs',
  'GET /api/v1/integrations/:id/syncs',
  'GET /api/v1/integrations/:id/syncs/:runId',
  'GET /api/v1/integrations/:id/availability',
  'GET /api/v1/agents',
  'GET /api/v1/integrations/:id/agents/:agentId',
  'GET /api/v1/integrations/:id/agents/:agentId/versions/compare',
  'GET /api/v1/models',
  'GET /api/v1/files',
  'GET /api/v1/libraries',
  'GET /api/v1/findings',
  'GET /api/v1/findings/:id',
  'POST /api/v1/findings/:id/mute',
  'POST /api/v1/findings/:id/unmute',
  'GET /api/v1/events',
  'GET /api/v1/posture',
  'GET /api/v1/posture/fix-first',
  'GET /api/v1/posture/exposure',
  'GET /api/v1/rules',
];

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';

for (const backend of testBackends()) {
  describe(`HTTP operations (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    const lines: string[] = [];
    before(async () => {
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      h = await startTestServer(backend, {
        sync: false,
        env: { TRUSTLENS_METRICS_TOKEN: METRICS_TOKEN },
        server: {
          logger: pino({ level: 'info' }, sink),
          findingsBySeverity: async () => ({ critical: 2, high: 5 }),
        },
      });
      h.server.get('/api/v1/boom', { config: { minRole: 'viewer' } }, async () => {
        throw new Error('secret internal detail at /srv/trustlens/src/x.ts');
      });
    });
    after(async () => {
      await h?.close();
    });

    it('sets security headers: CSP without inline script, frame-ancestors none, nosniff', async () => {
      for (const url of ['/healthz', '/api/v1/integrations', '/nope']) {
        const r = await h.admin.request('GET', url);
        const csp = String(r.headers['content-security-policy']);
        assert.match(csp, /default-src 'self'/, url);
        assert.match(csp, /script-src 'self'(;|$)/, url);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(typeof r.headers['x-request-id'], 'string');
      }
      const docs = await h.anonymous.request('GET', '/api/docs');
      assert.equal(docs.status, 200);
      assert.match(docs.text, /swagger-ui-bundle\.js/);
      assert.doesNotMatch(docs.text, /<script>[^<]/, 'no inline script in the docs page');
      const docsCsp = String(docs.headers['content-security-policy']);
      assert.match(docsCsp, /script-src 'self';/);
      assert.doesNotMatch(docsCsp, /script-src[^;]*unsafe-inline/);
      const bundle = await h.anonymous.request('GET', '/api/docs/static/swagger-ui-bundle.js');
      assert.equal(bundle.status, 200);
    });

    it('/api/openapi.json is OpenAPI 3.1 and lists every /api/v1 route with its method', async () => {
      const r = await h.anonymous.request('GET', '/api/openapi.json');
      assert.equal(r.status, 200);
      const doc = r.body;
      assert.match(doc.openapi, /^3\.1\./);
      assert.equal(typeof doc.info.title, 'string');
      assert.equal(typeof doc.info.version, 'string');
      assert.equal(typeof doc.paths, 'object');
      const routes = h.server.apiRoutes.filter((x) => x.url !== '/api/v1/boom');
      const registered = new Set(routes.map((x) => `${x.method} ${x.url}`));
      for (const expected of EXPECTED_ROUTES)
        assert.ok(registered.has(expected), `${expected} is registered`);
      for (const route of routes) {
        const path = route.url.replace(/:(\w+)/g, '{$1}');
        const item = doc.paths[path];
        assert.ok(item, `${path} missing from the document`);
        const op = item[route.method.toLowerCase()];
        assert.ok(op, `${route.method} ${path} missing from the document`);
        assert.ok(
          op.responses && Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
          `${path} success`,
        );
        for (const p of path.match(/\{(\w+)\}/g) ?? []) {
          const name = p.slice(1, -1);
          assert.ok(
            (op.parameters ?? []).some(
              (x: { in: string; name: string }) => x.in === 'path' && x.name === name,
            ),
            `${route.method} ${path} declares path parameter ${name}`,
          );
        }
      }
      // Every $ref resolves to a component schema.
      const refs = [...r.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
      for (const ref of refs) assert.ok(doc.components.schemas[ref], `dangling $ref ${ref}`);
      for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
        for (const m of Object.keys(item)) assert.ok(METHODS.includes(m), `${path}: ${m}`);
      }
    });

    it('/healthz and /readyz answer without credentials', async () => {
      const health = await h.anonymous.request('GET', '/healthz');
      assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
      const ready = await h.anonymous.request('GET', '/readyz');
      assert.deepEqual([ready.status, ready.body], [200, { status: 'ready' }]);
      const down = await buildServer({ ...h.app, ready: async () => false }, { logger: false });
      try {
        const r = await down.inject({ method: 'GET', url: '/readyz' });
        assert.equal(r.statusCode, 503);
        assert.equal(JSON.parse(r.body).error.code, 'NOT_READY');
      } finally {
        await down.close();
      }
    });

    it('/metrics: loopback without credentials; from elsewhere only with the operator metrics token, never an organization token', async () => {
      metrics.syncsTotal.inc({ outcome: 'succeeded', trigger: 'manual' });
      metrics.mistralRequestsTotal.inc({ status: '429' });
      metrics.mistralRateLimitedTotal.inc();
      await h.admin.request('GET', '/api/v1/integrations');
      const local = await h.server.inject({ method: 'GET', url: '/metrics' });
      assert.equal(local.statusCode, 200);
      assert.match(local.headers['content-type'] as string, /text\/plain/);
      assert.match(
        local.body,
        /trustlens_http_requests_total\{method="GET",route="\/api\/v1\/integrations",status="200"\} \d+/,
      );
      assert.match(local.body, /trustlens_http_request_duration_seconds_bucket/);
      assert.match(local.body, /trustlens_open_findings\{severity="critical"\} 2/);
      assert.match(local.body, /trustlens_syncs_total\{outcome="succeeded",trigger="manual"\} \d/);
      assert.match(local.body, /trustlens_mistral_rate_limited_total \d/);
      const remote = { remoteAddress: '10.1.2.3' };
      const anon = await h.server.inject({ method: 'GET', url: '/metrics', ...remote });
      assert.equal(anon.statusCode, 401);
      const proxied = await h.server.inject({
        method: 'GET',
        url: '/metrics',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(proxied.statusCode, 401, 'a proxied request is not local');
      const viewer = await h.server.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${h.viewer.token}` },
        ...remote,
      });
      assert.equal(viewer.statusCode, 401);
      const admin = await h.server.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${h.admin.token}` },
        ...remote,
      });
      assert.equal(admin.statusCode, 401, 'figures of every organization: no organization admin opens them');
      const operator = await h.server.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        ...remote,
      });
      assert.equal(operator.statusCode, 200);
    });

    it('an unexpected error is a 500 with a generic message and the request id, logged without the stack in the response', async () => {
      const r = await h.admin.request('GET', '/api/v1/boom');
      assert.equal(r.status, 500);
      assert.equal(r.body.error.code, 'INTERNAL');
      assert.ok(!r.text.includes('secret internal detail') && !r.text.includes('/srv/'));
      assert.equal(r.body.error.details.requestId, r.headers['x-request-id']);
      assert.ok(
        lines.some(
          (l) => l.includes('secret internal detail') && l.includes(String(r.headers['x-request-id'])),
        ),
      );
    });

    it('rate limits sign-in attempts per address (429 with the error shape)', async () => {
      let last = 0;
      let body: unknown;
      for (let i = 0; i < 12; i++) {
        const r = await h.server.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'nobody@a.example', password: 'wrong password here' },
          remoteAddress: '10.9.9.9',
        });
        last = r.statusCode;
        body = JSON.parse(r.body);
        if (last === 429) break;
      }
      assert.equal(last, 429);
      assert.equal((body as { error: { code: string } }).error.code, 'TOO_MANY_REQUESTS');
    });

    it('logs carry no token, cookie, password or API key', async () => {
      await h.anonymous.request('POST', '/api/v1/auth/login', {
        email: 'admin@a.example',
        password: PASSWORD,
      });
      await h.admin.session.request('GET', `/api/v1/session?token=${h.admin.token}`);
      await h.admin.request('POST', `/api/v1/integrations/${h.integrationA}/rotate-key`, {
        apiKey: h.sim.apiKey,
      });
      const all = lines.join('');
      assert.ok(lines.length > 10);
      for (const secret of [
        PASSWORD,
        h.admin.token!,
        h.admin.sessionToken!,
        h.admin.csrfToken!,
        h.sim.apiKey,
      ]) {
        assert.ok(!all.includes(secret), 'a secret reached the log');
      }
      assert.ok(all.includes('token=[REDACTED]'), 'secret query parameters are censored in logged URLs');
    });

    it('serves over a real socket on 127.0.0.1', async () => {
      const address = await h.server.listen({ host: '127.0.0.1', port: 0 });
      const health = await fetch(`${address}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const anon = await fetch(`${address}/api/v1/agents`);
      assert.equal(anon.status, 401);
      const login = await fetch(`${address}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'analyst@a.example', password: PASSWORD }),
      });
      assert.equal(login.status, 200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const refused = await fetch(`${address}/api/v1/integrations/${h.integrationA}/syncs`, {
        method: 'POST',
        headers: { cookie },
      });
      assert.equal(refused.status, 403);
      const started = await fetch(`${address}/api/v1/integrations/${h.integrationA}/syncs`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(started.status, 202);
      const metricsRes = await fetch(`${address}/metrics`);
      assert.equal(metricsRes.status, 200, 'loopback scrape');
    });
  });
}
