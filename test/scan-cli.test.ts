/**
 * `trustlens scan` against the simulator on 127.0.0.1. Most cases run in-process through the CLI's
 * main (runCliInProcess: same output, same exit code); a refused key and the --fail-on gate also run as
 * users run them, a child process (bin/trustlens), where the exit status is the process's own.
 */
import { test, before, after } from 'node:test';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { storeGuardrails } from '../src/inventory/guardrails.ts';
import { redactTool } from '../src/inventory/redact.ts';

let sim: SimulatorHandle;
before(async () => {
  sim = await startSimulator({ seed: 7, generator: { agents: 10, conversations: 120 } });
});
after(async () => {
  await sim?.close();
});

test('scan --format json reports the whole workspace, field by field', async () => {
  const r = await runCliInProcess(['scan', '--format', 'json', '--base-url', sim.url], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(sim.apiKey) && !r.stderr.includes(sim.apiKey), 'the key is never printed');
  const report = JSON.parse(r.stdout);
  // Third-party credentials in connector tools never reach a report.
  const tokens = sim.workspace.agents.flatMap((x) =>
    (x.current.tools ?? []).flatMap((t) =>
      t.type === 'connector' && t.authorization ? [t.authorization.value] : [],
    ),
  );
  assert.ok(tokens.length > 0, 'the workspace has connector credentials');
  for (const token of tokens) assert.ok(!r.stdout.includes(token), 'a connector credential was printed');
  assert.equal(report.schemaVersion, 1);
  assert.ok(!Number.isNaN(Date.parse(report.generatedAt)));
  assert.deepEqual(report.source, { provider: 'mistral', baseUrl: sim.url });
  assert.deepEqual(report.availability, {
    models: 'available',
    files: 'available',
    agents: 'available',
    libraries: 'available',
    usage: 'available',
    versions: 'available',
  });
  assert.deepEqual(report.errors, []);

  const ws = sim.workspace;
  assert.equal(report.agents.length, ws.agents.length);
  const libIds = new Set(ws.libraries.map((l) => l.library.id));
  for (const simAgent of ws.agents) {
    const a = simAgent.current;
    const got = report.agents.find((x: { id: string }) => x.id === a.id);
    assert.ok(got, `agent ${a.id} listed`);
    assert.equal(got.name, a.name);
    assert.equal(got.description, a.description ?? null);
    assert.equal(got.model, a.model);
    assert.equal(got.instructions, a.instructions ?? null);
    assert.equal(got.temperature, a.completion_args?.temperature ?? null);
    assert.equal(got.topP, a.completion_args?.top_p ?? null);
    assert.deepEqual(got.tools, (a.tools ?? []).map(redactTool), 'tools as returned, credentials redacted');
    assert.deepEqual(
      got.versions,
      [...a.versions].sort((x, y) => x - y),
    );
    assert.equal(got.versionHistory.length, simAgent.versions.length);
    assert.deepEqual(
      got.aliases.map((x: { alias: string; version: number }) => [x.alias, x.version]).sort(),
      simAgent.aliases.map((x) => [x.alias, x.version]).sort(),
    );
    assert.deepEqual(got.guardrails, storeGuardrails(a.guardrails));
    assert.equal(got.deploymentChat, a.deployment_chat);
    const kbIds = (a.tools ?? []).flatMap((t) => (t.type === 'document_library' ? t.library_ids : []));
    for (const kb of got.knowledgeBases) {
      assert.ok(kbIds.includes(kb.id));
      assert.equal(kb.found, libIds.has(kb.id));
    }
    assert.ok(got.usage, 'usage is filled for every agent');
    assert.ok(['active', 'idle'].includes(got.status));
  }
  // Runs: every message.output entry attributed by its own agent_id lands on that agent.
  const expectedRuns = new Map<string, number>();
  for (const c of ws.conversations) {
    for (const e of c.entries) {
      if (e.type === 'message.output' && e.agent_id)
        expectedRuns.set(e.agent_id, (expectedRuns.get(e.agent_id) ?? 0) + 1);
    }
  }
  for (const a of report.agents)
    assert.equal(a.usage.totalRuns, expectedRuns.get(a.id) ?? 0, `runs of ${a.id}`);

  assert.deepEqual(report.models.map((m: { id: string }) => m.id).sort(), ws.models.map((m) => m.id).sort());
  for (const m of report.models) {
    assert.ok(['stable', 'deprecated', 'legacy'].includes(m.lifecycle));
    assert.ok(Array.isArray(m.capabilities));
  }
  assert.deepEqual(
    report.files.map((f: { id: string; sizeBytes: number }) => [f.id, f.sizeBytes]).sort(),
    ws.files.map((f) => [f.id, f.bytes]).sort(),
  );
  assert.deepEqual(
    report.libraries.map((l: { id: string; documentCount: number }) => [l.id, l.documentCount]).sort(),
    ws.libraries.map((l) => [l.library.id, l.library.nb_documents]).sort(),
  );

  // The product document's finding: exactly the agents whose guardrails are null.
  const unguarded = ws.agents
    .filter((x) => storeGuardrails(x.current.guardrails) === null)
    .map((x) => x.current.id);
  assert.ok(unguarded.length > 0, 'the generated workspace has unguarded agents');
  const missing = report.findings.filter(
    (f: { ruleId: string }) => f.ruleId === 'mistral_agent_guardrails_missing',
  );
  assert.deepEqual(missing.map((f: { resourceId: string }) => f.resourceId).sort(), unguarded.sort());
  for (const f of missing) {
    assert.equal(f.status, 'FAIL');
    assert.equal(f.resourceType, 'agent');
    for (const k of ['severity', 'title', 'detail']) assert.equal(typeof f[k], 'string');
  }
  for (const f of report.findings) assert.ok(['FAIL', 'UNKNOWN'].includes(f.status));
});

