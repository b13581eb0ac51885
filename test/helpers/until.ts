import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `read` until `ok` holds and returns what it read; fails after `limitMs` saying what it last saw.
 * For conditions another process or a background loop brings about (job queues, workers).
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  limitMs = 90_000,
  everyMs = 100,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const last = await read();
    if (ok(last)) return last;
    if (Date.now() - start > limitMs) assert.fail(`${what}: still ${JSON.stringify(last)}`);
    await sleep(everyMs);
  }
}
