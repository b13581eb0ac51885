/**
 * Discovery with the optional admin key (issue 11) on the simulator: the rate limit read first
 * paces both connectors to a share of it; keys, members, invites, workspaces, the audit log and
 * usage land in snapshot.admin and the scan JSON; and each way of not having them degrades per
 * feature without changing anything else: no admin key, the ordinary key given as the admin key,
 * an unknown key, a plan without audit logs, one read failing (partial). An old snapshot reads
 * "not read". No key value appears in the snapshot or the report.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../src/errors/index.ts';
import { buildScanReport } from '../src/exports/scan-report.ts';
import { renderScanTable } from '../src/exports/scan-table.ts';
import { ADMIN_FEATURE_KEYS } from '../src/inventory/admin.ts';
import type { Snapshot } from '../src/inventory/types.ts';
import { createMistralAdminConnector, createMistralConnector, hiddenKeyOf } from '../src/mistral/index.ts';
import type { MistralAdminConnector } from '../src/mistral/types.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { discoverWorkspace } from '../src/sync/discover.ts';
import type { AdminDiscoverOptions } from '../src/sync/discover-admin.ts';

const SINCE = '2000-01-01T00:00:00.000Z';
const PLAINTEXT = 'PLAINTEXT-ADMIN-LISTED-KEY-0123456789abcdef';
const INTEGRATION = { id: 'int_1', name: 'prod', baseUrl: 'x', keyUpdatedAt: '2026-01-01T00:00:00.000Z' };

describe('discovery with the admin key', () => {
  let sim: SimulatorHandle;
  before(async () => {
    // A high real limit keeps the paced run quick; pacing is asserted on the configured rate.
    sim = await startSimulator({ seed: 5, adminRequestsPerSecond: 400 });
  });
  after(() => sim.close());

  const ordinary = () =>
    createMistralConnector({ apiKey: sim.apiKey, baseUrl: sim.url, maxRetryElapsedMs: 5_000 });
  const adminConnector = (key = sim.adminApiKey) =>
    createMistralAdminConnector({ adminApiKey: key, baseUrl: sim.url, maxRetryElapsedMs: 5_000 });
  const adminOpts = (connector: MistralAdminConnector, extra: Partial<AdminDiscoverOptions> = {}) => ({
    connector,
    auditAfter: null,
    auditSince: SINCE,
    integrationKeyHidden: hiddenKeyOf(sim.apiKey),
    ...extra,
  });
  const run = async (admin: AdminDiscoverOptions | null, integration = false) => {
    const connector = ordinary();
    const r = await discoverWorkspace({
      connector,
      now: new Date(sim.workspace.now),
      integration: integration ? INTEGRATION : null,
      admin,
    });
    const report = buildScanReport(r.snapshot, [], () => undefined, new Date(sim.workspace.now));
    return { r, connector, report, snapshot: r.snapshot };
  };
  /** Everything but what the admin key adds, for "nothing else changed". */
  const rest = (s: Snapshot) => {
    const extra = Object.fromEntries(
      Object.entries(s.extraAvailability ?? {}).filter(
        ([k]) => !(ADMIN_FEATURE_KEYS as string[]).includes(k),
      ),
    );
    return JSON.stringify({ ...s, admin: undefined, extraAvailability: extra, dataQuality: undefined });
  };

  let baseline: Snapshot;

  test('with both keys: paced to half the real limit, every admin section read, counts in the report', async () => {
    const k = sim.workspace.admin!.apiKeys[1] as Record<string, unknown>;
    k.key = PLAINTEXT;
    const admin = adminConnector();
    const { r, connector, report, snapshot } = await run(adminOpts(admin));
    delete k.key;
    const a = snapshot.admin!;
    // Pacing: half of the simulator's 400 requests per second, on both connectors.
    assert.equal(a.rateLimit?.requestsPerSecond, 400);
    assert.equal(a.rateLimit?.pacedRequestsPerSecond, 200);
    assert.equal(connector.stats().currentRate, 200);
    assert.equal(admin.stats().currentRate, 200);
    for (const f of ADMIN_FEATURE_KEYS) assert.equal(snapshot.extraAvailability?.[f]?.status, 'available', f);
    assert.equal(r.status, 'succeeded');
    const sa = sim.workspace.admin!;
    assert.equal(a.apiKeys?.length, sa.apiKeys.length);
    assert.equal(
      a.apiKeys?.filter((x) => x.isIntegrationKey).length,
      1,
      "the integration's own key is found",
    );
    assert.equal(a.members?.length, sa.members.length);
    assert.ok(a.members!.some((m) => m.isAdmin));
    assert.equal(a.invites?.length, sa.invites.length);
    assert.ok(a.workspaces && a.workspaces.length > 0);
    assert.equal(a.auditLog?.entries.length, sa.auditLog.length);
    assert.equal(a.auditLog?.cursor, sa.auditLog[sa.auditLog.length - 1].created_at);
    assert.ok(a.usage && a.usage.length === 2 && a.usage[0].rows.length > 0);
    // The scan JSON.
    assert.equal(report.summary.apiKeys, sa.apiKeys.length);
    assert.equal(report.summary.admins, a.members!.filter((m) => m.isAdmin).length);
    assert.equal(report.summary.auditEntries, sa.auditLog.length);
    assert.equal(typeof report.summary.pendingInvites, 'number');
    assert.deepEqual(report.admin, a);
    assert.match(
      renderScanTable(report),
      /Organization \(admin key\): \d+ API keys, \d+ members \(\d+ admins\)/,
    );
    // No key value anywhere.
    const text = JSON.stringify([snapshot, report]);
    for (const secret of [PLAINTEXT, sim.apiKey, sim.adminApiKey]) assert.ok(!text.includes(secret));
    baseline = snapshot;
  });

  test('the share is configurable and checked (0 < share ≤ 1)', async () => {
    const admin = adminConnector();
    const { connector, snapshot } = await run(adminOpts(admin, { rateLimitShare: 0.25 }));
    assert.equal(snapshot.admin?.rateLimit?.pacedRequestsPerSecond, 100);
    assert.equal(connector.stats().currentRate, 100);
    for (const bad of [0, 1.5, Number.NaN]) {
      await assert.rejects(run(adminOpts(adminConnector(), { rateLimitShare: bad })), {
        code: 'INVALID_INPUT',
      });
    }
  });

  test('without an admin key: every admin row unavailable with how to add one, nothing else changed', async () => {
    sim.resetStats();
    const { r, connector, report, snapshot } = await run(null);
    assert.equal(connector.stats().currentRate, 20, "today's default rate");
    assert.ok(
      sim.stats().byRoute.every((x) => !x.route.startsWith('/v1/admin/')),
      'no admin request',
    );
    for (const f of ADMIN_FEATURE_KEYS) {
      const av = snapshot.extraAvailability?.[f];
      assert.equal(av?.status, 'unavailable');
      assert.equal(av?.code, 'ADMIN_KEY_NOT_CONFIGURED');
      assert.match(av?.remediation ?? '', /MISTRAL_ADMIN_API_KEY/);
      assert.match(av?.remediation ?? '', /--admin-api-key-file/);
    }
    assert.deepEqual(Object.values(snapshot.admin!), [null, null, null, null, null, null, null]);
    for (const k of ['apiKeys', 'members', 'admins', 'pendingInvites', 'auditEntries'] as const)
      assert.equal(report.summary[k], null, `${k} is null, never 0`);
    assert.equal(r.status, 'succeeded');
    assert.equal(rest(snapshot), rest(baseline));
    assert.match(renderScanTable(report), /Organization \(admin key\): not read/);

    const stored = await run(null, true);
    assert.match(
      stored.snapshot.extraAvailability?.auditLog?.remediation ?? '',
      /trustlens integration update <name> --admin-api-key-file FILE/,
    );
  });

  test('the ordinary key given as the admin key: every row unavailable ADMIN_KEY_FORBIDDEN, no pacing', async () => {
    const { r, connector, snapshot } = await run(adminOpts(adminConnector(sim.apiKey)));
    for (const f of ADMIN_FEATURE_KEYS) {
      const av = snapshot.extraAvailability?.[f];
      assert.equal(av?.status, 'unavailable', f);
      assert.equal(av?.code, 'ADMIN_KEY_FORBIDDEN');
      assert.match(av?.remediation ?? '', /Admin role/);
    }
    assert.equal(connector.stats().currentRate, 20);
    assert.equal(r.status, 'succeeded');
    assert.equal(rest(snapshot), rest(baseline));
  });

  test('an unknown admin key: every row unavailable ADMIN_KEY_INVALID after one request', async () => {
    const admin = adminConnector('not-a-known-admin-key-0000');
    const { r, snapshot } = await run(adminOpts(admin));
    for (const f of ADMIN_FEATURE_KEYS)
      assert.equal(snapshot.extraAvailability?.[f]?.code, 'ADMIN_KEY_INVALID');
    assert.equal(admin.stats().requests, 1);
    assert.equal(r.status, 'succeeded');
    assert.ok(!JSON.stringify(snapshot).includes('not-a-known-admin-key-0000'));
  });

  test('a plan without audit logs: auditLog unavailable AUDIT_LOG_NOT_IN_PLAN, the rest read', async () => {
    sim.configure({ features: { auditLog: false } });
    try {
      const { r, snapshot } = await run(adminOpts(adminConnector()));
      const av = snapshot.extraAvailability?.auditLog;
      assert.equal(av?.status, 'unavailable');
      assert.equal(av?.code, 'AUDIT_LOG_NOT_IN_PLAN');
      assert.match(`${av?.message} ${av?.remediation}`, /Enterprise/);
      assert.equal(snapshot.admin?.auditLog, null);
      assert.equal(snapshot.extraAvailability?.adminApiKeys?.status, 'available');
      assert.ok(snapshot.admin?.apiKeys);
      assert.equal(r.status, 'succeeded');
    } finally {
      sim.configure({ features: {} });
    }
  });

  test('an admin read that fails otherwise is an error of the run (partial), the rest still read', async () => {
    const real = adminConnector();
    const failing: MistralAdminConnector = {
      ...real,
      listUsers: () =>
        Promise.reject(
          new AppError('UNEXPECTED_RESPONSE', 'Unexpected response (HTTP 500)', { remediation: 'Retry.' }),
        ),
    };
    const { r, report, snapshot } = await run(adminOpts(failing));
    assert.equal(snapshot.extraAvailability?.adminMembers?.status, 'error');
    assert.equal(snapshot.admin?.members, null);
    assert.equal(report.summary.members, null);
    assert.ok(snapshot.admin?.apiKeys);
    assert.equal(r.status, 'partial');
    assert.equal(report.status, 'partial');
    assert.ok(snapshot.errors.some((e) => e.feature === 'adminMembers' && e.code === 'UNEXPECTED_RESPONSE'));
  });
});

