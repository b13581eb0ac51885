/**
 * The accounts service on both back ends: the first start (TRUSTLENS_INIT_*, the one-time set-up token,
 * ignored once users exist), sign-in (success, wrong email or password, throttling), sessions (idle and
 * absolute expiry with a controllable clock, logout, disabled users), API tokens (create, authenticate,
 * revoke, expire), last-admin protection, roles, organization isolation, the audit log, and that no
 * password, session token, CSRF token, set-up token or API token is stored in plaintext anywhere.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../src/errors/index.ts';
import {
  argon2idHasher,
  createAccountsService,
  type AccountsService,
  type PasswordHasher,
} from '../src/services/accounts.ts';
import { createAuditService, type AuditService } from '../src/services/audit.ts';
import { cliActor, type Actor } from '../src/services/context.ts';
import { createStore, type Database, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { testKeyring } from './store-fixtures.ts';

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
const START = Date.parse('2026-03-01T09:00:00Z');
const MINUTE = 60_000;

const ADMIN_A = { email: 'Alice@Example.com', password: 'alice-correct-horse-battery' };
const INIT_TOKEN = 'init-token-0123456789abcdefghijklmnopqrstuv';
const NO_INIT = { adminEmail: null, adminPassword: null, orgName: null, apiToken: null };

function appError(code: string, field?: string) {
  return (e: unknown) => {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.details.field, field);
    assert.ok(e.remediation, 'every error says what to do next');
    return true;
  };
}

interface Harness {
  store: Store;
  audit: AuditService;
  clock: { ms: number };
  service(options?: { sessionIdleMinutes?: number; sessionMaxHours?: number }): AccountsService;
}

function harness(db: Database): Harness {
  const store = createStore(db, { keyring: testKeyring() });
  const clock = { ms: START };
  const now = () => new Date(clock.ms);
  const audit = createAuditService({ audit: store.audit, now });
  return {
    store,
    audit,
    clock,
    service: (options = {}) => createAccountsService({ accounts: store.accounts, audit, now, ...options }),
  };
}

/** Every row of every table of the current schema, as JSON text. */
async function dumpAllTables(db: Database): Promise<string> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  assert.ok(tables.some((t) => t.table_name === 'users'));
  let out = '';
  for (const { table_name } of tables) {
    // Table names come from the catalogue, not from input; quoted as identifiers.
    const { rows } = await db.query(`SELECT * FROM "${table_name.replace(/"/g, '""')}"`);
    out += `${table_name}: ${JSON.stringify(rows)}\n`;
  }
  return out;
}

