/**
 * `trustlens serve` as users run it (a process, real HTTP on 127.0.0.1): the demo prints how to sign in
 * and the sign-in works; a first start without TRUSTLENS_INIT_* prints a one-time set-up token, with them
 * creates the admin and API token, and they are ignored once users exist; a CLI command on the same data
 * folder names the running server; SIGTERM during a sync ends the process cleanly with the run either
 * finished, interrupted or handed back (queued, resumed by the next start: ADR 0008), never left running.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startSimulator } from '../src/simulator/index.ts';
import { runCli } from './helpers/run-cli.ts';
import { killAllServes, startServe } from './helpers/serve-process.ts';

const dirs: string[] = [];
after(() => {
  killAllServes();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trustlens-serve-'));
  dirs.push(d);
  return d;
}

/** Starts `trustlens serve` and waits until it prints its address (and `until` matches stdout). */
function serve(args: string[], env: Record<string, string | undefined> = {}, until?: RegExp) {
  return startServe(args, env, { until, timeoutMs: 240_000 });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed test JSON, read field by field
async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('trustlens serve', () => {
  it('--demo (npm start) prints the address and a sign-in that works; the demo is labelled simulated', async () => {
    const dataDir = tempDir();
    const s = await serve(
      ['--demo', '--data-dir', dataDir, '--agents', '6', '--conversations', '20'],
      {},
      /First sync of the demo workspace: succeeded/,
    );
    const password = /with email (\S+) and password ([^\s:]+)/.exec(s.stdout());
    assert.ok(password, s.stdout());
    assert.match(s.stdout(), /SIMULATED Mistral workspace/);
    const login = await json(`${s.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: password[1], password: password[2] }),
    });
    assert.equal(login.status, 200);
    const cookie = (await fetch(`${s.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: password[1], password: password[2] }),
    }).then((r) => r.headers.get('set-cookie')))!.split(';')[0];
    const integrations = await json(`${s.url}/api/v1/integrations`, { headers: { cookie } });
    assert.equal(integrations.status, 200);
    assert.equal(integrations.body.items.length, 1);
    assert.equal(integrations.body.items[0].simulated, true);
    assert.match(integrations.body.items[0].name, /simulated/i);
    const agents = await json(`${s.url}/api/v1/agents`, { headers: { cookie } });
    assert.equal(agents.body.items.length, 6);
    // The demo integration holds the simulator's admin key (issue 11): the organization is read too.
    const demoIntegration = integrations.body.items[0];
    assert.ok(demoIntegration.adminKey, 'the demo sets an admin key');
    const org = await json(`${s.url}/api/v1/integrations/${demoIntegration.id}/organization`, {
      headers: { cookie },
    });
    assert.equal(org.status, 200, JSON.stringify(org.body));
    assert.equal(org.body.sections.apiKeys.status, 'available', JSON.stringify(org.body.sections));
    assert.ok(org.body.apiKeys.total > 0);
    assert.equal(org.body.apiKeys.integrationKeyFound, true, "the demo key is among the organization's keys");
    // While the server holds the folder, the CLI says which server and what to do, at once.
    const cli = await runCli(['integration', 'list', '--data-dir', dataDir], {}, 30_000);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, new RegExp(`held by the TrustLens server running at ${s.url}`));
    assert.match(cli.stderr, /stop the server|DATABASE_URL/);
    assert.equal((await s.stop()).code, 0);
    // Afterwards the CLI opens the same folder.
    const runs = await runCli([
      'runs',
      'Simulated workspace (demo)',
      '--data-dir',
      dataDir,
      '--format',
      'json',
    ]);
    assert.equal(runs.code, 0, runs.stderr);
    const list = JSON.parse(runs.stdout) as { status: string }[];
    assert.ok(list.length >= 1 && list.every((r) => r.status !== 'running'));
    // A second start (the simulator at a new address) reuses the integration with both keys, and syncs.
    const again = await serve(
      ['--demo', '--data-dir', dataDir, '--agents', '6', '--conversations', '20'],
      {},
      /First sync of the demo workspace: succeeded/,
    );
    assert.equal((await again.stop()).code, 0);
  });

  it('a first start without TRUSTLENS_INIT_* prints a one-time set-up token and no password; it works once', async () => {
    const dataDir = tempDir();
    const s = await serve(['--data-dir', dataDir, '--no-scheduler'], {}, /setup#token=/);
    const token = /setup#token=(\S+)/.exec(s.stdout())![1];
    assert.doesNotMatch(s.stdout(), /password [^"…]/i, 'no default password is printed');
    const body = {
      setupToken: token,
      organizationName: 'Acme security',
      email: 'first@example.com',
      password: 'correct horse battery staple',
    };
    const first = await json(`${s.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.organization.name, 'Acme security');
    const again = await json(`${s.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, email: 'second@example.com' }),
    });
    assert.ok(again.status >= 400 && again.status < 500, 'the set-up token works once');
    assert.equal((await s.stop()).code, 0);
  });

  it('TRUSTLENS_INIT_* create the admin and API token on an empty database, and do nothing afterwards', async () => {
    const dataDir = tempDir();
    const apiToken = 'tlk_' + 'x'.repeat(40);
    const init = {
      TRUSTLENS_INIT_ADMIN_EMAIL: 'ops@example.com',
      TRUSTLENS_INIT_ADMIN_PASSWORD: 'a very long passphrase',
      TRUSTLENS_INIT_ORG_NAME: 'Ops',
      TRUSTLENS_INIT_API_TOKEN: apiToken,
    };
    const s = await serve(['--data-dir', dataDir, '--no-scheduler'], init, /TRUSTLENS_INIT_/);
    const me = await json(`${s.url}/api/v1/session`, { headers: { authorization: `Bearer ${apiToken}` } });
    assert.equal(me.status, 200);
    assert.equal(me.body.organization.name, 'Ops');
    assert.equal(me.body.role, 'admin');
    assert.equal((await s.stop()).code, 0);
    // Second start with other values: ignored (users exist).
    const s2 = await serve(['--data-dir', dataDir, '--no-scheduler'], {
      ...init,
      TRUSTLENS_INIT_ADMIN_EMAIL: 'intruder@example.com',
      TRUSTLENS_INIT_API_TOKEN: 'tlk_' + 'y'.repeat(40),
    });
    const other = await json(`${s2.url}/api/v1/session`, {
      headers: { authorization: `Bearer tlk_${'y'.repeat(40)}` },
    });
    assert.equal(other.status, 401);
    const login = await json(`${s2.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'intruder@example.com', password: 'a very long passphrase' }),
    });
    assert.equal(login.status, 401);
    assert.equal((await s2.stop()).code, 0);
  });

  it('SIGTERM during a sync: the process exits 0 and the run is finished, interrupted or handed back (queued), never left running', async () => {
    const dataDir = tempDir();
    const sim = await startSimulator({
      seed: 3,
      host: '127.0.0.1',
      latencyMs: 40,
      generator: { agents: 30, conversations: 400 },
    });
    try {
      const apiToken = 'tlk_' + 'z'.repeat(40);
      const s = await serve(['--data-dir', dataDir, '--no-scheduler', '--grace', '0'], {
        TRUSTLENS_INIT_ADMIN_EMAIL: 'ops@example.com',
        TRUSTLENS_INIT_ADMIN_PASSWORD: 'a very long passphrase',
        TRUSTLENS_INIT_API_TOKEN: apiToken,
      });
      const auth = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
      const created = await json(`${s.url}/api/v1/integrations`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'slow', apiKey: sim.apiKey, baseUrl: sim.url }),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const started = await json(`${s.url}/api/v1/integrations/${created.body.id}/syncs`, {
        method: 'POST',
        headers: auth,
      });
      assert.equal(started.status, 202);
      assert.equal(started.body.run.status, 'running');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await s.stop()).code, 0, s.stderr());
      const runs = await runCli(['runs', 'slow', '--data-dir', dataDir, '--format', 'json']);
      assert.equal(runs.code, 0, runs.stderr);
      const [run] = JSON.parse(runs.stdout) as { status: string }[];
      assert.ok(['interrupted', 'succeeded', 'queued'].includes(run.status), run.status);
    } finally {
      await sim.close();
    }
  });
});
