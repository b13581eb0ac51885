/**
 * API tokens made with an API token answer to the human at the root of the chain, on both back ends:
 * over HTTP, demoting that human caps every token of the chain, deleting them ends every one of them;
 * a token with no human behind it cannot make tokens; and migration 014 repairs the tokens stored
 * before (created_by NULL) from the audit log: their root's creator, or revoked when there is none.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { createAccountsService } from '../src/services/accounts.ts';
import { createAuditService } from '../src/services/audit.ts';
import { cliActor, type Actor } from '../src/services/context.ts';
import { createStore, loadMigrations, migrate, type ApiTokenRecord } from '../src/store/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { PASSWORD, startTestServer, type TestServer } from './helpers/server.ts';
import { testKeyring } from './store-fixtures.ts';

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
/** The value of a token stored by the migration test (only its hash is stored). */
const raw = (id: string) => `tlk_migration-test-token-${id}`;

async function bearer(h: TestServer, token: string, method: 'GET' | 'POST', url: string, body?: object) {
  const r = await h.server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body ? { payload: body } : {}),
  });
  return { status: r.statusCode, body: r.json() };
}

/** Signs in over HTTP and creates an API token with the session (cookie + CSRF token). */
async function tokenOfSession(h: TestServer, email: string, role: 'admin' | 'viewer') {
  const login = await h.server.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: PASSWORD },
  });
  assert.equal(login.statusCode, 200, login.body);
  const cookie = login.cookies.find((c) => c.name === 'trustlens_session');
  assert.ok(cookie);
  const r = await h.server.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: { cookie: `trustlens_session=${cookie.value}`, 'x-csrf-token': login.json().csrfToken },
    payload: { name: `${email} session token`, role },
  });
  assert.equal(r.statusCode, 201, r.body);
  return { userId: login.json().user.id as string, token: r.json().token as string, view: r.json().apiToken };
}

