import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-admin-outside-sso.ts';
import {
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
});
