/**
 * Issue 9 #10 (the --wait part), as a process: a read command on a data folder held by another
 * TrustLens process (a sync) waits for it, saying so, up to --wait SECONDS (default 60); --wait 0 fails
 * at once. Reading through a running server is not part of this.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const dir = join(mkdtempSync(join(tmpdir(), 'trustlens-wait-')), 'data');
before(async () => {
  sim = await startSimulator({ seed: 41, generator: { agents: 2, conversations: 5 } });
  const add = await runCli(
    ['integration', 'add', '--name', 'prod', '--base-url', sim.url, '--data-dir', dir],
    {
      MISTRAL_API_KEY: sim.apiKey,
    },
  );
  assert.equal(add.code, 0, add.stderr);
});
after(async () => {
  await sim?.close();
});

/** Another live process holds the folder's lock (as a running `trustlens sync` does) for `seconds`. */
function holdLock(seconds: number): { done: Promise<void>; end(): void } {
  const child = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
  writeFileSync(join(dir, 'pglite.lock'), String(child.pid));
  return { done: new Promise((r) => child.on('exit', () => r())), end: () => child.kill() };
}

test('--wait 0 fails at once; a short --wait gives up saying how long it waited', async () => {
  const holder = holdLock(40);
  const now = await runCli(['integration', 'list', '--wait', '0', '--data-dir', dir]);
  assert.equal(now.code, 1, now.stderr);
  assert.match(now.stderr, /in use by another TrustLens process/);
  assert.doesNotMatch(now.stderr, /waiting up to/);

  const short = await runCli(['runs', 'prod', '--wait', '1', '--data-dir', dir]);
  assert.equal(short.code, 1, short.stderr);
  assert.match(short.stderr, /waiting up to 1 s for it to finish/);
  assert.match(short.stderr, /Waited 1 s/);
  assert.match(short.stderr, /What to do: .*--wait/);
  holder.end();
  await holder.done;
});

test('a read command waits for the holder to end, then answers (default wait)', async () => {
  const holder = holdLock(15);
  const r = await runCli(['integration', 'list', '--data-dir', dir]);
  await holder.done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /waiting up to 60 s for it to finish \(--wait SECONDS\)/);
  assert.match(r.stdout, /prod/);
});
