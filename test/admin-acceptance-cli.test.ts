/**
 * Issue 11's "done when", the way a user runs it (the CLI, a simulated workspace): an integration holds
 * both keys; between two syncs alice removes an agent's guardrails (the audit log says so); `trustlens
 * events` then says the guardrails were removed and by whom. The admin key never appears in any output,
 * nor in any file of the data folder. The commands run in-process (runCliInProcess), the last one (the
 * events table) through bin/trustlens as a process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator, type SimAgent } from '../src/simulator/index.ts';
import { runCli, runCliInProcess, type CliRun } from './helpers/run-cli.ts';

/** A new version of the agent without guardrails, made current (as a PATCH would). */
function removeGuardrails(a: SimAgent, at: string): void {
  const version = Math.max(...a.versions.map((v) => Number(v.version ?? 0))) + 1;
  const next = { ...structuredClone(a.current), version, guardrails: null, updated_at: at };
  a.versions.push(next);
  const all = a.versions.map((v) => Number(v.version ?? 0));
  for (const v of a.versions) v.versions = all;
  a.current = next;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('both keys: a guardrail removal is attributed to its author in `trustlens events`; no key anywhere', async () => {
  const sim = await startSimulator({
    seed: 23,
    generator: { agents: 5, conversations: 6, now: new Date().toISOString() },
    adminRequestsPerSecond: 1000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-admin-acceptance-'));
  const data = join(dir, 'data');
  const adminFile = join(dir, 'admin.key');
  writeFileSync(adminFile, `${sim.adminApiKey}\n`, { mode: 0o600 });
  const d = ['--data-dir', data];
  const env = { MISTRAL_API_KEY: sim.apiKey };
  const outputs: CliRun[] = [];
  const cli = async (args: string[], asProcess = false) => {
    const r = await (asProcess ? runCli : runCliInProcess)(args, env, 180_000);
    outputs.push(r);
    return r;
  };
  try {
    const add = await cli([
      'integration',
      'add',
      '--name',
      'prod',
      '--base-url',
      sim.url,
      '--admin-api-key-file',
      adminFile,
      ...d,
    ]);
    assert.equal(add.code, 0, add.stderr);
    const first = await cli(['sync', 'prod', ...d]);
    assert.equal(first.code, 0, first.stderr);

    const agent = sim.workspace.agents.find((a) => a.current.guardrails && a.current.guardrails.length > 0);
    assert.ok(agent, 'the generated workspace has a guarded agent');
    const at = new Date().toISOString();
    removeGuardrails(agent, at);
    sim.addAuditEntry({
      actor_type: 'HUMAN',
      actor_metadata: { email: 'alice@example.com', name: 'Alice', user_uuid: 'u-alice' },
      created_at: at,
      event_type: 'agent.update',
      event_metadata: { guardrails: 'removed' },
      target_type: 'AGENT',
      target_metadata: { id: String(agent.current.id), name: String(agent.current.name ?? '') },
    });

    const second = await cli(['sync', 'prod', ...d]);
    assert.equal(second.code, 0, second.stderr);
    const events = await cli(['events', 'prod', '--format', 'json', ...d]);
    assert.equal(events.code, 0, events.stderr);
    const list = JSON.parse(events.stdout) as {
      type: string;
      resourceId: string;
      summary: string;
      attribution?: { actor: string | null } | null;
    }[];
    const removed = list.find((e) => e.type === 'guardrails_removed' && e.resourceId === agent.current.id);
    assert.ok(removed, `a guardrails_removed event for ${agent.current.id}: ${events.stdout.slice(0, 2000)}`);
    assert.equal(removed.attribution?.actor, 'alice@example.com');
    assert.match(removed.summary, /by alice@example\.com/);
    const table = await cli(['events', 'prod', ...d], true);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /alice@example\.com/, 'the table says who');

    for (const r of outputs) {
      for (const secret of [sim.adminApiKey, sim.apiKey]) {
        assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no key in any output');
      }
    }
    const needles = [sim.adminApiKey, sim.apiKey].map((k) => Buffer.from(k));
    for (const file of filesUnder(data)) {
      const bytes = readFileSync(file);
      for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `no plaintext key in ${file}`);
    }
  } finally {
    await sim.close();
  }
});
