/**
 * Stored syncs end to end, on both storage back ends: the simulator serves a hand-written workspace
 * (scenarios/small.json), two syncs run with a change in between, and the test asserts the exact set
 * of findings and change events, deletion marking, and that a failed or partial sync loses nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { loadScenario, startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore, type Store } from '../src/store/store.ts';
import { testBackends } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';

const SCENARIO = resolve(import.meta.dirname, '../scenarios/small.json');
const A = 'ag_0198a1b2c3d40000000000000000000a'; // Support triage
const B = 'ag_0198a1b2c3d40000000000000000000b'; // Legal reviewer
const PII_FILE = '3b7e0000-0000-4000-8000-000000000002';
const UNUSED_LIB = '0198f0e2-0000-4000-8000-00000000000b';

// The simulator on 127.0.0.1 has no rate to respect: at the default 20 requests a second, pacing alone made
// this file's syncs (~35 requests each, 16 of them) last ~28 s. A few at once, and room for a retry on a
// loaded machine (a keep-alive socket reset by the simulator).
const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({
    ...o,
    requestsPerSecond: 1000,
    maxConcurrency: 4,
    maxRetryElapsedMs: 30_000,
    requestTimeoutMs: 30_000,
  });

async function findingSet(store: Store, integrationId: string): Promise<string[]> {
  const all = await store.findings.list(integrationId, { status: 'all', includeMuted: true });
  return all.map((f) => `${f.status} ${f.lastStatus} ${f.ruleId} ${f.resourceType}:${f.resourceId}`).sort();
}

/** Sync 2's change: agent A gets a version 2 without guardrails and "production" moves to it; B is deleted. */
function removeGuardrailsAndDeleteB(sim: SimulatorHandle): void {
  const a = sim.workspace.agents.find((x) => x.current.id === A)!;
  const v2 = {
    ...structuredClone(a.current),
    version: 2,
    guardrails: null,
    updated_at: '2026-06-02T10:00:00Z',
  };
  a.versions.push(v2);
  for (const v of a.versions) v.versions = [0, 1, 2];
  a.current = v2;
  a.aliases = a.aliases.map((al) =>
    al.alias === 'production' ? { ...al, version: 2, updated_at: '2026-06-02T10:00:00Z' } : al,
  );
  sim.workspace.agents = sim.workspace.agents.filter((x) => x.current.id !== B);
}

