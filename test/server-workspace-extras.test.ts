/**
 * The API of what a sync reads beyond the product document (issue 11): MCP connectors, the organization
 * read with the admin key, and the availability matrix's extra rows. Over HTTP, on both back ends,
 * against the simulator; the admin inventory also from a stored fixture snapshot (so the routes are
 * tested whatever discovery fills). Checks: viewers read, other organizations get 404; connectors say
 * where they point with no credential value; an unread section says why (status, message, remediation)
 * and is never an empty list or a zero; a key's plaintext never leaves the server; lists page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdminInventory } from '../src/inventory/admin.ts';
import type { Snapshot } from '../src/inventory/types.ts';
import { createStore } from '../src/store/index.ts';
import { testBackends } from '../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { testKeyring } from './store-fixtures.ts';

const PLAINTEXT_KEY = 'Zk8q3TRUSTLENSplaintextKEYvalue9w';

function adminFixture(): AdminInventory {
  const key = (over: Partial<NonNullable<AdminInventory['apiKeys']>[number]>) => ({
    id: 'k',
    name: 'key',
    hiddenKey: 'abcd...wxyz',
    workspaceId: 'ws1',
    workspaceName: 'Default Workspace',
    product: 'API',
    createdBy: 'alice@corp.example',
    createdAt: '2025-01-01T00:00:00Z',
    expiresOn: null,
    lastUsedOn: '2026-11-28',
    canDelete: true,
    isIntegrationKey: false,
    dataQuality: [],
    ...over,
  });
  return {
    apiKeys: [
      key({ id: 'k1', name: 'production', isIntegrationKey: true, expiresOn: '2027-06-30' }),
      key({ id: 'k2', name: 'never-expires' }),
      // A masked form that is not masked at all: the API must mask it.
      key({ id: 'k3', name: 'leaky', hiddenKey: PLAINTEXT_KEY, lastUsedOn: null, expiresOn: '2026-01-01' }),
    ],
    members: [
      {
        id: 'u1',
        email: 'alice@corp.example',
        name: 'Alice',
        ssoOutsider: false,
        roles: ['A'],
        isAdmin: true,
        workspaces: [{ id: 'ws1', name: 'Default Workspace', isDefault: true, roles: ['A'] }],
        createdAt: '2025-01-01T00:00:00Z',
      },
      {
        id: 'u2',
        email: 'mallory@gmail.example',
        name: 'Mallory',
        ssoOutsider: true,
        roles: ['A'],
        isAdmin: true,
        workspaces: [],
        createdAt: '2025-02-01T00:00:00Z',
      },
      {
        id: 'u3',
        email: 'bob@corp.example',
        name: 'Bob',
        ssoOutsider: false,
        roles: ['M'],
        isAdmin: false,
        workspaces: [],
        createdAt: '2025-03-01T00:00:00Z',
      },
    ],
    invites: [
      {
        id: 'i1',
        email: 'carol@corp.example',
        roles: ['A'],
        grantsAdmin: true,
        expired: false,
        createdAt: '2026-10-01T00:00:00Z',
        workspaceIds: ['ws1'],
      },
    ],
    workspaces: [{ id: 'ws1', name: 'Default Workspace', isDefault: true, membersCount: 3 }],
    auditLog: null,
    rateLimit: {
      requestsPerSecond: 6,
      pacedRequestsPerSecond: 3,
      tokensByModel: {
        'mistral-large-latest': { tokensPerMinute: 2_000_000, tokensPerMonth: 10_000_000_000 },
      },
    },
    usage: [
      {
        year: 2026,
        month: 11,
        currency: 'EUR',
        startDate: '2026-11-01',
        endDate: '2026-11-30',
        rows: [
          { product: 'chat', model: 'mistral-large-latest', metric: 'input_tokens', quantity: 1000, cost: 2 },
          {
            product: 'completion',
            model: 'mistral-large-latest',
            metric: 'input_tokens',
            quantity: 500,
            cost: 1,
          },
          {
            product: 'chat',
            model: 'mistral-large-latest',
            metric: 'output_tokens',
            quantity: 200,
            cost: 1.5,
          },
          { product: 'ocr', model: 'mistral-ocr-latest', metric: 'pages', quantity: 10, cost: null },
        ],
        totalCost: 4.5,
      },
    ],
  };
}

for (const backend of testBackends()) {
  describe(`Connectors and organization API (${backend.kind})`, { skip: backend.skip }, () => {
    let h: TestServer;
    let A: string;
    before(async () => {
      h = await startTestServer(backend, { simulator: { generator: { agents: 40, conversations: 20 } } });
      A = h.integrationA;
    });
    after(async () => {
      await h?.close();
    });

    it('lists the connectors for a viewer: where each points, custom or built-in, credentials without values, agents', async () => {
      const r = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors?limit=500`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.availability.status, 'available');
      assert.equal(r.body.availability.feature, 'connectors');
      const items = r.body.items as Record<string, unknown>[];
      assert.ok(items.length >= 8, `connectors: ${items.length}`);
      const custom = items.filter((c) => c.custom === true);
      const builtIn = items.filter((c) => c.builtIn === true);
      assert.ok(custom.length >= 4 && builtIn.length >= 4);
      assert.ok(custom.some((c) => c.insecureTransport === true && c.nonPublicServer === true));
      const deploy = items.find((c) => c.name === 'deploy_bot');
      assert.ok(deploy, 'the connector whose URL carried user:password@');
      assert.equal(deploy.serverHadCredentials, true);
      assert.ok(!String(deploy.server).includes('s3cr3t'));
      assert.ok(!r.text.includes('s3cr3t-pa55'), 'no credential of a server URL in the response');
      const used = items.filter((c) => (c.agents as unknown[]).length > 0);
      assert.ok(used.length > 0, 'some connector is used by an agent');
      for (const c of used) {
        const agents = c.agents as { id: string; name: string | null }[];
        assert.deepEqual(
          agents.map((a) => a.id),
          c.usedByAgents,
        );
        assert.ok(agents.every((a) => a.name !== null));
      }
      const withCreds = items.find(
        (c) => Array.isArray(c.credentials) && (c.credentials as unknown[]).length > 0,
      );
      assert.ok(withCreds);
      for (const cred of withCreds.credentials as Record<string, unknown>[]) {
        assert.deepEqual(Object.keys(cred).sort(), [
          'authType',
          'errorHttpCode',
          'errorReason',
          'isDefault',
          'lastCheckedAt',
          'name',
          'scope',
          'status',
          'title',
        ]);
      }
    });

    it('pages, filters and searches connectors, and shows one', async () => {
      const all = (await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors?limit=500`)).body
        .items;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const r = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors?limit=3${q}`);
        assert.equal(r.status, 200);
        assert.ok(r.body.items.length <= 3);
        seen.push(...r.body.items.map((c: { id: string }) => c.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      assert.deepEqual(
        seen,
        all.map((c: { id: string }) => c.id),
      );
      assert.equal(new Set(seen).size, seen.length);

      const custom = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${A}/connectors?kind=custom&limit=500`,
      );
      assert.ok(custom.body.items.length > 0);
      assert.ok(custom.body.items.every((c: { custom: boolean }) => c.custom));
      const search = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors?q=DEPLOY`);
      assert.deepEqual(
        search.body.items.map((c: { name: string }) => c.name),
        ['deploy_bot'],
      );

      const one = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors/${all[0].id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, all[0]);
      const missing = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors/nope`);
      assert.equal(missing.status, 404);
      assert.match(missing.body.error.remediation, /List the connectors/);
      const bad = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors?cursor=garbage`);
      assert.equal(bad.status, 400);
    });

    it('lists prompts and skills (names, versions, aliases, credential locations, never text) and batch jobs (agent or deleted agent)', async () => {
      for (const kind of ['prompts', 'skills'] as const) {
        const r = await h.viewer.request('GET', `/api/v1/integrations/${A}/${kind}?limit=500`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.availability.status, 'available', kind);
        assert.equal(r.body.availability.feature, kind);
        const items = r.body.items as Record<string, unknown>[];
        assert.ok(items.length > 0, kind);
        for (const p of items) {
          assert.equal(p.integrationId, A);
          assert.equal(typeof p.name, 'string');
          assert.ok(Array.isArray(p.aliases));
          assert.equal(p.referencedAgents, null, 'not knowable, never "none"');
        }
        // The simulator plants a fake key in an early version of the first prompt and skill.
        const found = items.filter((p) => (p.secretFindings as unknown[]).length > 0);
        assert.ok(found.length > 0, `${kind}: a credential location`);
        const f = (found[0].secretFindings as Record<string, unknown>[])[0];
        assert.deepEqual(Object.keys(f).sort(), ['column', 'field', 'kind', 'line', 'version']);
        assert.ok(!/sk-[A-Za-z0-9]{16}/.test(r.text), `${kind}: no key-shaped value in the response`);
        const paged = await h.viewer.request('GET', `/api/v1/integrations/${A}/${kind}?limit=1`);
        assert.deepEqual(paged.body.items, items.slice(0, 1));
        assert.equal(paged.body.nextCursor === null, items.length === 1);
      }

      const jobs = await h.viewer.request('GET', `/api/v1/integrations/${A}/batch-jobs?limit=500`);
      assert.equal(jobs.status, 200, jobs.text);
      assert.equal(jobs.body.availability.status, 'available');
      const items = jobs.body.items as Record<string, unknown>[];
      assert.ok(items.length >= 6, `batch jobs: ${items.length}`);
      const deleted = items.find((j) => j.agentExists === false);
      assert.ok(deleted, 'a job naming a deleted agent');
      assert.equal(deleted.agentName, null);
      const live = items.find((j) => j.agentExists === true);
      assert.ok(live && typeof live.agentName === 'string', 'a job naming an existing agent, with its name');
      const created = items.map((j) => String(j.createdAt ?? ''));
      assert.deepEqual(created, [...created].sort().reverse(), 'newest first');
      const status = String(items[0].status);
      const only = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${A}/batch-jobs?status=${status.toLowerCase()}&limit=500`,
      );
      assert.ok(only.body.items.length > 0);
      assert.ok(only.body.items.every((j: { status: string }) => j.status === status));
    });

    it('prompts, skills and batch jobs before any sync: not known, said why, never an empty "none"', async () => {
      // The other organization's integration was never synced.
      for (const kind of ['prompts', 'skills', 'batch-jobs']) {
        const r = await h.otherAdmin.request('GET', `/api/v1/integrations/${h.integrationB}/${kind}`);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body.items, []);
        assert.equal(r.body.availability.status, null, kind);
        assert.ok(r.body.availability.message && r.body.availability.remediation, kind);
      }
    });

    it("is another organization's 404 and an anonymous 401", async () => {
      for (const url of [
        `/api/v1/integrations/${A}/prompts`,
        `/api/v1/integrations/${A}/skills`,
        `/api/v1/integrations/${A}/batch-jobs`,
        `/api/v1/integrations/${A}/connectors`,
        `/api/v1/integrations/${A}/organization`,
        `/api/v1/integrations/${A}/organization/api-keys`,
        `/api/v1/integrations/${A}/organization/members`,
        `/api/v1/integrations/${A}/organization/invites`,
      ]) {
        const other = await h.otherAdmin.request('GET', url);
        assert.equal(other.status, 404, url);
        assert.ok(!other.text.includes('deploy_bot'));
        assert.equal((await h.anonymous.request('GET', url)).status, 401, url);
      }
    });

    it('without an admin key: every organization section says why it is not there, never empty or zero', async () => {
      const r = await h.viewer.request('GET', `/api/v1/integrations/${A}/organization`);
      assert.equal(r.status, 200, r.text);
      for (const [name, s] of Object.entries(r.body.sections as Record<string, Record<string, unknown>>)) {
        assert.notEqual(s.status, 'available', name);
        assert.ok(typeof s.message === 'string' && s.message.length > 0, name);
        assert.ok(typeof s.remediation === 'string' && s.remediation.length > 0, name);
      }
      for (const f of ['apiKeys', 'members', 'invites', 'workspaces', 'auditLog', 'rateLimit', 'usage']) {
        assert.equal(r.body[f], null, f);
      }
      const keys = await h.viewer.request('GET', `/api/v1/integrations/${A}/organization/api-keys`);
      assert.equal(keys.status, 200);
      assert.deepEqual(keys.body.items, []);
      assert.notEqual(keys.body.availability.status, 'available');
      assert.ok(keys.body.availability.message);

      const av = await h.viewer.request('GET', `/api/v1/integrations/${A}/availability`);
      assert.equal(av.status, 200);
      assert.equal(av.body.features.length, 6, 'the product matrix is unchanged');
      const extra = av.body.extraFeatures as Record<string, unknown>[];
      assert.deepEqual(
        extra.map((f) => f.feature),
        [
          'connectors',
          'librarySharing',
          'adminApiKeys',
          'adminMembers',
          'auditLog',
          'rateLimit',
          'adminUsage',
        ],
      );
      assert.equal(extra[0].status, 'available');
      assert.equal(extra[0].needs, 'apiKey');
      for (const row of extra.slice(2)) {
        assert.equal(row.needs, 'adminKey');
        assert.notEqual(row.status, 'available');
        assert.ok(row.message && row.remediation, String(row.feature));
      }
      assert.equal(typeof av.body.extraCheckedAt, 'string');
    });

    it('with the admin inventory stored: keys masked, members, invites, rate limit, usage per model, the unread audit log said so', async () => {
      const store = createStore(h.db.db, { keyring: testKeyring() });
      const latest = await store.snapshots.loadLatest(A);
      assert.ok(latest);
      const takenAt = new Date(Date.parse(latest.snapshot.takenAt) + 1000).toISOString();
      const unavailable = {
        status: 'unavailable' as const,
        code: 'ADMIN_FEATURE_NOT_IN_PLAN',
        message: 'Audit logs are available on Enterprise plans only.',
        remediation: 'Upgrade to an Enterprise plan to read the audit log.',
      };
      const snapshot: Snapshot = {
        ...latest.snapshot,
        takenAt,
        admin: adminFixture(),
        extraAvailability: {
          ...latest.snapshot.extraAvailability!,
          adminApiKeys: { status: 'available' },
          adminMembers: { status: 'available' },
          auditLog: unavailable,
          rateLimit: { status: 'available' },
          adminUsage: { status: 'available' },
        },
      };
      await store.snapshots.save(A, latest.syncRunId, snapshot);

      const r = await h.viewer.request('GET', `/api/v1/integrations/${A}/organization`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.takenAt, takenAt);
      assert.equal(r.body.sections.apiKeys.status, 'available');
      assert.deepEqual(
        { ...r.body.apiKeys },
        { total: 3, neverExpire: 1, expired: 1, unusedFor90Days: 1, integrationKeyFound: true },
      );
      assert.deepEqual(r.body.members, {
        total: 3,
        admins: 2,
        adminsKnown: true,
        adminsUnknownReason: null,
        outsiders: 1,
        outsiderAdmins: 1,
      });
      assert.deepEqual(r.body.invites, { total: 1, pending: 1, expired: 0, grantingAdmin: 1 });
      assert.equal(r.body.workspaces.length, 1);
      assert.equal(r.body.sections.auditLog.status, 'unavailable');
      assert.equal(r.body.sections.auditLog.remediation, unavailable.remediation);
      assert.equal(r.body.auditLog, null);
      assert.deepEqual(r.body.rateLimit, {
        requestsPerSecond: 6,
        pacedRequestsPerSecond: 3,
        tokensByModel: [
          { model: 'mistral-large-latest', tokensPerMinute: 2_000_000, tokensPerMonth: 10_000_000_000 },
        ],
      });
      const month = r.body.usage[0];
      assert.equal(month.totalCost, 4.5);
      assert.deepEqual(month.byModel[0], {
        model: 'mistral-large-latest',
        products: ['chat', 'completion'],
        metrics: { input_tokens: 1500, output_tokens: 200 },
        cost: 4.5,
      });
      assert.deepEqual(month.byModel[1].cost, null, 'no cost given stays unknown, never 0');

      const keys = await h.viewer.request('GET', `/api/v1/integrations/${A}/organization/api-keys?limit=2`);
      assert.equal(keys.status, 200);
      assert.equal(keys.body.items.length, 2);
      assert.ok(keys.body.nextCursor);
      const rest = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${A}/organization/api-keys?limit=2&cursor=${encodeURIComponent(keys.body.nextCursor)}`,
      );
      const all = [...keys.body.items, ...rest.body.items];
      assert.deepEqual(
        all.map((k: { name: string }) => k.name),
        ['leaky', 'never-expires', 'production'],
      );
      const leaky = all[0];
      assert.equal(leaky.hiddenKey, `${PLAINTEXT_KEY.slice(0, 4)}...${PLAINTEXT_KEY.slice(-4)}`);
      assert.equal(leaky.expired, true);
      assert.equal(leaky.daysSinceLastUse, null);
      assert.equal(all[1].neverExpires, true);
      assert.equal(all[1].daysToExpiry, null);

      const members = await h.viewer.request(
        'GET',
        `/api/v1/integrations/${A}/organization/members?admin=true&outsider=true`,
      );
      assert.deepEqual(
        members.body.items.map((m: { email: string }) => m.email),
        ['mallory@gmail.example'],
      );
      const invites = await h.viewer.request('GET', `/api/v1/integrations/${A}/organization/invites`);
      assert.equal(invites.body.items[0].grantsAdmin, true);

      const av = await h.viewer.request('GET', `/api/v1/integrations/${A}/availability`);
      const byFeature = new Map(
        (av.body.extraFeatures as { feature: string; status: string | null }[]).map((f) => [f.feature, f]),
      );
      assert.equal(byFeature.get('adminApiKeys')?.status, 'available');
      assert.equal(byFeature.get('auditLog')?.status, 'unavailable');
      assert.equal(av.body.extraCheckedAt, takenAt);

      for (const url of [
        `/api/v1/integrations/${A}/organization`,
        `/api/v1/integrations/${A}/organization/api-keys?limit=500`,
        `/api/v1/integrations/${A}/organization/members?limit=500`,
      ]) {
        const res = await h.admin.request('GET', url);
        assert.ok(!res.text.includes(PLAINTEXT_KEY), `no key value in ${url}`);
        assert.ok(!res.text.includes(PLAINTEXT_KEY.slice(4, -4)), `no key value in ${url}`);
      }

      // Audit finding 2: roles unread and no member recognised as admin (they hold role ids) → the
      // admin count says it could not tell, never "0 admins".
      const untold: Snapshot = {
        ...snapshot,
        takenAt: new Date(Date.parse(takenAt) + 1000).toISOString(),
        admin: {
          ...snapshot.admin!,
          members: snapshot.admin!.members!.map((m) => ({
            ...m,
            roles: ['0b0e4c1e-0000-4000-8000-00000000000a'],
            isAdmin: false,
          })),
        },
        extraAvailability: {
          ...snapshot.extraAvailability!,
          adminMembers: { status: 'available', code: 'MISTRAL_UNAVAILABLE', message: 'roles not read' },
        },
      };
      await store.snapshots.save(A, latest.syncRunId, untold);
      const u = await h.viewer.request('GET', `/api/v1/integrations/${A}/organization`);
      assert.equal(u.status, 200, u.text);
      assert.equal(u.body.members.admins, 0);
      assert.equal(u.body.members.adminsKnown, false);
      assert.match(u.body.members.adminsUnknownReason, /roles were not read/);
    });

    it('a feature the workspace refuses is unavailable with its remediation, never an empty list taken for none', async () => {
      h.sim.configure({ features: { connectors: false } });
      try {
        await h.syncNow(A);
      } finally {
        h.sim.configure({ features: {} });
      }
      const r = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items, []);
      assert.notEqual(r.body.availability.status, 'available');
      assert.ok(r.body.availability.message && r.body.availability.remediation);
      const one = await h.viewer.request('GET', `/api/v1/integrations/${A}/connectors/deploy_bot`);
      assert.equal(one.status, 404);
      assert.match(one.body.error.remediation, /not read/);
    });
  });
}
