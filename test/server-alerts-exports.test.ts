/**
 * The alerts and exports routes of /api/v1, on both back ends: destinations (URL never returned,
 * secret once), rules, delivery log, test alert, roles and organizations; and every export format of a
 * synced integration as an attachment with its content type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../src/alerts/signing.ts';
import { EXPORT_FORMATS, MEDIA_TYPES } from '../src/exports/types.ts';
import { testBackends } from '../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

for (const backend of testBackends()) {
  describe(`alerts and exports API (${backend.kind})`, { skip: backend.skip }, () => {
    let s: TestServer;
    let hook: WebhookReceiver;
    let destinationId = '';
    let secret = '';

    before(async () => {
      hook = await startWebhookReceiver();
      s = await startTestServer(backend, { sync: true });
    });
    after(async () => {
      await s?.close();
      await hook?.close();
    });

    it('adds a destination: the secret once, the URL never', async () => {
      const url = `${hook.url}/in/SECRET-PATH-123`;
      const r = await s.admin.request('POST', '/api/v1/alerts/destinations', {
        name: 'siem',
        kind: 'webhook',
        url,
      });
      assert.equal(r.status, 201, r.text);
      destinationId = r.body.destination.id;
      secret = r.body.signingSecret;
      assert.ok(!r.text.includes('SECRET-PATH-123'));
      const list = await s.viewer.request('GET', '/api/v1/alerts/destinations');
      assert.equal(list.status, 200);
      assert.equal(list.body.items.length, 1);
      assert.ok(!list.text.includes('SECRET-PATH-123') && !list.text.includes(secret));
      const bad = await s.admin.request('POST', '/api/v1/alerts/destinations', {
        name: 'meta',
        kind: 'webhook',
        url: 'http://169.254.169.254/x',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.details.field, 'url');
      assert.ok(bad.body.error.remediation);
      assert.equal(
        (await s.analyst.request('POST', '/api/v1/alerts/destinations', { name: 'x', kind: 'webhook', url }))
          .status,
        403,
      );
      assert.equal(
        (await s.otherAdmin.request('GET', `/api/v1/alerts/destinations/${destinationId}`)).status,
        404,
      );
      assert.equal((await s.anonymous.request('GET', '/api/v1/alerts/destinations')).status, 401);
    });

    it('sends a signed test alert and logs the delivery', async () => {
      const r = await s.admin.request('POST', `/api/v1/alerts/destinations/${destinationId}/test`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.status, 'delivered');
      assert.equal(r.body.lastStatusCode, 200);
      const got = hook.received.at(-1)!;
      assert.equal(got.path, '/in/SECRET-PATH-123');
      assert.equal(verifySignature(secret, got.headers['trustlens-signature'] as string, got.body), null);
      const log = await s.viewer.request('GET', `/api/v1/alerts/deliveries?destinationId=${destinationId}`);
      assert.equal(log.status, 200);
      assert.equal(log.body.items[0].id, r.body.id);
      const one = await s.viewer.request('GET', `/api/v1/alerts/deliveries/${r.body.id}`);
      assert.equal(one.body.payload.type, 'trustlens.alert.test');
      assert.equal((await s.otherAdmin.request('GET', `/api/v1/alerts/deliveries/${r.body.id}`)).status, 404);
      assert.deepEqual((await s.otherAdmin.request('GET', '/api/v1/alerts/deliveries')).body.items, []);
    });

    it('alert rules: create, validate, replace, delete; a sync fires a digest', async () => {
      const bad = await s.admin.request('POST', '/api/v1/alerts/rules', {
        name: 'never',
        destinationIds: [destinationId],
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /never fire/);
      const created = await s.admin.request('POST', '/api/v1/alerts/rules', {
        name: 'all findings',
        destinationIds: [destinationId],
        minSeverity: 'info',
        integrationIds: [s.integrationA],
      });
      assert.equal(created.status, 201, created.text);
      const replaced = await s.admin.request('PUT', `/api/v1/alerts/rules/${created.body.id}`, {
        ...created.body,
        minSeverity: 'low',
      });
      assert.equal(replaced.status, 400, 'unknown fields are refused');
      const put = await s.admin.request('PUT', `/api/v1/alerts/rules/${created.body.id}`, {
        name: 'low and up',
        destinationIds: [destinationId],
        minSeverity: 'low',
        integrationIds: [s.integrationA],
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.minSeverity, 'low');
      // The first sync happened before the rule: it is not re-sent. Make the workspace change so the next
      // sync opens findings: a new agent without guardrails.
      const before = hook.received.length;
      s.sim.evolve({ agentsAdded: 2 });
      await s.syncNow(s.integrationA);
      await s.app.services.alerts.tick();
      const digests = hook.received.slice(before).map((r) => JSON.parse(r.body));
      assert.equal(digests.length, 1, 'one digest per destination per sync');
      assert.equal(digests[0].type, 'trustlens.alert.digest');
      assert.ok(digests[0].summary.findings > 0);
      assert.ok(
        digests[0].findings.every((f: { severity: string }) =>
          ['critical', 'high', 'medium', 'low'].includes(f.severity),
        ),
      );
      const log = await s.admin.request('GET', '/api/v1/alerts/deliveries');
      const kinds = log.body.items.map((d: { kind: string }) => d.kind);
      assert.ok(kinds.includes('test'));
      const rules = await s.viewer.request('GET', '/api/v1/alerts/rules');
      assert.equal(rules.body.items.length, 1);
      assert.equal((await s.admin.request('DELETE', `/api/v1/alerts/rules/${created.body.id}`)).status, 204);
      assert.equal(
        (await s.admin.request('DELETE', `/api/v1/alerts/destinations/${destinationId}`)).status,
        204,
      );
    });

    for (const format of EXPORT_FORMATS) {
      it(`exports the latest sync as ${format}`, async () => {
        const r = await s.viewer.request(
          'GET',
          `/api/v1/integrations/${s.integrationA}/export?format=${format}`,
        );
        assert.equal(r.status, 200, r.text.slice(0, 300));
        assert.equal(
          r.headers['content-type'],
          MEDIA_TYPES[format].contentType.replace('; charset=utf-8', '') +
            (MEDIA_TYPES[format].contentType.includes('charset') ? '; charset=utf-8' : ''),
        );
        assert.match(
          String(r.headers['content-disposition']),
          new RegExp(
            `^attachment; filename="trustlens-[a-z0-9-]+-\\d{4}-\\d{2}-\\d{2}\\.${MEDIA_TYPES[format].extension.replace('.', '\\.')}"$`,
          ),
        );
        assert.ok(r.text.length > 100);
        assert.ok(!r.text.includes(s.sim.apiKey), 'the API key is in the export');
        if (format === 'json') assert.equal(JSON.parse(r.text).schemaVersion, 1);
      });
    }

    it('refuses an unknown format and another organization', async () => {
      const r = await s.viewer.request('GET', `/api/v1/integrations/${s.integrationA}/export?format=xml`);
      assert.equal(r.status, 400);
      assert.equal(
        (await s.otherAdmin.request('GET', `/api/v1/integrations/${s.integrationA}/export`)).status,
        404,
      );
    });
  });
}
