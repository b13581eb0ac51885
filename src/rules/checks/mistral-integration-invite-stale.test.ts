import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-invite-stale.ts';
import {
  adminContext,
  context,
  invite,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_invite_stale', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it('PASS: no invite, or pending for 30 days at most', () => {
    assert.equal(one(rule, adminContext({ invites: [] })).status, 'PASS');
    const r = one(rule, adminContext({ invites: [invite({ createdAt: '2026-05-02T00:00:00.000Z' })] }));
    assert.equal(r.status, 'PASS');
  });

  it('FAIL: pending more than 30 days, and expired but still listed, said which', () => {
    const r = one(
      rule,
      adminContext({
        invites: [
          invite(),
          invite({
            id: 'inv_old',
            email: 'old@example.com',
            createdAt: '2026-04-01T00:00:00.000Z',
            grantsAdmin: true,
          }),
          invite({ id: 'inv_exp', email: 'gone@example.com', expired: true }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(
      r.detail,
      /2 invites are stale \(1 pending for more than 30 days, 1 expired but still listed\): old@example\.com \(pending for 61 days, grants admin\) and gone@example\.com \(expired, still listed\)\./,
    );
    const failing = r.evidence?.failing as Array<{ id: string; state: string }>;
    assert.deepEqual(
      failing.map((i) => `${i.id}:${i.state}`),
      ['inv_old:pending', 'inv_exp:expired'],
    );
    assert.equal(r.evidence?.grantsAdmin, 1);
    assert.equal(r.evidence?.expiredStillListed, 1);
  });

  it('UNKNOWN: invites not read, or a pending invite without a date', () => {
    assert.equal(one(rule, adminKeyRefusedContext()).status, 'UNKNOWN');
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    assert.equal(one(rule, adminContext({ invites: [invite({ createdAt: null })] })).status, 'UNKNOWN');
  });
});
