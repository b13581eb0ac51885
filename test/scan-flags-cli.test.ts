/**
 * Issue 9 #9, as a process: flags are checked before anything heavy. A bad --output is refused before
 * the scan (no request reaches the workspace, no results lost); a bad base URL is refused before any
 * data folder, key or SDK is touched.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const root = mkdtempSync(join(tmpdir(), 'trustlens-scanflags-'));
before(async () => {
  sim = await startSimulator({ seed: 4, generator: { agents: 2, conversations: 5 } });
});
after(async () => {
  await sim?.close();
});

test('scan --output into a folder that does not exist is refused before scanning (exit 64)', async () => {
  const before = sim.stats().totalRequests;
  const out = join(root, 'no-such-folder', 'report.json');
  const r = await runCli(['scan', '--base-url', sim.url, '--format', 'json', '--output', out], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 64, r.stderr);
  assert.ok(r.stderr.includes(out), r.stderr);
  assert.match(r.stderr, /does not exist/);
  assert.match(r.stderr, /nothing was scanned/);
  assert.equal(sim.stats().totalRequests, before, 'no request reached the workspace');
  assert.equal(r.stdout, '');
});

test('scan --output naming a folder is refused before scanning', async () => {
  const before = sim.stats().totalRequests;
  const r = await runCli(['scan', '--base-url', sim.url, '--output', root], { MISTRAL_API_KEY: sim.apiKey });
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /it is a folder/);
  assert.equal(sim.stats().totalRequests, before);
});

test('scan --output into a writable folder still works', async () => {
  const out = join(root, 'ok.json');
  const r = await runCli(['scan', '--base-url', sim.url, '--format', 'json', '--output', out], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(out));
});

for (const bad of ['ftp://example.com', 'http://example.com', 'not a url', 'mars']) {
  test(`scan --base-url "${bad}" is refused at once (exit 64), creating no data folder`, async () => {
    const dir = join(root, `dd-${bad.replace(/\W+/g, '-')}`);
    const r = await runCli(['scan', '--base-url', bad, '--data-dir', dir], {
      MISTRAL_API_KEY: 'sk-whatever-123',
    });
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, /base URL/);
    assert.match(r.stderr, /What to do:/);
    assert.equal(existsSync(dir), false);
  });
}

test('a bad flag never leaves a file behind in the output folder', () => {
  assert.deepEqual(
    readdirSync(root).filter((f) => f.endsWith('.tmp')),
    [],
  );
});
