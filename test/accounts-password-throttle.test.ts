/**
 * Changing one's own password over HTTP (PATCH /api/v1/users/{self} with currentPassword), on both back
 * ends: wrong current passwords count in sign-in's failure windows (5 per email and address), so past
 * the limit the answer is 429 — even with the right password, and for sign-in too — until the window
 * passes (the App's clock is moved, no sleeping); fewer failures do not stop the owner; every failure is
 * in the audit log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOGIN_WINDOW_MINUTES } from '../src/services/accounts.ts';
import { testBackends } from '../src/store/testing.ts';
import { PASSWORD, startTestServer } from './helpers/server.ts';

const MINUTE = 60_000;

for (const backend of testBackends()) {
  describe(
    `changing one's own password is throttled like sign-in (${backend.kind})`,
    { skip: backend.skip },
    () => {
      it('5 wrong current passwords, then 429 even with the right one until the window passes; fewer failures do not stop the owner', async () => {
        const offset = { ms: 0 };
        const h = await startTestServer(backend, {
          sync: false,
          app: { now: () => new Date(Date.now() + offset.ms) },
        });
        try {
          const next = 'a new password long enough';
          const self = async (who: typeof h.viewer) =>
            ((await who.session.request('GET', '/api/v1/session')).body as { user: { id: string } }).user.id;

          // The analyst: three wrong guesses, then the right password works.
          const analyst = await self(h.analyst);
          for (let i = 0; i < 3; i++) {
            const r = await h.analyst.session.request('PATCH', `/api/v1/users/${analyst}`, {
              password: next,
              currentPassword: `guess-${i}`,
            });
            assert.equal(r.status, 400);
            assert.equal(r.body.error.details.field, 'currentPassword');
          }
          const ok = await h.analyst.session.request('PATCH', `/api/v1/users/${analyst}`, {
            password: next,
            currentPassword: PASSWORD,
          });
          assert.equal(ok.status, 200, ok.text);

          // The viewer: five wrong guesses, then 429 with the time to wait, even with the right password.
          const viewer = await self(h.viewer);
          const change = (currentPassword: string) =>
            h.viewer.session.request('PATCH', `/api/v1/users/${viewer}`, { password: next, currentPassword });
          const codes: number[] = [];
          for (let i = 0; i < 5; i++) codes.push((await change(`guess-${i}`)).status);
          assert.deepEqual(codes, [400, 400, 400, 400, 400]);
          const throttled = await change(PASSWORD);
          assert.equal(throttled.status, 429, throttled.text);
          assert.equal(throttled.body.error.code, 'TOO_MANY_REQUESTS');
          const wait = throttled.body.error.details.retryAfterSeconds as number;
          assert.ok(wait > 0 && wait <= LOGIN_WINDOW_MINUTES * 60, `retryAfterSeconds ${wait}`);
          assert.match(throttled.body.error.remediation, new RegExp(`Wait ${wait} seconds`));
          // The same window as sign-in: signing in from this address is refused too.
          const login = await h.anonymous.request('POST', '/api/v1/auth/login', {
            email: 'viewer@a.example',
            password: PASSWORD,
          });
          assert.equal(login.status, 429);
          assert.equal(login.body.error.code, 'TOO_MANY_REQUESTS');
          // Still refused just before the window ends, accepted after.
          offset.ms = LOGIN_WINDOW_MINUTES * MINUTE - 30_000;
          assert.equal((await change(PASSWORD)).status, 429);
          offset.ms = LOGIN_WINDOW_MINUTES * MINUTE + 1000;
          const after = await change(PASSWORD);
          assert.equal(after.status, 200, after.text);

          const entries = (await h.admin.request('GET', '/api/v1/audit-log?limit=200')).body.items as {
            action: string;
            targetId: string;
            outcome: string;
            ip: string;
            details: { reason?: string };
          }[];
          const failed = (id: string, reason: string) =>
            entries.filter(
              (e) =>
                e.action === 'user.update' &&
                e.targetId === id &&
                e.outcome === 'failure' &&
                e.details.reason === reason,
            ).length;
          assert.equal(failed(analyst, 'wrong_current_password'), 3);
          assert.equal(failed(viewer, 'wrong_current_password'), 5);
          assert.equal(failed(viewer, 'throttled'), 2);
          assert.ok(!JSON.stringify(entries).includes('guess-'), 'no guessed password in the audit log');
        } finally {
          await h.close();
        }
      });
    },
  );
}
