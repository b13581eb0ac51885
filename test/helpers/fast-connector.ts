/**
 * Connector settings for tests against the local simulator on 127.0.0.1, which has no rate to respect: at
 * the connector's default 20 requests a second, a test's time is mostly waiting on the token bucket. A few
 * at once (not the default 16), and room for a retry on a loaded machine (a keep-alive socket reset by the
 * simulator: at 16 at once and a 5 s retry budget, runs on a load-40 machine failed ECONNRESET).
 * Not for a test that asserts pacing, the default rate or retry timing.
 */
export const FAST_SIMULATOR_CONNECTOR = {
  requestsPerSecond: 1000,
  maxConcurrency: 4,
  maxRetryElapsedMs: 30_000,
  requestTimeoutMs: 30_000,
} as const;
