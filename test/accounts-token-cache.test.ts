/**
 * The in-memory cache of authenticated API tokens (src/services/accounts.ts), on both back ends: a
 * repeated request reads no token row within the TTL, a revocation in this process takes effect at
 * once (even against a lookup that was in flight), one made by another process within the TTL, and
 * expiry is checked on every use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccountsService, TOKEN_CACHE_TTL_MS, type PasswordHasher } from '../src/services/accounts.ts';
import { createAuditService } from '../src/services/audit.ts';
import { cliActor } from '../src/services/context.ts';
import type { AccountsRepository } from '../src/store/accounts-repository.ts';
import { createStore, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { testKeyring } from './store-fixtures.ts';

const START = Date.parse('2026-03-01T09:00:00Z');
const fastHasher: PasswordHasher = {
  hash: async (p) => `plain-test-hash:${p.length}`,
  verify: async (h, p) => h === `plain-test-hash:${p.length}`,
};

for (const backend of testBackends()) {
  describe(`accounts: API token cache (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    function setup() {
      const clock = { ms: START };
      const now = () => new Date(clock.ms);
      const lookups = { n: 0 };
      let gate: Promise<void> | null = null;
      const repo: AccountsRepository = {
        ...store.accounts,
        async getApiTokenByHash(hash) {
          lookups.n++;
          const found = await store.accounts.getApiTokenByHash(hash);
          if (gate) await gate;
          return found;
        },
      };
      const audit = createAuditService({ audit: store.audit, now });
      const make = () => createAccountsService({ accounts: repo, audit, now, passwords: fastHasher });
      return { clock, lookups, make, hold: (p: Promise<void> | null) => (gate = p) };
    }

    it('serves repeated requests from memory, revokes at once in this process', async () => {
      const { clock, lookups, make } = setup();
      const accounts = make();
      const operator = cliActor();
      const { token, view } = await accounts.createToken(operator, { name: 'bench', role: 'analyst' });

      assert.equal((await accounts.authenticateToken(token, {}))?.role, 'analyst');
      assert.equal(lookups.n, 1);
      for (let i = 0; i < 5; i++) assert.equal((await accounts.authenticateToken(token, {}))?.id, view.id);
      assert.equal(lookups.n, 1, 'cache hits read no token row');
      clock.ms += TOKEN_CACHE_TTL_MS;
      assert.ok(await accounts.authenticateToken(token, {}));
      assert.equal(lookups.n, 2, 'read again after the TTL');
      // Unknown tokens are never cached.
      assert.equal(await accounts.authenticateToken(`${token}x`, {}), null);
      assert.equal(await accounts.authenticateToken(`${token}x`, {}), null);
      assert.equal(lookups.n, 4);

      await accounts.revokeToken(operator, view.id);
      assert.equal(await accounts.authenticateToken(token, {}), null, 'revocation is immediate');
    });

    it('a lookup in flight during a revocation does not refill the cache', async () => {
      const { lookups, make, hold } = setup();
      const accounts = make();
      const operator = cliActor();
      const { token, view } = await accounts.createToken(operator, { name: 'race', role: 'viewer' });
      let release!: () => void;
      hold(new Promise<void>((r) => (release = r)));
      const inFlight = accounts.authenticateToken(token, {}); // read the token before the revocation
      while (lookups.n === 0) await new Promise((r) => setImmediate(r));
      hold(null);
      await accounts.revokeToken(operator, view.id);
      release();
      assert.ok(await inFlight, 'the request that started before the revocation may pass');
      assert.equal(await accounts.authenticateToken(token, {}), null, 'nothing stale was cached');
    });

    it('another process revokes within the TTL; expiry is checked on every use', async () => {
      const { clock, make } = setup();
      const here = make();
      const elsewhere = make();
      const operator = cliActor();
      const { token, view } = await here.createToken(operator, {
        name: 'shared',
        role: 'viewer',
        expiresInDays: 1,
      });
      assert.ok(await here.authenticateToken(token, {}));
      await elsewhere.revokeToken(operator, view.id);
      clock.ms += TOKEN_CACHE_TTL_MS - 1;
      assert.ok(await here.authenticateToken(token, {}), 'still trusted within the TTL (documented)');
      clock.ms += 1;
      assert.equal(await here.authenticateToken(token, {}), null, 'refused once the TTL passed');

      const second = await here.createToken(operator, { name: 'expiring', role: 'viewer', expiresInDays: 1 });
      assert.ok(await here.authenticateToken(second.token, {}));
      clock.ms += 24 * 60 * 60_000;
      assert.equal(await here.authenticateToken(second.token, {}), null, 'expired');
    });
  });
}
