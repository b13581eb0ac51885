/**
 * When a failed delivery is tried again: exponential backoff (base × 4^(attempt−1), ±20% jitter,
 * capped), or later when the receiver asked for it with Retry-After. Only failures that may pass
 * retry: network errors, timeouts, 408, 429 and 5xx. Other answers (400, 401, 403, 404, 410…) mean the
 * destination is misconfigured: the delivery fails at once and says so.
 */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxDelayMs: 6 * 3600_000, maxAttempts: 6 };

export function retryable(statusCode: number | null): boolean {
  return statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

/** Delay before attempt `attempt + 1`, after `attempt` attempts failed (1-based). */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  retryAfterMs: number | null = null,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * 4 ** Math.max(0, attempt - 1));
  const jittered = exp * (0.8 + 0.4 * random());
  const asked = retryAfterMs === null ? 0 : Math.min(retryAfterMs, 3600_000);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, asked)));
}
