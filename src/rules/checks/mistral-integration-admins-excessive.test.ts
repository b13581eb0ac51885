import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminLimit, rule } from './mistral-integration-admins-excessive.ts';
import {
  adminContext,
  adminMember,
  context,
  invite,
  member,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const admins = (n: number) =>
  Array.from({ length: n }, (_, i) => adminMember({ id: `admin_${i}`, email: `admin${i}@example.com` }));
const members = (n: number) =>
  Array.from({ length: n }, (_, i) => member({ id: `member_${i}`, email: `m${i}@example.com` }));

describe('mistral_integration_admins_excessive', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it('the limit is 3, or 10% of the members when larger', () => {
    assert.equal(adminLimit(5), 3);
    assert.equal(adminLimit(39), 3);
    assert.equal(adminLimit(40), 4);
    assert.equal(adminLimit(200), 20);
  });

  it('PASS: three admins in a small organization; 5 admins among 50 members', () => {
    assert.equal(one(rule, adminContext({ members: [...admins(3), ...members(2)] })).status, 'PASS');
    const r = one(rule, adminContext({ members: [...admins(5), ...members(45)] }));
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.limit, 5);
  });

  it('FAIL: four admins in a small organization; 6 among 50; pending admin invites are said beside', () => {
    const r = one(
      rule,
      adminContext({
        members: [...admins(4), ...members(2)],
        invites: [invite({ grantsAdmin: true, roles: ['A'] })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.admins, 4);
    assert.equal(r.evidence?.pendingAdminInvites, 1);
    assert.match(r.detail, /4 admins among 6 members, more than 3 \(and 1 pending invite would add more\)/);
    assert.equal(one(rule, adminContext({ members: [...admins(6), ...members(44)] })).status, 'FAIL');
  });

  it('UNKNOWN: members not read', () => {
    assert.match(one(rule, adminKeyRefusedContext()).detail, /admin API key was refused/);
    assert.equal(one(rule, context()).status, 'UNKNOWN');
  });
});
