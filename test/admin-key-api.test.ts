/**
 * The admin API key (issue 11) over HTTP and in the store: set (validated as an admin key first: a key
 * Mistral refuses or a non-admin key is refused with a message that says what to do, and nothing is
 * stored), rotated and removed on its own, admin only, never echoed, audited without the key; a stored
 * sync reads the Admin API with it. In the store: sealed (no plaintext in any cell), covered by the
 * master-key usage and rewrap, gone with the integration.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { createStore } from '../src/store/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { startKeyProxy, type KeyProxy } from './helpers/key-proxy.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { recognisableKey } from './store-fixtures.ts';

for (const backend of testBackends()) {
  describe(`admin key over the API (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    let proxy: KeyProxy;
    /** Keys the proxy turns into the simulator's ordinary key: valid keys that are not admin keys. */
    const ordinary1 = recognisableKey('ORD1');
    const ordinary2 = recognisableKey('ORD2');
    let id: string;
    before(async () => {
      h = await startTestServer(backend, { sync: false });
      proxy = await startKeyProxy(h.sim, [ordinary1, ordinary2]);
      const created = await h.admin.request('POST', '/api/v1/integrations', {
        name: 'with-admin',
        apiKey: ordinary1,
        baseUrl: proxy.url,
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.adminKey, null);
      id = created.body.id;
    });
    after(async () => {
      await proxy?.close();
      await h?.close();
    });

    const put = (who: TestServer['admin'], adminApiKey: string) =>
      who.request('PUT', `/api/v1/integrations/${id}/admin-key`, { adminApiKey });
    const leaks = (text: string) =>
      [h.sim.adminApiKey, h.sim.apiKey, ordinary1, ordinary2].some((k) => text.includes(k));

    it('refuses a non-admin key, an unknown key and the ordinary key before storing anything', async () => {
      const notAdmin = await put(h.admin, ordinary2);
      assert.equal(notAdmin.status, 400, notAdmin.text);
      assert.equal(notAdmin.body.error.code, 'INVALID_API_KEY');
      assert.match(notAdmin.body.error.message, /not an admin key/);
      assert.match(notAdmin.body.error.remediation, /Admin role/);
      assert.equal(notAdmin.body.error.details.field, 'adminApiKey');
      const unknown = await put(h.admin, recognisableKey('UNKNOWN'));
      assert.equal(unknown.status, 400, unknown.text);
      assert.match(unknown.body.error.message, /refused the admin API key/);
      const same = await put(h.admin, ordinary1);
      assert.equal(same.status, 400, same.text);
      assert.equal(same.body.error.code, 'INVALID_INPUT');
      for (const r of [notAdmin, unknown, same]) assert.ok(!leaks(r.text), r.text);
      const now = await h.viewer.request('GET', `/api/v1/integrations/${id}`);
      assert.equal(now.body.adminKey, null, 'nothing was stored');
    });

    it('is admin only, and another organization sees nothing', async () => {
      for (const who of [h.viewer, h.analyst]) assert.equal((await put(who, h.sim.adminApiKey)).status, 403);
      assert.equal((await put(h.otherAdmin, h.sim.adminApiKey)).status, 404);
      assert.equal((await h.anonymous.request('DELETE', `/api/v1/integrations/${id}/admin-key`)).status, 401);
    });

    it('sets it (hint only), refuses the same key again, and a sync reads the Admin API with it', async () => {
      const set = await put(h.admin, h.sim.adminApiKey);
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.adminKey.hint, `••••${h.sim.adminApiKey.slice(-4)}`);
      assert.match(set.body.adminKey.fingerprint, /^[0-9a-f]{12}$/);
      assert.ok(!leaks(set.text));
      const again = await put(h.admin, h.sim.adminApiKey);
      assert.equal(again.status, 409, again.text);
      const list = await h.viewer.request('GET', '/api/v1/integrations');
      const mine = list.body.items.find((i: { id: string }) => i.id === id);
      assert.deepEqual(mine.adminKey, set.body.adminKey);
      // The ordinary key cannot become the admin key's twin through a rotation either.
      const twin = await h.admin.request('POST', `/api/v1/integrations/${id}/rotate-key`, {
        apiKey: h.sim.adminApiKey,
      });
      assert.equal(twin.status, 400, twin.text);

      h.sim.resetStats();
      await h.syncNow(id);
      const admin = h.sim.stats().byRoute.filter((r) => r.route.includes('/v1/admin/'));
      assert.ok(
        admin.some((r) => r.status === 200 && r.count > 0),
        JSON.stringify(admin),
      );
      assert.ok(!admin.some((r) => r.status === 401 || r.status === 403), JSON.stringify(admin));
    });

    it('a new base URL needs the admin key again', async () => {
      const moved = await h.admin.request('PATCH', `/api/v1/integrations/${id}`, {
        baseUrl: h.sim.url,
        apiKey: h.sim.apiKey,
      });
      assert.equal(moved.status, 400, moved.text);
      assert.equal(moved.body.error.details.field, 'adminApiKey');
    });

    it('removes it on its own (the key stays), then says there is none; audited without any key', async () => {
      const before = await h.viewer.request('GET', `/api/v1/integrations/${id}`);
      const removed = await h.admin.request('DELETE', `/api/v1/integrations/${id}/admin-key`);
      assert.equal(removed.status, 200, removed.text);
      assert.equal(removed.body.adminKey, null);
      assert.equal(removed.body.keyFingerprint, before.body.keyFingerprint);
      const again = await h.admin.request('DELETE', `/api/v1/integrations/${id}/admin-key`);
      assert.equal(again.status, 404, again.text);
      const audit = await h.admin.request('GET', '/api/v1/audit-log?limit=200');
      assert.equal(audit.status, 200, audit.text);
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      assert.ok(actions.includes('integration.set_admin_key'), actions.join(','));
      assert.ok(actions.includes('integration.remove_admin_key'), actions.join(','));
      assert.ok(!leaks(audit.text));
    });

    it('creates an integration with an admin key in one request', async () => {
      const created = await h.admin.request('POST', '/api/v1/integrations', {
        name: 'created-with-admin',
        apiKey: h.sim.apiKey,
        adminApiKey: h.sim.adminApiKey,
        baseUrl: h.sim.url,
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.adminKey.hint, `••••${h.sim.adminApiKey.slice(-4)}`);
      assert.ok(!leaks(created.text));
    });
  });

  describe(`admin key in the store (${backend.kind})`, { skip: backend.skip }, () => {
    it('is sealed, counted and rewrapped with the master key, and gone with the integration', async () => {
      const t = await backend.open();
      try {
        const keyA = masterKeyFromBytes(randomBytes(32));
        const keyB = masterKeyFromBytes(randomBytes(32));
        const storeA = createStore(t.db, { keyring: createKeyring(keyA) });
        const apiKey = recognisableKey('ORDSTORE');
        const adminKey = recognisableKey('ADMSTORE');
        const i = await storeA.integrations.create({ name: 'sealed', apiKey, adminApiKey: adminKey });
        assert.equal(await storeA.integrations.revealAdminApiKey(i.id), adminKey);
        assert.equal(await storeA.integrations.revealApiKey(i.id), apiKey);
        const { rows } = await t.db.query<{ row: string }>(
          'SELECT row_to_json(a)::text AS row FROM integration_admin_keys a',
        );
        assert.equal(rows.length, 1);
        assert.ok(!rows[0].row.includes(adminKey.slice(0, 20)), 'no plaintext admin key in the table');
        assert.ok(rows[0].row.includes(`••••${adminKey.slice(-4)}`));
        assert.deepEqual(await storeA.integrations.masterKeyUsage(), [
          { masterKeyId: keyA.id, integrations: 2 },
        ]);

        const rotating = createStore(t.db, { keyring: createKeyring(keyB, [keyA]) });
        assert.deepEqual(await rotating.integrations.rewrapAll(), { rewrapped: 2, alreadyCurrent: 0 });
        const onlyB = createStore(t.db, { keyring: createKeyring(keyB) });
        assert.equal(await onlyB.integrations.revealAdminApiKey(i.id), adminKey);
        assert.deepEqual(await onlyB.integrations.masterKeyUsage(), [
          { masterKeyId: keyB.id, integrations: 2 },
        ]);

        // The sealed admin key cannot be passed off as the ordinary key (distinct associated data).
        await t.db.query(
          `UPDATE integration_keys k SET wrapped_data_key = a.wrapped_data_key, ciphertext = a.ciphertext
           FROM integration_admin_keys a WHERE a.integration_id = k.integration_id`,
        );
        await assert.rejects(() => onlyB.integrations.revealApiKey(i.id), /CRYPTO|decrypt|authenticat/i);

        assert.equal(await onlyB.integrations.removeAdminKey(i.id), true);
        assert.equal(await onlyB.integrations.revealAdminApiKey(i.id), null);
        await onlyB.integrations.setAdminKey(i.id, adminKey);
        await onlyB.integrations.delete(i.id);
        const left = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integration_admin_keys');
        assert.equal(left.rows[0].n, 0, 'gone with the integration');
      } finally {
        await t.cleanup();
      }
    });
  });
}
