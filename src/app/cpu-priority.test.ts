import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { loadConfig } from './config.ts';
import { lowerCpuPriority } from './cpu-priority.ts';

/** Runs lowerCpuPriority(nice) in a worker thread: what it returned and what the thread then had. */
function inThread(nice: number): Promise<{ returned: number | null; after: number }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { getPriority, setPriority } = require('node:os');
    const fn = ${lowerCpuPriority.toString()};
    const returned = fn(workerData);
    parentPort.postMessage({ returned, after: getPriority() });`;
  return new Promise((done, fail) => {
    const w = new Worker(code, { eval: true, workerData: nice });
    w.once('message', (m) => {
      done(m);
      void w.terminate();
    });
    w.once('error', fail);
  });
}

describe('a sync worker lowers its own CPU priority (TRUSTLENS_WORKER_NICE)', () => {
  it('defaults to nice 10 and validates the range', () => {
    assert.equal(loadConfig({ dataDir: '/nonexistent-not-used' }, {}).jobs.workerNice, 10);
    assert.equal(
      loadConfig({ dataDir: '/nonexistent-not-used' }, { TRUSTLENS_WORKER_NICE: '0' }).jobs.workerNice,
      0,
    );
    assert.throws(
      () => loadConfig({ dataDir: '/nonexistent-not-used' }, { TRUSTLENS_WORKER_NICE: '20' }),
      /TRUSTLENS_WORKER_NICE/,
    );
  });

  it('lowers the calling thread only (Linux), and 0 leaves it as started', async (t) => {
    if (process.platform !== 'linux') return t.skip('thread priorities are per thread on Linux only');
    const before = getPriority();
    if (before >= 10) return t.skip(`this test process already runs at nice ${before}`);
    assert.deepEqual(await inThread(10), { returned: 10, after: 10 });
    assert.equal(getPriority(), before, 'the main thread keeps its priority');
    assert.deepEqual(await inThread(0), { returned: before, after: before });
  });

  it('never raises a priority back (that would need a privilege)', async (t) => {
    if (process.platform !== 'linux') return t.skip('thread priorities are per thread on Linux only');
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { getPriority, setPriority } = require('node:os');
      setPriority(15);
      const fn = ${lowerCpuPriority.toString()};
      parentPort.postMessage({ returned: fn(10), after: getPriority() });`;
    const result = await new Promise((done, fail) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (m) => {
        done(m);
        void w.terminate();
      });
      w.once('error', fail);
    });
    assert.deepEqual(result, { returned: 15, after: 15 });
  });
});
