/**
 * The CLI as an API client (`--server URL`, issue 8, ADR 0002): a real listening server with a
 * simulator-synced integration and API tokens of each role; the CLI runs with --server and its JSON
 * outputs are compared with the API's answers to the same questions. A sync through the server reaches
 * a finished run with the exit code of a local sync; a viewer's mute gets the 403 message, a wrong token
 * the 401 message, a stopped server a clear message; no token is ever printed. The CLI's server mode
 * does not depend on the server's back end: it runs on PGlite only. The commands run in-process
 * (runCliInProcess; the server listens in this process too, on 127.0.0.1), but for `--token`, which a
 * process's argument list shows to other users: that one is `bin/trustlens` as a process.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiClient, parseServerUrl } from '../src/api-client/http.ts';
import { AppError } from '../src/errors/index.ts';
import { throughServerHint } from '../src/cli/open-app.ts';
import { buildProgram } from '../src/cli/program.ts';
import { LOCAL_ONLY, REMOTE_COMMANDS } from '../src/cli/remote.ts';
import { testBackends } from '../src/store/testing.ts';
import { runCli, runCliInProcess, type CliRun } from './helpers/run-cli.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const backend = testBackends().find((b) => b.kind === 'pglite')!;

describe('trustlens --server URL (the CLI through the API)', () => {
  let h: TestServer;
  let url: string;
  let dir: string;
  const runs: CliRun[] = [];
  let secrets: string[] = [];

  /** The CLI as the user with this token; every run is kept to check that no token was printed. */
  async function cli(
    token: string | null,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<CliRun> {
    const r = await runCliInProcess(['--server', url, ...args], {
      TRUSTLENS_SERVER: undefined,
      TRUSTLENS_TOKEN: token ?? undefined,
      NO_COLOR: '1',
      ...env,
    });
    runs.push(r);
    return r;
  }
  const json = (r: CliRun): unknown => {
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
    return JSON.parse(r.stdout) as unknown;
  };

  before(async () => {
    h = await startTestServer(backend, { simulator: { generator: { agents: 6, conversations: 20 } } });
    const address = await h.server.listen({ host: '127.0.0.1', port: 0 });
    url = address.replace('localhost', '127.0.0.1');
    dir = mkdtempSync(join(tmpdir(), 'trustlens-cli-server-'));
    secrets = [h.admin.token!, h.analyst.token!, h.viewer.token!, h.otherAdmin.token!, h.sim.apiKey];
  });

  after(async () => {
    // No run printed a token, whatever it did.
    for (const r of runs) {
      for (const s of [...secrets, 'tl_wrong_token_value_123456']) {
        assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'a token was printed');
      }
    }
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('integration list, runs, findings, events, agents, posture and export print what the API answers', async () => {
    const viewer = h.viewer.token!;
    const api = async (path: string) => {
      const r = await h.viewer.request('GET', path);
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      return r;
    };

    // integration list: the service's shape (syncFrequencyMinutes), filled from the API's.
    const integrations = json(await cli(viewer, ['integration', 'list', '--format', 'json'])) as Array<
      Record<string, unknown>
    >;
    const apiIntegrations = (await api('/api/v1/integrations')).body.items as Array<Record<string, unknown>>;
    assert.deepEqual(
      integrations.map((i) => i.name),
      ['sim-a'],
      "the token's organization only",
    );
    assert.deepEqual(
      integrations,
      apiIntegrations.map(({ syncIntervalMinutes, ...rest }) => ({
        ...rest,
        syncFrequencyMinutes: syncIntervalMinutes,
      })),
    );
    const id = h.integrationA;

    const runsOut = json(await cli(viewer, ['runs', 'sim-a', '--format', 'json']));
    assert.deepEqual(runsOut, (await api(`/api/v1/integrations/${id}/syncs?limit=10`)).body.items);
    assert.ok((runsOut as unknown[]).length >= 1);

    const findings = json(
      await cli(viewer, [
        'findings',
        'list',
        'sim-a',
        '--status',
        'all',
        '--muted',
        'include',
        '--format',
        'json',
      ]),
    ) as Array<{ id: string }>;
    const apiFindings = (await api(`/api/v1/findings?integrationId=${id}&status=all&muted=include&limit=500`))
      .body;
    assert.equal(apiFindings.nextCursor, null);
    assert.deepEqual(findings, apiFindings.items);
    assert.ok(findings.length > 0, 'the simulated workspace has findings');

    const high = json(
      await cli(viewer, ['findings', 'list', id, '--severity', 'critical,high', '--format', 'json']),
    );
    assert.deepEqual(
      high,
      (await api(`/api/v1/findings?integrationId=${id}&severity=critical,high&limit=500`)).body.items,
    );

    const one = json(await cli(viewer, ['findings', 'show', findings[0].id, '--format', 'json']));
    assert.deepEqual(one, (await api(`/api/v1/findings/${findings[0].id}`)).body);
    const shown = await cli(viewer, ['findings', 'show', findings[0].id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Remediation:/);

    const events = json(await cli(viewer, ['events', 'sim-a', '--format', 'json']));
    assert.deepEqual(events, (await api(`/api/v1/events?integrationId=${id}&limit=100`)).body.items);

    const agents = json(await cli(viewer, ['agents', 'sim-a', '--format', 'json'])) as unknown[];
    assert.deepEqual(agents, (await api(`/api/v1/agents?integrationId=${id}&limit=500`)).body.items);
    assert.ok(agents.length > 0);

    const posture = json(await cli(viewer, ['posture', 'sim-a', '--top', '3', '--format', 'json']));
    const apiPosture = (await api(`/api/v1/posture?integrationId=${id}`)).body;
    const apiFix = (await api(`/api/v1/posture/fix-first?integrationId=${id}`)).body;
    assert.deepEqual(posture, { ...apiPosture, fixFirst: apiFix.groups.slice(0, 3) });

    const sarif = await cli(viewer, ['export', 'sim-a', '--format', 'sarif']);
    assert.equal(sarif.code, 0, sarif.stderr);
    // The same file but for the time each was rendered.
    const rendered = (text: string) =>
      text.replace(/"(generatedAt|endTimeUtc|reportGeneratedAt|exportedAt)": "[^"]*"/g, '"$1": "…"');
    const sameLines = (a: string, b: string) => {
      const [x, y] = [a.split('\n'), b.split('\n')];
      const i = x.findIndex((l, n) => l !== y[n]);
      assert.equal(i, -1, `line ${i + 1}: ${x[i]?.slice(0, 200)} ≠ ${y[i]?.slice(0, 200)}`);
      assert.equal(x.length, y.length);
    };
    sameLines(
      rendered(sarif.stdout),
      rendered((await api(`/api/v1/integrations/${id}/export?format=sarif`)).text),
    );
    assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, '2.1.0');
    // Without a name, the token's only integration.
    const scanJson = await cli(viewer, ['export']);
    assert.equal(scanJson.code, 0, scanJson.stderr);
    assert.ok(scanJson.stdout.includes('"generatedAt"'), 'the scan JSON has its render time');
    sameLines(
      rendered(scanJson.stdout),
      rendered((await api(`/api/v1/integrations/${id}/export?format=json`)).text),
    );

    // The tables render too (the same renderers as locally).
    const table = await cli(viewer, ['findings', 'list', 'sim-a']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /finding\(s\)\. Details: trustlens findings show <id>/);
  });

  it("a viewer's mute gets the 403 message; an analyst mutes and unmutes", async () => {
    const list = (await h.viewer.request('GET', `/api/v1/findings?integrationId=${h.integrationA}`)).body
      .items as Array<{ id: string }>;
    const target = list[0].id;

    const denied = await cli(h.viewer.token!, [
      'findings',
      'mute',
      target,
      '--reason',
      'accepted',
      '--by',
      'v',
    ]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Error: This needs the analyst role; you are signed in as viewer\./);
    assert.match(denied.stderr, /What to do: .*token/);
    assert.equal((await h.viewer.request('GET', `/api/v1/findings/${target}`)).body.muted, false);

    const muted = await cli(h.analyst.token!, [
      'findings',
      'mute',
      target,
      '--reason',
      'accepted for the pilot',
      '--by',
      'alice',
      '--expires',
      '2099-01-31',
    ]);
    assert.equal(muted.code, 0, muted.stderr);
    assert.match(muted.stdout, new RegExp(`^Muted ${target} .* until 2099-01-31`));
    const after = (await h.viewer.request('GET', `/api/v1/findings/${target}`)).body;
    assert.equal(after.muted, true);
    assert.equal(after.mute.reason, 'accepted for the pilot');
    assert.match(after.mute.by, /analyst token/, 'recorded under the API token');

    // Already muted: the same 409 wording as locally.
    const again = await cli(h.analyst.token!, ['findings', 'mute', target, '--reason', 'x', '--by', 'a']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /--replace/);

    const unmuted = await cli(h.analyst.token!, ['findings', 'unmute', target]);
    assert.equal(unmuted.code, 0, unmuted.stderr);
    assert.equal(unmuted.stdout, `Unmuted ${target} (${after.ruleId}).\n`);
    assert.equal((await h.viewer.request('GET', `/api/v1/findings/${target}`)).body.muted, false);
  });

  it('sync through the server: 202, followed to a finished run, the same report and exit codes as locally', async () => {
    const before = (await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}/syncs`)).body
      .items as Array<{ id: string }>;
    const r = await cli(h.analyst.token!, ['sync', 'sim-a', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const [out] = JSON.parse(r.stdout) as Array<{
      integration: { name: string };
      run: { id: string; status: string };
      changeEvents: number;
      openFindingsBySeverity: Record<string, number>;
    }>;
    assert.equal(out.integration.name, 'sim-a');
    assert.ok(!before.some((b) => b.id === out.run.id), 'a new run');
    const apiRun = (
      await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}/syncs/${out.run.id}`)
    ).body;
    assert.equal(apiRun.status, out.run.status);
    assert.ok(['succeeded', 'partial'].includes(apiRun.status), apiRun.status);
    assert.equal(typeof out.changeEvents, 'number');
    // The progress went to stderr as plain lines (not a terminal), the report to stderr with --format json.
    assert.match(r.stderr, /sim-a: .* in [\d.]+ s, \d+ requests; \d+ agents/);

    // --fail-on: an open high or critical finding → exit 3, as locally.
    const open = (await h.viewer.request('GET', `/api/v1/posture?integrationId=${h.integrationA}`)).body
      .integrations[0].openFindingsBySeverity as Record<string, number>;
    const gated = await cli(h.analyst.token!, ['sync', 'sim-a', '--fail-on', 'low']);
    const anyOpen = Object.entries(open).some(([s, n]) => s !== 'info' && n > 0);
    assert.equal(gated.code, anyOpen ? 3 : 0, gated.stderr);
    assert.match(gated.stdout, /^sim-a: (succeeded|partial) in /);

    // A viewer may not sync: 403 with its message.
    const viewer = await cli(h.viewer.token!, ['sync', 'sim-a']);
    assert.equal(viewer.code, 1);
    assert.match(viewer.stderr, /analyst role/);
    // --rps is a local connector's setting.
    const rps = await cli(h.analyst.token!, ['sync', 'sim-a', '--rps', '5']);
    assert.equal(rps.code, 64);
    assert.match(rps.stderr, /--rps and --concurrency do not apply with --server/);
  });

  it('an admin adds, updates and removes an integration through the server (the key from the environment, never printed)', async () => {
    const key = { MISTRAL_API_KEY: h.sim.apiKey };
    const denied = await cli(
      h.analyst.token!,
      ['integration', 'add', '--name', 'sim-c', '--base-url', h.sim.url],
      key,
    );
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /admin role/);

    const added = await cli(
      h.admin.token!,
      ['integration', 'add', '--name', 'sim-c', '--base-url', h.sim.url, '--format', 'json'],
      key,
    );
    const [view] = json(added) as Array<{ id: string; name: string; syncFrequencyMinutes: number }>;
    assert.equal(view.name, 'sim-c');
    const fromApi = await h.admin.request('GET', `/api/v1/integrations/${view.id}`);
    assert.equal(fromApi.status, 200);
    assert.equal(fromApi.body.syncIntervalMinutes, view.syncFrequencyMinutes);

    const dup = await cli(
      h.admin.token!,
      ['integration', 'add', '--name', 'sim-c', '--base-url', h.sim.url],
      key,
    );
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /integration update sim-c/);

    const updated = await cli(h.admin.token!, [
      'integration',
      'update',
      'sim-c',
      '--frequency',
      '30',
      '--format',
      'json',
    ]);
    assert.equal((json(updated) as Array<{ syncFrequencyMinutes: number }>)[0].syncFrequencyMinutes, 30);

    const removed = await cli(h.admin.token!, ['integration', 'remove', 'sim-c', '--yes']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^Removed integration sim-c/);
    assert.equal((await h.admin.request('GET', `/api/v1/integrations/${view.id}`)).status, 404);
    const gone = await cli(h.admin.token!, ['runs', 'sim-c']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No integration "sim-c" on the server/);
  });

  it('a wrong token gets the 401 message and how to create one; the token is never printed', async () => {
    const wrong = 'tl_wrong_token_value_123456';
    const r = await cli(wrong, ['integration', 'list']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the API token/);
    assert.ok(r.stderr.includes(`${url}/settings/tokens`));

    // --token works, with a warning about the process list (a process, whose arguments others can see).
    const flag = await runCli(['integration', 'list', '--server', url, '--token', h.viewer.token!], {
      TRUSTLENS_TOKEN: undefined,
      TRUSTLENS_SERVER: undefined,
    });
    runs.push(flag);
    assert.equal(flag.code, 0, flag.stderr);
    assert.match(flag.stderr, /--token is visible to other users/);

    // --token-file (TRUSTLENS_SERVER instead of --server).
    const file = join(dir, 'token');
    writeFileSync(file, `${h.viewer.token!}\n`);
    chmodSync(file, 0o600);
    const viaFile = await runCliInProcess(['integration', 'list', '--token-file', file, '--format', 'json'], {
      TRUSTLENS_SERVER: url,
      TRUSTLENS_TOKEN: undefined,
    });
    runs.push(viaFile);
    assert.equal(viaFile.code, 0, viaFile.stderr);
    assert.equal(viaFile.stderr, '');

    const none = await cli(null, ['integration', 'list']);
    assert.equal(none.code, 64);
    assert.match(none.stderr, /No API token for the server/);
    assert.match(none.stderr, /TRUSTLENS_TOKEN/);
  });

  it('verbs that only work locally refuse --server, saying why; --data-dir and --server together are refused', async () => {
    for (const args of [['scan'], ['keys', 'status'], ['demo'], ['usage', 'sim-a', '--agent', 'x']]) {
      const r = await cli(h.viewer.token!, args);
      assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /does not work (with --server|through a server)/);
      assert.match(r.stderr, /What to do: /);
    }
    const both = await cli(h.viewer.token!, ['findings', 'list', 'sim-a', '--data-dir', dir]);
    assert.equal(both.code, 64);
    assert.match(both.stderr, /--data-dir and --server cannot be used together/);
  });

  it('a stopped server: a clear message, exit 1', async () => {
    // A port that was just free: nothing listens there.
    const { createServer } = await import('node:net');
    const free = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => done(port));
      });
    });
    const r = await runCliInProcess(['integration', 'list', '--server', `http://127.0.0.1:${free}`], {
      TRUSTLENS_TOKEN: h.viewer.token!,
      TRUSTLENS_SERVER: undefined,
    });
    runs.push(r);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`Cannot reach the TrustLens server at http://127\\.0\\.0\\.1:${free} \\(ECONNREFUSED\\)`),
    );
    assert.match(r.stderr, /trustlens serve/);
  });
});

