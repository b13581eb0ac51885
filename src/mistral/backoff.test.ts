import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, parseRetryAfterMs, rateLimitExhausted } from './backoff.ts';

test('backoff grows exponentially with equal jitter, capped', () => {
  const p = { initialMs: 100, maxMs: 1000, factor: 2 };
  assert.equal(
    backoffDelayMs(0, p, () => 0),
    50,
  );
  assert.equal(
    backoffDelayMs(0, p, () => 1),
    100,
  );
  assert.equal(
    backoffDelayMs(3, p, () => 1),
    800,
  );
  assert.equal(
    backoffDelayMs(10, p, () => 1),
    1000,
  );
  assert.equal(
    backoffDelayMs(10, p, () => 0),
    500,
  );
  for (let i = 0; i < 50; i++) {
    const d = backoffDelayMs(2, p);
    assert.ok(d >= 200 && d <= 400, `delay ${d}`);
  }
});

test('Retry-After: delta seconds, fractional seconds, HTTP date, past date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '3' }), now), 3000);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '0.5' }), now), 500);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now), 7000);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now), 0);
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfterMs(new Headers(), now), undefined);
});

test('Retry-After: retry-after-ms wins; rate-limit reset headers are read', () => {
  const now = 1_700_000_000_000;
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after-ms': '120', 'retry-after': '9' }), now), 120);
  assert.equal(parseRetryAfterMs(new Headers({ 'ratelimitbysize-reset': '4' }), now), 4000);
  // an epoch-seconds reset becomes a delta
  assert.equal(parseRetryAfterMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 2) }), now), 2000);
  // absurd values are clamped to 10 minutes
  assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '999999' }), now), 600_000);
});

test('rateLimitExhausted reads x-ratelimit-remaining-* headers', () => {
  assert.equal(rateLimitExhausted(new Headers({ 'x-ratelimit-remaining-req-minute': '0' })), true);
  assert.equal(rateLimitExhausted(new Headers({ 'x-ratelimit-remaining-req-minute': '3' })), false);
  assert.equal(rateLimitExhausted(new Headers()), false);
});
