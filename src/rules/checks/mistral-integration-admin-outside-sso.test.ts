import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-admin-outside-sso.ts';
import {
  adminAvailability,
  adminContext,
  adminMember,
  context,
  member,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_admin_outside_sso', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it('PASS: every admin inside the SSO domain (a member outside it without admin rights does not count)', () => {
    const r = one(rule, adminContext({ members: [adminMember(), member({ ssoOutsider: true })] }));
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.judged, 1);
  });

  it('FAIL: an admin outside the SSO domain, named', () => {
    const r = one(
      rule,
      adminContext({
        members: [
          adminMember(),
          adminMember({ id: 'user_x', email: 'eve@gmail.com', ssoOutsider: true }),
          adminMember({ id: 'user_y', email: 'who@example.com', ssoOutsider: null }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /1 organization admin is outside the SSO domain: eve@gmail\.com\./);
    assert.deepEqual(
      (r.evidence?.failing as Array<{ id: string }>).map((m) => m.id),
      ['user_x'],
    );
    assert.equal(r.evidence?.unjudgedCount, 1);
  });

  it('UNKNOWN: members not read, or an admin for whom Mistral does not say', () => {
    assert.equal(one(rule, adminKeyRefusedContext()).status, 'UNKNOWN');
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    const r = one(rule, adminContext({ members: [adminMember({ ssoOutsider: null })] }));
    assert.equal(r.status, 'UNKNOWN');
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
