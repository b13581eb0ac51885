import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminLimit, rule } from './mistral-integration-admins-excessive.ts';
import {
  adminAvailability,
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
  it('UNKNOWN, never PASS, when the admins could not be told (audit finding 2)', () => {
    const rolesUnread = {
      adminMembers: {
        status: 'available' as const,
        code: 'MISTRAL_UNAVAILABLE',
        message: "Members and invitations were read, but the organization's roles could not be read.",
      },
    };
    // Roles unread, and the admin holds a role by id (its name unknown): 0 recognised admins.
    const byUuid = [
      member({ id: 'u1', roles: ['9f2c1a7e-0000-4000-8000-000000000001'] }),
      ...Array.from({ length: 5 }, (_, i) => member({ id: `m${i}` })),
    ];
    const r = one(
      rule,
      adminContext({ members: byUuid }, { extraAvailability: adminAvailability(rolesUnread) }),
    );
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /admins could not be told \(the organization's roles were not read/);
    // Zero admins is UNKNOWN even when the roles were read (the admin key belongs to an admin).
    const none = one(rule, adminContext({ members: [member(), member({ id: 'u2' })] }));
    assert.equal(none.status, 'UNKNOWN');
    assert.match(none.detail, /no member was recognised as an admin/);
    // A member record dropped (a data-quality warning on a member not kept): PASS becomes UNKNOWN.
    const dropped = one(
      rule,
      adminContext(
        { members: [adminMember(), member()] },
        {
          dataQuality: [
            {
              resourceType: 'member',
              resourceId: null,
              endpoint: 'GET /v1/admin/users',
              issue: 'uuid: missing',
            },
          ],
        },
      ),
    );
    assert.equal(dropped.status, 'UNKNOWN');
    assert.match(dropped.detail, /1 member record was malformed and dropped/);
    // Roles unread but every role a letter: the admins are told, PASS stands.
    assert.equal(
      one(
        rule,
        adminContext(
          { members: [adminMember(), member()] },
          { extraAvailability: adminAvailability(rolesUnread) },
        ),
      ).status,
      'PASS',
    );
  });
});
