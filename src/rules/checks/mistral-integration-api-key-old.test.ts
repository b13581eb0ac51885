import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-api-key-old.ts';
import {
  adminContext,
  apiKey,
  context,
  noAdminKeyContext,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_api_key_old', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it('PASS: every key created within a year', () => {
    const r = one(
      rule,
      adminContext({ apiKeys: [apiKey(), apiKey({ id: 'key_2', createdAt: '2025-06-02T00:00:00.000Z' })] }),
    );
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.judged, 2);
  });

  it('FAIL: a key created more than 365 days ago (expired keys are not judged)', () => {
    const r = one(
      rule,
      adminContext({
        apiKeys: [
          apiKey(),
          apiKey({ id: 'key_2024', name: 'Legacy', createdAt: '2024-05-01T00:00:00.000Z' }),
          apiKey({ id: 'key_gone', createdAt: '2020-01-01T00:00:00.000Z', expiresOn: '2021-01-01' }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    const failing = r.evidence?.failing as Array<{ id: string; ageDays: number }>;
    assert.deepEqual(
      failing.map((k) => [k.id, k.ageDays]),
      [['key_2024', 761]],
    );
    assert.equal(r.evidence?.expiredKeys, 1);
    assert.match(r.detail, /1 API key was created more than 365 days ago: "Legacy"/);
  });

  it('UNKNOWN: admin key refused, or a key without a creation date', () => {
    assert.equal(one(rule, adminKeyRefusedContext()).status, 'UNKNOWN');
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    assert.equal(one(rule, adminContext({ apiKeys: [apiKey({ createdAt: null })] })).status, 'UNKNOWN');
    const flagged = apiKey({
      dataQuality: [
        {
          resourceType: 'connector',
          resourceId: 'key_0001',
          endpoint: '/v1/admin/api-keys',
          issue: 'created_at: expected string, received number',
        },
      ],
    });
    assert.equal(one(rule, adminContext({ apiKeys: [flagged] })).status, 'UNKNOWN');
  });
});