for (const backend of testBackends()) {
  describe(`API tokens made with an API token (${backend.kind})`, { skip: backend.skip }, () => {
    it('answer to the human at the root of the chain: demoting them caps every token, deleting them ends every one (HTTP)', async () => {
      const h = await startTestServer(backend, { sync: false });
      try {
        const created = await h.admin.request('POST', '/api/v1/users', {
          email: 'mallory@a.example',
          password: PASSWORD,
          role: 'admin',
        });
        assert.equal(created.status, 201);
        const t1 = await tokenOfSession(h, 'mallory@a.example', 'admin');
        const mallory = t1.userId;
        assert.equal(t1.view.createdBy, mallory);

        // T1 makes T2, T2 makes T3: both answer to Mallory, not to nobody.
        const r2 = await bearer(h, t1.token, 'POST', '/api/v1/tokens', { name: 't2', role: 'admin' });
        assert.equal(r2.status, 201);
        assert.equal(r2.body.apiToken.createdBy, mallory);
        const t2 = r2.body.token as string;
        const r3 = await bearer(h, t2, 'POST', '/api/v1/tokens', { name: 't3', role: 'admin' });
        assert.equal(r3.status, 201);
        assert.equal(r3.body.apiToken.createdBy, mallory);
        const t3 = r3.body.token as string;
        const entry = (await h.admin.request('GET', '/api/v1/audit-log?limit=200')).body.items.find(
          (e: { action: string; targetId: string }) =>
            e.action === 'token.create' && e.targetId === r3.body.apiToken.id,
        );
        assert.equal(entry.actorType, 'token');
        assert.equal(entry.details.createdBy, mallory);
        for (const t of [t1.token, t2, t3])
          assert.equal((await bearer(h, t, 'GET', '/api/v1/users')).status, 200);

        // Demoted: every token of the chain acts as a viewer.
        assert.equal(
          (await h.admin.request('PATCH', `/api/v1/users/${mallory}`, { role: 'viewer' })).status,
          200,
        );
        for (const t of [t1.token, t2, t3]) {
          assert.equal((await bearer(h, t, 'GET', '/api/v1/users')).status, 403);
          assert.equal((await bearer(h, t, 'GET', '/api/v1/session')).body.role, 'viewer');
          const mint = await bearer(h, t, 'POST', '/api/v1/tokens', { name: 'again', role: 'admin' });
          assert.equal(mint.status, 403);
        }
        // The cap follows the creator's role: promoted again, the chain is admin again.
        assert.equal(
          (await h.admin.request('PATCH', `/api/v1/users/${mallory}`, { role: 'admin' })).status,
          200,
        );
        assert.equal((await bearer(h, t3, 'GET', '/api/v1/users')).status, 200);

        // Deleted: every token of the chain is revoked; none can add an admin back.
        assert.equal((await h.admin.request('DELETE', `/api/v1/users/${mallory}`)).status, 204);
        for (const t of [t1.token, t2, t3]) {
          assert.equal((await bearer(h, t, 'GET', '/api/v1/users')).status, 401);
          const back = await bearer(h, t, 'POST', '/api/v1/users', {
            email: 'back@a.example',
            password: PASSWORD,
            role: 'admin',
          });
          assert.equal(back.status, 401);
        }
        const tokens = (await h.admin.request('GET', '/api/v1/tokens')).body.items as {
          name: string;
          revokedAt: string | null;
        }[];
        for (const name of ['t2', 't3']) assert.ok(tokens.find((t) => t.name === name)?.revokedAt, name);
      } finally {
        await h.close();
      }
    });

    it('refuses to make a token when no active admin stands behind the acting token or user', async () => {
      const h = await startTestServer(backend, { sync: false });
      try {
        const accounts = h.app.services.accounts;
        // A token the local operator made has no creator: it cannot make tokens over HTTP.
        const orphan = await accounts.createToken(
          { ...cliActor(), organizationId: h.organizationA },
          { name: 'operator', role: 'admin' },
        );
        assert.equal(orphan.view.createdBy, null);
        const r = await bearer(h, orphan.token, 'POST', '/api/v1/tokens', { name: 'child', role: 'admin' });
        assert.equal(r.status, 403);
        assert.equal(r.body.error.code, 'FORBIDDEN');
        assert.match(r.body.error.message, /no user account stands behind it/);
        assert.equal((await bearer(h, orphan.token, 'GET', '/api/v1/users')).status, 200, 'still usable');

        // An actor read before its user was demoted (another process's cache): refused at the write.
        await h.admin.request('POST', '/api/v1/users', {
          email: 'eve@a.example',
          password: PASSWORD,
          role: 'admin',
        });
        const eve = await tokenOfSession(h, 'eve@a.example', 'admin');
        const staleUser: Actor = {
          kind: 'user',
          id: eve.userId,
          label: 'eve@a.example',
          organizationId: h.organizationA,
          role: 'admin',
        };
        const staleToken: Actor = { ...staleUser, kind: 'token', id: eve.view.id, label: 'token eve' };
        assert.equal(
          (await h.admin.request('PATCH', `/api/v1/users/${eve.userId}`, { role: 'analyst' })).status,
          200,
        );
        for (const actor of [staleUser, staleToken]) {
          await assert.rejects(
            accounts.createToken(actor, { name: 'late', role: 'admin' }),
            (e: Error & { code?: string }) => {
              assert.equal(e.code, 'FORBIDDEN');
              assert.match(e.message, /no longer an active admin/);
              return true;
            },
          );
        }
        const names = (await h.admin.request('GET', '/api/v1/tokens')).body.items.map(
          (t: { name: string }) => t.name,
        );
        assert.ok(!names.includes('late'));
      } finally {
        await h.close();
      }
    });

    it('migration 014 gives stored chain tokens their root creator, revokes those whose creator is gone', async () => {
      const t = await backend.openEmpty();
      try {
        await migrate(
          t.db,
          loadMigrations().filter((m) => m.version < 14),
        );
        const store = createStore(t.db, { keyring: testKeyring() });
        const at = '2026-01-01T00:00:00.000Z';
        const org = 'org_x';
        await store.accounts.createOrganization({ id: org, name: 'X', simulated: false, createdAt: at });
        const user = (id: string) =>
          store.accounts.createUser({
            id,
            organizationId: org,
            email: `${id}@x.example`,
            name: null,
            passwordHash: 'x',
            role: 'admin',
            createdAt: at,
            updatedAt: at,
            lastLoginAt: null,
            disabledAt: null,
          });
        await user('mallory');
        let n = 0;
        const token = async (id: string, createdBy: string | null, revoked = false) => {
          const record: ApiTokenRecord = {
            id,
            organizationId: org,
            name: id,
            tokenHash: sha256(raw(id)),
            tokenPrefix: id,
            role: 'admin',
            createdBy,
            createdAt: new Date(Date.parse(at) + n++ * 1000).toISOString(),
            lastUsedAt: null,
            expiresAt: null,
            revokedAt: revoked ? at : null,
          };
          await store.accounts.createApiToken(record);
        };
        const made = (tokenId: string, by: 'user' | 'token', byId: string) =>
          store.audit.append({
            organizationId: org,
            at,
            actorType: by,
            actorId: byId,
            actorLabel: byId,
            action: 'token.create',
            targetType: 'api_token',
            targetId: tokenId,
            ip: null,
            outcome: 'success',
            details: {},
          });
        // Mallory's token A made B, B made C (stored with no creator by the old code).
        await token('A', 'mallory');
        await made('A', 'user', 'mallory');
        await token('B', null);
        await made('B', 'token', 'A');
        await token('C', null);
        await made('C', 'token', 'B');
        // Dora was deleted: her token D0 was revoked (creator set NULL), the token E it made was not.
        await token('D0', null, true);
        await made('D0', 'user', 'dora');
        await token('E', null);
        await made('E', 'token', 'D0');
        // Made by Dora before deleting a user revoked their tokens.
        await token('F', null);
        await made('F', 'user', 'dora');
        // The local operator's token G (no creator, no user in its entry), and H made with it.
        await token('G', null);
        await store.audit.append({
          organizationId: org,
          at,
          actorType: 'cli',
          actorId: null,
          actorLabel: 'cli',
          action: 'token.create',
          targetType: 'api_token',
          targetId: 'G',
          ip: null,
          outcome: 'success',
          details: {},
        });
        await token('H', null);
        await made('H', 'token', 'G');
        // No entry at all: left alone.
        await token('K', null);
        // Already revoked: left alone.
        await token('R', null, true);
        await made('R', 'token', 'A');

        assert.deepEqual(await migrate(t.db), { applied: [14], version: loadMigrations().at(-1)!.version });
        const rows = new Map((await store.accounts.listApiTokens(org)).map((r) => [r.id, r]));
        const state = (id: string) => ({
          createdBy: rows.get(id)!.createdBy,
          revoked: rows.get(id)!.revokedAt !== null,
        });
        assert.deepEqual(state('A'), { createdBy: 'mallory', revoked: false });
        assert.deepEqual(state('B'), { createdBy: 'mallory', revoked: false });
        assert.deepEqual(state('C'), { createdBy: 'mallory', revoked: false });
        assert.deepEqual(state('E'), { createdBy: null, revoked: true });
        assert.deepEqual(state('F'), { createdBy: null, revoked: true });
        assert.deepEqual(state('G'), { createdBy: null, revoked: false });
        assert.deepEqual(state('H'), { createdBy: null, revoked: true });
        assert.deepEqual(state('K'), { createdBy: null, revoked: false });
        assert.deepEqual(state('R'), { createdBy: null, revoked: true });
        assert.equal(rows.get('R')!.revokedAt, at, 'an earlier revocation is kept');

        const reader: Actor = { kind: 'user', id: 'mallory', label: 'm', organizationId: org, role: 'admin' };
        const entries = (await createAuditService({ audit: store.audit }).list(reader, { limit: 100 })).items
          .filter((e) => e.actorLabel === 'migration 014')
          .map((e) => `${e.action} ${e.targetId} ${e.actorType} ${JSON.stringify(e.details)}`)
          .sort();
        assert.deepEqual(entries, [
          'token.revoke E system {"name":"E","prefix":"E","reason":"creator_gone"}',
          'token.revoke F system {"name":"F","prefix":"F","reason":"creator_gone"}',
          'token.revoke H system {"name":"H","prefix":"H","reason":"creator_gone"}',
          'token.update B system {"name":"B","prefix":"B","reason":"creator_of_chain","createdBy":{"to":"mallory","from":null}}',
          'token.update C system {"name":"C","prefix":"C","reason":"creator_of_chain","createdBy":{"to":"mallory","from":null}}',
        ]);

        // The repaired tokens now follow Mallory's role; a token with no user behind it makes no token.
        const service = () =>
          createAccountsService({
            accounts: store.accounts,
            audit: createAuditService({ audit: store.audit }),
          });
        assert.equal((await service().authenticateToken(raw('C'), {}))?.role, 'admin');
        await store.accounts.updateUser('mallory', { role: 'viewer', updatedAt: at });
        const accounts = service(); // a fresh token cache
        assert.equal((await accounts.authenticateToken(raw('C'), {}))?.role, 'viewer');
        assert.equal(await accounts.authenticateToken(raw('E'), {}), null);
        const tokenG = await accounts.authenticateToken(raw('G'), {});
        assert.equal(tokenG?.role, 'admin');
        await assert.rejects(
          accounts.createToken(tokenG!, { name: 'from G', role: 'viewer' }),
          (e: Error & { code?: string }) => e.code === 'FORBIDDEN',
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
