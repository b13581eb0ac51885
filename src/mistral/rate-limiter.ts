/**
 * Client-side request limiter shared by every call of one connector:
 *  - bounded concurrency (FIFO semaphore, `maxConcurrency` attempts in flight);
 *  - a token bucket in GCRA form (`rate` requests per second, `burstMs` of tolerance: after an
 *    idle spell or an event-loop stall, up to burstMs worth of requests may go at once),
 *    taken after a concurrency slot so that sends are paced, not bunched;
 *  - AIMD adaptation: a 429 halves the rate (at most once per cooldown) and pauses everyone
 *    for the server's Retry-After; successes add the rate back slowly (by default 5% of the
 *    configured rate per second of successes), up to the configured rate.
 */

export interface RateLimiterOptions {
  requestsPerSecond: number;
  maxConcurrency: number;
  /** Floor of the adaptive rate. Default: min(1, requestsPerSecond). */
  minRequestsPerSecond?: number;
  /** Token-bucket tolerance as time: burstMs × rate requests may go at once. Default 0 (strict pacing). */
  burstMs?: number;
  /** Rate added back per second of successes. Default requestsPerSecond / 20. */
  increasePerSecond?: number;
  /** Fixed rate added back per success (overrides increasePerSecond). */
  increasePerSuccess?: number;
  /** Minimum time between two halvings. Default 1000 ms. */
  decreaseCooldownMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RateLimiter {
  /** Waits for a concurrency slot and a rate token; resolves to the slot's release function. */
  acquire(): Promise<() => void>;
  onSuccess(): void;
  /** A 429 came back; `waitMs` is the server's requested wait, if any. */
  onRateLimited(waitMs?: number): void;
  /**
   * Sets the configured (maximum) rate, e.g. from the workspace's real limit. A rate that 429s
   * have lowered stays lowered (never above the new maximum) and recovers as before.
   */
  setRate(requestsPerSecond: number): void;
  /** The configured (maximum) rate. */
  readonly maxRate: number;
  readonly currentRate: number;
  readonly inFlight: number;
}

export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  if (!(opts.requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be > 0');
  if (!(opts.maxConcurrency >= 1)) throw new RangeError('maxConcurrency must be >= 1');
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? realSleep;
  let maxRate = opts.requestsPerSecond;
  let minRate = Math.min(opts.minRequestsPerSecond ?? 1, maxRate);
  const burstMs = Math.max(0, opts.burstMs ?? 0);
  let perSecond = opts.increasePerSecond ?? maxRate / 20;
  // About `rate` successes happen per second, so each adds perSecond / rate.
  const step = (r: number): number => opts.increasePerSuccess ?? perSecond / Math.max(1, r);
  const cooldown = opts.decreaseCooldownMs ?? 1000;
  const maxConcurrency = Math.floor(opts.maxConcurrency);

  let rate = maxRate;
  let tat = -Infinity; // GCRA theoretical arrival time
  let pausedUntil = -Infinity;
  let lastDecrease = -Infinity;
  let inFlight = 0;
  const waiters: (() => void)[] = [];

  function release(): void {
    const next = waiters.shift();
    if (next) next();
    else inFlight--;
  }

  async function slot(): Promise<void> {
    if (inFlight < maxConcurrency) {
      inFlight++;
      return;
    }
    // The slot is handed over by release() without decrementing inFlight.
    await new Promise<void>((resolve) => waiters.push(resolve));
  }

  async function token(): Promise<void> {
    for (;;) {
      const t = now();
      if (pausedUntil > t) {
        await sleep(pausedUntil - t);
        continue;
      }
      const interval = 1000 / rate;
      const tau = Math.max(0, burstMs - interval);
      const at = Math.max(t, tat - tau);
      tat = Math.max(tat, t) + interval;
      if (at > t) await sleep(at - t);
      if (pausedUntil > now()) continue;
      return;
    }
  }

  return {
    async acquire() {
      await slot();
      try {
        await token();
      } catch (e) {
        release();
        throw e;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release();
      };
    },
    onSuccess() {
      if (rate < maxRate) rate = Math.min(maxRate, rate + step(rate));
    },
    onRateLimited(waitMs) {
      const t = now();
      if (t - lastDecrease >= cooldown) {
        rate = Math.max(minRate, rate / 2);
        lastDecrease = t;
      }
      if (waitMs !== undefined && waitMs > 0) pausedUntil = Math.max(pausedUntil, t + waitMs);
    },
    setRate(requestsPerSecond) {
      if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be > 0');
      const adapted = rate < maxRate;
      maxRate = requestsPerSecond;
      minRate = Math.min(opts.minRequestsPerSecond ?? 1, maxRate);
      perSecond = opts.increasePerSecond ?? maxRate / 20;
      rate = adapted ? Math.min(rate, maxRate) : maxRate;
    },
    get maxRate() {
      return maxRate;
    },
    get currentRate() {
      return rate;
    },
    get inFlight() {
      return inFlight;
    },
  };
}
