/**
 * Issue 9 #14: enumerated values in any case; a key file other users can read is warned about;
 * `scan --data-dir` says what it stored and that the key is encrypted; `integration remove` needs
 * --yes when not on a terminal. In-process (runCliInProcess), but for what concerns the process: the
 * refused `remove` (its standard streams are not a terminal) and a reader closing the pipe (exit 141).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const root = mkdtempSync(join(tmpdir(), 'trustlens-conv-'));
before(async () => {
  sim = await startSimulator({ seed: 12, generator: { agents: 3, conversations: 10 } });
});
after(async () => {
  await sim?.close();
});

test('upper-case values, a readable key file warned about, scan --data-dir says it stored the key encrypted', async () => {
  const keyFile = join(root, 'key.txt');
  writeFileSync(keyFile, sim.apiKey + '\n');
  chmodSync(keyFile, 0o644);
  const dir = join(root, 'data');
  const r = await runCliInProcess([
    'scan',
    '--base-url',
    sim.url,
    '--api-key-file',
    keyFile,
    '--format',
    'JSON',
    '--fail-on',
    'CRITICAL',
    '--data-dir',
    dir,
  ]);
  assert.ok(r.code === 0 || r.code === 3, r.stderr);
  assert.equal(JSON.parse(r.stdout).schemaVersion, 1, 'JSON is json');
  assert.match(
    r.stderr,
    new RegExp(`Warning: the API key file ${keyFile} is readable by other users \\(mode 644\\)`),
  );
  assert.match(r.stderr, /chmod 600/);
  assert.match(r.stderr, /Stored in .* as integration ".*"/);
  assert.match(r.stderr, /API key .* is stored encrypted/);
  assert.ok(!r.stderr.includes(sim.apiKey) && !r.stdout.includes(sim.apiKey));

  chmodSync(keyFile, 0o600);
  const quiet = await runCliInProcess([
    'scan',
    '--base-url',
    sim.url,
    '--api-key-file',
    keyFile,
    '--format',
    'Table',
  ]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /readable by other users/);

  const list = await runCliInProcess(['integration', 'list', '--format', 'json', '--data-dir', dir]);
  const [integration] = JSON.parse(list.stdout);
  // Not on a terminal (a process with piped standard streams): removing needs --yes, and nothing is
  // removed without it.
  const refused = await runCli(['integration', 'remove', integration.id, '--data-dir', dir]);
  assert.equal(refused.code, 64, refused.stderr);
  assert.match(refused.stderr, /--yes/);
  assert.equal(
    JSON.parse((await runCliInProcess(['integration', 'list', '--format', 'json', '--data-dir', dir])).stdout)
      .length,
    1,
  );
  const removed = await runCliInProcess([
    'integration',
    'remove',
    integration.id,
    '--yes',
    '--data-dir',
    dir,
  ]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(
    JSON.parse(
      (await runCliInProcess(['integration', 'list', '--format', 'json', '--data-dir', dir])).stdout,
    ),
    [],
  );
});

test('a misspelt value is still refused, naming the choices', async () => {
  const r = await runCliInProcess(['scan', '--base-url', sim.url, '--fail-on', 'SEVERE'], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--fail-on must be one of critical, high, medium, low, info/);
});

test('a reader that stops early (| head) ends the command quietly with 141, never a stack trace', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('./helpers/run-cli.ts');
  // A report far larger than what the pipe holds (a socket pair: about 2 × 208 KiB here), so the
  // command is still writing when the reader goes: the default demo's 230 KB could all be buffered
  // before the first chunk was read on a loaded machine, and the command then ended with 0.
  const child = spawn(process.execPath, [BIN, 'demo', '--agents', '60', '--format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy(); // the reader goes away after its first chunk
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 141, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Error|\n\s+at /, 'no error and no stack frame');
});
