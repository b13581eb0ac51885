import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-api-key-no-expiry.ts';
import {
  adminAvailability,
  adminContext,
  adminInventory,
  apiKey,
  context,
  emptyAdminInventory,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_api_key_no_expiry', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it('PASS: every key has an expiry date (expired keys are not judged)', () => {
    const r = one(
      rule,
      adminContext({
        apiKeys: [apiKey(), apiKey({ id: 'key_old', expiresOn: '2026-01-01' })],
      }),
    );
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.judged, 1);
    assert.equal(r.evidence?.expiredKeys, 1);
  });

  it('FAIL: keys without an expiry date are listed by name and masked key, never a value', () => {
    const r = one(
      rule,
      adminContext({
        apiKeys: [
          apiKey(),
          apiKey({ id: 'key_ci', name: 'CI', hiddenKey: 'abcd...wxyz', expiresOn: null }),
          apiKey({ id: 'key_vibe', name: null, hiddenKey: 'efgh...stuv', expiresOn: null, product: 'Vibe' }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(
      r.detail,
      /2 API keys never expire: "CI" \(abcd\.\.\.wxyz\) and "key_vibe" \(efgh\.\.\.stuv\)/,
    );
    const failing = r.evidence?.failing as Array<{ id: string; hiddenKey: string }>;
    assert.deepEqual(
      failing.map((k) => k.id),
      ['key_ci', 'key_vibe'],
    );
    assert.equal(r.evidence?.failingCount, 2);
    assert.equal(r.resourceType, 'integration');
  });

  it('UNKNOWN: the admin key refused, says so', () => {
    const r = one(rule, adminKeyRefusedContext());
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /admin API key was refused/);
    assert.equal(r.evidence?.code, 'ADMIN_KEY_FORBIDDEN');
  });

  it('UNKNOWN: a snapshot from before the admin API, a section not read, an unreadable expiry', () => {
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    assert.equal(
      one(rule, context({ extraAvailability: adminAvailability(), admin: emptyAdminInventory() })).status,
      'UNKNOWN',
    );
    const forbidden = one(
      rule,
      context({
        extraAvailability: adminAvailability({
          adminApiKeys: {
            status: 'unavailable',
            message: 'The admin key was refused (403).',
            code: 'ADMIN_KEY_FORBIDDEN',
          },
        }),
        admin: adminInventory({ apiKeys: [apiKey({ expiresOn: null })] }),
      }),
    );
    assert.equal(forbidden.status, 'UNKNOWN', 'a section the availability says was not read is never judged');
    assert.match(forbidden.detail, /unavailable: The admin key was refused \(403\)/);
    const r = one(rule, adminContext({ apiKeys: [apiKey({ expiresOn: 'soon' })] }));
    assert.equal(r.status, 'UNKNOWN');
  });
});
