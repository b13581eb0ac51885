import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-key-expiring.ts';
import {
  adminContext,
  apiKey,
  context,
  integrationApiKey,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const withOwnKey = (expiresOn: string | null) =>
  adminContext({ apiKeys: [apiKey({ expiresOn: '2026-06-03' }), integrationApiKey({ expiresOn })] });

describe('mistral_integration_key_expiring', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it("PASS: the integration's key expires in more than 14 days, or never (another key expiring does not count)", () => {
    const r = one(rule, withOwnKey('2026-06-16'));
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.daysUntilExpiry, 15);
    const never = one(rule, withOwnKey(null));
    assert.equal(never.status, 'PASS');
    assert.match(never.detail, /never expires/);
  });

  it("FAIL: expires within 14 days, today, or already expired: 'TrustLens will stop working'", () => {
    const soon = one(rule, withOwnKey('2026-06-15'));
    assert.equal(soon.status, 'FAIL');
    assert.equal(soon.evidence?.daysUntilExpiry, 14);
    assert.match(soon.detail, /expires on 2026-06-15, in 14 days: TrustLens will stop working/);
    assert.match(one(rule, withOwnKey('2026-06-01')).detail, /expires today/);
    const past = one(rule, withOwnKey('2026-05-30'));
    assert.equal(past.status, 'FAIL');
    assert.match(past.detail, /expired on 2026-05-30, 2 days ago/);
  });

  it('UNKNOWN: admin key refused; own key not found; expiry does not parse', () => {
    assert.match(one(rule, adminKeyRefusedContext()).detail, /admin API key was refused/);
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    assert.equal(one(rule, adminContext({ apiKeys: [apiKey()] })).status, 'UNKNOWN');
    assert.equal(one(rule, withOwnKey('June')).status, 'UNKNOWN');
  });
});
