/**
 * Issue 9 #10 (the --wait part), as a process: a read command on a data folder held by another
 * TrustLens process (a sync) waits for it, saying so, up to --wait SECONDS (default 60); --wait 0 fails
 * at once. Reading through a running server is not part of this. The holder ends as soon as the waiting
 * command says it waits (not after a fixed time). These four commands stay processes: in-process
 * (runCliInProcess), the first command of a file loads the CLI's sources through tsx, which outweighs
 * what three later commands save (measured side by side on a loaded machine: 18.1 s of CPU for the file
 * in-process against 14.5 s as processes).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, type CliRun } from './helpers/run-cli.ts';

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

/** `bin/trustlens ARGS` as a process (runCli); `onStderr` sees its standard error as it comes. */
function runWatching(args: string[], onStderr: (text: string) => void): Promise<CliRun> {
  return runCli(args, {}, 120_000, onStderr);
}

test('--wait 0 fails at once; a short --wait gives up saying how long it waited', async () => {
  // Held for as long as both commands take (ended below, whatever happens).
  const holder = holdLock(600);
  try {
    const now = await runCli(['integration', 'list', '--wait', '0', '--data-dir', dir]);
    assert.equal(now.code, 1, now.stderr);
    assert.match(now.stderr, /in use by another TrustLens process/);
    assert.doesNotMatch(now.stderr, /waiting up to/);

    const short = await runCli(['runs', 'prod', '--wait', '1', '--data-dir', dir]);
    assert.equal(short.code, 1, short.stderr);
    assert.match(short.stderr, /waiting up to 1 s for it to finish/);
    assert.match(short.stderr, /Waited 1 s/);
    assert.match(short.stderr, /What to do: .*--wait/);
  } finally {
    holder.end();
    await holder.done;
  }
});

test('a read command waits for the holder to end, then answers (default wait)', async () => {
  // The holder would outlive the default wait: it ends once the command says it is waiting.
  const holder = holdLock(600);
  let ended = false;
  let r: CliRun;
  try {
    r = await runWatching(['integration', 'list', '--data-dir', dir], (stderr) => {
      if (!ended && /waiting up to 60 s for it to finish \(--wait SECONDS\)/.test(stderr)) {
        ended = true;
        holder.end();
      }
    });
  } finally {
    holder.end();
    await holder.done;
  }
  assert.ok(ended, `the command said it was waiting: ${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /waiting up to 60 s for it to finish \(--wait SECONDS\)/);
  assert.match(r.stdout, /prod/);
});
