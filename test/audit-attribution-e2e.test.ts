/**
 * Audit log end to end (issue 11): stored syncs of a simulated workspace with an admin key. Between two
 * syncs the simulator removes an agent's guardrails and logs agent.update by alice, and an API key is
 * created; the second sync's guardrails_removed event says by whom, an api_key_created security event
 * appears, the audit entries are stored once (a third sync that reads nothing new adds nothing), and the
 * CLI-facing services and the API show them. On both back ends.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { createMistralAdminConnector, createMistralConnector } from '../src/mistral/index.ts';
import { startSimulator, type SimAgent } from '../src/simulator/index.ts';
import { createStore } from '../src/store/store.ts';
import { testBackends } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';

const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({ ...o, maxRetryElapsedMs: 5_000, requestsPerSecond: 300, maxConcurrency: 8 });
const adminConnectorFactory = (o: { adminApiKey: string; baseUrl?: string }) =>
  createMistralAdminConnector({ ...o, maxRetryElapsedMs: 5_000, requestsPerSecond: 300, maxConcurrency: 8 });

const MINUTE = 60_000;

/** A new version of the agent without guardrails, made current (as a PATCH would). */
function removeGuardrails(a: SimAgent, at: string): void {
  const version = Math.max(...a.versions.map((v) => Number(v.version ?? 0))) + 1;
  const next = { ...structuredClone(a.current), version, guardrails: null, updated_at: at };
  a.versions.push(next);
  const all = a.versions.map((v) => Number(v.version ?? 0));
  for (const v of a.versions) v.versions = all;
  a.current = next;
}

for (const backend of testBackends()) {
  test(
    `guardrails removed by alice: the next sync says by whom (${backend.kind})`,
    { skip: backend.skip },
    async () => {
      const sim = await startSimulator({
        seed: 11,
        generator: { agents: 6, conversations: 10, files: 5, libraries: 2 },
        // TrustLens paces itself to a share of the served rate limit: serve a high one.
        adminRequestsPerSecond: 1000,
      });
      const t = await backend.open();
      try {
        const store = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
        const start = Date.parse(sim.workspace.now);
        const integ = await store.integrations.create(
          { name: 'audit e2e', apiKey: sim.apiKey, baseUrl: sim.url },
          new Date(start - MINUTE),
        );
        await store.integrations.setAdminKey(integ.id, sim.adminApiKey, new Date(start - MINUTE));
        const sync = (at: number) =>
          runStoredSync({
            store,
            integrationId: integ.id,
            connectorFactory,
            adminConnectorFactory,
            now: new Date(at),
          });

        // Sync 1: the baseline, and the audit log of the look-back window.
        const r1 = await sync(start + MINUTE);
        assert.equal(r1.pipeline.snapshot.extraAvailability?.auditLog?.status, 'available');
        const firstRead = r1.pipeline.snapshot.admin?.auditLog?.entries ?? [];
        assert.ok(firstRead.length > 0, 'the generated organization has audit entries');
        const stored1 = await store.auditLog.list({ integrationIds: [integ.id], limit: 500 });
        assert.equal(stored1.length, new Set(firstRead.map((e) => e.id)).size);
        assert.ok(
          r1.events.every((e) => e.attribution !== undefined),
          'first sync: only security events, each attributed',
        );

        // Between the syncs: alice removes the guardrails of a guarded agent, and creates an API key.
        const agent = sim.workspace.agents.find(
          (a) => a.current.guardrails && a.current.guardrails.length > 0,
        );
        assert.ok(agent, 'the generated workspace has a guarded agent');
        const changedAt = new Date(start + 2 * MINUTE).toISOString();
        removeGuardrails(agent, changedAt);
        const alice = {
          actor_type: 'HUMAN',
          actor_metadata: { email: 'alice@example.com', name: 'Alice', user_id: 'u-alice' },
        };
        const update = sim.addAuditEntry({
          ...alice,
          created_at: changedAt,
          event_type: 'agent.update',
          event_metadata: { agent_id: String(agent.current.id), guardrails: 'removed' },
          target_type: 'AGENT',
          target_metadata: { id: String(agent.current.id), name: String(agent.current.name ?? '') },
        });
        sim.addAuditEntry({
          ...alice,
          created_at: new Date(start + 3 * MINUTE).toISOString(),
          event_type: 'api_key.create',
          event_metadata: {},
          target_type: 'API_KEY',
          target_metadata: { id: 'key-e2e', name: '<b>ci</b>\u202e' },
        });

        // Sync 2: the change is attributed, the key creation is a security event.
        const r2 = await sync(start + 10 * MINUTE);
        const removed = r2.events.find(
          (e) => e.type === 'guardrails_removed' && e.resourceId === agent.current.id,
        );
        assert.ok(
          removed,
          `guardrails_removed for ${agent.current.id}: ${JSON.stringify(r2.events.map((e) => e.type))}`,
        );
        assert.equal(removed.attribution?.actor, 'alice@example.com');
        assert.equal(removed.attribution?.auditLogId, String(update.log_id));
        assert.equal(removed.attribution?.candidates, 1);
        assert.match(removed.summary, /no longer has guardrails \(by alice@example\.com at \d\d:\d\d UTC\)$/);
        const keyEvents = r2.events.filter((e) => e.type === 'api_key_created');
        assert.equal(keyEvents.length, 1);
        assert.equal(keyEvents[0].resourceType, 'integration');
        assert.equal(keyEvents[0].resourceId, integ.id);
        assert.match(keyEvents[0].summary, /^API key "<b>ci<\/b>" was created by alice@example\.com at /);

        // What was stored: the events with their attribution, each audit entry once.
        const events = await store.queries.events({ integrationIds: [integ.id], limit: 1000 });
        const storedRemoved = events.find(
          (e) => e.type === 'guardrails_removed' && e.resourceId === agent.current.id,
        );
        assert.equal(storedRemoved?.attribution?.actor, 'alice@example.com');
        assert.equal(storedRemoved?.summary, removed.summary);
        const stored2 = await store.auditLog.list({ integrationIds: [integ.id], limit: 1000 });
        assert.equal(stored2.length, stored1.length + 2);
        assert.equal(new Set(stored2.map((e) => e.id)).size, stored2.length);

        // Sync 3 reads nothing new: no entry stored twice, no security event raised again.
        const r3 = await sync(start + 20 * MINUTE);
        assert.deepEqual(
          r3.events.filter((e) => e.type === 'api_key_created'),
          [],
        );
        assert.equal(
          (await store.auditLog.list({ integrationIds: [integ.id], limit: 1000 })).length,
          stored2.length,
        );
        const all = await store.queries.events({
          integrationIds: [integ.id],
          type: 'api_key_created',
          limit: 1000,
        });
        assert.equal(all.filter((e) => e.target?.id === 'key-e2e').length, 1);
      } finally {
        await t.cleanup();
        await sim.close();
      }
    },
  );
}
