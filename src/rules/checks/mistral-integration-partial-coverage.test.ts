import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-partial-coverage.ts';
import { availability, context, extraAvailability, noBetaAvailability } from '../testing/fixtures.ts';
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
      'Usage was in error in this scan, so agents and their usage cannot be fully assessed.',
    );
  });

  it('FAIL, not PASS, when usage was read only in part (available with an error code)', () => {
    const partial = {
      status: 'available' as const,
      code: 'UNEXPECTED_RESPONSE',
      message: 'Usage is partial',
    };
    const r = one(rule, context({ availability: availability({ usage: partial }) }));
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.partial, ['usage']);
    assert.equal(
      r.detail,
      'Usage was read only in part in this scan, so agents and their usage cannot be fully assessed.',
    );
  });

  it('FAIL when reading connectors (or another extra) failed; an extra merely unavailable is no failure', () => {
    const failed = one(
      rule,
      context({
        extraAvailability: extraAvailability({
          connectors: { status: 'error', code: 'UNEXPECTED_RESPONSE' },
        }),
      }),
    );
    assert.equal(failed.status, 'FAIL');
    assert.deepEqual(failed.evidence?.extrasFailed, ['connectors']);
    assert.equal(failed.detail, 'Connectors could not be read in full in this scan.');
    const unavailable = one(
      rule,
      context({
        extraAvailability: extraAvailability({
          adminApiKeys: { status: 'unavailable', code: 'ADMIN_KEY_NOT_CONFIGURED' },
        }),
      }),
    );
    assert.equal(unavailable.status, 'PASS');
  });

  it('cannot be UNKNOWN: availability is always recorded for every feature at a sync', () => {
    const statuses = [context(), context({ availability: noBetaAvailability() })].map(
      (c) => one(rule, c).status,
    );
    assert.ok(!statuses.includes('UNKNOWN'));
  });
});
