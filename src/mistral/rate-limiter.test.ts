import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from './rate-limiter.ts';

/** A virtual clock: sleeping advances time instantly, so no test depends on real timing. */
function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += Math.max(0, ms);
    },
    get t() {
      return t;
    },
  };
}

test('token bucket paces requests at the configured rate', async () => {
  const c = fakeClock();
  const l = createRateLimiter({ requestsPerSecond: 10, maxConcurrency: 1, now: c.now, sleep: c.sleep });
  for (let i = 0; i < 11; i++) (await l.acquire())();
  // 11 sends at 10/s: the 11th may go at t = 1000 ms.
  assert.equal(Math.round(c.t), 1000);
});

test('burstMs lets that much time worth of requests go at once, then paces', async () => {
  const c = fakeClock();
  const l = createRateLimiter({
    requestsPerSecond: 10,
    maxConcurrency: 10,
    burstMs: 500,
    now: c.now,
    sleep: c.sleep,
  });
  for (let i = 0; i < 5; i++) (await l.acquire())();
  assert.equal(c.t, 0);
  (await l.acquire())();
  assert.equal(Math.round(c.t), 100);
});

test('the burst shrinks with the adaptive rate', async () => {
  const c = fakeClock();
  const l = createRateLimiter({
    requestsPerSecond: 100,
    maxConcurrency: 10,
    burstMs: 100,
    now: c.now,
    sleep: c.sleep,
  });
  l.onRateLimited();
  l.onRateLimited(); // within the cooldown: still 50/s
  assert.equal(l.currentRate, 50);
  // 100 ms at 50/s = 5 requests at once, the 6th waits one interval (20 ms)
  for (let i = 0; i < 5; i++) (await l.acquire())();
  assert.equal(c.t, 0);
  (await l.acquire())();
  assert.equal(Math.round(c.t), 20);
});

test('concurrency is bounded and slots are handed over in order', async () => {
  const l = createRateLimiter({ requestsPerSecond: 1e6, maxConcurrency: 2 });
  const r1 = await l.acquire();
  const r2 = await l.acquire();
  assert.equal(l.inFlight, 2);
  const order: number[] = [];
  const p3 = l.acquire().then((r) => (order.push(3), r));
  const p4 = l.acquire().then((r) => (order.push(4), r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, []);
  r1();
  r1(); // a second call of the same release is ignored
  const r3 = await p3;
  assert.deepEqual(order, [3]);
  assert.equal(l.inFlight, 2);
  r2();
  const r4 = await p4;
  r3();
  r4();
  assert.equal(l.inFlight, 0);
});

test('AIMD: a 429 halves the rate once per cooldown, successes creep back up', () => {
  const c = fakeClock();
  const l = createRateLimiter({
    requestsPerSecond: 100,
    maxConcurrency: 4,
    now: c.now,
    sleep: c.sleep,
    increasePerSuccess: 10,
  });
  l.onRateLimited();
  assert.equal(l.currentRate, 50);
  l.onRateLimited(); // same storm: no second halving
  assert.equal(l.currentRate, 50);
  void c.sleep(1000);
  l.onRateLimited();
  assert.equal(l.currentRate, 25);
  for (let i = 0; i < 20; i++) l.onSuccess();
  assert.equal(l.currentRate, 100); // capped at the configured rate
});

test('AIMD never goes below the floor', () => {
  const c = fakeClock();
  const l = createRateLimiter({
    requestsPerSecond: 4,
    maxConcurrency: 1,
    minRequestsPerSecond: 1,
    now: c.now,
    sleep: c.sleep,
  });
  for (let i = 0; i < 10; i++) {
    l.onRateLimited();
    void c.sleep(2000);
  }
  assert.equal(l.currentRate, 1);
});

test('a 429 with a wait pauses every later acquire', async () => {
  const c = fakeClock();
  const l = createRateLimiter({ requestsPerSecond: 1000, maxConcurrency: 4, now: c.now, sleep: c.sleep });
  (await l.acquire())();
  l.onRateLimited(2000);
  (await l.acquire())();
  assert.ok(c.t >= 2000, `t=${c.t}`);
});

test('invalid options are refused', () => {
  assert.throws(() => createRateLimiter({ requestsPerSecond: 0, maxConcurrency: 1 }), RangeError);
  assert.throws(() => createRateLimiter({ requestsPerSecond: 1, maxConcurrency: 0 }), RangeError);
});

test('AIMD default recovery: about 5% of the configured rate per second of successes', () => {
  const c = fakeClock();
  const l = createRateLimiter({ requestsPerSecond: 200, maxConcurrency: 4, now: c.now, sleep: c.sleep });
  l.onRateLimited();
  assert.equal(l.currentRate, 100);
  // one second of successes at ~100/s adds ~10 req/s
  for (let i = 0; i < 100; i++) l.onSuccess();
  assert.ok(l.currentRate > 105 && l.currentRate < 115, `rate ${l.currentRate}`);
});

test('setRate paces at the new rate; a rate lowered by 429s stays lowered and recovers up to it', async () => {
  const c = fakeClock();
  const l = createRateLimiter({ requestsPerSecond: 20, maxConcurrency: 1, now: c.now, sleep: c.sleep });
  l.setRate(5);
  assert.equal(l.maxRate, 5);
  assert.equal(l.currentRate, 5);
  const start = c.t;
  for (let i = 0; i < 6; i++) (await l.acquire())();
  // 6 sends at 5/s: the 6th may go 1000 ms after the first.
  assert.equal(Math.round(c.t - start), 1000);

  // Halved by a 429, then the real limit is set higher: the rate stays lowered, then recovers.
  l.onRateLimited();
  assert.equal(l.currentRate, 2.5);
  l.setRate(50);
  assert.equal(l.currentRate, 2.5);
  for (let i = 0; i < 2000; i++) l.onSuccess();
  assert.equal(l.currentRate, 50);
  // Set lower than the current rate: capped at once.
  l.setRate(10);
  assert.equal(l.currentRate, 10);
  assert.throws(() => l.setRate(0), RangeError);
});
