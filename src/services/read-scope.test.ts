import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTimestamp } from './read-scope.ts';

test('checkTimestamp: strict ISO dates that exist; a date that does not exist is a 400 naming the field', () => {
  assert.equal(checkTimestamp('since', '2026-02-28'), '2026-02-28T00:00:00.000Z');
  assert.equal(checkTimestamp('since', '2026-06-30T10:00:00Z'), '2026-06-30T10:00:00.000Z');
  assert.equal(checkTimestamp('since', undefined), undefined);
  for (const bad of ['2026-02-30', '2026-06-31T00:00:00Z', '2027', 'Feb 2 2027', '2026-13-01', 42]) {
    assert.throws(
      () => checkTimestamp('since', bad),
      (e: unknown) =>
        (e as { code?: string }).code === 'INVALID_INPUT' &&
        (e as { details?: { field?: string } }).details?.field === 'since',
      String(bad),
    );
  }
});
