import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-api-key-unused.ts';
import {
  adminContext,
  apiKey,
  context,
  noAdminKeyContext,
  NOW,
  adminKeyRefusedContext,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_api_key_unused', () => {
  it('no result without an admin key (it is optional: the availability matrix says so)', () => {
    assert.deepEqual(rule.evaluate(noAdminKeyContext()), []);
  });

  it('PASS: keys used recently, or never used but new', () => {
    const r = one(
      rule,
      adminContext({
        apiKeys: [
          apiKey({ lastUsedOn: '2026-03-05' }), // 88 days before NOW
          apiKey({ id: 'key_new', lastUsedOn: null, createdAt: '2026-04-01T00:00:00.000Z' }),
        ],
      }),
    );
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.judged, 2);
  });

  it('FAIL: last used more than 90 days ago, or never used and created more than 90 days ago', () => {
    const r = one(
      rule,
      adminContext({
        apiKeys: [
          apiKey(),
          apiKey({ id: 'key_idle', name: 'Idle', lastUsedOn: '2026-02-01' }),
          apiKey({ id: 'key_never', name: 'Never', lastUsedOn: null, createdAt: '2025-12-01T00:00:00.000Z' }),
          // expired keys are not judged, however idle
          apiKey({ id: 'key_dead', lastUsedOn: '2024-01-01', expiresOn: '2025-01-01' }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    const failing = r.evidence?.failing as Array<{
      id: string;
      daysSinceLastUse?: number;
      neverUsed?: boolean;
    }>;
    assert.deepEqual(
      failing.map((k) => k.id),
      ['key_idle', 'key_never'],
    );
    assert.equal(failing[0].daysSinceLastUse, 120);
    assert.equal(failing[1].neverUsed, true);
    assert.match(r.detail, /"Idle" \(HQSx\.\.\.Ug6Y, last used 2026-02-01\)/);
    assert.match(r.detail, /never used, created 182 days ago/);
  });

  it('uses the snapshot time, not the wall clock or the context clock', () => {
    const later = new Date(NOW.getTime() + 365 * 86_400_000);
    const r = rule.evaluate({ ...adminContext({ apiKeys: [apiKey()] }), now: later })[0];
    assert.equal(r.status, 'PASS');
  });

  it('UNKNOWN: admin key refused; never used with no creation date; an unparseable last use', () => {
    assert.match(one(rule, adminKeyRefusedContext()).detail, /admin API key was refused/);
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    assert.equal(
      one(rule, adminContext({ apiKeys: [apiKey({ lastUsedOn: null, createdAt: null })] })).status,
      'UNKNOWN',
    );
    const r = one(rule, adminContext({ apiKeys: [apiKey({ lastUsedOn: 'yesterday' })] }));
    assert.equal(r.status, 'UNKNOWN');
    assert.equal(r.evidence?.unjudgedCount, 1);
  });

  it('FAIL stays a FAIL beside keys that cannot be judged', () => {
    const r = one(
      rule,
      adminContext({
        apiKeys: [apiKey({ lastUsedOn: '2025-01-01' }), apiKey({ id: 'key_x', lastUsedOn: 'n/a' })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.unjudgedCount, 1);
    assert.match(r.detail, /1 API key more could not be judged/);
  });
});
