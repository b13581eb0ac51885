/**
 * Issue 9 #1 and #5: a one-off scan whose usage could be read only in part reports `partial` (never
 * `succeeded`), never promises a "next sync", and `--fail-on` with partial coverage exits with its own
 * code unless `--allow-partial`. In-process (runCliInProcess), except the gate's exit 4, which also runs
 * as a process (bin/trustlens).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

let sim: SimulatorHandle;
let proxy: FaultProxy;
let failingConversation: string;
let starter: string;
before(async () => {
  sim = await startSimulator({ seed: 11, generator: { agents: 4, conversations: 30 } });
  const c = sim.workspace.conversations.find((x) => typeof x.conversation.agent_id === 'string')!;
  failingConversation = c.conversation.id;
  starter = c.conversation.agent_id as string;
  // One conversation's history is refused (not a transient error): its usage is unknown.
  proxy = await startFaultProxy(sim.url, (path) =>
    path === `/v1/conversations/${failingConversation}/history`
      ? { status: 400, body: JSON.stringify({ message: 'history unavailable' }) }
      : null,
  );
});
after(async () => {
  await proxy?.close();
  await sim?.close();
});

test('scan: usage unknown for some agents because of a failure is status partial, worded for a one-off scan', async () => {
  const r = await runCliInProcess(['scan', '--format', 'json', '--base-url', proxy.url], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(proxy.intercepted.length >= 1, 'the failing history was asked for');
  const report = JSON.parse(r.stdout);
  assert.equal(report.status, 'partial');
  const usageError = report.errors.find((e: { feature: string }) => e.feature === 'usage');
  assert.ok(usageError, 'errors lists usage');
  assert.match(usageError.message, /partial/);
  const agent = report.agents.find((a: { id: string }) => a.id === starter);
  assert.ok(agent, 'the agent that started the failing conversation is listed');
  assert.equal(agent.usage, null, 'its usage is unknown');
  assert.doesNotMatch(r.stdout, /next sync/i, 'a one-off scan has no next sync');
  assert.doesNotMatch(r.stdout, /this sync\b/);

  const table = await runCliInProcess(['scan', '--base-url', proxy.url], { MISTRAL_API_KEY: sim.apiKey });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /partial/i);
  assert.doesNotMatch(table.stdout + table.stderr, /next sync/i);
});

test('scan --fail-on on a workspace without beta access exits 4 (coverage incomplete) unless --allow-partial', async () => {
  const noBeta = await startSimulator({
    seed: 5,
    generator: { agents: 3, conversations: 10 },
    beta: { enabled: false, status: 403 },
  });
  try {
    const env = { MISTRAL_API_KEY: noBeta.apiKey };
    // As a process: exit 4 is bin/trustlens's own status.
    const gated = await runCli(
      ['scan', '--format', 'json', '--base-url', noBeta.url, '--fail-on', 'high'],
      env,
    );
    assert.equal(gated.code, 4, gated.stderr);
    assert.match(gated.stderr, /coverage is incomplete: .*agents unavailable/);
    assert.match(gated.stderr, /--allow-partial/);
    assert.equal(JSON.parse(gated.stdout).summary.agents, 0, 'the report is still printed');

    const allowed = await runCliInProcess(
      ['scan', '--format', 'json', '--base-url', noBeta.url, '--fail-on', 'high', '--allow-partial'],
      env,
    );
    assert.equal(allowed.code, 0, allowed.stderr);

    const noGate = await runCliInProcess(['scan', '--format', 'json', '--base-url', noBeta.url], env);
    assert.equal(noGate.code, 0, 'without --fail-on nothing changes');
  } finally {
    await noBeta.close();
  }
});

test('scan --fail-on with usage partial because of a failure exits 4 too', async () => {
  const r = await runCliInProcess(
    ['scan', '--format', 'json', '--base-url', proxy.url, '--fail-on', 'critical'],
    {
      MISTRAL_API_KEY: sim.apiKey,
    },
  );
  const report = JSON.parse(r.stdout);
  const critical = report.summary.findingsBySeverity.critical;
  // A failing critical finding decides the gate (3); otherwise the partial usage does (4).
  assert.equal(r.code, critical > 0 ? 3 : 4, r.stderr);
  if (critical === 0) assert.match(r.stderr, /usage partial/);
});

test('scan --fail-on exits 4 when reading connectors failed (their rules are UNKNOWN), not 0', async () => {
  const empty = await startSimulator({
    seed: 11,
    generator: { agents: 0, conversations: 0, files: 0, libraries: 0 },
  });
  const refusing = await startFaultProxy(empty.url, (path) =>
    path.startsWith('/v1/connectors')
      ? { status: 400, body: JSON.stringify({ message: 'bad request' }) }
      : null,
  );
  try {
    const env = { MISTRAL_API_KEY: empty.apiKey };
    const r = await runCliInProcess(
      ['scan', '--format', 'json', '--base-url', refusing.url, '--fail-on', 'high'],
      env,
    );
    const report = JSON.parse(r.stdout);
    assert.equal(report.status, 'partial');
    assert.equal(report.extraAvailability.connectors.status, 'error');
    assert.equal(report.summary.findingsBySeverity.high + report.summary.findingsBySeverity.critical, 0);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /coverage is incomplete: connectors failed/);
    const coverage = report.findings.find(
      (f: { ruleId: string }) => f.ruleId === 'mistral_integration_partial_coverage',
    );
    assert.equal(coverage.status, 'FAIL', 'the coverage rule says so too');
    const allowed = await runCliInProcess(
      ['scan', '--format', 'json', '--base-url', refusing.url, '--fail-on', 'high', '--allow-partial'],
      env,
    );
    assert.equal(allowed.code, 0, allowed.stderr);
  } finally {
    await refusing.close();
    await empty.close();
  }
});
