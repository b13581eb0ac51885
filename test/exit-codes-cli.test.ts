/**
 * Issue 9 #13: one exit-code table (README "Exit codes", src/cli/exit-codes.ts) applied everywhere. A key
 * that Mistral refuses exits 2 for `sync NAME` and for `sync --all` alike; not found and an unusable data
 * folder exit 1 with a message (never a stack trace); usage errors exit 64. Codes 2, 1 and 64 are checked
 * as the status of a process (bin/trustlens), the other cases in-process (runCliInProcess: the code main
 * returns, which bin/trustlens exits with).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { EXIT } from '../src/cli/exit-codes.ts';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
let proxy: FaultProxy;
let revoked = false;
const root = mkdtempSync(join(tmpdir(), 'trustlens-exit-'));
const dir = join(root, 'data');
before(async () => {
  sim = await startSimulator({ seed: 8, generator: { agents: 2, conversations: 5 } });
  // Once `revoked`, the workspace refuses the key like Mistral does (401).
  proxy = await startFaultProxy(sim.url, () =>
    revoked
      ? { status: 401, body: JSON.stringify({ message: 'Unauthorized', type: 'invalid_api_key' }) }
      : null,
  );
  const add = await runCliInProcess(
    ['integration', 'add', '--name', 'prod', '--base-url', proxy.url, '--data-dir', dir],
    {
      MISTRAL_API_KEY: sim.apiKey,
    },
  );
  assert.equal(add.code, 0, add.stderr);
});
after(async () => {
  await proxy?.close();
  await sim?.close();
});

test('a refused key exits 2 for sync NAME and for sync --all', async () => {
  revoked = true;
  const one = await runCli(['sync', 'prod', '--data-dir', dir]);
  assert.equal(one.code, EXIT.MISTRAL, one.stdout + one.stderr);
  assert.match(one.stdout + one.stderr, /invalid or has expired/);
  const all = await runCliInProcess(['sync', '--all', '--data-dir', dir]);
  assert.equal(all.code, EXIT.MISTRAL, all.stdout + all.stderr);
  assert.match(all.stdout + all.stderr, /invalid or has expired/);
  revoked = false;
  const ok = await runCliInProcess(['sync', '--all', '--data-dir', dir]);
  assert.equal(ok.code, EXIT.OK, ok.stdout + ok.stderr);
});

test('not found, an unusable data folder and a usage error: 1, 1 and 64, each with what to do', async () => {
  const notFound = await runCliInProcess(['runs', 'staging', '--data-dir', dir]);
  assert.equal(notFound.code, EXIT.ERROR, notFound.stderr);
  assert.match(notFound.stderr, /What to do:/);

  const file = join(root, 'a-file');
  writeFileSync(file, 'not a folder');
  const unusable = await runCli(
    ['integration', 'add', '--name', 'x', '--base-url', proxy.url, '--data-dir', join(file, 'sub')],
    {
      MISTRAL_API_KEY: sim.apiKey,
    },
  );
  assert.equal(unusable.code, EXIT.ERROR, unusable.stderr);
  assert.match(unusable.stderr, /What to do:/);
  assert.doesNotMatch(unusable.stderr, /Unexpected error|\n\s+at /, 'no stack trace');

  const usage = await runCli(['runs', 'prod', '--limit', 'many', '--data-dir', dir]);
  assert.equal(usage.code, EXIT.USAGE, usage.stderr);
});

test('the README exit-code table lists exactly the codes of src/cli/exit-codes.ts', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const rows = [
    ...section.slice(0, section.indexOf('\n\n', section.indexOf('| ---'))).matchAll(/^\| `(\d+)` /gm),
  ].map((m) => Number(m[1]));
  assert.deepEqual(rows, Object.values(EXIT));
});
