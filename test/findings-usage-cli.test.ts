/**
 * Issue 9 reproductions for the CLI's read and mute verbs against the simulator (the set-up as a
 * process, the rest through the CLI's main() in this process; PGlite data folder): #2 `usage --agent` by
 * name, unknown and ambiguous agents, `trustlens agents`; #3 strict `findings mute --expires` dates (exit
 * 64, nothing muted); #4 no silent replacement of a mute, `--replace`, and the mute history in
 * `findings show` (with remediation and PATCH body); `events` and `keys status` through the services.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';

interface AgentRow {
  id: string;
  name: string | null;
  model: string | null;
  guardrailState: string;
}

interface MuteHistory {
  action: 'mute' | 'unmute';
  by: string | null;
  reason: string | null;
  expiresAt: string | null;
}

test('agents, usage --agent, findings mute/show/unmute, events and keys through the services', async () => {
  const sim = await startSimulator({ seed: 9, generator: { agents: 6, conversations: 40 } });
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-h6-'));
  const d = ['--data-dir', dir];
  // Two agents with the same name (#2: an ambiguous name lists the candidates).
  const [first, second, third] = sim.workspace.agents;
  const dupName = first.current.name;
  second.current.name = dupName;
  for (const v of second.versions) v.name = dupName;
  const uniqueName = third.current.name;
  try {
    const added = await runCli(['integration', 'add', '--name', 'prod', '--base-url', sim.url, ...d], {
      MISTRAL_API_KEY: sim.apiKey,
    });
    assert.equal(added.code, 0, added.stderr);
    const synced = await runCli(['sync', 'prod', ...d]);
    assert.equal(synced.code, 0, synced.stderr);

    // `trustlens agents`: ids, names, models, guardrails.
    const agentsJson = await runCliInProcess(['agents', 'prod', '--format', 'json', ...d]);
    assert.equal(agentsJson.code, 0, agentsJson.stderr);
    const agents = JSON.parse(agentsJson.stdout) as AgentRow[];
    assert.deepEqual(agents.map((a) => a.id).sort(), sim.workspace.agents.map((a) => a.current.id).sort());
    const table = await runCliInProcess(['agents', 'prod', ...d]);
    assert.match(table.stdout, /^id\s+name\s+model\s+guardrails/);
    for (const a of agents) {
      assert.ok(table.stdout.includes(a.id), `${a.id} listed`);
      assert.ok(['none', 'non_blocking', 'blocking', 'unknown'].includes(a.guardrailState));
    }

    // #2: a name matching exactly one agent is accepted (also in another case) and gives that agent's series.
    const byId = await runCliInProcess([
      'usage',
      'prod',
      '--agent',
      third.current.id,
      '--days',
      '365',
      '--format',
      'json',
      ...d,
    ]);
    assert.equal(byId.code, 0, byId.stderr);
    const byName = await runCliInProcess([
      'usage',
      'prod',
      '--agent',
      uniqueName,
      '--days',
      '365',
      '--format',
      'json',
      ...d,
    ]);
    assert.equal(byName.code, 0, byName.stderr);
    const idSeries = JSON.parse(byId.stdout);
    const nameSeries = JSON.parse(byName.stdout);
    assert.equal(nameSeries.agentId, third.current.id);
    assert.equal(nameSeries.agentName, uniqueName);
    assert.deepEqual(nameSeries.series, idSeries.series);
    assert.equal(nameSeries.series.length, 365);
    const folded = await runCliInProcess([
      'usage',
      'prod',
      '--agent',
      uniqueName.toUpperCase(),
      '--days',
      '7',
      ...d,
    ]);
    assert.equal(folded.code, 0, folded.stderr);
    assert.ok(folded.stdout.includes(third.current.id), 'the table names the agent id');

    // #2: an ambiguous name is an error listing the candidates.
    const ambiguous = await runCliInProcess(['usage', 'prod', '--agent', dupName, ...d]);
    assert.equal(ambiguous.code, 1, ambiguous.stderr);
    assert.equal(ambiguous.stdout, '', 'no series is printed');
    assert.match(ambiguous.stderr, new RegExp(`2 agents are named "${dupName}"`));
    assert.ok(ambiguous.stderr.includes(first.current.id) && ambiguous.stderr.includes(second.current.id));
    assert.match(ambiguous.stderr, /What to do: Name the agent by its id/);

    // #2: an unknown id (or name) is an error saying how to list ids, never 90 days of zeros.
    for (const ref of ['ag_does_not_exist', 'Nobody here']) {
      const unknown = await runCliInProcess(['usage', 'prod', '--agent', ref, ...d]);
      assert.equal(unknown.code, 1, unknown.stderr);
      assert.equal(unknown.stdout, '');
      assert.match(unknown.stderr, new RegExp(`No agent "${ref}"`));
      assert.match(unknown.stderr, /trustlens agents prod/);
    }

    // A finding with a PATCH body in its remediation.
    const list = await runCliInProcess(['findings', 'list', 'prod', '--format', 'json', ...d]);
    assert.equal(list.code, 0, list.stderr);
    const open = JSON.parse(list.stdout) as Array<{ id: string; ruleId: string; muted: boolean }>;
    const target = open.find((f) => f.ruleId === 'mistral_agent_guardrails_missing');
    assert.ok(target, 'the workspace has an agent without guardrails');
    const show = async () => {
      const r = await runCliInProcess(['findings', 'show', target.id, '--format', 'json', ...d]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as {
        mute: { reason: string; by: string; expiresAt: string | null } | null;
        muted: boolean;
        muteHistory: MuteHistory[];
      };
    };

    // #3: dates that do not exist, or are not ISO dates, are usage errors (64) and mute nothing.
    for (const bad of ['2027-02-30', '2027-06-31', '2027', 'Feb 2 2027']) {
      const r = await runCliInProcess([
        'findings',
        'mute',
        target.id,
        '--reason',
        'x',
        '--by',
        'alice',
        '--expires',
        bad,
        ...d,
      ]);
      assert.equal(r.code, 64, `${bad}: ${r.stderr}`);
      assert.ok(r.stderr.includes(`Invalid --expires "${bad}"`), r.stderr);
      assert.match(r.stderr, /What to do: Pass a date that exists, YYYY-MM-DD/);
    }
    const untouched = await show();
    assert.equal(untouched.mute, null);
    assert.deepEqual(untouched.muteHistory, []);

    // A real date mutes to the end of that day, UTC.
    const muted = await runCliInProcess([
      'findings',
      'mute',
      target.id,
      '--reason',
      'sandbox agent',
      '--by',
      'alice',
      '--expires',
      '2099-01-31',
      ...d,
    ]);
    assert.equal(muted.code, 0, muted.stderr);
    assert.match(muted.stdout, /until 2099-01-31T23:59:59.999Z/);
    const afterMute = await show();
    assert.deepEqual(
      [afterMute.muted, afterMute.mute?.by, afterMute.mute?.expiresAt],
      [true, 'alice', '2099-01-31T23:59:59.999Z'],
    );

    // #4: muting again without --replace is refused and changes nothing.
    const again = await runCliInProcess([
      'findings',
      'mute',
      target.id,
      '--reason',
      'forever',
      '--by',
      'bob',
      ...d,
    ]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /is already muted by alice/);
    assert.match(again.stderr, /--replace/);
    const stillFirst = await show();
    assert.equal(stillFirst.mute?.expiresAt, '2099-01-31T23:59:59.999Z', 'the time-limited mute is kept');
    assert.equal(stillFirst.muteHistory.length, 1);

    const replaced = await runCliInProcess([
      'findings',
      'mute',
      target.id,
      '--reason',
      'forever',
      '--by',
      'bob',
      '--replace',
      ...d,
    ]);
    assert.equal(replaced.code, 0, replaced.stderr);
    const unmuted = await runCliInProcess(['findings', 'unmute', target.id, '--by', 'carol', ...d]);
    assert.equal(unmuted.code, 0, unmuted.stderr);
    const final = await show();
    assert.equal(final.mute, null);
    assert.deepEqual(
      final.muteHistory.map((h) => [h.action, h.by, h.reason, h.expiresAt]),
      [
        ['mute', 'alice', 'sandbox agent', '2099-01-31T23:59:59.999Z'],
        ['mute', 'bob', 'forever', null],
        ['unmute', 'carol', null, null],
      ],
    );
    // #15 (the part this verb covers): the terminal view has the remediation, the PATCH body and the history.
    const text = await runCliInProcess(['findings', 'show', target.id, ...d]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Remediation:/);
    assert.match(text.stdout, /PATCH \/v1\/agents\/\S+ with this body/);
    assert.match(text.stdout, /"moderation_llm_v2"/);
    assert.match(text.stdout, /Compliance:\n {2}owasp-llm-2025 LLM01/);
    assert.match(
      text.stdout,
      /Mute history:\n.*mute {4}by alice.*"sandbox agent"\n.*mute {4}by bob, no expiry: "forever"\n.*unmute {2}by carol/,
    );
    const missing = await runCliInProcess(['findings', 'show', 'no-such-finding', ...d]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No finding "no-such-finding"/);
    assert.match(missing.stderr, /What to do: List the findings with their ids: `trustlens findings list/);

    // events through the services: empty says why; strict --since; --limit.
    const none = await runCliInProcess(['events', 'prod', ...d]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /No events yet for prod: events compare two syncs/);
    sim.evolve();
    assert.equal((await runCliInProcess(['sync', 'prod', ...d])).code, 0);
    const events = JSON.parse(
      (await runCliInProcess(['events', 'prod', '--format', 'json', ...d])).stdout,
    ) as unknown[];
    assert.ok(events.length > 1, 'the second sync recorded change events');
    const one = JSON.parse(
      (await runCliInProcess(['events', 'prod', '--limit', '1', '--format', 'json', ...d])).stdout,
    );
    assert.equal(one.length, 1);
    const badSince = await runCliInProcess(['events', 'prod', '--since', '2026-02-30', ...d]);
    assert.equal(badSince.code, 64, badSince.stderr);
    assert.match(badSince.stderr, /Invalid --since "2026-02-30"/);

    // keys status through services.keys: one stored key, wrapped by the current master key.
    const keys = await runCliInProcess(['keys', 'status', '--format', 'json', ...d]);
    assert.equal(keys.code, 0, keys.stderr);
    const status = JSON.parse(keys.stdout);
    assert.deepEqual(status.usage, [
      { masterKeyId: status.currentKeyId, integrations: 1, alertSecrets: 0, state: 'current' },
    ]);
    for (const r of [keys, agentsJson, byName, list]) assert.ok(!r.stdout.includes(sim.apiKey));
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