test('scan --format table prints a summary; --api-key-file and --output work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-scan-'));
  const keyFile = join(dir, 'key');
  writeFileSync(keyFile, `${sim.apiKey}\n`, { mode: 0o600 });
  const out = join(dir, 'report.txt');
  const r = await runCliInProcess([
    'scan',
    '--api-key-file',
    keyFile,
    '--base-url',
    sim.url,
    '--output',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /Feature availability/);
  assert.match(text, /Findings: \d+ failing/);
  assert.match(
    text,
    /high\s+mistral_agent_guardrails_missing\s+[1-9]\d*\s+0\s+Agent has no guardrails/,
    'per-rule summary',
  );
  assert.ok(!text.includes(sim.apiKey));
});

test('a bad key exits 2 with the troubleshooting message and never prints the key', async () => {
  const badKey = 'bad-key-0123456789abcdef';
  // As a process: exit 2 is bin/trustlens's own status.
  const r = await runCli(['scan', '--base-url', sim.url], { MISTRAL_API_KEY: badKey });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /The API key is invalid or has expired/);
  assert.match(r.stderr, /Mistral Console/);
  assert.ok(!r.stderr.includes(badKey) && !r.stdout.includes(badKey));
});

test('no key at all is a usage error that says what to do', async () => {
  const r = await runCliInProcess(['scan', '--base-url', sim.url]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /MISTRAL_API_KEY/);
});

test('an unreachable API exits 2', async () => {
  const r = await runCliInProcess(
    ['scan', '--base-url', 'http://127.0.0.1:9'],
    { MISTRAL_API_KEY: 'k-unreachable-test' },
    180_000,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.ok(!r.stderr.includes('k-unreachable-test'));
});

for (const status of [403, 404] as const) {
  test(`without beta access (${status}) models and files are still discovered and no agent check passes`, async () => {
    const noBeta = await startSimulator({
      seed: 7,
      generator: { agents: 5, conversations: 20 },
      beta: { enabled: false, status },
    });
    try {
      const r = await runCliInProcess(['scan', '--format', 'json', '--base-url', noBeta.url], {
        MISTRAL_API_KEY: noBeta.apiKey,
      });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.availability.models, 'available');
      assert.equal(report.availability.files, 'available');
      for (const k of ['agents', 'libraries', 'usage', 'versions'])
        assert.equal(report.availability[k], 'unavailable', k);
      assert.equal(report.models.length, noBeta.workspace.models.length);
      assert.equal(report.files.length, noBeta.workspace.files.length);
      assert.deepEqual(report.agents, []);
      assert.ok(
        report.errors.some(
          (e: { feature: string; remediation: string }) =>
            e.feature === 'agents' && /beta/i.test(e.remediation),
        ),
      );
      const coverage = report.findings.find(
        (f: { ruleId: string }) => f.ruleId === 'mistral_integration_partial_coverage',
      );
      assert.equal(coverage?.status, 'FAIL');
      assert.ok(!report.findings.some((f: { resourceType: string }) => f.resourceType === 'agent'));
    } finally {
      await noBeta.close();
    }
  });
}

test('behind a tight rate limit the scan still completes with every record', async () => {
  const limited = await startSimulator({
    seed: 3,
    generator: { agents: 4, conversations: 30 },
    rateLimit: { rps: 15 },
  });
  try {
    const r = await runCliInProcess(['scan', '--format', 'json', '--base-url', limited.url, '--rps', '50'], {
      MISTRAL_API_KEY: limited.apiKey,
    });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.agents.length, limited.workspace.agents.length);
    assert.ok(Object.values(report.availability).every((s) => s === 'available'));
    assert.ok(limited.stats().rateLimited > 0, 'the limiter was actually hit');
    assert.equal(limited.stats().refusedNonGet, 0);
  } finally {
    await limited.close();
  }
});