test('a snapshot from before the admin key: the five rows say not read, sections and counts null', () => {
  const old: Snapshot = {
    takenAt: '2026-01-01T00:00:00.000Z',
    source: { provider: 'mistral', baseUrl: 'https://api.mistral.ai' },
    integration: null,
    availability: Object.fromEntries(
      ['models', 'files', 'agents', 'libraries', 'usage', 'versions'].map((k) => [
        k,
        { status: 'available' },
      ]),
    ) as Snapshot['availability'],
    agents: [],
    models: [],
    files: [],
    libraries: [],
    workspaceUsage: null,
    errors: [],
    dataQuality: [],
  };
  const report = buildScanReport(old, [], () => undefined, new Date());
  for (const f of ADMIN_FEATURE_KEYS) {
    assert.equal(report.extraAvailability[f]?.status, 'unavailable');
    assert.match(report.extraAvailability[f]?.message ?? '', /Not read/);
  }
  assert.deepEqual(Object.values(report.admin), [null, null, null, null, null, null, null]);
  assert.equal(report.summary.apiKeys, null);
  assert.equal(report.summary.auditEntries, null);
});

test('docs/scan-json.md documents every admin field of the scan JSON', () => {
  const docs = readFileSync(new URL('../docs/scan-json.md', import.meta.url), 'utf8');
  const fields = [
    'admin',
    'apiKeys',
    'members',
    'admins',
    'pendingInvites',
    'auditEntries',
    'invites',
    'workspaces',
    'auditLog',
    'rateLimit',
    'usage',
    'pacedRequestsPerSecond',
    'cursor',
    'truncated',
    'hiddenKey',
    'isIntegrationKey',
    ...ADMIN_FEATURE_KEYS,
  ];
  for (const f of fields) assert.ok(docs.includes(`"${f}"`), `docs/scan-json.md names "${f}"`);
});