for (const backend of testBackends()) {
  describe(`accounts: first start (${backend.kind})`, { skip: backend.skip }, () => {
    const opened: TestDatabase[] = [];
    const fresh = async () => {
      const t = await backend.open();
      opened.push(t);
      return harness(t.db);
    };
    after(async () => {
      for (const t of opened) await t.cleanup();
    });

    it('without TRUSTLENS_INIT_* gives a one-time set-up token that a new one replaces and that works once', async () => {
      const h = await fresh();
      const accounts = h.service();
      const first = await accounts.bootstrap(NO_INIT);
      assert.equal(first.kind, 'setup');
      const second = await accounts.bootstrap(NO_INIT);
      assert.equal(second.kind, 'setup');
      const oldToken = (first as { setupToken: string }).setupToken;
      const token = (second as { setupToken: string }).setupToken;
      assert.notEqual(oldToken, token);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const input = {
        organizationName: 'Acme Security',
        email: ' Root@Acme.test ',
        password: 'a-long-enough-passphrase',
      };

      // The replaced token no longer works.
      await assert.rejects(
        accounts.completeSetup(oldToken, input, {}),
        appError('UNAUTHENTICATED', 'setupToken'),
      );
      // Validation names the field before the token is spent.
      await assert.rejects(
        accounts.completeSetup(token, { ...input, password: 'short' }, {}),
        appError('INVALID_INPUT', 'password'),
      );

      const done = await accounts.completeSetup(token, input, { ip: '10.0.0.1', userAgent: 'test' });
      assert.equal(done.user.email, 'root@acme.test');
      assert.equal(done.user.role, 'admin');
      assert.equal(done.csrfToken, accounts.csrfTokenFor(done.sessionToken));
      const session = await accounts.authenticateSession(done.sessionToken, {});
      assert.equal(session?.user.id, done.user.id);
      assert.equal((await accounts.getOrganization(session!.actor)).name, 'Acme Security');

      // Used: refused (users exist now), and bootstrap is ready and ignores init values.
      await assert.rejects(
        accounts.completeSetup(token, { ...input, email: 'other@acme.test' }, {}),
        appError('CONFLICT'),
      );
      assert.deepEqual(await accounts.bootstrap(NO_INIT), { kind: 'ready' });
      assert.deepEqual(
        await accounts.bootstrap({
          adminEmail: 'x@y.test',
          adminPassword: 'p',
          orgName: null,
          apiToken: 'short',
        }),
        { kind: 'ready' },
      );
      assert.equal((await h.store.accounts.listUsers()).length, 1);
    });

    it('refuses an expired set-up token', async () => {
      const h = await fresh();
      const accounts = h.service();
      const r = await accounts.bootstrap(NO_INIT);
      assert.equal(r.kind, 'setup');
      h.clock.ms += 24 * 60 * MINUTE + 1;
      await assert.rejects(
        accounts.completeSetup(
          (r as { setupToken: string }).setupToken,
          { organizationName: 'Late', email: 'late@acme.test', password: 'a-long-enough-passphrase' },
          {},
        ),
        appError('UNAUTHENTICATED', 'setupToken'),
      );
      assert.equal(await h.store.accounts.countUsers(), 0);
    });

    it('with TRUSTLENS_INIT_* creates the organization, the admin and the admin API token, once', async () => {
      const h = await fresh();
      const accounts = h.service();
      const r = await accounts.bootstrap({
        adminEmail: ADMIN_A.email,
        adminPassword: ADMIN_A.password,
        orgName: 'Init Org',
        apiToken: INIT_TOKEN,
      });
      assert.equal(r.kind, 'initialized');
      const signedIn = await accounts.login('alice@example.com', ADMIN_A.password, {});
      assert.equal(signedIn.user.organizationId, (r as { organizationId: string }).organizationId);
      const tokenActor = await accounts.authenticateToken(INIT_TOKEN, {});
      assert.equal(tokenActor?.role, 'admin');
      assert.equal(tokenActor?.organizationId, signedIn.user.organizationId);
      assert.equal((await accounts.getOrganization(tokenActor!)).name, 'Init Org');

      // Users exist: the variables do nothing, even different ones.
      assert.deepEqual(
        await accounts.bootstrap({
          adminEmail: 'mallory@example.com',
          adminPassword: 'another-long-password',
          orgName: 'Other',
          apiToken: 'x'.repeat(40),
        }),
        { kind: 'ready' },
      );
      assert.equal(await accounts.authenticateToken('x'.repeat(40), {}), null);
      assert.equal(await h.store.accounts.getUserByEmail('mallory@example.com'), null);
      assert.equal((await accounts.getOrganization(tokenActor!)).name, 'Init Org');
    });

    it('two processes starting at once on one database create one first admin', async (ctx) => {
      if (backend.kind === 'pglite') {
        ctx.skip('PGlite is single-connection: one process at a time by design');
        return;
      }
      const t = await backend.open();
      opened.push(t);
      assert.ok(t.connectAgain);
      const one = harness(t.db).service();
      const two = harness(await t.connectAgain()).service();
      const init = {
        adminEmail: 'first@example.com',
        adminPassword: 'first-admin-password',
        orgName: 'Race',
        apiToken: null,
      };
      const results = await Promise.all([
        one.bootstrap(init),
        two.bootstrap({ ...init, adminEmail: 'second@example.com' }),
      ]);
      assert.deepEqual(results.map((r) => r.kind).sort(), ['initialized', 'ready']);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      assert.equal(rows[0].n, 1);
    });

    it('explains invalid TRUSTLENS_INIT_* values and adopts the organization the CLI made', async () => {
      const h = await fresh();
      const accounts = h.service();
      const base = {
        adminEmail: 'ops@example.com',
        adminPassword: 'twelve-chars-ok',
        orgName: null,
        apiToken: null,
      };
      await assert.rejects(
        accounts.bootstrap({ ...base, apiToken: 'too-short-token' }),
        appError('INVALID_INPUT', 'TRUSTLENS_INIT_API_TOKEN'),
      );
      await assert.rejects(
        accounts.bootstrap({ ...base, adminPassword: null }),
        appError('INVALID_INPUT', 'TRUSTLENS_INIT_ADMIN_PASSWORD'),
      );
      await assert.rejects(
        accounts.bootstrap({ ...base, adminPassword: 'short' }),
        appError('INVALID_INPUT', 'TRUSTLENS_INIT_ADMIN_PASSWORD'),
      );
      await assert.rejects(
        accounts.bootstrap({ ...base, adminEmail: 'not-an-email' }),
        appError('INVALID_INPUT', 'TRUSTLENS_INIT_ADMIN_EMAIL'),
      );
      await assert.rejects(
        accounts.bootstrap({ ...NO_INIT, apiToken: INIT_TOKEN }),
        appError('INVALID_INPUT', 'TRUSTLENS_INIT_ADMIN_EMAIL'),
      );
      assert.equal(await h.store.accounts.countUsers(), 0);

      // An integration made by the CLI before the first start belongs to the first admin's organization.
      const integration = await h.store.integrations.create({
        name: 'cli',
        apiKey: 'sk-accounts-test-000000',
      });
      const r = await accounts.bootstrap({ ...base, orgName: 'Ops' });
      assert.deepEqual(r, { kind: 'initialized', organizationId: integration.organizationId });
    });
  });

  describe(`accounts: sign-in, sessions, tokens, users (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let h: Harness;
    let accounts: AccountsService;
    let adminA: Actor;
    let orgA: string;
    let adminB: Actor;
    const secrets: string[] = [ADMIN_A.password, INIT_TOKEN];

    before(async () => {
      t = await backend.open();
      h = harness(t.db);
      accounts = h.service({ sessionIdleMinutes: 30, sessionMaxHours: 2 });
      const r = await accounts.bootstrap({
        adminEmail: ADMIN_A.email,
        adminPassword: ADMIN_A.password,
        orgName: 'Org A',
        apiToken: INIT_TOKEN,
      });
      assert.equal(r.kind, 'initialized');
      orgA = (r as { organizationId: string }).organizationId;
      const a = await accounts.authenticateSession(
        (await accounts.login(ADMIN_A.email, ADMIN_A.password, {})).sessionToken,
        {},
      );
      adminA = a!.actor;
      const passwordB = 'bob-the-demo-admin-password';
      secrets.push(passwordB);
      const b = await accounts.ensureOrganizationWithAdmin({
        organizationName: 'Demo (simulated)',
        simulated: true,
        email: 'bob@demo.test',
        password: passwordB,
      });
      assert.deepEqual(
        await accounts.ensureOrganizationWithAdmin({
          organizationName: 'Demo (simulated)',
          simulated: true,
          email: 'BOB@demo.test',
          password: passwordB,
        }),
        b,
        'idempotent by email',
      );
      const bob = await accounts.login('bob@demo.test', passwordB, {});
      adminB = (await accounts.authenticateSession(bob.sessionToken, {}))!.actor;
      assert.equal(adminB.organizationId, b.organizationId);
      assert.notEqual(b.organizationId, orgA);
      assert.equal((await accounts.getOrganization(adminB)).simulated, true);
    });
    after(() => t?.cleanup());

    it('signs in with a correct password, refuses a wrong one or an unknown email with the same message', async () => {
      const ok = await accounts.login('  ALICE@example.COM ', ADMIN_A.password, {
        ip: '192.0.2.1',
        userAgent: 'ua',
      });
      secrets.push(ok.sessionToken, ok.csrfToken);
      assert.match(ok.sessionToken, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(ok.user.email, 'alice@example.com');
      assert.ok(ok.user.lastLoginAt);
      let wrongPassword = '';
      let unknownEmail = '';
      await assert.rejects(accounts.login(ADMIN_A.email, 'not-the-password!', {}), (e) => {
        assert.ok(isAppError(e) && e.code === 'UNAUTHENTICATED');
        wrongPassword = e.message;
        return true;
      });
      await assert.rejects(accounts.login('nobody@example.com', 'not-the-password!', {}), (e) => {
        assert.ok(isAppError(e) && e.code === 'UNAUTHENTICATED');
        unknownEmail = e.message;
        return true;
      });
      assert.equal(wrongPassword, unknownEmail);
      await assert.rejects(accounts.login('', 'x', {}), appError('INVALID_INPUT', 'email'));

      const log = await h.audit.list(adminA, { limit: 500 });
      const logins = log.items.filter((e) => e.action === 'auth.login');
      assert.ok(logins.some((e) => e.outcome === 'success' && e.ip === '192.0.2.1'));
      assert.ok(
        logins.some(
          (e) =>
            e.outcome === 'failure' && e.details.reason === 'wrong_password' && e.organizationId === orgA,
        ),
      );
      const text = JSON.stringify(log.items);
      assert.ok(!text.includes('not-the-password!'), 'no password in the audit log');
      assert.ok(!text.includes(ok.sessionToken));
    });

    it('verifies a password once for an unknown email, as for a wrong password (against a dummy argon2id hash)', async () => {
      const verified: string[] = [];
      const counting: PasswordHasher = {
        hash: (p) => argon2idHasher.hash(p),
        async verify(hash, password) {
          verified.push(hash);
          return argon2idHasher.verify(hash, password);
        },
      };
      const svc = createAccountsService({
        accounts: h.store.accounts,
        audit: h.audit,
        now: () => new Date(h.clock.ms),
        passwords: counting,
      });
      await assert.rejects(
        svc.login('nobody-here@example.com', 'wrong-password-1', {}),
        appError('UNAUTHENTICATED'),
      );
      await assert.rejects(svc.login('bob@demo.test', 'wrong-password-2', {}), appError('UNAUTHENTICATED'));
      assert.equal(verified.length, 2, 'one verification each');
      assert.match(
        verified[0],
        /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/,
        'the dummy hash has the real parameters',
      );
      assert.match(verified[1], /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });

    it('throttles failed sign-ins per email and per address, with the time to wait', async () => {
      const svc = h.service();
      // Ten parallel guesses from one address: the attempt is reserved before the slow password check,
      // so at most five reach it; the others are throttled.
      const guesses = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          svc.login(ADMIN_A.email, `wrong-password-${i}`, { ip: '198.51.100.1' }),
        ),
      );
      const codes = guesses.map((g) =>
        g.status === 'rejected' ? (g.reason as { code?: string }).code : 'ok',
      );
      assert.equal(codes.filter((c) => c === 'UNAUTHENTICATED').length, 5, codes.join(' '));
      assert.equal(codes.filter((c) => c === 'TOO_MANY_REQUESTS').length, 5, codes.join(' '));
      // Even the right password is refused from that address while throttled.
      await assert.rejects(svc.login(ADMIN_A.email, ADMIN_A.password, { ip: '198.51.100.1' }), (e) => {
        assert.ok(isAppError(e) && e.code === 'TOO_MANY_REQUESTS');
        const wait = e.details.retryAfterSeconds as number;
        assert.ok(wait > 0 && wait <= 15 * 60, `retryAfterSeconds ${wait}`);
        return true;
      });
      // The owner, from their own address, is not locked out by someone else's guesses.
      await svc.login(ADMIN_A.email, ADMIN_A.password, { ip: '198.51.100.99' });
      // Another account is not affected.
      await svc.login('bob@demo.test', 'bob-the-demo-admin-password', { ip: '198.51.100.7' });
      // Guesses spread over many addresses: 50 failures lock the email everywhere.
      h.clock.ms += 15 * MINUTE + 1000;
      for (let i = 0; i < 50; i++) {
        await assert.rejects(
          svc.login(ADMIN_A.email, 'wrong-password', { ip: `192.0.2.${i}` }),
          appError('UNAUTHENTICATED'),
        );
      }
      await assert.rejects(
        svc.login(ADMIN_A.email, ADMIN_A.password, { ip: '198.51.100.99' }),
        appError('TOO_MANY_REQUESTS'),
      );
      h.clock.ms += 15 * MINUTE + 1000;
      await svc.login(ADMIN_A.email, ADMIN_A.password, { ip: '198.51.100.99' });

      // Per address: 20 failures over many emails block a 21st email from that address.
      for (let i = 0; i < 20; i++) {
        await assert.rejects(
          svc.login(`guess${i}@example.com`, 'wrong-password', { ip: '203.0.113.5' }),
          appError('UNAUTHENTICATED'),
        );
      }
      await assert.rejects(
        svc.login(ADMIN_A.email, ADMIN_A.password, { ip: '203.0.113.5' }),
        appError('TOO_MANY_REQUESTS'),
      );
      await svc.login(ADMIN_A.email, ADMIN_A.password, { ip: '203.0.113.6' });
      const log = await h.audit.list(adminA, { limit: 500 });
      assert.ok(log.items.some((e) => e.action === 'auth.login' && e.details.reason === 'throttled'));
    });

    it('counts wrong current passwords with failed sign-ins: 429 past the limit, even with the right one, until the window passes', async () => {
      const svc = h.service();
      const first = 'frank-viewer-password';
      const second = 'frank-second-password';
      const third = 'frank-third-password!';
      secrets.push(first, second, third);
      const frank = await svc.createUser(adminA, {
        email: 'frank@example.com',
        password: first,
        role: 'viewer',
      });
      const here = '198.51.100.20';
      const signed = await svc.login('frank@example.com', first, { ip: here });
      const frankAt = (ip: string): Actor => ({
        kind: 'user',
        id: frank.id,
        label: frank.email,
        organizationId: orgA,
        role: 'viewer',
        ip,
      });
      assert.ok(await svc.authenticateSession(signed.sessionToken, { ip: here }));
      const change = (currentPassword: string, password: string, ip = here) =>
        svc.updateUser(frankAt(ip), frank.id, { password, currentPassword });

      // Fewer failures than the limit: the right password still works.
      for (let i = 0; i < 4; i++) {
        await assert.rejects(change(`wrong-${i}`, second), appError('INVALID_INPUT', 'currentPassword'));
      }
      await change(first, second);
      // ... and gives the attempts back: five more wrong ones are answered as wrong, not throttled.
      for (let i = 0; i < 5; i++) {
        await assert.rejects(change(`wrong-again-${i}`, third), appError('INVALID_INPUT', 'currentPassword'));
      }
      // Past the limit: refused even with the right password, and sign-in from this address too.
      await assert.rejects(change(second, third), (e) => {
        assert.ok(isAppError(e) && e.code === 'TOO_MANY_REQUESTS', String(e));
        const wait = e.details.retryAfterSeconds as number;
        assert.ok(wait > 0 && wait <= 15 * 60, `retryAfterSeconds ${wait}`);
        assert.ok(e.remediation);
        return true;
      });
      await assert.rejects(
        svc.login('frank@example.com', second, { ip: here }),
        appError('TOO_MANY_REQUESTS'),
      );
      // Another address is not locked out.
      await svc.login('frank@example.com', second, { ip: '198.51.100.21' });
      h.clock.ms += 14 * MINUTE;
      await assert.rejects(change(second, third), appError('TOO_MANY_REQUESTS'));
      // The window passes.
      h.clock.ms += MINUTE + 1000;
      await change(second, third);
      await svc.login('frank@example.com', third, { ip: here });

      // Failed sign-ins count against a password change from the same address.
      const there = '198.51.100.22';
      for (let i = 0; i < 5; i++) {
        await assert.rejects(
          svc.login('frank@example.com', `guess-${i}`, { ip: there }),
          appError('UNAUTHENTICATED'),
        );
      }
      await assert.rejects(change(third, first, there), appError('TOO_MANY_REQUESTS'));
      // No currentPassword at all is no guess: not counted, not throttled.
      await assert.rejects(
        svc.updateUser(frankAt(here), frank.id, { password: first }),
        appError('INVALID_INPUT', 'currentPassword'),
      );

      const failures = (await h.audit.list(adminA, { limit: 500 })).items.filter(
        (e) => e.action === 'user.update' && e.targetId === frank.id && e.outcome === 'failure',
      );
      assert.equal(failures.filter((e) => e.details.reason === 'wrong_current_password').length, 9);
      const throttled = failures.filter((e) => e.details.reason === 'throttled');
      assert.equal(throttled.length, 3);
      assert.ok(
        throttled.every((e) => (e.details.retryAfterSeconds as number) > 0 && e.actorId === frank.id),
      );
      assert.ok(
        failures.every((e) => e.ip && e.organizationId === orgA && e.details.passwordChanged === false),
      );
      assert.ok(!JSON.stringify(failures).includes('wrong-'), 'no guessed password in the audit log');
    });

    it('expires sessions after idle time and at the absolute limit; logout and disabling end them', async () => {
      h.clock.ms = START + 10 * 24 * 60 * MINUTE; // a clean slate for the throttles' windows
      const s = await accounts.login(ADMIN_A.email, ADMIN_A.password, {});
      assert.equal(Date.parse(s.expiresAt), h.clock.ms + 30 * MINUTE);

      // Idle: 31 minutes without a request.
      h.clock.ms += 31 * MINUTE;
      assert.equal(await accounts.authenticateSession(s.sessionToken, {}), null);
      assert.equal(
        await h.store.accounts.getSession(sha256(s.sessionToken)),
        null,
        'the expired row is deleted',
      );

      // Activity slides the idle expiry, up to the absolute limit (2 hours).
      const s2 = await accounts.login(ADMIN_A.email, ADMIN_A.password, {});
      const started = h.clock.ms;
      for (let i = 0; i < 4; i++) {
        h.clock.ms += 25 * MINUTE;
        const ok = await accounts.authenticateSession(s2.sessionToken, { ip: '192.0.2.9' });
        assert.ok(ok, `still valid after ${(i + 1) * 25} minutes of activity`);
        assert.equal(ok.actor.ip, '192.0.2.9');
        assert.equal(ok.csrfToken, s2.csrfToken);
        assert.equal(Date.parse(ok.expiresAt), Math.min(h.clock.ms + 30 * MINUTE, started + 120 * MINUTE));
      }
      h.clock.ms = started + 120 * MINUTE;
      assert.equal(await accounts.authenticateSession(s2.sessionToken, {}), null, 'absolute limit');

      // Logout.
      const s3 = await accounts.login(ADMIN_A.email, ADMIN_A.password, {});
      await accounts.logout(s3.sessionToken);
      assert.equal(await accounts.authenticateSession(s3.sessionToken, {}), null);
      assert.equal(await accounts.authenticateSession('not-a-session', {}), null);

      // CSRF tokens are bound to their session.
      assert.ok(accounts.verifyCsrf(s3.sessionToken, s3.csrfToken));
      assert.ok(!accounts.verifyCsrf(s3.sessionToken, s2.csrfToken));
      assert.ok(!accounts.verifyCsrf(s3.sessionToken, undefined));

      // Disabling a user ends their sessions and refuses sign-in.
      const carolPassword = 'carol-analyst-password';
      secrets.push(carolPassword);
      const carol = await accounts.createUser(adminA, {
        email: 'carol@example.com',
        password: carolPassword,
        role: 'analyst',
      });
      const cs = await accounts.login('carol@example.com', carolPassword, {});
      assert.equal((await accounts.authenticateSession(cs.sessionToken, {}))?.actor.role, 'analyst');
      await accounts.updateUser(adminA, carol.id, { disabled: true });
      assert.equal(await accounts.authenticateSession(cs.sessionToken, {}), null);
      await assert.rejects(
        accounts.login('carol@example.com', carolPassword, {}),
        appError('UNAUTHENTICATED'),
      );
      await accounts.updateUser(adminA, carol.id, { disabled: false });
      await accounts.login('carol@example.com', carolPassword, {});

      // Expired rows are cleaned.
      h.clock.ms += 3 * 60 * MINUTE;
      await accounts.purgeExpiredSessions();
      const { rows } = await t.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM sessions WHERE expires_at <= $1',
        [new Date(h.clock.ms).toISOString()],
      );
      assert.equal(rows[0].n, 0);
    });

    it('creates API tokens shown once, authenticates them, records last use, revokes and expires them', async () => {
      const { token, view } = await accounts.createToken(adminA, {
        name: 'ci',
        role: 'viewer',
        expiresInDays: 1,
      });
      secrets.push(token);
      assert.match(token, /^tlk_[A-Za-z0-9_-]{43}$/);
      assert.equal(view.prefix, token.slice(4, 12));
      assert.equal(view.createdBy, adminA.id);
      const listed = await accounts.listTokens(adminA);
      const row = listed.find((x) => x.id === view.id);
      assert.ok(row);
      assert.ok(!JSON.stringify(listed).includes(token));

      const actor = await accounts.authenticateToken(token, { ip: '192.0.2.50' });
      assert.deepEqual(actor, {
        kind: 'token',
        id: view.id,
        label: 'token ci',
        organizationId: orgA,
        role: 'viewer',
        ip: '192.0.2.50',
      });
      const used = (await accounts.listTokens(adminA)).find((x) => x.id === view.id);
      assert.equal(used?.lastUsedAt, new Date(h.clock.ms).toISOString());
      h.clock.ms += 10_000;
      await accounts.authenticateToken(token, {});
      assert.equal(
        (await accounts.listTokens(adminA)).find((x) => x.id === view.id)?.lastUsedAt,
        used?.lastUsedAt,
        'at most once a minute',
      );
      const me = await accounts.me(actor!);
      assert.deepEqual(
        { user: me.user, role: me.role, tokenId: me.tokenId, org: me.organization.id },
        {
          user: null,
          role: 'viewer',
          tokenId: view.id,
          org: orgA,
        },
      );
      await assert.rejects(accounts.listUsers(actor!), appError('FORBIDDEN'));
      await assert.rejects(
        accounts.createToken(actor!, { name: 'escalate', role: 'admin' }),
        appError('FORBIDDEN'),
      );

      // Expiry.
      h.clock.ms += 24 * 60 * MINUTE;
      assert.equal(await accounts.authenticateToken(token, {}), null);

      // Revocation.
      const second = await accounts.createToken(adminA, { name: 'deploy', role: 'analyst' });
      secrets.push(second.token);
      assert.equal(second.view.expiresAt, null);
      assert.equal((await accounts.authenticateToken(second.token, {}))?.role, 'analyst');
      const revoked = await accounts.revokeToken(adminA, second.view.id);
      assert.ok(revoked.revokedAt);
      assert.equal(await accounts.authenticateToken(second.token, {}), null);
      assert.equal(await accounts.authenticateToken(`${second.token}x`, {}), null);

      await assert.rejects(
        accounts.createToken(adminA, { name: ' ', role: 'viewer' }),
        appError('INVALID_INPUT', 'name'),
      );
      await assert.rejects(
        accounts.createToken(adminA, { name: 'x', role: 'viewer', expiresInDays: 0 }),
        appError('INVALID_INPUT', 'expiresInDays'),
      );
      await assert.rejects(
        accounts.createToken(adminA, { name: 'x', role: 'owner' as never }),
        appError('INVALID_INPUT', 'role'),
      );
      const actions = (await h.audit.list(adminA, { limit: 500 })).items.map((e) => e.action);
      assert.ok(actions.includes('token.create') && actions.includes('token.revoke'));
    });

    it('manages users: validation, duplicates, self-service, roles, and never removes the last admin', async () => {
      await assert.rejects(
        accounts.createUser(adminA, { email: 'dave@example.com', password: 'short', role: 'viewer' }),
        appError('INVALID_INPUT', 'password'),
      );
      await assert.rejects(
        accounts.createUser(adminA, { email: 'dave@example.com', password: 'x'.repeat(257), role: 'viewer' }),
        appError('INVALID_INPUT', 'password'),
      );
      await assert.rejects(
        accounts.createUser(adminA, {
          email: 'dave at example',
          password: 'long-enough-password',
          role: 'viewer',
        }),
        appError('INVALID_INPUT', 'email'),
      );
      await assert.rejects(
        accounts.createUser(adminA, {
          email: 'BOB@demo.test',
          password: 'long-enough-password',
          role: 'viewer',
        }),
        appError('CONFLICT', 'email'),
      );
      const davePassword = 'dave-viewer-password';
      secrets.push(davePassword);
      const dave = await accounts.createUser(adminA, {
        email: 'Dave@Example.com',
        password: davePassword,
        role: 'viewer',
        name: ' Dave ',
      });
      assert.equal(dave.email, 'dave@example.com');
      assert.equal(dave.name, 'Dave');
      const daveSession = await accounts.login('dave@example.com', davePassword, {});
      const daveActor = (await accounts.authenticateSession(daveSession.sessionToken, {}))!.actor;
      assert.equal((await accounts.me(daveActor)).user?.id, dave.id);

      // A viewer may rename themself and change their password, nothing else.
      await assert.rejects(accounts.listUsers(daveActor), appError('FORBIDDEN'));
      await assert.rejects(accounts.updateUser(daveActor, dave.id, { role: 'admin' }), appError('FORBIDDEN'));
      await assert.rejects(
        accounts.updateUser(daveActor, adminA.id!, { name: 'pwned' }),
        appError('FORBIDDEN'),
      );
      assert.equal((await accounts.updateUser(daveActor, dave.id, { name: 'David' })).name, 'David');
      const newDavePassword = 'dave-new-viewer-password';
      secrets.push(newDavePassword);
      // Changing one's own password needs the present one (a stolen session is not enough).
      await assert.rejects(
        accounts.updateUser(daveActor, dave.id, { password: newDavePassword }),
        appError('INVALID_INPUT', 'currentPassword'),
      );
      await assert.rejects(
        accounts.updateUser(daveActor, dave.id, {
          password: newDavePassword,
          currentPassword: 'not-it-at-all',
        }),
        appError('INVALID_INPUT', 'currentPassword'),
      );
      await accounts.updateUser(daveActor, dave.id, {
        password: newDavePassword,
        currentPassword: davePassword,
      });
      assert.equal(
        await accounts.authenticateSession(daveSession.sessionToken, {}),
        null,
        'password change signs out',
      );
      await assert.rejects(accounts.login('dave@example.com', davePassword, {}), appError('UNAUTHENTICATED'));
      await accounts.login('dave@example.com', newDavePassword, {});

      // Last admin of org A: cannot demote, disable or delete.
      await assert.rejects(
        accounts.updateUser(adminA, adminA.id!, { role: 'analyst' }),
        appError('CONFLICT'),
      );
      await assert.rejects(accounts.updateUser(adminA, adminA.id!, { disabled: true }), appError('CONFLICT'));
      await assert.rejects(accounts.deleteUser(adminA, adminA.id!), appError('CONFLICT'));
      // A disabled admin does not count.
      const eve = await accounts.createUser(adminA, {
        email: 'eve@example.com',
        password: 'eve-admin-password',
        role: 'admin',
      });
      await accounts.updateUser(adminA, eve.id, { disabled: true });
      await assert.rejects(accounts.updateUser(adminA, adminA.id!, { role: 'viewer' }), appError('CONFLICT'));
      await accounts.updateUser(adminA, eve.id, { disabled: false });
      // With a second active admin, the first may step down.
      const demoted = await accounts.updateUser(adminA, adminA.id!, { role: 'analyst' });
      assert.equal(demoted.role, 'analyst');
      const eveActor: Actor = {
        kind: 'user',
        id: eve.id,
        label: eve.email,
        organizationId: orgA,
        role: 'admin',
      };
      await assert.rejects(accounts.deleteUser(eveActor, eve.id), appError('CONFLICT'));
      await accounts.updateUser(eveActor, adminA.id!, { role: 'admin' });
      await accounts.deleteUser(adminA, eve.id);
      assert.ok(!(await accounts.listUsers(adminA)).some((u) => u.id === eve.id));
      await assert.rejects(accounts.deleteUser(adminA, eve.id), appError('NOT_FOUND'));

      const actions = (await h.audit.list(adminA, { limit: 500 })).items.map((e) => e.action);
      for (const a of ['user.create', 'user.update', 'user.delete']) assert.ok(actions.includes(a), a);
    });

    it("never shows or changes another organization's users and tokens", async () => {
      const usersA = await accounts.listUsers(adminA);
      const usersB = await accounts.listUsers(adminB);
      assert.ok(usersA.length >= 2);
      assert.ok(usersA.every((u) => u.organizationId === orgA));
      assert.deepEqual(
        usersB.map((u) => u.email),
        ['bob@demo.test'],
      );
      const victim = usersA.find((u) => u.email === 'carol@example.com')!;
      await assert.rejects(accounts.updateUser(adminB, victim.id, { role: 'viewer' }), appError('NOT_FOUND'));
      await assert.rejects(
        accounts.updateUser(adminB, victim.id, { password: 'takeover-password' }),
        appError('NOT_FOUND'),
      );
      await assert.rejects(accounts.deleteUser(adminB, victim.id), appError('NOT_FOUND'));
      const tokensA = await accounts.listTokens(adminA);
      assert.ok(tokensA.length > 0);
      assert.ok(!(await accounts.listTokens(adminB)).some((x) => x.organizationId === orgA));
      await assert.rejects(accounts.revokeToken(adminB, tokensA[0].id), appError('NOT_FOUND'));
      assert.equal((await accounts.getOrganization(adminB)).id, adminB.organizationId);
      assert.equal(
        (await h.audit.list(adminB, { limit: 500 })).items.every(
          (e) => e.organizationId === adminB.organizationId,
        ),
        true,
      );
      // The local operator sees every organization.
      assert.ok((await accounts.listUsers(cliActor())).length >= usersA.length + usersB.length);
      assert.equal((await accounts.listUsers(adminA)).find((u) => u.id === victim.id)?.role, 'analyst');
    });

    it('an API token never outlives its creator: disabled, demoted or deleted creators limit or end it', async () => {
      const eve = await accounts.createUser(adminA, {
        email: 'eve-token-creator@example.com',
        password: 'eve-admin-password-long',
        role: 'admin',
      });
      const eveSession = await accounts.login('eve-token-creator@example.com', 'eve-admin-password-long', {});
      const eveActor = (await accounts.authenticateSession(eveSession.sessionToken, {}))!.actor;
      const { token } = await accounts.createToken(eveActor, { name: 'eve automation', role: 'admin' });
      assert.equal((await accounts.authenticateToken(token, {}))?.role, 'admin');
      await accounts.updateUser(adminA, eve.id, { role: 'viewer' });
      assert.equal(
        (await accounts.authenticateToken(token, {}))?.role,
        'viewer',
        'capped at the creator role',
      );
      await accounts.updateUser(adminA, eve.id, { disabled: true });
      assert.equal(await accounts.authenticateToken(token, {}), null, 'creator disabled');
      await accounts.updateUser(adminA, eve.id, { disabled: false, role: 'admin' });
      assert.equal((await accounts.authenticateToken(token, {}))?.role, 'admin');
      await accounts.deleteUser(adminA, eve.id);
      assert.equal(
        await accounts.authenticateToken(token, {}),
        null,
        'creator deleted: the token is revoked',
      );
      const listed = (await accounts.listTokens(adminA)).find((t) => t.name === 'eve automation');
      assert.ok(listed?.revokedAt, 'shown as revoked');
    });

    it('stores no password, session token, CSRF token or API token in plaintext in any table', async () => {
      const dump = await dumpAllTables(t.db);
      assert.ok(dump.includes('alice@example.com'), 'the dump holds the account rows');
      assert.ok(dump.includes('$argon2id$'), 'passwords are stored as argon2id hashes');
      assert.ok(secrets.length >= 8);
      for (const secret of secrets) {
        assert.ok(!dump.includes(secret), `a secret (${secret.slice(0, 3)}…) is in the database`);
      }
    });
  });
}