test('scan --data-dir keeps history: the second scan reports what changed; the key is stored encrypted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-data-'));
  const evolving = await startSimulator({ seed: 7, generator: { agents: 6, conversations: 40 } });
  try {
    const env = { MISTRAL_API_KEY: evolving.apiKey };
    const first = await runCliInProcess(
      ['scan', '--format', 'json', '--base-url', evolving.url, '--data-dir', dir],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    const r1 = JSON.parse(first.stdout);
    assert.equal(r1.storage.changeEvents, 0);
    const summary = evolving.evolve();
    const second = await runCliInProcess(
      ['scan', '--format', 'json', '--base-url', evolving.url, '--data-dir', dir],
      env,
    );
    assert.equal(second.code, 0, second.stderr);
    const r2 = JSON.parse(second.stdout);
    assert.equal(
      r2.storage.integrationId,
      r1.storage.integrationId,
      'the same workspace is the same integration',
    );
    assert.notEqual(r2.storage.syncRunId, r1.storage.syncRunId);
    assert.ok(r2.storage.changeEvents > 0, `evolve changed ${JSON.stringify(summary)}; events recorded`);
    assert.equal(r2.agents.length, evolving.workspace.agents.length);
    // The master key file is private, and no file of the database holds the API key in plaintext.
    const { statSync, readdirSync } = await import('node:fs');
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
    const needles = [
      evolving.apiKey,
      ...evolving.workspace.agents.flatMap((x) =>
        x.versions.flatMap((v) =>
          (v.tools ?? []).flatMap((t) =>
            t.type === 'connector' && t.authorization ? [t.authorization.value] : [],
          ),
        ),
      ),
    ].map((n) => Buffer.from(n));
    assert.ok(needles.length > 1, 'the workspace has connector credentials');
    const walk = (p: string): string[] =>
      statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => walk(join(p, n))) : [p];
    for (const file of walk(dir)) {
      const bytes = readFileSync(file);
      for (const needle of needles)
        assert.equal(bytes.indexOf(needle), -1, `${file} holds a credential in plaintext`);
    }
  } finally {
    await evolving.close();
  }
});

test('bad input is refused with exit 64 and a remediation, before any request', async () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['scan', '--bogus'], {}, /unknown option/],
    [
      ['scan', '--base-url', sim.url, '--format', 'xml'],
      { MISTRAL_API_KEY: sim.apiKey },
      /Use --format with one of: table, json, ocsf, sarif, csv, cyclonedx, html/,
    ],
    [
      ['scan', '--base-url', 'http://mistral-proxy.example.com'],
      { MISTRAL_API_KEY: 'k-plain-http-0000' },
      /unencrypted/,
    ],
    [['scan', '--base-url', sim.url], { MISTRAL_API_KEY: `${sim.apiKey}\u200b` }, /Copy the key again/],
  ];
  for (const [args, env, pattern] of cases) {
    const r = await runCliInProcess(args, env);
    assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.ok(!r.stderr.includes(sim.apiKey));
  }
});

test('--output replaces an existing file with a private one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-out-'));
  const out = join(dir, 'report.json');
  writeFileSync(out, 'old', { mode: 0o644 });
  const r = await runCliInProcess(['scan', '--format', 'json', '--base-url', sim.url, '--output', out], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 0, r.stderr);
  const { statSync } = await import('node:fs');
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).schemaVersion, 1);
});

test('a scan that can read nothing exits 1, with a report that says so', async () => {
  const { createServer } = await import('node:http');
  const teapot = createServer((_req, res) => {
    res.writeHead(418, { 'content-type': 'application/json' });
    res.end('{"message":"I am a teapot"}');
  });
  await new Promise<void>((r) => teapot.listen(0, '127.0.0.1', r));
  try {
    const { port } = teapot.address() as { port: number };
    const r = await runCliInProcess(['scan', '--format', 'json', '--base-url', `http://127.0.0.1:${port}`], {
      MISTRAL_API_KEY: 'k-teapot-0000000',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, 'failed');
    assert.match(r.stderr, /Nothing could be read/);
  } finally {
    teapot.closeAllConnections();
    teapot.close();
  }
});

test('--fail-on gates a pipeline: exit 3 when a finding fails at that severity or higher, report still printed', async () => {
  const env = { MISTRAL_API_KEY: sim.apiKey };
  // As a process: the status a pipeline reads is bin/trustlens's.
  const gated = await runCli(['scan', '--format', 'json', '--base-url', sim.url, '--fail-on', 'high'], env);
  assert.equal(gated.code, 3, gated.stderr);
  const report = JSON.parse(gated.stdout);
  const high = report.findings.filter(
    (f: { status: string; severity: string }) =>
      f.status === 'FAIL' && ['critical', 'high'].includes(f.severity),
  );
  assert.ok(high.length > 0);
  assert.match(gated.stderr, new RegExp(`${high.length} failing finding\\(s\\) at severity high or higher`));
  const bad = await runCliInProcess(['scan', '--base-url', sim.url, '--fail-on', 'severe'], env);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /--fail-on must be one of critical, high, medium, low, info/);
});
