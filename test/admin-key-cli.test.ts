/**
 * The admin API key (issue 11) from the command line, as users run it, against the simulator: refused
 * before anything is stored when Mistral refuses it or it is the ordinary key (exit code and message say
 * what to do), stored and shown as a hint only, used by syncs and scans for GET /v1/admin/* only,
 * rotated and removed on its own; `scan` takes it from MISTRAL_ADMIN_API_KEY or --admin-api-key-file and
 * checks --rate-limit-share. The key never appears in any output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../src/simulator/index.ts';
import { runCli, runCliInProcess, type CliRun } from './helpers/run-cli.ts';

/** Requests the simulator answered on GET /v1/admin/*, by the status it sent. */
function adminRequests(sim: Awaited<ReturnType<typeof startSimulator>>, status?: number): number {
  return sim
    .stats()
    .byRoute.filter((r) => r.route.includes('/v1/admin/') && (status === undefined || r.status === status))
    .reduce((n, r) => n + r.count, 0);
}

test('integration add/update/rotate-key/remove with an admin key, and scan with MISTRAL_ADMIN_API_KEY', async () => {
  const sim = await startSimulator({ seed: 11, generator: { agents: 3, conversations: 4 } });
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-admin-cli-'));
  const d = ['--data-dir', dir];
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, `${text}\n`, { mode: 0o600 });
    return path;
  };
  const adminFile = file('admin.key', sim.adminApiKey);
  const unknownFile = file('unknown.key', 'sk-admin-unknown-0123456789abcdef');
  const sameFile = file('same.key', sim.apiKey);
  const good = { MISTRAL_API_KEY: sim.apiKey };
  const noLeak = (r: CliRun) => {
    for (const secret of [sim.adminApiKey, sim.apiKey, 'sk-admin-unknown-0123456789abcdef']) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no key is ever printed');
    }
  };
  const add = (extra: string[], env: Record<string, string> = good) =>
    runCli(
      ['integration', 'add', '--name', 'prod', '--base-url', sim.url, '--format', 'json', ...extra, ...d],
      env,
    );
  try {
    // Refused before anything is stored: a key Mistral does not know (401)…
    const unknown = await add(['--admin-api-key-file', unknownFile]);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /refused the admin API key/);
    assert.match(unknown.stderr, /Admin role/);
    noLeak(unknown);
    // …the ordinary key given as the admin key (usage error, nothing sent)…
    const same = await add(['--admin-api-key-file', sameFile]);
    assert.equal(same.code, 64, same.stderr);
    assert.match(same.stderr, /same key as the integration’s ordinary API key/);
    noLeak(same);
    const empty = await runCliInProcess(['integration', 'list', '--format', 'json', ...d]);
    assert.deepEqual(JSON.parse(empty.stdout), [], 'nothing was stored');

    // Stored, shown as a hint only.
    const added = await add(['--admin-api-key-file', adminFile]);
    assert.equal(added.code, 0, added.stderr);
    noLeak(added);
    const [view] = JSON.parse(added.stdout);
    assert.equal(view.adminKey.hint, `••••${sim.adminApiKey.slice(-4)}`);
    assert.match(view.adminKey.fingerprint, /^[0-9a-f]{12}$/);
    const table = await runCliInProcess(['integration', 'list', ...d]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /admin key/);
    assert.ok(table.stdout.includes(`••••${sim.adminApiKey.slice(-4)}`));
    noLeak(table);

    // A stored sync reads the Admin API with it.
    sim.resetStats();
    const synced = await runCliInProcess(['sync', 'prod', ...d]);
    assert.equal(synced.code, 0, synced.stderr);
    assert.ok(adminRequests(sim, 200) > 0, 'the sync read GET /v1/admin/* with the admin key');
    assert.equal(adminRequests(sim, 403) + adminRequests(sim, 401), 0, 'no admin route was refused');
    noLeak(synced);

    // Rotation: the same key again is refused; a wrong one leaves the stored key.
    const sameAgain = await runCliInProcess([
      'integration',
      'rotate-key',
      'prod',
      '--admin-api-key-file',
      adminFile,
      ...d,
    ]);
    assert.equal(sameAgain.code, 1, sameAgain.stderr);
    assert.match(sameAgain.stderr, /already the admin key/);
    const wrong = await runCliInProcess(['integration', 'rotate-key', 'prod', '--admin', ...d], {
      MISTRAL_ADMIN_API_KEY: 'sk-admin-unknown-0123456789abcdef',
    });
    assert.equal(wrong.code, 2, wrong.stderr);
    noLeak(wrong);
    const both = await runCliInProcess([
      'integration',
      'rotate-key',
      'prod',
      '--admin-api-key-file',
      adminFile,
      '--api-key-file',
      sameFile,
      ...d,
    ]);
    assert.equal(both.code, 64, both.stderr);
    assert.match(both.stderr, /one key at a time/);
    const after = JSON.parse(
      (await runCliInProcess(['integration', 'list', '--format', 'json', ...d])).stdout,
    );
    assert.deepEqual(after[0].adminKey, view.adminKey, 'refused rotations changed nothing');

    // Removal, on its own: the ordinary key stays; a second removal says there is none.
    const removed = await runCliInProcess([
      'integration',
      'update',
      'prod',
      '--remove-admin-key',
      '--format',
      'json',
      ...d,
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    const [gone] = JSON.parse(removed.stdout);
    assert.equal(gone.adminKey, null);
    assert.equal(gone.keyFingerprint, view.keyFingerprint);
    assert.match(removed.stderr, /Removed the admin API key/);
    const again = await runCliInProcess(['integration', 'update', 'prod', '--remove-admin-key', ...d]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /has no admin API key/);
    const noRotate = await runCliInProcess([
      'integration',
      'rotate-key',
      'prod',
      '--admin-api-key-file',
      adminFile,
      ...d,
    ]);
    assert.equal(noRotate.code, 1, noRotate.stderr);
    assert.match(noRotate.stderr, /no admin API key to rotate/);
    sim.resetStats();
    const plain = await runCliInProcess(['sync', 'prod', ...d]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(adminRequests(sim), 0, 'without an admin key nothing is sent to /v1/admin/*');

    // Set again with update; a new base URL then needs the admin key again.
    const set = await runCliInProcess([
      'integration',
      'update',
      'prod',
      '--admin-api-key-file',
      adminFile,
      '--format',
      'json',
      ...d,
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(JSON.parse(set.stdout)[0].adminKey.hint, view.adminKey.hint);
    const moved = await runCliInProcess(
      ['integration', 'update', 'prod', '--base-url', `${sim.url}/`, ...d],
      good,
    );
    // Same base URL once normalized: allowed without any key change.
    assert.equal(moved.code, 0, moved.stderr);
    const elsewhere = await runCliInProcess(
      ['integration', 'update', 'prod', '--base-url', 'http://127.0.0.1:9', ...d],
      good,
    );
    assert.equal(elsewhere.code, 64, elsewhere.stderr);
    assert.match(elsewhere.stderr, /admin API key again/);
    noLeak(elsewhere);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
});

test('scan reads the Admin API only with an admin key; a refused one exits 2; --rate-limit-share is checked', async () => {
  const sim = await startSimulator({ seed: 12, generator: { agents: 2, conversations: 2 } });
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-admin-scan-'));
  const scan = (env: Record<string, string>, extra: string[] = [], run = runCliInProcess) =>
    run(['scan', '--base-url', sim.url, '--format', 'json', ...extra], {
      MISTRAL_API_KEY: sim.apiKey,
      ...env,
    });
  try {
    sim.resetStats();
    const withAdmin = await scan(
      { MISTRAL_ADMIN_API_KEY: sim.adminApiKey },
      ['--rate-limit-share', '0.25'],
      runCli,
    );
    assert.equal(withAdmin.code, 0, withAdmin.stderr);
    const report = JSON.parse(withAdmin.stdout);
    assert.equal(report.extraAvailability.adminApiKeys.status, 'available');
    assert.ok(adminRequests(sim, 200) > 0);
    assert.ok(!withAdmin.stdout.includes(sim.adminApiKey) && !withAdmin.stderr.includes(sim.adminApiKey));

    sim.resetStats();
    const without = await scan({});
    assert.equal(without.code, 0, without.stderr);
    const plain = JSON.parse(without.stdout);
    assert.equal(plain.extraAvailability.adminApiKeys.status, 'unavailable');
    assert.equal(adminRequests(sim), 0, 'the ordinary key is never sent to /v1/admin/*');

    const keyFile = join(dir, 'admin.key');
    writeFileSync(keyFile, 'sk-admin-unknown-0123456789abcdef\n', { mode: 0o600 });
    const refused = await scan({}, ['--admin-api-key-file', keyFile]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /refused the admin API key/);
    assert.doesNotMatch(refused.stderr, /Nothing was stored/);
    assert.ok(!refused.stderr.includes('sk-admin-unknown-0123456789abcdef'));

    const same = await scan({ MISTRAL_ADMIN_API_KEY: sim.apiKey });
    assert.equal(same.code, 64, same.stderr);
    assert.match(same.stderr, /same key as the API key/);

    for (const bad of ['0', '1.5', 'half', '-0.2']) {
      const r = await scan({}, ['--rate-limit-share', bad]);
      assert.equal(r.code, 64, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--rate-limit-share must be a number greater than 0 and at most 1/);
    }
    const env = await scan({ TRUSTLENS_RATE_LIMIT_SHARE: '2' });
    assert.equal(env.code, 64, env.stderr);
    assert.match(env.stderr, /TRUSTLENS_RATE_LIMIT_SHARE must be a number greater than 0 and at most 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
});
