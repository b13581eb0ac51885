import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-key-not-found.ts';
import {
  adminContext,
  apiKey,
  context,
  integrationApiKey,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_key_not_found', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it("PASS: the integration's key is among the organization's keys", () => {
    const r = one(rule, adminContext());
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /"TrustLens" \(TLtl\.\.\.0001\)/);
  });

  it("FAIL: the comparison could be made and no key is the integration's", () => {
    const r = one(rule, adminContext({ apiKeys: [apiKey(), apiKey({ id: 'key_2' })] }));
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /TrustLens will stop working/);
    assert.equal(r.evidence?.keys, 2);
  });

  it('UNKNOWN: admin key refused, or no key record could tell (isIntegrationKey null everywhere, or no key)', () => {
    assert.equal(one(rule, adminKeyRefusedContext()).status, 'UNKNOWN');
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    assert.equal(
      one(
        rule,
        adminContext({
          apiKeys: [apiKey({ isIntegrationKey: null }), integrationApiKey({ isIntegrationKey: null })],
        }),
      ).status,
      'UNKNOWN',
    );
    assert.equal(one(rule, adminContext({ apiKeys: [] })).status, 'UNKNOWN');
  });
});
