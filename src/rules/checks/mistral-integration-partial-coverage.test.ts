import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-partial-coverage.ts';
import { availability, context, noBetaAvailability } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_partial_coverage', () => {
  it('PASS: every feature available; resource is the base URL for a scan', () => {
    const r = one(rule, context());
    assert.equal(r.status, 'PASS');
    assert.equal(r.resourceId, 'https://api.mistral.ai');
  });

  it('FAIL: no beta access; resource is the integration id when there is one', () => {
    const integration = {
      id: 'int_9',
      name: 'Prod',
      baseUrl: 'https://api.mistral.ai',
      keyUpdatedAt: '2026-05-01T00:00:00Z',
    };
    const r = one(rule, context({ availability: noBetaAvailability(), integration }));
    assert.equal(r.status, 'FAIL');
    assert.equal(r.resourceId, 'int_9');
    assert.deepEqual(r.evidence?.missing, ['agents', 'libraries', 'usage', 'versions']);
    assert.equal(
      r.detail,
      'Agents, libraries, usage and versions were unavailable at this sync, so agents and their usage cannot be fully assessed.',
    );
  });

  it('FAIL: usage errored while agents were available', () => {
    const r = one(
      rule,
      context({ availability: availability({ usage: { status: 'error', message: 'timeout' } }) }),
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail,
      'Usage was in error at this sync, so agents and their usage cannot be fully assessed.',
    );
  });

  it('cannot be UNKNOWN: availability is always recorded for every feature at a sync', () => {
    const statuses = [context(), context({ availability: noBetaAvailability() })].map(
      (c) => one(rule, c).status,
    );
    assert.ok(!statuses.includes('UNKNOWN'));
  });
});
