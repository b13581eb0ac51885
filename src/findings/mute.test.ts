import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../errors/app-error.ts';
import { filterFindings } from './filter.ts';
import { isMuted, muteFinding, unmuteFinding } from './mute.ts';
import type { FindingState } from './types.ts';

function finding(over: Partial<FindingState> = {}): FindingState {
  return {
    id: 'f1',
    integrationId: 'int_1',
    ruleId: 'mistral_agent_guardrails_missing',
    severity: 'high',
    resourceType: 'agent',
    resourceId: 'ag_1',
    resourceName: 'Support',
    lastStatus: 'FAIL',
    status: 'open',
    title: 'Agent has no guardrails',
    detail: 'guardrails is null',
    evidence: {},
    firstSeenAt: '2026-11-01T00:00:00Z',
    lastSeenAt: '2026-11-01T00:00:00Z',
    resolvedAt: null,
    reopenCount: 0,
    mute: null,
    ...over,
  };
}

const AT = '2026-11-10T00:00:00Z';

function isInvalidInput(e: unknown): boolean {
  return e instanceof AppError && e.code === 'INVALID_INPUT' && typeof e.remediation === 'string';
}

describe('muteFinding', () => {
  it('sets a mute with a trimmed reason and does not mutate the input', () => {
    const f = finding();
    const m = muteFinding(f, {
      reason: '  test agent  ',
      by: 'alice',
      at: AT,
      expiresAt: '2026-12-01T00:00:00Z',
    });
    assert.deepEqual(m.mute, {
      reason: 'test agent',
      by: 'alice',
      at: AT,
      expiresAt: '2026-12-01T00:00:00Z',
    });
    assert.equal(f.mute, null);
  });

  it('rejects an empty reason, an empty author, a bad date and an expiry in the past', () => {
    const f = finding();
    assert.throws(
      () => muteFinding(f, { reason: '   ', by: 'alice', at: AT, expiresAt: null }),
      isInvalidInput,
    );
    assert.throws(() => muteFinding(f, { reason: 'ok', by: '', at: AT, expiresAt: null }), isInvalidInput);
    assert.throws(() => muteFinding(f, { reason: 'ok', by: 'a', at: AT, expiresAt: 'soon' }), isInvalidInput);
    assert.throws(
      () => muteFinding(f, { reason: 'ok', by: 'a', at: AT, expiresAt: '2026-11-09T00:00:00Z' }),
      isInvalidInput,
    );
    assert.throws(() => muteFinding(f, { reason: 'ok', by: 'a', at: AT, expiresAt: AT }), isInvalidInput);
    assert.throws(
      () => muteFinding(f, { reason: 'x'.repeat(2001), by: 'a', at: AT, expiresAt: null }),
      isInvalidInput,
    );
  });

  it('unmutes', () => {
    const m = muteFinding(finding(), { reason: 'ok', by: 'a', at: AT, expiresAt: null });
    assert.equal(unmuteFinding(m).mute, null);
    const f = finding();
    assert.equal(unmuteFinding(f), f);
  });
});

describe('isMuted', () => {
  it('is true without expiry, true before expiry, false from the expiry on', () => {
    const forever = muteFinding(finding(), { reason: 'ok', by: 'a', at: AT, expiresAt: null });
    assert.equal(isMuted(forever, '2099-01-01T00:00:00Z'), true);
    const m = muteFinding(finding(), { reason: 'ok', by: 'a', at: AT, expiresAt: '2026-12-01T00:00:00Z' });
    assert.equal(isMuted(m, new Date('2026-11-30T23:59:59Z')), true);
    assert.equal(isMuted(m, new Date('2026-12-01T00:00:00Z')), false);
    assert.equal(isMuted(m, '2026-12-02T00:00:00Z'), false);
    assert.equal(isMuted(finding(), AT), false);
  });
});

describe('filterFindings', () => {
  const mutedForever = { reason: 'ok', by: 'a', at: AT, expiresAt: null };
  const mutedExpired = { reason: 'ok', by: 'a', at: AT, expiresAt: '2026-11-11T00:00:00Z' };
  const list = [
    finding({ id: 'open-high' }),
    finding({
      id: 'open-low-unknown',
      severity: 'low',
      lastStatus: 'UNKNOWN',
      ruleId: 'mistral_agent_dormant',
    }),
    finding({ id: 'resolved', status: 'resolved', resolvedAt: AT, lastStatus: 'PASS' }),
    finding({ id: 'muted', mute: mutedForever }),
    finding({ id: 'mute-expired', mute: mutedExpired }),
  ];
  const NOW = '2026-11-20T00:00:00Z';
  const ids = (fs: FindingState[]) => fs.map((f) => f.id);

  it('defaults to open, unmuted findings; an expired mute shows again', () => {
    assert.deepEqual(ids(filterFindings(list, {}, NOW)), ['open-high', 'open-low-unknown', 'mute-expired']);
  });
  it('shows muted findings under a filter', () => {
    assert.deepEqual(ids(filterFindings(list, { includeMuted: true }, NOW)), [
      'open-high',
      'open-low-unknown',
      'muted',
      'mute-expired',
    ]);
    assert.deepEqual(ids(filterFindings(list, { includeMuted: 'only' }, NOW)), ['muted']);
    // Before the expiry the second mute is active too.
    assert.deepEqual(ids(filterFindings(list, { includeMuted: 'only' }, '2026-11-10T12:00:00Z')), [
      'muted',
      'mute-expired',
    ]);
  });
  it('filters by status, severity, rule and last status', () => {
    assert.deepEqual(ids(filterFindings(list, { status: 'resolved' }, NOW)), ['resolved']);
    assert.equal(filterFindings(list, { status: 'all', includeMuted: true }, NOW).length, 5);
    assert.deepEqual(ids(filterFindings(list, { severity: 'low' }, NOW)), ['open-low-unknown']);
    assert.deepEqual(ids(filterFindings(list, { severity: ['low', 'high'] }, NOW)), [
      'open-high',
      'open-low-unknown',
      'mute-expired',
    ]);
    assert.deepEqual(ids(filterFindings(list, { ruleId: 'mistral_agent_dormant' }, NOW)), [
      'open-low-unknown',
    ]);
    assert.deepEqual(ids(filterFindings(list, { lastStatus: 'UNKNOWN' }, NOW)), ['open-low-unknown']);
    assert.deepEqual(ids(filterFindings(list, { integrationId: 'int_2' }, NOW)), []);
  });
});
