/**
 * Issue 9 #15: empty results say why — `runs` before any sync, `integration list` with no integration
 * left. The set-up runs as a process (bin/trustlens), the commands checked in-process (runCliInProcess).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

test('runs before any sync and an empty integration list say why and what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-empty-'));
  const sim = await startSimulator({
    seed: 4,
    host: '127.0.0.1',
    generator: { agents: 1, conversations: 1 },
  });
  try {
    const env = { MISTRAL_API_KEY: sim.apiKey };
    const add = await runCli(
      ['integration', 'add', '--name', 'quiet', '--base-url', sim.url, '--data-dir', dir],
      env,
    );
    assert.equal(add.code, 0, add.stderr);
    const runs = await runCliInProcess(['runs', 'quiet', '--data-dir', dir]);
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, /No sync of quiet yet: run `trustlens sync quiet`/);
    const removed = await runCliInProcess(['integration', 'remove', 'quiet', '--yes', '--data-dir', dir]);
    assert.equal(removed.code, 0, removed.stderr);
    const list = await runCliInProcess(['integration', 'list', '--data-dir', dir]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /No integrations yet: add one with `trustlens integration add/);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
