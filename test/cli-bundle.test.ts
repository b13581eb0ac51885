/**
 * scripts/cli-bundle.mjs removes an older CLI bundle only when no live process runs from it: a running
 * `trustlens serve` loads lazily imported chunks from its bundle long after it started, so removing
 * that bundle (a source changed, `git pull`) would break it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error -- a plain ES module without types
import { removeUnused } from '../scripts/cli-bundle.mjs';

test('an older bundle a live process marked is kept; one whose processes are gone is removed', async () => {
  const out = mkdtempSync(join(tmpdir(), 'trustlens-bundles-'));
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const bundle = (key: string, pids: number[]) => {
      mkdirSync(join(out, key));
      writeFileSync(join(out, key, 'main.js'), '');
      for (const pid of pids) writeFileSync(join(out, key, `.in-use-${pid}`), '');
    };
    const gone = 2 ** 22 + 12345; // above Linux's pid_max: no such process
    bundle('current', [process.pid, gone]);
    bundle('used-by-a-server', [sleeper.pid!, gone]);
    bundle('abandoned', [gone]);
    bundle('never-marked', []);
    mkdirSync(join(out, '.tmp-building-1'));

    (removeUnused as (current: string, out: string) => void)('current', out);

    assert.ok(existsSync(join(out, 'current', 'main.js')));
    assert.ok(existsSync(join(out, 'current', `.in-use-${process.pid}`)), 'its own mark stays');
    assert.ok(!existsSync(join(out, 'current', `.in-use-${gone}`)), 'a dead process mark goes');
    assert.ok(existsSync(join(out, 'used-by-a-server', 'main.js')), 'a live process still runs from it');
    assert.ok(!existsSync(join(out, 'abandoned')));
    assert.ok(!existsSync(join(out, 'never-marked')));
    assert.ok(existsSync(join(out, '.tmp-building-1')), 'a bundle being built is left alone');

    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    (removeUnused as (current: string, out: string) => void)('current', out);
    assert.ok(!existsSync(join(out, 'used-by-a-server')), 'removed once its process is gone');
  } finally {
    sleeper.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  }
});
