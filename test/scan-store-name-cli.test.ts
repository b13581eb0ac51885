/**
 * Issue 9 #14 (scan --data-dir naming): the integration a kept scan creates is named after the host;
 * one named "scan <base URL>" by earlier versions is still found and reused; a host name taken by an
 * integration of another base URL is never reused. The first scan runs as a process (bin/trustlens,
 * creating the data folder), every other command in-process (runCliInProcess).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
const root = mkdtempSync(join(tmpdir(), 'trustlens-scanname-'));
before(async () => {
  sim = await startSimulator({ seed: 51, generator: { agents: 2, conversations: 5 } });
});
after(async () => {
  await sim?.close();
});

const names = async (dir: string) =>
  (
    JSON.parse(
      (await runCliInProcess(['integration', 'list', '--format', 'json', '--data-dir', dir])).stdout,
    ) as Array<{
      name: string;
      baseUrl: string;
    }>
  ).map((i) => `${i.name} ${i.baseUrl}`);

test('scan --data-dir names the integration after the host and finds it again', async () => {
  const dir = join(root, 'a');
  const env = { MISTRAL_API_KEY: sim.apiKey };
  const host = new URL(sim.url).host;
  // As a process first (the folder is created), then in-process: the same integration is found again.
  for (const run of [runCli, runCliInProcess]) {
    const r = await run(['scan', '--base-url', sim.url, '--data-dir', dir, '--format', 'json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`as integration "${host}"`));
  }
  assert.deepEqual(await names(dir), [`${host} ${sim.url}`]);
});

test('an integration named "scan <base URL>" by earlier versions is reused; a taken host name is left alone', async () => {
  const env = { MISTRAL_API_KEY: sim.apiKey };
  const legacy = join(root, 'legacy');
  const add = (dir: string, name: string, url: string) =>
    runCliInProcess(['integration', 'add', '--name', name, '--base-url', url, '--data-dir', dir], env);
  assert.equal((await add(legacy, `scan ${sim.url}`, sim.url)).code, 0);
  assert.equal((await runCliInProcess(['scan', '--base-url', sim.url, '--data-dir', legacy], env)).code, 0);
  assert.deepEqual(await names(legacy), [`scan ${sim.url} ${sim.url}`]);

  const taken = join(root, 'taken');
  const host = new URL(sim.url).host;
  const other = sim.url.replace('127.0.0.1', 'localhost');
  assert.equal((await add(taken, host, other)).code, 0);
  assert.equal((await runCliInProcess(['scan', '--base-url', sim.url, '--data-dir', taken], env)).code, 0);
  assert.deepEqual((await names(taken)).sort(), [`${host} ${other}`, `scan ${sim.url} ${sim.url}`].sort());
});

test('a name taken at another base URL is never reused, so no key there is rotated (audit finding 8)', async () => {
  const env = { MISTRAL_API_KEY: sim.apiKey };
  const add = (dir: string, name: string, url: string) =>
    runCliInProcess(['integration', 'add', '--name', name, '--base-url', url, '--data-dir', dir], env);
  const host = new URL(sim.url).host;
  const other = sim.url.replace('127.0.0.1', 'localhost');
  // "scan <base URL>" names an integration at another address: a new one named after the host is made.
  const legacyElsewhere = join(root, 'legacy-elsewhere');
  assert.equal((await add(legacyElsewhere, `scan ${sim.url}`, other)).code, 0);
  assert.equal(
    (await runCliInProcess(['scan', '--base-url', sim.url, '--data-dir', legacyElsewhere], env)).code,
    0,
  );
  assert.deepEqual(
    (await names(legacyElsewhere)).sort(),
    [`scan ${sim.url} ${other}`, `${host} ${sim.url}`].sort(),
  );
  // Both names taken at another address: refused, saying what to do; nothing changes.
  const both = join(root, 'both-elsewhere');
  assert.equal((await add(both, `scan ${sim.url}`, other)).code, 0);
  assert.equal((await add(both, host, other)).code, 0);
  const r = await runCliInProcess(['scan', '--base-url', sim.url, '--data-dir', both], env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /already exist at other base URLs/);
  assert.match(r.stderr, /integration update/);
  assert.deepEqual((await names(both)).sort(), [`scan ${sim.url} ${other}`, `${host} ${other}`].sort());
});
