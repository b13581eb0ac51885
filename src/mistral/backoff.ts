/**
 * Retry timing: jittered exponential backoff and server-given waits (Retry-After and the
 * rate-limit reset headers Mistral has used over time, mistral-api.md §19).
 */

export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  initialMs: number;
  /** Upper bound of one backoff delay. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 8_000, factor: 2 };

/**
 * Delay before retry number `attempt` (0 = first retry): "equal jitter", i.e. uniformly in
 * [d/2, d] with d = min(maxMs, initialMs * factor^attempt). Never zero, never above maxMs.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const d = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, Math.max(0, attempt)));
  return Math.round(d / 2 + random() * (d / 2));
}

/** Longest server-requested wait we accept as such; anything longer is clamped (the retry budget decides). */
const MAX_SERVER_WAIT_MS = 10 * 60_000;

/**
 * How long the server asks us to wait, in ms, or undefined when it says nothing usable.
 * Reads, in order: `retry-after-ms`, `Retry-After` (delta seconds or an HTTP date),
 * `ratelimitbysize-reset` (seconds; an epoch value is turned into a delta), and
 * `x-ratelimit-reset*` headers (same rule). Negative or past values count as 0.
 */
export function parseRetryAfterMs(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return clamp(Number(ms));

  const ra = headers.get('retry-after');
  if (ra !== null) {
    const v = ra.trim();
    if (/^\d+(\.\d+)?$/.test(v)) return clamp(Number(v) * 1000);
    const date = Date.parse(v);
    if (!Number.isNaN(date) && /[a-z]/i.test(v)) return clamp(date - nowMs);
  }

  const resetNames = [
    'ratelimitbysize-reset',
    'x-ratelimit-reset',
    'x-ratelimit-reset-req-minute',
    'x-ratelimit-reset-requests',
  ];
  for (const name of resetNames) {
    const r = headers.get(name);
    if (r === null) continue;
    const v = r.trim();
    if (!/^\d+(\.\d+)?$/.test(v)) continue;
    const n = Number(v);
    // Epoch seconds (a value after 2001-09-09) become a delta; small values are delta seconds.
    return clamp(n > 1e9 ? n * 1000 - nowMs : n * 1000);
  }
  return undefined;
}

/** True when rate-limit headers say the request budget is spent (a hint, used for logging). */
export function rateLimitExhausted(headers: Headers): boolean {
  for (const name of [
    'x-ratelimit-remaining-req-minute',
    'x-ratelimit-remaining',
    'ratelimitbysize-remaining',
  ]) {
    const v = headers.get(name);
    if (v !== null && Number(v.trim()) === 0) return true;
  }
  return false;
}

function clamp(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return Math.min(MAX_SERVER_WAIT_MS, Math.round(ms));
}
