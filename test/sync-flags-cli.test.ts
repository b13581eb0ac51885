/**
 * Issue 9 #16: `sync` takes --format json, --fail-on (with --allow-partial), --rps and --concurrency,
 * like `scan`. In-process (runCliInProcess), but for the --fail-on gate: its exit status is checked once
 * through bin/trustlens, as a process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
let noBeta: SimulatorHandle;
const dir = join(mkdtempSync(join(tmpdir(), 'trustlens-syncflags-')), 'data');
before(async () => {
  sim = await startSimulator({ seed: 31, generator: { agents: 4, conversations: 20 } });
  noBeta = await startSimulator({
    seed: 32,
    generator: { agents: 2, conversations: 5 },
    beta: { enabled: false },
  });
});
after(async () => {
  await sim?.close();
  await noBeta?.close();
});

test('sync --format json --fail-on --rps --concurrency', async () => {
  const d = ['--data-dir', dir];
  const add = (name: string, s: SimulatorHandle) =>
    runCliInProcess(['integration', 'add', '--name', name, '--base-url', s.url, ...d], {
      MISTRAL_API_KEY: s.apiKey,
    });
  assert.equal((await add('prod', sim)).code, 0);
  assert.equal((await add('nobeta', noBeta)).code, 0);

  const r = await runCliInProcess([
    'sync',
    'prod',
    '--format',
    'json',
    '--rps',
    '50',
    '--concurrency',
    '2',
    ...d,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [one] = JSON.parse(r.stdout);
  assert.equal(one.integration.name, 'prod');
  assert.equal(one.run.status, 'succeeded');
  assert.equal(typeof one.riskScore, 'number');
  assert.ok(sim.stats().peakConcurrency <= 2, `peak ${sim.stats().peakConcurrency} > --concurrency 2`);

  const open = one.openFindingsBySeverity;
  // The gate's exit status as a process sees it (bin/trustlens).
  const gated = await runCli(['sync', 'prod', '--fail-on', 'info', ...d]);
  const anyOpen = Object.values(open as Record<string, number>).some((n) => n > 0);
  assert.equal(gated.code, anyOpen ? 3 : 0, gated.stderr);

  // Without beta access: nothing to find, but the gate cannot pass on missing data.
  const partial = await runCliInProcess(['sync', 'nobeta', '--fail-on', 'critical', ...d]);
  const critical = JSON.parse((await runCliInProcess(['posture', 'nobeta', '--format', 'json', ...d])).stdout)
    .integrations[0].openFindingsBySeverity.critical;
  assert.equal(partial.code, critical > 0 ? 3 : 4, partial.stdout + partial.stderr);
  if (critical === 0) {
    assert.match(partial.stderr, /coverage is incomplete \(nobeta: .*agents/);
    const allowed = await runCliInProcess([
      'sync',
      'nobeta',
      '--fail-on',
      'critical',
      '--allow-partial',
      ...d,
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
  }

  const bad = await runCliInProcess(['sync', 'prod', '--rps', '0', ...d]);
  assert.equal(bad.code, 64);
  const badFail = await runCliInProcess(['sync', 'prod', '--fail-on', 'severe', ...d]);
  assert.equal(badFail.code, 64);
});

test('sync --fail-on exits 4 when reading connectors failed, though the six features were read', async () => {
  const { startFaultProxy } = await import('./helpers/fault-proxy.ts');
  const empty = await startSimulator({
    seed: 33,
    generator: { agents: 0, conversations: 0, files: 0, libraries: 0 },
  });
  const refusing = await startFaultProxy(empty.url, (path) =>
    path.startsWith('/v1/connectors')
      ? { status: 400, body: JSON.stringify({ message: 'bad request' }) }
      : null,
  );
  try {
    const d = ['--data-dir', join(mkdtempSync(join(tmpdir(), 'trustlens-syncflags-')), 'data')];
    const add = await runCliInProcess(
      ['integration', 'add', '--name', 'noconn', '--base-url', refusing.url, ...d],
      { MISTRAL_API_KEY: empty.apiKey },
    );
    assert.equal(add.code, 0, add.stderr + add.stdout);
    const r = await runCliInProcess(['sync', 'noconn', '--fail-on', 'critical', '--format', 'json', ...d]);
    const [one] = JSON.parse(r.stdout);
    assert.equal(one.run.status, 'partial');
    assert.equal(one.openFindingsBySeverity.critical, 0, JSON.stringify(one.openFindingsBySeverity));
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /coverage is incomplete \(noconn: connectors failed/);
  } finally {
    await refusing.close();
    await empty.close();
  }
});
