/**
 * The stored side from the command line, as users run it: integrations (key validated, shown only
 * as a hint), sync, findings with mutes, change events, key rotation and removal. PGlite data folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

test('integration add / sync / findings / mute / events / rotate-key / remove', async () => {
  const sim = await startSimulator({ seed: 5, generator: { agents: 6, conversations: 30 } });
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-cli-'));
  const d = ['--data-dir', dir];
  const badKeyFile = join(dir, 'bad.key');
  writeFileSync(badKeyFile, 'not-a-valid-key-1234\n', { mode: 0o600 });
  const good = { MISTRAL_API_KEY: sim.apiKey };
  const noLeak = (r: { stdout: string; stderr: string }) =>
    assert.ok(!r.stdout.includes(sim.apiKey) && !r.stderr.includes(sim.apiKey), 'the key is never printed');
  try {
    // A bad key is refused before anything is stored.
    const refused = await runCli([
      'integration',
      'add',
      '--name',
      'prod',
      '--base-url',
      sim.url,
      '--api-key-file',
      badKeyFile,
      ...d,
    ]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /The API key is invalid or has expired/);
    const empty = await runCliInProcess(['integration', 'list', '--format', 'json', ...d]);
    assert.deepEqual(JSON.parse(empty.stdout), []);

    const added = await runCli(
      ['integration', 'add', '--name', 'prod', '--base-url', sim.url, '--format', 'json', ...d],
      good,
    );
    assert.equal(added.code, 0, added.stderr);
    noLeak(added);
    const [view] = JSON.parse(added.stdout);
    assert.equal(view.name, 'prod');
    assert.equal(view.keyHint, `••••${sim.apiKey.slice(-4)}`);
    assert.equal(view.apiKey, undefined);

    const dup = await runCliInProcess(
      ['integration', 'add', '--name', 'PROD', '--base-url', sim.url, ...d],
      good,
    );
    assert.notEqual(dup.code, 0, 'names are unique');

    const sync1 = await runCliInProcess(['sync', 'prod', ...d]);
    assert.equal(sync1.code, 0, sync1.stderr);
    assert.match(sync1.stdout, /prod: succeeded .* 6 agents/);

    const list = await runCliInProcess(['findings', 'list', 'prod', '--format', 'json', ...d]);
    const open = JSON.parse(list.stdout) as Array<{ id: string; ruleId: string; status: string }>;
    const missing = open.filter((f) => f.ruleId === 'mistral_agent_guardrails_missing');
    assert.ok(missing.length > 0);
    assert.ok(open.every((f) => f.status === 'open'));

    const target = missing[0].id;
    const muted = await runCliInProcess([
      'findings',
      'mute',
      target,
      '--reason',
      'sandbox agent',
      '--by',
      'alice',
      '--expires',
      '2099-01-01',
      ...d,
    ]);
    assert.equal(muted.code, 0, muted.stderr);
    const afterMute = JSON.parse(
      (await runCliInProcess(['findings', 'list', 'prod', '--format', 'json', ...d])).stdout,
    );
    assert.ok(
      !afterMute.some((f: { id: string }) => f.id === target),
      'a muted finding leaves the default list',
    );
    const onlyMuted = JSON.parse(
      (await runCliInProcess(['findings', 'list', 'prod', '--muted', 'only', '--format', 'json', ...d]))
        .stdout,
    );
    assert.deepEqual(
      onlyMuted.map((f: { id: string }) => f.id),
      [target],
    );
    assert.equal(onlyMuted[0].mute.reason, 'sandbox agent');
    const noReason = await runCliInProcess([
      'findings',
      'mute',
      target,
      '--reason',
      ' ',
      '--by',
      'alice',
      ...d,
    ]);
    assert.notEqual(noReason.code, 0, 'a mute needs a reason');
    await runCliInProcess(['findings', 'unmute', target, ...d]);
    const afterUnmute = JSON.parse(
      (await runCliInProcess(['findings', 'list', 'prod', '--format', 'json', ...d])).stdout,
    );
    assert.ok(afterUnmute.some((f: { id: string }) => f.id === target));

    // The daily series of the busiest agent adds up to its total runs.
    const report = JSON.parse(
      (await runCli(['scan', '--format', 'json', '--base-url', sim.url], good)).stdout,
    );
    const busiest = [...report.agents].sort((a, b) => b.usage.totalRuns - a.usage.totalRuns)[0];
    const daily = await runCliInProcess([
      'usage',
      'prod',
      '--agent',
      busiest.id,
      '--days',
      '365',
      '--format',
      'json',
      ...d,
    ]);
    assert.equal(daily.code, 0, daily.stderr);
    const series = JSON.parse(daily.stdout).series as Array<{ runs: number }>;
    assert.equal(series.length, 365);
    assert.equal(
      series.reduce((n, p) => n + p.runs, 0),
      busiest.usage.totalRuns,
    );
    const badDays = await runCliInProcess(['usage', 'prod', '--agent', busiest.id, '--days', '0', ...d]);
    assert.equal(badDays.code, 64);

    sim.evolve();
    const sync2 = await runCliInProcess(['sync', '--all', ...d]);
    assert.equal(sync2.code, 0, sync2.stderr);
    const events = JSON.parse((await runCliInProcess(['events', 'prod', '--format', 'json', ...d])).stdout);
    assert.ok(events.length > 0, 'the second sync recorded change events');

    const runs = JSON.parse((await runCliInProcess(['runs', 'prod', '--format', 'json', ...d])).stdout);
    assert.ok(runs.length >= 2);
    assert.equal(runs[0].status, 'succeeded');
    assert.equal(runs[0].countsByType.agent, sim.workspace.agents.length);
    assert.ok(runs[0].requests > 0);
    const runsTable = await runCliInProcess(['runs', 'prod', ...d]);
    assert.match(runsTable.stdout, /succeeded/);

    const badRotate = await runCliInProcess([
      'integration',
      'rotate-key',
      'prod',
      '--api-key-file',
      badKeyFile,
      ...d,
    ]);
    assert.equal(badRotate.code, 2, 'a new key is validated before it replaces the old one');
    const stillGood = await runCliInProcess(['sync', 'prod', ...d]);
    assert.equal(stillGood.code, 0, 'the old key is kept when the new one is refused');

    const removed = await runCliInProcess(['integration', 'remove', 'prod', '--yes', ...d]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(
      JSON.parse((await runCliInProcess(['integration', 'list', '--format', 'json', ...d])).stdout),
      [],
    );
    const gone = await runCliInProcess(['findings', 'list', 'prod', ...d]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /trustlens integration list/);
  } finally {
    await sim.close();
  }
});
