/**
 * The HTTP layer over the real App (accounts, integrations, syncs) on both back ends, against the
 * simulator: authentication (401), roles (403), CSRF, the error shape (400 naming the field, 404,
 * 413, 500 without internals), integrations without the key in any response, manual syncs (202),
 * organization isolation, security headers, the OpenAPI document, health, readiness and metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '../src/store/testing.ts';
import { PASSWORD, startTestServer, type TestServer } from './helpers/server.ts';

function assertErrorShape(body: unknown, code: string) {
  const e = (body as { error?: Record<string, unknown> }).error;
  assert.ok(e, `error body: ${JSON.stringify(body)}`);
  assert.equal(e.code, code);
  assert.equal(typeof e.message, 'string');
  assert.ok((e.message as string).length > 0);
  assert.equal(typeof e.remediation, 'string');
  assert.ok((e.remediation as string).length > 0);
}

for (const backend of testBackends()) {
  describe(`HTTP API (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    before(async () => {
      h = await startTestServer(backend);
    });
    after(async () => {
      await h?.close();
    });

    it('refuses anonymous requests on every non-public /api/v1 route with 401 and the error shape', async () => {
      const routes = h.server.apiRoutes.filter((r) => r.minRole !== 'public');
      assert.ok(routes.length >= 15, `routes: ${routes.length}`);
      for (const r of routes) {
        const url = r.url.replace(/:(\w+)/g, 'x');
        const res = await h.anonymous.request(r.method as 'GET', url, r.method === 'GET' ? undefined : {});
        assert.equal(res.status, 401, `${r.method} ${r.url}`);
        assertErrorShape(res.body, 'UNAUTHENTICATED');
        assert.equal(res.headers['www-authenticate'], 'Bearer');
      }
      const health = await h.anonymous.request('GET', '/api/v1/health');
      assert.equal(health.status, 200);
    });

    it('refuses an invalid or revoked token and a non-bearer Authorization header', async () => {
      const bad = await h.anonymous.request('GET', '/api/v1/integrations', undefined, {
        authorization: 'Bearer not-a-real-token',
      });
      assert.equal(bad.status, 401);
      assertErrorShape(bad.body, 'UNAUTHENTICATED');
      const basic = await h.anonymous.request('GET', '/api/v1/integrations', undefined, {
        authorization: 'Basic YTpi',
      });
      assert.equal(basic.status, 401);
      const created = await h.admin.request('POST', '/api/v1/tokens', {
        name: 'short-lived',
        role: 'viewer',
      });
      assert.equal(created.status, 201);
      const token = created.body.token as string;
      const ok = await h.anonymous.request('GET', '/api/v1/organization', undefined, {
        authorization: `Bearer ${token}`,
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.id, h.organizationA);
      const list = await h.admin.request('GET', '/api/v1/tokens');
      assert.ok(!list.text.includes(token), 'the token value is never listed');
      const revoked = await h.admin.request('DELETE', `/api/v1/tokens/${created.body.apiToken.id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
      const after = await h.anonymous.request('GET', '/api/v1/organization', undefined, {
        authorization: `Bearer ${token}`,
      });
      assert.equal(after.status, 401);
    });

    it('enforces roles with 403 (viewer cannot write, analyst cannot manage integrations)', async () => {
      const byViewer = await h.viewer.request('POST', `/api/v1/integrations/${h.integrationA}/syncs`);
      assert.equal(byViewer.status, 403);
      assertErrorShape(byViewer.body, 'FORBIDDEN');
      const byAnalyst = await h.analyst.request('DELETE', `/api/v1/integrations/${h.integrationA}`);
      assert.equal(byAnalyst.status, 403);
      const users = await h.analyst.request('GET', '/api/v1/users');
      assert.equal(users.status, 403);
      const audit = await h.viewer.request('GET', '/api/v1/audit-log');
      assert.equal(audit.status, 403);
      assert.equal((await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}`)).status, 200);
    });

    it('signs in with a password: HttpOnly SameSite=Lax cookie, CSRF token; refuses a wrong password', async () => {
      const res = await h.anonymous.request('POST', '/api/v1/auth/login', {
        email: 'viewer@a.example',
        password: PASSWORD,
      });
      assert.equal(res.status, 200, res.text);
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, /^trustlens_session=[^;]+;/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      assert.doesNotMatch(cookie, /Secure/, 'no Secure flag without TLS (secureCookies off)');
      assert.equal(res.body.user.email, 'viewer@a.example');
      assert.equal(res.body.role, 'viewer');
      assert.equal(typeof res.body.csrfToken, 'string');
      assert.ok(!res.text.includes(PASSWORD));
      assert.ok(!('sessionToken' in res.body), 'the session token is only in the cookie');
      const sessionToken = /trustlens_session=([^;]+)/.exec(cookie)![1];
      const me = await h.anonymous.request('GET', '/api/v1/session', undefined, {
        cookie: `trustlens_session=${sessionToken}`,
      });
      assert.equal(me.status, 200);
      assert.equal(me.body.csrfToken, res.body.csrfToken);
      assert.equal(me.body.organization.id, h.organizationA);

      const wrong = await h.anonymous.request('POST', '/api/v1/auth/login', {
        email: 'viewer@a.example',
        password: 'not the password at all',
      });
      assert.equal(wrong.status, 401);
      assertErrorShape(wrong.body, 'UNAUTHENTICATED');

      const out = await h.anonymous.request('POST', '/api/v1/auth/logout', undefined, {
        cookie: `trustlens_session=${sessionToken}`,
        'x-csrf-token': res.body.csrfToken,
      });
      assert.equal(out.status, 204);
      const gone = await h.anonymous.request('GET', '/api/v1/session', undefined, {
        cookie: `trustlens_session=${sessionToken}`,
      });
      assert.equal(gone.status, 401);
    });

    it('CSRF: a cookie-authenticated write without or with a wrong x-csrf-token is refused; with it, accepted', async () => {
      const body = { name: 'renamed-by-session' };
      const url = `/api/v1/integrations/${h.integrationA}`;
      const without = await h.admin.sessionWithoutCsrf.request('PATCH', url, body);
      assert.equal(without.status, 403);
      assertErrorShape(without.body, 'FORBIDDEN');
      assert.match(without.body.error.message, /CSRF/);
      const wrong = await h.admin.sessionWithoutCsrf.request('PATCH', url, body, { 'x-csrf-token': 'nope' });
      assert.equal(wrong.status, 403);
      const otherUsers = await h.admin.sessionWithoutCsrf.request('PATCH', url, body, {
        'x-csrf-token': h.viewer.csrfToken!,
      });
      assert.equal(otherUsers.status, 403, "another session's CSRF token does not work");
      assert.equal((await h.admin.request('GET', url)).body.name, 'sim-a', 'nothing changed');
      const reads = await h.admin.sessionWithoutCsrf.request('GET', url);
      assert.equal(reads.status, 200, 'reads need no CSRF token');
      const ok = await h.admin.session.request('PATCH', url, body);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.name, 'renamed-by-session');
      const bearer = await h.admin.request('PATCH', url, { name: 'sim-a' });
      assert.equal(bearer.status, 200, 'bearer requests need no CSRF token');
    });

    it('400 names the invalid field, in the message and details.field', async () => {
      const res = await h.admin.request('POST', '/api/v1/integrations', {
        name: 'x',
        apiKey: 'k',
        syncIntervalMinutes: 5,
      });
      assert.equal(res.status, 400);
      assertErrorShape(res.body, 'INVALID_INPUT');
      assert.equal(res.body.error.details.field, 'syncIntervalMinutes');
      assert.match(res.body.error.message, /syncIntervalMinutes/);
      const missing = await h.admin.request('POST', `/api/v1/integrations/${h.integrationA}/rotate-key`, {});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.details.field, 'apiKey');
      const query = await h.admin.request('GET', '/api/v1/audit-log?limit=0');
      assert.equal(query.status, 400);
      assert.equal(query.body.error.details.field, 'limit');
      const json = await h.admin.request('POST', '/api/v1/integrations', '{not json', {
        'content-type': 'application/json',
      });
      assert.equal(json.status, 400);
      assertErrorShape(json.body, 'INVALID_INPUT');
      const cursor = await h.admin.request('GET', '/api/v1/audit-log?cursor=%%%');
      assert.equal(cursor.status, 400);
      assert.equal(cursor.body.error.details.field, 'cursor');
    });

    it('404 for unknown routes and unknown ids, 413 for a body over 1 MiB', async () => {
      const route = await h.admin.request('GET', '/api/v1/no-such-thing');
      assert.equal(route.status, 404);
      assertErrorShape(route.body, 'NOT_FOUND');
      const outside = await h.anonymous.request('GET', '/nothing-here');
      assert.equal(outside.status, 404);
      assertErrorShape(outside.body, 'NOT_FOUND');
      const id = await h.admin.request('GET', '/api/v1/integrations/int_missing');
      assert.equal(id.status, 404);
      assertErrorShape(id.body, 'NOT_FOUND');
      const big = await h.admin.request('POST', '/api/v1/integrations', {
        name: 'big',
        apiKey: 'x'.repeat(1024 * 1024 + 10),
      });
      assert.equal(big.status, 413);
      assertErrorShape(big.body, 'PAYLOAD_TOO_LARGE');
    });

    it('integrations: create validates the key, no response ever holds it; another organization sees 404', async () => {
      const bad = await h.admin.request('POST', '/api/v1/integrations', {
        name: 'bad-key',
        apiKey: 'definitely-not-the-key',
        baseUrl: h.sim.url,
      });
      assert.equal(bad.status, 400, bad.text);
      assertErrorShape(bad.body, 'INVALID_API_KEY');
      assert.ok(!bad.text.includes('definitely-not-the-key'));

      const created = await h.admin.request('POST', '/api/v1/integrations', {
        name: 'second',
        apiKey: h.sim.apiKey,
        baseUrl: h.sim.url,
        syncIntervalMinutes: 120,
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.syncIntervalMinutes, 120);
      assert.match(created.body.keyHint, /.{4}$/);
      const id = created.body.id as string;
      const texts = [created.text];
      texts.push((await h.admin.request('GET', '/api/v1/integrations')).text);
      texts.push((await h.admin.request('GET', `/api/v1/integrations/${id}`)).text);
      const rotated = await h.admin.request('POST', `/api/v1/integrations/${id}/rotate-key`, {
        apiKey: h.sim.apiKey,
      });
      assert.equal(rotated.status, 409, 'rotating to the same key is refused');
      texts.push(rotated.text);
      for (const t of texts) assert.ok(!t.includes(h.sim.apiKey), 'the API key is never in a response');

      const list = await h.admin.request('GET', `/api/v1/integrations?integrationId=${id}`);
      assert.deepEqual(
        list.body.items.map((i: { id: string }) => i.id),
        [id],
      );
      assert.equal(list.body.nextCursor, null);

      const other = await h.otherAdmin.request('GET', `/api/v1/integrations/${id}`);
      assert.equal(other.status, 404);
      const otherDelete = await h.otherAdmin.request('DELETE', `/api/v1/integrations/${id}`);
      assert.equal(otherDelete.status, 404);
      const otherList = await h.otherAdmin.request('GET', '/api/v1/integrations');
      assert.deepEqual(
        otherList.body.items.map((i: { id: string }) => i.id),
        [h.integrationB],
      );

      const removed = await h.admin.request('DELETE', `/api/v1/integrations/${id}`);
      assert.equal(removed.status, 204);
      assert.equal((await h.admin.request('GET', `/api/v1/integrations/${id}`)).status, 404);
    });

    it('syncs: an analyst starts one (202), two concurrent requests give one run; runs and availability read back', async () => {
      const url = `/api/v1/integrations/${h.integrationB}/syncs`;
      const [a, b] = await Promise.all([
        h.otherAdmin.request('POST', url),
        h.otherAdmin.request('POST', url),
      ]);
      assert.equal(a.status, 202, a.text);
      assert.equal(b.status, 202, b.text);
      assert.equal(a.body.run.id, b.body.run.id);
      assert.deepEqual([a.body.started, b.body.started].sort(), [false, true]);

      const byAnalyst = await h.analyst.request('POST', `/api/v1/integrations/${h.integrationA}/syncs`);
      assert.equal(byAnalyst.status, 202, byAnalyst.text);
      assert.equal(byAnalyst.body.run.integrationId, h.integrationA);

      const crossOrg = await h.analyst.request('POST', url);
      assert.equal(crossOrg.status, 404);

      const runs = await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}/syncs?limit=1`);
      assert.equal(runs.status, 200, runs.text);
      assert.equal(runs.body.items.length, 1);
      assert.equal(typeof runs.body.nextCursor, 'string');
      const next = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${h.integrationA}/syncs?cursor=${encodeURIComponent(runs.body.nextCursor)}`,
      );
      assert.equal(next.status, 200);
      assert.notEqual(next.body.items[0]?.id, runs.body.items[0].id);
      const first = next.body.items[next.body.items.length - 1];
      const one = await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}/syncs/${first.id}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.status, 'succeeded');
      assert.ok(Array.isArray(one.body.errors));
      const availability = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${h.integrationA}/availability`,
      );
      assert.equal(availability.status, 200, availability.text);
      assert.equal(availability.body.features.length, 6);
    });

    it('the audit log records sign-ins and integration changes, for admins of the same organization', async () => {
      const res = await h.admin.request('GET', '/api/v1/audit-log?limit=200');
      assert.equal(res.status, 200);
      const actions = new Set(res.body.items.map((e: { action: string }) => e.action));
      assert.ok(actions.has('integration.create'), [...actions].join(','));
      assert.ok(
        res.body.items.every((e: { organizationId: string }) => e.organizationId === h.organizationA),
      );
      assert.ok(!res.text.includes(h.sim.apiKey) && !res.text.includes(PASSWORD));
    });

    it('read routes answer with the synced inventory: agents, agent detail, compare, models, files, libraries, findings, events, posture, rules', async () => {
      const agents = await h.viewer.request(
        'GET',
        `/api/v1/agents?integrationId=${h.integrationA}&limit=2&sort=name`,
      );
      assert.equal(agents.status, 200, agents.text);
      assert.equal(agents.body.items.length, 2);
      assert.equal(typeof agents.body.nextCursor, 'string');
      const rest = await h.viewer.request(
        'GET',
        `/api/v1/agents?integrationId=${h.integrationA}&sort=name&cursor=${encodeURIComponent(agents.body.nextCursor)}`,
      );
      assert.equal(rest.status, 200, rest.text);
      assert.equal(agents.body.items.length + rest.body.items.length, h.sim.workspace.agents.length);
      const agent = agents.body.items[0];
      const detail = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${h.integrationA}/agents/${agent.id}`,
      );
      assert.equal(detail.status, 200, detail.text);
      assert.equal(detail.body.id, agent.id);
      assert.ok(Array.isArray(detail.body.findings));
      const compare = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${h.integrationA}/agents/${agent.id}/versions/compare?from=0&to=0`,
      );
      assert.ok([200, 400, 404].includes(compare.status), compare.text);
      const badCompare = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${h.integrationA}/agents/${agent.id}/versions/compare?from=x&to=1`,
      );
      assert.equal(badCompare.status, 400);
      assert.equal(badCompare.body.error.details.field, 'from');
      for (const url of ['/api/v1/models', '/api/v1/files', '/api/v1/libraries', '/api/v1/events']) {
        const r = await h.viewer.request('GET', `${url}?integrationId=${h.integrationA}`);
        assert.equal(r.status, 200, `${url}: ${r.text}`);
        assert.ok(Array.isArray(r.body.items));
      }
      const models = await h.viewer.request('GET', `/api/v1/models?integrationId=${h.integrationA}`);
      assert.ok(models.body.items.length > 0);
      const findings = await h.viewer.request(
        'GET',
        `/api/v1/findings?integrationId=${h.integrationA}&severity=high,critical`,
      );
      assert.equal(findings.status, 200, findings.text);
      assert.ok(findings.body.items.length > 0);
      assert.ok(
        findings.body.items.every((f: { severity: string }) => ['high', 'critical'].includes(f.severity)),
      );
      const badSeverity = await h.viewer.request('GET', '/api/v1/findings?severity=urgent');
      assert.equal(badSeverity.status, 400);
      assert.equal(badSeverity.body.error.details.field, 'severity');
      const finding = findings.body.items[0];
      assert.equal((await h.viewer.request('GET', `/api/v1/findings/${finding.id}`)).status, 200);
      assert.equal((await h.otherAdmin.request('GET', `/api/v1/findings/${finding.id}`)).status, 404);
      const byViewer = await h.viewer.request('POST', `/api/v1/findings/${finding.id}/mute`, {
        reason: 'test',
      });
      assert.equal(byViewer.status, 403);
      const muted = await h.analyst.request('POST', `/api/v1/findings/${finding.id}/mute`, {
        reason: 'sandbox agent',
        expiresAt: '2099-01-31',
      });
      assert.equal(muted.status, 200, muted.text);
      assert.equal(muted.body.muted, true);
      const unmuted = await h.analyst.request('POST', `/api/v1/findings/${finding.id}/unmute`);
      assert.equal(unmuted.status, 200, unmuted.text);
      assert.equal(unmuted.body.muted, false);
      for (const url of ['/api/v1/posture', '/api/v1/posture/fix-first', '/api/v1/posture/exposure']) {
        const r = await h.viewer.request('GET', `${url}?integrationId=${h.integrationA}`);
        assert.equal(r.status, 200, `${url}: ${r.text}`);
      }
      const rules = await h.anonymous.request('GET', '/api/v1/rules');
      assert.equal(rules.status, 401);
      const catalog = await h.viewer.request('GET', '/api/v1/rules');
      assert.equal(catalog.status, 200);
      assert.ok(catalog.body.items.length > 10);
    });

    it('users: admin adds, changes and deletes; passwords never come back', async () => {
      const created = await h.admin.request('POST', '/api/v1/users', {
        email: 'new@a.example',
        password: 'another long password',
        role: 'viewer',
      });
      assert.equal(created.status, 201, created.text);
      assert.ok(!created.text.includes('another long password'));
      assert.ok(!('passwordHash' in created.body));
      const changed = await h.admin.request('PATCH', `/api/v1/users/${created.body.id}`, { role: 'analyst' });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.body.role, 'analyst');
      const byOther = await h.otherAdmin.request('PATCH', `/api/v1/users/${created.body.id}`, {
        role: 'admin',
      });
      assert.equal(byOther.status, 404, `other org: ${byOther.text}`);
      const list = await h.admin.request('GET', '/api/v1/users');
      assert.ok(list.body.items.some((u: { email: string }) => u.email === 'new@a.example'));
      assert.ok(!list.body.items.some((u: { email: string }) => u.email === 'admin@b.example'));
      assert.equal((await h.admin.request('DELETE', `/api/v1/users/${created.body.id}`)).status, 204);
    });
  });
}
