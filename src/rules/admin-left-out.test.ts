/**
 * Admin records with no usable id are left out of the inventory (src/sync/discover-admin.ts), one
 * `leftOut` warning each: a rule over their section never passes while some went unseen.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataQualityWarning } from '../inventory/types.ts';
import { discoverAdmin } from '../sync/discover-admin.ts';
import { rule as keyNotFound } from './checks/mistral-integration-key-not-found.ts';
import { rule as noExpiry } from './checks/mistral-integration-api-key-no-expiry.ts';
import { rule as old } from './checks/mistral-integration-api-key-old.ts';
import { rule as unused } from './checks/mistral-integration-api-key-unused.ts';
import { rule as inviteStale } from './checks/mistral-integration-invite-stale.ts';
import { NOW, adminContext, apiKey } from './testing/fixtures.ts';
import { one } from './testing/run.ts';

const leftOut = (resourceType: 'apiKey' | 'invite'): DataQualityWarning => ({
  resourceType,
  resourceId: null,
  endpoint: '/v1/admin/api-keys',
  issue: 'key_id: missing or not a string, so the record was left out',
  leftOut: true,
});

describe('admin records left out (no usable id)', () => {
  it('the key rules say UNKNOWN instead of PASS, and a FAIL stays a FAIL', () => {
    const ctx = adminContext({}, { dataQuality: [leftOut('apiKey')] });
    for (const r of [noExpiry, old, unused]) {
      const res = one(r, ctx);
      assert.equal(res.status, 'UNKNOWN', r.meta.id);
      assert.match(res.detail, /1 API key was malformed and left out/);
      assert.equal(res.evidence?.leftOut, 1);
    }
    const failing = one(
      noExpiry,
      adminContext({ apiKeys: [apiKey({ expiresOn: null })] }, { dataQuality: [leftOut('apiKey')] }),
    );
    assert.equal(failing.status, 'FAIL');
    assert.match(failing.detail, /1 API key more was malformed and left out\./);
  });

  it("key_not_found says UNKNOWN when the integration's key may be the one left out", () => {
    const r = one(keyNotFound, adminContext({ apiKeys: [apiKey()] }, { dataQuality: [leftOut('apiKey')] }));
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /may be one of them/);
  });

  it('an invite left out makes invite_stale UNKNOWN, not PASS', () => {
    const r = one(inviteStale, adminContext({ invites: [] }, { dataQuality: [leftOut('invite')] }));
    assert.equal(r.status, 'UNKNOWN');
  });

  it('discovery leaves out a key with a numeric key_id and says so with one leftOut warning', async () => {
    const keys = [
      { key_id: 'k1', hidden_key: 'HQSx...Ug6Y', name: 'ok', created_at: '2026-05-01T00:00:00Z' },
      { key_id: 777, hidden_key: 'AAAA...BBBB', expiration_date: null, created_at: '2020-01-01T00:00:00Z' },
      null,
    ];
    const ok =
      <T>(item: T) =>
      async () => ({ item, warnings: [] });
    const connector = {
      getRateLimit: ok({ requests_per_second: 10 }),
      listApiKeys: async () => ({ items: keys, warnings: [] }),
      getRoles: ok({ organization_roles: [], workspace_roles: [] }),
      listUsers: async () => ({ members: [], invites: [{ email: 'x@example.com' }], warnings: [] }),
      listWorkspaces: async () => ({ items: [], warnings: [] }),
      listAuditLogs: async () => ({ items: [], warnings: [], truncated: false }),
      getUsage: ok({}),
    };
    const r = await discoverAdmin({
      admin: { connector: connector as never, auditAfter: null },
      now: NOW,
      oneOff: false,
    });
    assert.deepEqual(
      r.admin.apiKeys?.map((k) => k.id),
      ['k1'],
    );
    const marked = r.warnings.filter((w) => w.leftOut === true);
    assert.deepEqual(
      marked.map((w) => [w.resourceType, w.resourceId]),
      [
        ['apiKey', '777'],
        ['apiKey', null],
        ['invite', null],
      ],
    );
  });
});