for (const backend of testBackends()) {
  test(`two syncs: exact findings and events (${backend.kind})`, { skip: backend.skip }, async () => {
    const sim = await startSimulator({ workspace: loadScenario(SCENARIO) });
    const t = await backend.open();
    try {
      const store = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
      const integ = await store.integrations.create(
        { name: 'e2e', apiKey: sim.apiKey, baseUrl: sim.url },
        new Date('2026-06-01T00:00:00Z'),
      );

      const r1 = await runStoredSync({
        store,
        integrationId: integ.id,
        connectorFactory,
        now: new Date('2026-06-02T00:00:00Z'),
      });
      assert.equal(r1.pipeline.status, 'succeeded');
      assert.deepEqual(r1.events, [], 'the first sync records no change events');
      assert.deepEqual(await findingSet(store, integ.id), [
        `open FAIL mistral_agent_alias_unguarded_version agent:${A}`, // production → v0, which has no guardrails
        `open FAIL mistral_agent_chat_deployed_unguarded agent:${B}`, // deployment_chat with action "none"
        `open FAIL mistral_agent_connector_unconfirmed agent:${B}`, // code_interpreter without requires_confirmation
        `open FAIL mistral_agent_guardrails_jailbreak_unchecked agent:${B}`, // ignore_other_categories, sexual only
        `open FAIL mistral_agent_guardrails_not_blocking agent:${B}`,
        `open FAIL mistral_agent_guardrails_pii_unchecked agent:${B}`,
        `open FAIL mistral_agent_handoff_weaker_guardrails agent:${A}`, // A blocks; B, its handoff target, does not
        `open FAIL mistral_agent_instructions_secret agent:${A}`, // "Billing key: sk-test-…"
        `open FAIL mistral_agent_instructions_secret agent:${B}`,
        `open FAIL mistral_agent_model_unpinned agent:${A}`, // mistral-small-latest
        `open FAIL mistral_agent_owner_missing agent:${A}`, // no description
        `open FAIL mistral_agent_owner_missing agent:${B}`, // no owner, no description
        `open FAIL mistral_agent_risky_tool_combination agent:${A}`, // web_search + library, the search unconfirmed: its guardrail screens input only
        `open FAIL mistral_agent_risky_tool_combination agent:${B}`, // web_search_premium + code_interpreter without confirmation
        `open FAIL mistral_agent_unused_tool agent:${A}`, // active (tool calls before the handoff), never searched its library
        `open FAIL mistral_agent_unused_tool agent:${B}`, // ran after the handoff, never generated an image
        `open FAIL mistral_file_sensitive_name file:${PII_FILE}`, // customers_pii_export.jsonl
        `open FAIL mistral_library_unused library:${UNUSED_LIB}`,
      ]);
      const run1 = await store.syncRuns.latest(integ.id);
      assert.equal(run1?.status, 'succeeded');
      assert.deepEqual(run1?.countsByType, { agent: 2, model: 3, file: 2, library: 2 });
      assert.ok((run1?.requests ?? 0) > 0);

      removeGuardrailsAndDeleteB(sim);
      const r2 = await runStoredSync({
        store,
        integrationId: integ.id,
        connectorFactory,
        now: new Date('2026-06-03T00:00:00Z'),
      });
      assert.equal(r2.pipeline.status, 'succeeded');
      assert.deepEqual(
        r2.events.map((e) => [e.type, e.resourceId, (e.changes ?? []).map((c) => c.field)]),
        [
          ['agent_changed', A, ['guardrails', 'version']],
          ['guardrails_removed', A, ['guardrails']],
          ['alias_moved', A, ['aliases.production']],
          ['resource_deleted', B, []],
        ],
      );
      const stored = await store.events.list(integ.id);
      assert.equal(stored.length, 4);
      assert.deepEqual(await findingSet(store, integ.id), [
        `open FAIL mistral_agent_alias_unguarded_version agent:${A}`,
        `open FAIL mistral_agent_guardrails_jailbreak_unchecked agent:${A}`,
        `open FAIL mistral_agent_guardrails_missing agent:${A}`,
        `open FAIL mistral_agent_guardrails_pii_unchecked agent:${A}`,
        `open FAIL mistral_agent_guardrails_regressed agent:${A}`, // v1 had blocking guardrails
        `open FAIL mistral_agent_handoff_target_missing agent:${A}`, // B, its handoff target, is deleted
        `open FAIL mistral_agent_instructions_secret agent:${A}`,
        `open FAIL mistral_agent_model_unpinned agent:${A}`,
        `open FAIL mistral_agent_owner_missing agent:${A}`,
        `open FAIL mistral_agent_risky_tool_combination agent:${A}`, // as in sync 1: guardrails never cleared it
        `open FAIL mistral_agent_unused_tool agent:${A}`,
        `open FAIL mistral_file_sensitive_name file:${PII_FILE}`,
        `open FAIL mistral_library_unused library:${UNUSED_LIB}`,
        // Every finding of the deleted agent resolves.
        `resolved FAIL mistral_agent_chat_deployed_unguarded agent:${B}`,
        `resolved FAIL mistral_agent_connector_unconfirmed agent:${B}`,
        `resolved FAIL mistral_agent_guardrails_jailbreak_unchecked agent:${B}`,
        `resolved FAIL mistral_agent_guardrails_not_blocking agent:${B}`,
        `resolved FAIL mistral_agent_guardrails_pii_unchecked agent:${B}`,
        `resolved FAIL mistral_agent_instructions_secret agent:${B}`,
        `resolved FAIL mistral_agent_owner_missing agent:${B}`,
        `resolved FAIL mistral_agent_risky_tool_combination agent:${B}`,
        `resolved FAIL mistral_agent_unused_tool agent:${B}`,
        // A has no guardrails now, so no agent it hands off to can be weaker.
        `resolved PASS mistral_agent_handoff_weaker_guardrails agent:${A}`,
      ]);
      // The deleted agent is kept, marked deleted, with its data.
      const deleted = await store.inventory.listDeleted(integ.id, 'agent');
      assert.deepEqual(
        deleted.map((d) => [d.id, d.deletedAt]),
        [[B, '2026-06-03T00:00:00.000Z']],
      );
      const live = await store.inventory.loadLive(integ.id);
      assert.deepEqual(
        live.agents.map((a) => a.id),
        [A],
      );
      assert.equal(live.agents[0].guardrails, null);
      assert.deepEqual(
        live.agents[0].versionHistory.map((v) => v.version),
        [0, 1, 2],
      );
      // Risk scores are kept per sync, so a trend can be drawn.
      const trend = await store.riskScores.history(integ.id, 'agent', A);
      assert.equal(trend.length, 2);
      assert.ok(trend[1].score > trend[0].score, 'removing guardrails raises the risk score');
    } finally {
      await t.cleanup();
      await sim.close();
    }
  });

  test(
    `changes made during a beta outage are reported by the first sync after it (${backend.kind})`,
    { skip: backend.skip },
    async () => {
      const sim = await startSimulator({ workspace: loadScenario(SCENARIO) });
      const t = await backend.open();
      try {
        const store = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
        const integ = await store.integrations.create({ name: 'e2e', apiKey: sim.apiKey, baseUrl: sim.url });
        const sync = (day: string) =>
          runStoredSync({
            store,
            integrationId: integ.id,
            connectorFactory,
            now: new Date(`${day}T00:00:00Z`),
          });
        await sync('2026-06-02');
        sim.configure({ beta: { enabled: false, status: 403 } });
        const outage = await sync('2026-06-03');
        assert.deepEqual(outage.events, []);
        // The stored agents keep their version history and aliases through the outage.
        const kept = (await store.inventory.loadLive(integ.id)).agents.find((a) => a.id === A)!;
        assert.deepEqual(
          kept.aliases.map((x) => [x.alias, x.version]),
          [
            ['production', 0],
            ['staging', 1],
          ],
        );
        removeGuardrailsAndDeleteB(sim);
        sim.configure({ beta: { enabled: true } });
        const back = await sync('2026-06-04');
        assert.deepEqual(
          back.events.map((e) => [e.type, e.resourceId]),
          [
            ['agent_changed', A],
            ['guardrails_removed', A],
            ['alias_moved', A],
            ['resource_deleted', B],
          ],
        );
      } finally {
        await t.cleanup();
        await sim.close();
      }
    },
  );

  test(
    `a sync that fails half-way keeps the earlier inventory (${backend.kind})`,
    { skip: backend.skip },
    async () => {
      const sim = await startSimulator({ workspace: loadScenario(SCENARIO) });
      const t = await backend.open();
      try {
        const store = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
        const integ = await store.integrations.create({ name: 'e2e', apiKey: sim.apiKey, baseUrl: sim.url });
        await runStoredSync({
          store,
          integrationId: integ.id,
          connectorFactory,
          now: new Date('2026-06-02T00:00:00Z'),
        });
        const before = await store.inventory.loadLive(integ.id);
        const findingsBefore = await findingSet(store, integ.id);

        // Beta access is lost and B is gone from the workspace: agent and library listings are incomplete,
        // so nothing may be marked deleted and no agent finding may resolve.
        sim.workspace.agents = sim.workspace.agents.filter((x) => x.current.id !== B);
        sim.configure({ beta: { enabled: false, status: 404 } });
        const partial = await runStoredSync({
          store,
          integrationId: integ.id,
          connectorFactory,
          now: new Date('2026-06-03T00:00:00Z'),
        });
        assert.equal(partial.pipeline.snapshot.availability.agents.status, 'unavailable');
        assert.deepEqual(partial.events, [], 'a beta outage is not a mass deletion');
        const after = await store.inventory.loadLive(integ.id);
        assert.deepEqual(
          after.agents.map((a) => a.id),
          before.agents.map((a) => a.id),
        );
        assert.deepEqual(
          after.libraries.map((l) => l.id),
          before.libraries.map((l) => l.id),
        );
        assert.deepEqual(await store.inventory.listDeleted(integ.id, 'agent'), []);
        const findingsAfter = (await findingSet(store, integ.id)).filter((f) => f.includes(' agent:'));
        assert.deepEqual(
          findingsAfter,
          findingsBefore.filter((f) => f.includes(' agent:')),
        );
        assert.ok(
          (await findingSet(store, integ.id)).includes(
            `open FAIL mistral_integration_partial_coverage integration:${integ.id}`,
          ),
        );

        // The key is revoked: the sync fails with the troubleshooting message, and nothing is lost.
        sim.configure({ beta: { enabled: true } });
        const revoked = createStore(t.db, { keyring: store.keyring });
        await revoked.integrations.rotateKey(integ.id, 'revoked-key-000000000000');
        await assert.rejects(
          runStoredSync({
            store: revoked,
            integrationId: integ.id,
            connectorFactory,
            now: new Date('2026-06-04T00:00:00Z'),
          }),
          (e: Error & { code?: string }) =>
            e.code === 'INVALID_API_KEY' && /invalid or has expired/.test(e.message),
        );
        const run = await store.syncRuns.latest(integ.id);
        assert.equal(run?.status, 'failed');
        assert.equal(run?.errors[0]?.code, 'INVALID_API_KEY');
        assert.deepEqual(
          (await store.inventory.loadLive(integ.id)).agents.map((a) => a.id),
          before.agents.map((a) => a.id),
        );
      } finally {
        await t.cleanup();
        await sim.close();
      }
    },
  );
}
