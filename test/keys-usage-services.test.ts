/**
 * services.keys (master-key status and rewrap, local operator only, audited) on both back ends, and
 * services.usage's agent lookup (id, unique name, case, live over deleted, ambiguous, unknown) over a
 * stub inventory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { isAppError } from '../src/errors/index.ts';
import type { AgentSummary } from '../src/services/agent-index.ts';
import { createAuditService } from '../src/services/audit.ts';
import { cliActor, type Actor } from '../src/services/context.ts';
import { createKeysService } from '../src/services/keys.ts';
import { createUsageService, type UsageServiceDeps } from '../src/services/usage.ts';
import { createStore } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';

const appError = (code: string) => (e: unknown) => isAppError(e) && e.code === code;

for (const backend of testBackends()) {
  describe(`keys service (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await backend.open();
    });
    after(() => t?.cleanup());

    it('reports which master key wraps the stored keys and re-wraps them with the current one', async () => {
      const oldKey = masterKeyFromBytes(randomBytes(32));
      const newKey = masterKeyFromBytes(randomBytes(32));
      const before = createStore(t.db, { keyring: createKeyring(oldKey) });
      await before.integrations.create({ name: 'a', apiKey: 'sk-keys-service-a-000000' });
      await before.integrations.create({ name: 'b', apiKey: 'sk-keys-service-b-000000' });

      const keyring = createKeyring(newKey, [oldKey]);
      const store = createStore(t.db, { keyring });
      const audit = createAuditService({ audit: store.audit });
      const keys = createKeysService({ keyring, store, audit });
      const operator = cliActor();

      assert.deepEqual(await keys.status(operator), {
        currentKeyId: newKey.id,
        previousKeyIds: [oldKey.id],
        usage: [{ masterKeyId: oldKey.id, integrations: 2, alertSecrets: 0, state: 'previous' }],
      });

      // An organization's admin (the API) and a lesser role may not touch the installation's master key.
      const orgAdmin: Actor = {
        kind: 'user',
        id: 'u1',
        label: 'a@x',
        organizationId: 'org-1',
        role: 'admin',
      };
      await assert.rejects(() => keys.status(orgAdmin), appError('FORBIDDEN'));
      await assert.rejects(() => keys.rewrap(orgAdmin), appError('FORBIDDEN'));
      await assert.rejects(() => keys.rewrap({ ...operator, role: 'analyst' }), appError('FORBIDDEN'));

      assert.deepEqual(await keys.rewrap(operator), {
        masterKeyId: newKey.id,
        rewrapped: 2,
        alreadyCurrent: 0,
      });
      assert.deepEqual((await keys.status(operator)).usage, [
        { masterKeyId: newKey.id, integrations: 2, alertSecrets: 0, state: 'current' },
      ]);
      assert.deepEqual(await keys.rewrap(operator), {
        masterKeyId: newKey.id,
        rewrapped: 0,
        alreadyCurrent: 2,
      });

      // Audited, with ids and counts only.
      const entries = (await audit.list(operator)).items.filter((e) => e.action === 'keys.rewrap');
      assert.equal(entries.length, 2);
      assert.ok(!JSON.stringify(entries).includes('sk-keys-service'));

      // A key unknown to the keyring shows as unknown, not as current.
      const other = createKeysService({
        keyring: createKeyring(masterKeyFromBytes(randomBytes(32))),
        store,
        audit,
      });
      assert.equal((await other.status(operator)).usage[0].state, 'unknown');
    });
  });
}

describe('usage service: finding an agent by id or name', () => {
  const integ = { id: 'int-1', name: 'prod', organizationId: 'org-1' };
  const agent = (id: string, name: string | null, deletedAt: string | null = null) =>
    ({ id, integrationId: integ.id, name, model: 'mistral-large-latest', deletedAt }) as AgentSummary;
  const agents = [
    agent('ag_1', 'Support triage'),
    agent('ag_2', 'Sales copilot'),
    agent('ag_3', 'Sales copilot'),
    agent('ag_4', 'HR assistant', '2026-01-01T00:00:00Z'),
    agent('ag_5', 'HR assistant'),
    agent('ag_6', 'Old bot', '2026-01-01T00:00:00Z'),
  ];
  const deps = {
    store: {
      integrations: { get: async (id: string) => (id === integ.id ? integ : null) },
      usage: () => ({ loadDailySeries: async () => [] }),
    } as unknown as UsageServiceDeps['store'],
    // Two pages, so that the lookup follows the cursor.
    inventory: {
      listAgents: async (_actor: Actor, q: { cursor?: string } = {}) =>
        q.cursor
          ? { items: agents.slice(3), nextCursor: null }
          : { items: agents.slice(0, 3), nextCursor: 'p2' },
    },
  };
  const usage = createUsageService(deps as UsageServiceDeps);
  const actor = cliActor();

  it('takes an id, a unique name in any case, and prefers a live agent over a deleted namesake', async () => {
    assert.equal((await usage.findAgent(actor, integ.id, 'ag_2')).id, 'ag_2');
    assert.equal((await usage.findAgent(actor, integ.id, 'Support triage')).id, 'ag_1');
    assert.equal((await usage.findAgent(actor, integ.id, 'support TRIAGE')).id, 'ag_1');
    assert.equal((await usage.findAgent(actor, integ.id, 'HR assistant')).id, 'ag_5');
    assert.equal((await usage.findAgent(actor, integ.id, 'Old bot')).id, 'ag_6');
  });

  it('refuses an ambiguous name with the candidates, and an unknown agent with how to list them', async () => {
    await assert.rejects(
      () => usage.findAgent(actor, integ.id, 'Sales copilot'),
      (e: unknown) =>
        isAppError(e) &&
        e.code === 'CONFLICT' &&
        /ag_2/.test(e.message) &&
        /ag_3/.test(e.message) &&
        (e.details as { candidates: { id: string }[] }).candidates.map((c) => c.id).join() === 'ag_2,ag_3',
    );
    await assert.rejects(
      () => usage.findAgent(actor, integ.id, 'support'),
      (e: unknown) =>
        isAppError(e) &&
        e.code === 'NOT_FOUND' &&
        /ag_1/.test(e.remediation ?? '') &&
        /trustlens agents prod/.test(e.remediation ?? ''),
    );
    await assert.rejects(() => usage.findAgent(actor, 'int-2', 'ag_1'), appError('NOT_FOUND'));
    await assert.rejects(
      () => usage.daily(actor, { integrationId: integ.id, agent: 'ag_1', days: 0 }),
      appError('INVALID_INPUT'),
    );
    const series = await usage.daily(actor, { integrationId: integ.id, agent: 'Support triage', days: 3 });
    assert.deepEqual([series.agentId, series.series.length], ['ag_1', 3]);
  });
});
