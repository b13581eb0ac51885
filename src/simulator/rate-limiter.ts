/**
 * Token bucket: `rps` tokens per second refill, up to `burst` (default: one second's worth).
 * Each request takes one token; without one it gets 429 with Retry-After (whole seconds, >= 1).
 */
import type { RateLimitOptions } from './types.ts';

export interface TakeResult {
  ok: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a token is available (integer, at least 1); only meaningful when !ok. */
  retryAfterS: number;
  /** Seconds until the bucket is full again (integer). */
  resetS: number;
}

export class TokenBucket {
  readonly rps: number;
  readonly burst: number;
  private tokens: number;
  private last: number;

  constructor(
    opts: RateLimitOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(opts.rps > 0)) throw new RangeError('rateLimit.rps must be > 0');
    this.rps = opts.rps;
    this.burst = Math.max(1, opts.burst ?? Math.ceil(opts.rps));
    this.tokens = this.burst;
    this.last = clock();
  }

  take(): TakeResult {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    const ok = this.tokens >= 1;
    if (ok) this.tokens -= 1;
    const missing = Math.max(0, 1 - this.tokens);
    return {
      ok,
      limit: this.burst,
      remaining: Math.floor(this.tokens),
      retryAfterS: Math.max(1, Math.ceil(missing / this.rps)),
      resetS: Math.ceil((this.burst - this.tokens) / this.rps),
    };
  }
}
