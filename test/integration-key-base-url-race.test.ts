/**
 * Audit finding 4: a key (ordinary or admin) is stored only next to the base URL it was validated
 * against. The repository's rotateKey/setAdminKey take that base URL and update WHERE id AND base_url;
 * the service passes the one it read. A base URL changed while the key was being validated → CONFLICT
 * saying to try again, and no key is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keyFingerprint } from '../src/crypto/index.ts';
import { isAppError } from '../src/errors/index.ts';
import { createIntegrationService } from '../src/integrations/index.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { recognisableKey, testKeyring } from './store-fixtures.ts';

const conflict = (e: unknown) =>
  isAppError(e) &&
  e.code === 'CONFLICT' &&
  /changed meanwhile/.test(e.message) &&
  /Try again/.test(e.remediation ?? '');

for (const backend of testBackends()) {
  describe(
    `keys stored only at the base URL they were validated against (${backend.kind})`,
    { skip: backend.skip },
    () => {
      let t: TestDatabase;
      let store: Store;
      before(async () => {
        t = await backend.open();
        store = createStore(t.db, { keyring: testKeyring() });
      });
      after(async () => {
        await t?.cleanup();
      });

      it('repository: rotateKey and setAdminKey refuse when the base URL is no longer the given one', async () => {
        const ordinary = recognisableKey('O');
        const v = await store.integrations.create({
          name: 'repo-race',
          apiKey: ordinary,
          baseUrl: 'https://a.example',
        });
        const admin = recognisableKey('ADM');
        await assert.rejects(
          store.integrations.setAdminKey(v.id, admin, undefined, 'https://b.example'),
          conflict,
        );
        await assert.rejects(
          store.integrations.rotateKey(v.id, recognisableKey('N'), undefined, 'https://b.example'),
          conflict,
        );
        assert.equal(await store.integrations.revealAdminApiKey(v.id), null, 'no admin key stored');
        assert.equal(await store.integrations.revealApiKey(v.id), ordinary, 'the ordinary key unchanged');
        // At the right base URL both go through.
        const set = await store.integrations.setAdminKey(v.id, admin, undefined, 'https://a.example');
        assert.equal(set.adminKey?.fingerprint, keyFingerprint(admin));
        await assert.rejects(
          store.integrations.setAdminKey('no-such-id', admin, undefined, 'https://a.example'),
          (e: unknown) => isAppError(e) && e.code === 'NOT_FOUND',
        );
      });

      it('service: a base URL changed while the key was validated → CONFLICT, nothing stored', async () => {
        const ordinary = recognisableKey('O2');
        const v = await store.integrations.create({
          name: 'svc-race',
          apiKey: ordinary,
          baseUrl: 'https://a.example',
        });
        let move = true;
        // The validation is where the race window is: another request moves the integration meanwhile.
        const racing = async () => {
          if (move) await store.integrations.update(v.id, { baseUrl: 'https://attacker.example' });
        };
        const service = createIntegrationService({
          store,
          validateKey: racing,
          validateAdminKey: racing,
        });
        await assert.rejects(service.setAdminKey(v.id, recognisableKey('ADM2')), conflict);
        assert.equal(await store.integrations.revealAdminApiKey(v.id), null);
        await store.integrations.update(v.id, { baseUrl: 'https://a.example' });
        await assert.rejects(service.rotateKey(v.id, recognisableKey('N2')), conflict);
        assert.equal(await store.integrations.revealApiKey(v.id), ordinary);
        // Without a concurrent change, both are stored.
        move = false;
        await store.integrations.update(v.id, { baseUrl: 'https://a.example' });
        const admin = recognisableKey('ADM3');
        assert.equal((await service.setAdminKey(v.id, admin)).adminKey?.fingerprint, keyFingerprint(admin));
      });
    },
  );
}
