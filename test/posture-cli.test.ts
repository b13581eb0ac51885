/**
 * Issue 9 #15 (posture), the set-up and the first posture as a process, the rest in-process:
 * `trustlens posture [integration]` shows the risk score and its trend, which the services compute;
 * before any sync it says why there is no score (never 0).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const dir = join(mkdtempSync(join(tmpdir(), 'trustlens-posture-')), 'data');
before(async () => {
  sim = await startSimulator({ seed: 21, generator: { agents: 4, conversations: 20 } });
});
after(async () => {
  await sim?.close();
});

test('posture: no score before a sync, then the score, findings by severity, trend and fix first', async () => {
  const env = { MISTRAL_API_KEY: sim.apiKey };
  const d = ['--data-dir', dir];
  assert.equal(
    (await runCli(['integration', 'add', '--name', 'prod', '--base-url', sim.url, ...d], env)).code,
    0,
  );

  const before = await runCli(['posture', 'prod', ...d]);
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /no score yet: it is computed when a sync finishes/);

  assert.equal((await runCliInProcess(['sync', 'prod', ...d])).code, 0);
  const json1 = await runCliInProcess(['posture', 'prod', '--format', 'json', ...d]);
  assert.equal(json1.code, 0, json1.stderr);
  const p1 = JSON.parse(json1.stdout);
  const score1 = p1.integrations[0].riskScore;
  assert.equal(typeof score1, 'number');
  assert.ok(Array.isArray(p1.fixFirst));

  sim.evolve({ agentsAdded: 2 });
  assert.equal((await runCliInProcess(['sync', 'prod', ...d])).code, 0);
  const table = await runCliInProcess(['posture', ...d]);
  assert.equal(table.code, 0, table.stderr);
  const p2 = JSON.parse((await runCliInProcess(['posture', '--format', 'json', ...d])).stdout);
  const i2 = p2.integrations[0];
  assert.equal(i2.riskTrend.length, 2, 'two syncs, two trend points');
  assert.match(table.stdout, /^Organization/m);
  assert.ok(table.stdout.includes(`risk score     ${i2.riskScore} / 100`), table.stdout);
  assert.match(
    table.stdout,
    new RegExp(`since ${i2.riskTrend[0].at.slice(0, 10)}; last syncs: ${score1} → ${i2.riskScore}`),
  );
  assert.match(
    table.stdout,
    new RegExp(`critical ${i2.openFindingsBySeverity.critical}, high ${i2.openFindingsBySeverity.high}`),
  );
  if (p2.fixFirst.length) assert.match(table.stdout, /Fix first/);

  const unknown = await runCliInProcess(['posture', 'staging', ...d]);
  assert.equal(unknown.code, 1);
  assert.ok(unknown.stderr.includes(dir));
});