describe('server addresses, the command tree and the held data folder', () => {
  it('every command that acts through a server lists --server and the token flags; local-only verbs do not', () => {
    const program = buildProgram('0.0.0-test');
    const find = (path: string) => {
      let cmd: ReturnType<typeof buildProgram> | undefined = program;
      for (const name of path.split(' ')) cmd = cmd?.commands.find((c) => c.name() === name);
      return cmd;
    };
    for (const path of REMOTE_COMMANDS) {
      const cmd = find(path);
      assert.ok(cmd, `${path} exists`);
      const longs = cmd.options.map((o) => o.long);
      for (const flag of ['--server', '--token-file', '--token'])
        assert.ok(longs.includes(flag), `${path} ${flag}`);
    }
    for (const verb of Object.keys(LOCAL_ONLY)) {
      const cmd = find(verb);
      assert.ok(cmd, `${verb} exists`);
      assert.ok(!cmd.options.some((o) => o.long === '--server'), verb);
    }
  });

  it('parseServerUrl: http(s) only, no credentials; http:// to another machine is flagged as cleartext', () => {
    assert.deepEqual(parseServerUrl('http://127.0.0.1:8080/'), {
      server: 'http://127.0.0.1:8080',
      cleartext: false,
    });
    assert.deepEqual(parseServerUrl('http://localhost:8080/api/v1'), {
      server: 'http://localhost:8080',
      cleartext: false,
    });
    assert.deepEqual(parseServerUrl('https://tl.example.com/trustlens'), {
      server: 'https://tl.example.com/trustlens',
      cleartext: false,
    });
    assert.equal(parseServerUrl('http://tl.example.com').cleartext, true);
    assert.equal(parseServerUrl('http://[::1]:9').cleartext, false);
    for (const bad of ['ftp://x', 'not a url', 'http://u:p@host', 'http://host/?a=1']) {
      assert.throws(
        () => parseServerUrl(bad),
        (e: AppError) => e.code === 'INVALID_INPUT',
        bad,
      );
    }
  });

  it('the API client turns each failure into a clear error, never with the token in it', async () => {
    const token = 'tlk_secret_token_value_0123456789';
    const answer = (status: number, body: string, type = 'application/json') =>
      createApiClient({
        server: 'http://127.0.0.1:9',
        token,
        fetch: (async (_url: string, init: RequestInit) => {
          assert.equal((init.headers as Record<string, string>).authorization, `Bearer ${token}`);
          return new Response(status === 204 ? null : body, { status, headers: { 'content-type': type } });
        }) as typeof fetch,
      });
    const failure = async (status: number, body: string, type?: string) => {
      try {
        await answer(status, body, type).request('GET', '/findings');
      } catch (e) {
        assert.ok(e instanceof AppError);
        const text = `${e.message} ${e.remediation ?? ''} ${JSON.stringify(e.details)}`;
        assert.ok(!text.includes(token), 'the token is not in the error');
        return e;
      }
      assert.fail('no error');
    };
    const err = (code: string, message: string, remediation = 'do this') =>
      JSON.stringify({ error: { code, message, remediation } });

    const unauthorized = await failure(401, err('UNAUTHENTICATED', 'The API token is not valid.'));
    assert.equal(unauthorized.code, 'UNAUTHENTICATED');
    assert.match(unauthorized.remediation!, /\/settings\/tokens/);
    const forbidden = await failure(
      403,
      err('FORBIDDEN', 'This needs the analyst role; you are signed in as viewer.'),
    );
    assert.equal(forbidden.code, 'FORBIDDEN');
    assert.match(forbidden.remediation!, /role/);
    const missing = await failure(404, err('NOT_FOUND', 'No finding "x".'));
    assert.equal(missing.code, 'NOT_FOUND');
    assert.equal(missing.message, 'No finding "x".');
    // The server's codes keep their exit codes (a refused Mistral key: 2).
    assert.equal(
      (await failure(400, err('INVALID_API_KEY', 'Mistral refused the key.'))).code,
      'INVALID_API_KEY',
    );
    // A server error echoing the token would still not show it.
    const echoed = await failure(500, err('INTERNAL', `boom Bearer ${token}`));
    assert.equal(echoed.code, 'INTERNAL');
    assert.match(echoed.remediation!, /log/);
    const bare500 = await failure(502, '<html>Bad gateway</html>', 'text/html');
    assert.equal(bare500.code, 'UNEXPECTED_RESPONSE');
    assert.match(bare500.message, /answered 502/);
    const page = await failure(200, '<html>login</html>', 'text/html');
    assert.equal(page.code, 'UNEXPECTED_RESPONSE');
    assert.match(page.message, /is not the TrustLens API's/);
    const notApi404 = await failure(404, 'Not Found', 'text/plain');
    assert.match(notApi404.remediation!, /TrustLens server/);
    // 204: nothing to parse.
    assert.equal(await answer(204, '').request('DELETE', '/integrations/x'), undefined);
  });

  it('a local command on a folder held by a server suggests the same command with --server', () => {
    const held = new AppError(
      'STORAGE_ERROR',
      'The data folder is held by the TrustLens server running at X.',
      {
        remediation: 'Stop it.',
        details: { pid: 1, server: 'http://127.0.0.1:8080' },
      },
    );
    const e = throughServerHint(held, [
      'findings',
      'list',
      'prod team',
      '--data-dir',
      '/d',
      '--wait=3',
      '--token',
      'secret-value',
    ]) as AppError;
    assert.match(
      e.remediation!,
      /^Run it through the server instead: `trustlens findings list 'prod team' --server http:\/\/127\.0\.0\.1:8080`/,
    );
    assert.ok(!e.remediation!.includes('secret-value'));
    assert.match(e.remediation!, /Stop it\.$/);
    const other = new AppError('STORAGE_ERROR', 'in use', { details: { pid: 1 } });
    assert.equal(throughServerHint(other, []), other);
  });
});
