/**
 * Issue 9 #12: hints name things that exist. A duplicate `integration add` points at
 * `integration update`, which exists and changes the name, base URL (with the key again) and
 * frequency; a refused key in `scan` says where a scan's key comes from, not "the integration".
 * In-process (runCliInProcess), but for one `integration update` (a smoke run through bin/trustlens:
 * the process opens the store and exits by itself) and the refused key, whose exit status (2) is checked
 * as a process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const dir = join(mkdtempSync(join(tmpdir(), 'trustlens-update-')), 'data');
before(async () => {
  sim = await startSimulator({ seed: 9, generator: { agents: 2, conversations: 5 } });
});
after(async () => {
  await sim?.close();
});

test('duplicate add names `integration update`, which changes name, frequency and base URL', async () => {
  const env = { MISTRAL_API_KEY: sim.apiKey };
  const add = ['integration', 'add', '--name', 'prod', '--base-url', sim.url, '--data-dir', dir];
  assert.equal((await runCliInProcess(add, env)).code, 0);
  const dup = await runCliInProcess(add, env);
  assert.equal(dup.code, 1, dup.stderr);
  assert.match(dup.stderr, /already exists/);
  assert.match(dup.stderr, /trustlens integration update prod/);

  // As a process: it must exit by itself (a store left open would hang a real run; runCli times out).
  const freq = await runCli([
    'integration',
    'update',
    'prod',
    '--frequency',
    '60',
    '--format',
    'json',
    '--data-dir',
    dir,
  ]);
  assert.equal(freq.code, 0, freq.stderr);
  assert.equal(JSON.parse(freq.stdout)[0].syncFrequencyMinutes, 60);

  const renamed = await runCliInProcess([
    'integration',
    'update',
    'prod',
    '--name',
    'production',
    '--format',
    'json',
    '--data-dir',
    dir,
  ]);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.equal(JSON.parse(renamed.stdout)[0].name, 'production');

  // A new base URL needs the key again (the stored key never goes to a new address).
  const other = sim.url.replace('127.0.0.1', 'localhost');
  const noKey = await runCliInProcess([
    'integration',
    'update',
    'production',
    '--base-url',
    other,
    '--data-dir',
    dir,
  ]);
  assert.equal(noKey.code, 64, noKey.stderr);
  assert.match(noKey.stderr, /No Mistral API key/);
  const moved = await runCliInProcess(
    ['integration', 'update', 'production', '--base-url', other, '--format', 'json', '--data-dir', dir],
    env,
  );
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal(JSON.parse(moved.stdout)[0].baseUrl, other);

  const nothing = await runCliInProcess(['integration', 'update', 'production', '--data-dir', dir]);
  assert.equal(nothing.code, 64);
  assert.match(nothing.stderr, /Nothing to update/);
  const badFreq = await runCliInProcess([
    'integration',
    'update',
    'production',
    '--frequency',
    '5',
    '--data-dir',
    dir,
  ]);
  assert.equal(badFreq.code, 64, badFreq.stderr);
});

test('a refused key in scan says where the key comes from, not "the integration"', async () => {
  const r = await runCli(['scan', '--base-url', sim.url], { MISTRAL_API_KEY: 'sk-wrong-key-0000000000' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /What to do: .*MISTRAL_API_KEY or --api-key-file/);
  assert.doesNotMatch(r.stderr, /integration/);
});
