/**
 * The rules on the admin inventory (issue 11) over a real read: the simulator's generated
 * organization through the admin connector and discovery, then the whole catalog. The simulator
 * guarantees (src/simulator/admin.ts) keys that never expire, an unused key, old keys, the
 * integration's own key, an admin outside the SSO domain, four admins (one by role UUID) and stale
 * invites, so these rules must FAIL there; without an admin key, or with an ordinary key in its
 * place, they must all be UNKNOWN saying why. No key value reaches a result.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RuleResult } from '../src/findings/types.ts';
import { createMistralAdminConnector, hiddenKeyOf } from '../src/mistral/admin-connector.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { evaluateAll } from '../src/rules/catalog.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { discoverWorkspace } from '../src/sync/discover.ts';
import { FAST_SIMULATOR_CONNECTOR } from './helpers/fast-connector.ts';

const ADMIN_RULES = [
  'mistral_integration_key_expiring',
  'mistral_integration_key_not_found',
  'mistral_integration_api_key_no_expiry',
  'mistral_integration_api_key_unused',
  'mistral_integration_api_key_old',
  'mistral_integration_admin_outside_sso',
  'mistral_integration_admins_excessive',
  'mistral_integration_invite_stale',
];

async function judge(sim: SimulatorHandle, adminKey: string | null): Promise<RuleResult[]> {
  const options = { baseUrl: sim.url, ...FAST_SIMULATOR_CONNECTOR };
  const now = new Date(sim.workspace.now);
  const d = await discoverWorkspace({
    connector: createMistralConnector({ ...options, apiKey: sim.apiKey }),
    now,
    admin:
      adminKey === null
        ? null
        : {
            connector: createMistralAdminConnector({ ...options, adminApiKey: adminKey }),
            auditAfter: null,
            integrationKeyHidden: hiddenKeyOf(sim.apiKey),
          },
  });
  // The rules use the snapshot's time: a context clock far away must change nothing.
  const later = new Date(now.getTime() + 5 * 365 * 86_400_000);
  const results = evaluateAll({ snapshot: d.snapshot, previous: null, now: later }).filter((r) =>
    ADMIN_RULES.includes(r.ruleId),
  );
  // One result per rule; none at all without an admin key (it is optional).
  const expected = adminKey === null ? [] : [...ADMIN_RULES].sort();
  assert.deepEqual(results.map((r) => r.ruleId).sort(), expected, 'one result per rule');
  const text = JSON.stringify(results);
  for (const secret of [sim.apiKey, sim.adminApiKey]) assert.ok(!text.includes(secret), 'no key value');
  return results;
}

const byRule = (results: RuleResult[]) => new Map(results.map((r) => [r.ruleId, r]));

describe('rules on the admin inventory, over the simulator', () => {
  test('with the admin key: the generated organization fails where the simulator guarantees it', async () => {
    const sim = await startSimulator({ seed: 5 });
    try {
      const r = byRule(await judge(sim, sim.adminApiKey));
      const status = (id: string) => r.get(id)?.status;
      assert.equal(status('mistral_integration_key_not_found'), 'PASS', "the integration's key is found");
      assert.notEqual(status('mistral_integration_key_expiring'), 'UNKNOWN');
      const count = (id: string) => r.get(id)?.evidence?.failingCount as number;
      assert.equal(status('mistral_integration_api_key_no_expiry'), 'FAIL');
      assert.ok(count('mistral_integration_api_key_no_expiry') >= 2);
      assert.equal(status('mistral_integration_api_key_unused'), 'FAIL');
      assert.equal(status('mistral_integration_api_key_old'), 'FAIL');
      assert.ok(count('mistral_integration_api_key_old') >= 2);
      assert.equal(status('mistral_integration_admin_outside_sso'), 'FAIL');
      assert.equal(count('mistral_integration_admin_outside_sso'), 1);
      const admins = r.get('mistral_integration_admins_excessive');
      assert.equal(admins?.evidence?.admins, 4, 'the admin by role UUID counts too');
      assert.equal(
        admins?.status,
        (admins?.evidence?.admins as number) > (admins?.evidence?.limit as number) ? 'FAIL' : 'PASS',
      );
      const invites = r.get('mistral_integration_invite_stale');
      assert.equal(invites?.status, 'FAIL');
      assert.ok((invites?.evidence?.expiredStillListed as number) >= 1);
      assert.ok(count('mistral_integration_invite_stale') >= 2, 'the 45-day-old invite and the expired one');
      for (const res of r.values()) assert.ok(!/no admin key/.test(res.detail), res.ruleId);
    } finally {
      await sim.close();
    }
  });

  test('without an admin key no result (it is optional); with the ordinary key in its place every one UNKNOWN, saying why', async () => {
    const sim = await startSimulator({ seed: 5 });
    try {
      assert.deepEqual(await judge(sim, null), []);
      for (const r of await judge(sim, sim.apiKey)) {
        assert.equal(r.status, 'UNKNOWN', r.ruleId);
        assert.match(r.detail, /were not read \(unavailable/, r.ruleId);
      }
    } finally {
      await sim.close();
    }
  });

  test('a hostile organization: names are data, results stay well-formed', async () => {
    const sim = await startSimulator({ seed: 5, generator: { hostile: true } });
    try {
      const results = await judge(sim, sim.adminApiKey);
      assert.ok(results.some((r) => r.status === 'FAIL'));
      for (const r of results) assert.ok(['PASS', 'FAIL', 'UNKNOWN'].includes(r.status));
    } finally {
      await sim.close();
    }
  });
});
