/**
 * Issue 9 #11: a command run on a folder with no TrustLens database never creates one (no data folder,
 * no master key); it fails at once naming the folder. Every "not found" names the folder it looked in.
 * `integration add` still creates a data folder: that first set-up runs as a process (bin/trustlens),
 * every other command in-process (runCliInProcess).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const root = mkdtempSync(join(tmpdir(), 'trustlens-datadir-'));
before(async () => {
  sim = await startSimulator({ seed: 2, generator: { agents: 2, conversations: 5 } });
});
after(async () => {
  await sim?.close();
});

const READ_AND_ACT_VERBS: string[][] = [
  ['findings', 'list', 'prod'],
  ['findings', 'show', 'f_123'],
  ['runs', 'prod'],
  ['events', 'prod'],
  ['agents', 'prod'],
  ['usage', 'prod', '--agent', 'x'],
  ['integration', 'list'],
  ['integration', 'remove', 'prod', '--yes'],
  ['sync', 'prod'],
  ['keys', 'status'],
];

for (const args of READ_AND_ACT_VERBS) {
  test(`trustlens ${args.join(' ')} on a folder without a database creates nothing and names the folder`, async () => {
    const dir = join(root, `missing-${args.join('-')}`);
    const r = await runCliInProcess([...args, '--data-dir', dir], { MISTRAL_API_KEY: sim.apiKey });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(dir), r.stderr);
    assert.match(r.stderr, /No TrustLens data folder/);
    assert.match(r.stderr, /What to do: .*--data-dir/);
    assert.equal(existsSync(dir), false, 'no data folder was created');
  });
}

test('TRUSTLENS_DATA_DIR pointing at an empty folder: nothing is written into it', async () => {
  const dir = mkdtempSync(join(root, 'empty-'));
  const r = await runCliInProcess(['findings', 'list', 'prod'], { TRUSTLENS_DATA_DIR: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.stderr.includes(dir));
  assert.deepEqual(readdirSync(dir), [], 'no master key, no database');
});

test('integration add creates the data folder; then an unknown integration names the folder it looked in', async () => {
  const dir = join(root, 'created');
  const add = await runCli(
    ['integration', 'add', '--name', 'prod', '--base-url', sim.url, '--data-dir', dir],
    {
      MISTRAL_API_KEY: sim.apiKey,
    },
  );
  assert.equal(add.code, 0, add.stderr);
  assert.ok(existsSync(join(dir, 'pgdata')));
  const list = await runCliInProcess(['integration', 'list', '--data-dir', dir]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /prod/);
  const unknown = await runCliInProcess(['runs', 'staging', '--data-dir', dir]);
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.ok(unknown.stderr.includes(`looked in the data folder ${dir}`), unknown.stderr);
});
