/**
 * Issue 9 #1 and #5, as a process: a one-off scan whose usage could be read only in part reports
 * `partial` (never `succeeded`), never promises a "next sync", and `--fail-on` with partial coverage
 * exits with its own code unless `--allow-partial`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';
import { runCli } from './helpers/run-cli.ts';

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
  const r = await runCli(['scan', '--format', 'json', '--base-url', proxy.url], {
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

  const table = await runCli(['scan', '--base-url', proxy.url], { MISTRAL_API_KEY: sim.apiKey });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /partial/i);
  assert.doesNotMatch(table.stdout + table.stderr, /next sync/i);
});
