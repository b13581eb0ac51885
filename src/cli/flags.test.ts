import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceFlag, formatFlag, numberFlag } from './flags.ts';

const invalid = (pattern: RegExp) => (e: Error & { code?: string; remediation?: string }) =>
  e.code === 'INVALID_INPUT' && pattern.test(e.message) && !!e.remediation;

test('numberFlag: absent, in range, and every way to be out of range', () => {
  assert.equal(numberFlag('--days', undefined, { min: 1 }), undefined);
  assert.equal(numberFlag('--days', '30', { min: 1, max: 365, integer: true }), 30);
  assert.equal(numberFlag('--rps', '2.5', { min: 0.01 }), 2.5);
  for (const raw of ['', ' ', 'abc', '0', '366', '1.5', 'Infinity']) {
    assert.throws(
      () => numberFlag('--days', raw, { min: 1, max: 365, integer: true }),
      invalid(/^--days must be a whole number between 1 and 365 \(got ".*"\)\.$/),
      raw,
    );
  }
});

test('choiceFlag and formatFlag accept only their values', () => {
  assert.equal(choiceFlag('--status', 'all', ['open', 'resolved', 'all'] as const), 'all');
  assert.throws(
    () => choiceFlag('--status', 'closed', ['open', 'all']),
    invalid(/--status must be one of open, all, got "closed"/),
  );
  assert.equal(formatFlag('json'), 'json');
  assert.throws(() => formatFlag('xml'), invalid(/Unknown format "xml"/));
});

test('choiceFlag and formatFlag take values in any case and return the canonical one', () => {
  assert.equal(choiceFlag('--fail-on', 'CRITICAL', ['critical', 'high'] as const), 'critical');
  assert.equal(choiceFlag('--status', ' All ', ['open', 'all'] as const), 'all');
  assert.equal(formatFlag('JSON'), 'json');
});
