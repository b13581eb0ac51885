import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-key-stale.ts';
import type { IntegrationInfo } from '../../inventory/types.ts';
import { context } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const integration = (keyUpdatedAt: string): IntegrationInfo => ({
  id: 'int_1',
  name: 'Prod',
  baseUrl: 'https://api.mistral.ai',
  keyUpdatedAt,
});

describe('mistral_integration_key_stale', () => {
  it('PASS: key set 30 days ago', () => {
    const r = one(rule, context({ integration: integration('2026-05-02T00:00:00.000Z') }));
    assert.equal(r.status, 'PASS');
    assert.equal(r.resourceId, 'int_1');
  });

  it('FAIL: key set 151 days ago', () => {
    const r = one(rule, context({ integration: integration('2026-01-01T00:00:00.000Z') }));
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.ageDays, 151);
  });

  it('UNKNOWN: the key date does not parse', () => {
    assert.equal(one(rule, context({ integration: integration('not a date') })).status, 'UNKNOWN');
  });

  it('no result for a one-shot scan (no integration)', () => {
    assert.deepEqual(rule.evaluate(context({ integration: null })), []);
  });
});
