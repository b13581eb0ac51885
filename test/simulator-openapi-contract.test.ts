/**
 * Contract test against Mistral's own OpenAPI document (schemas/mistral-openapi-2026-08-13, vendored
 * with its licence): every answer the simulator gives on the routes beyond the product document
 * (mistral-api.md §24: MCP connectors, their tools and credentials, library sharing) validates against
 * the 200 response schema of that route, for ordinary and hostile workspaces. Plus the simulator's
 * switch for each feature (403, like a workspace without the beta). The Admin API (GET /v1/admin/*,
 * admin key) too: every route, every page, every filter the connector uses; the key and switch
 * behaviour is in test/simulator-admin.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';

const SPEC = join(import.meta.dirname, '..', 'schemas', 'mistral-openapi-2026-08-13', 'openapi.yaml');

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Spec = { paths: Record<string, { get?: Operation }>; components: { schemas: Record<string, unknown> } };

const spec = parse(readFileSync(SPEC, 'utf8')) as Spec;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'https://mistral.example/openapi', components: spec.components });

/** The 200 schema of GET `pattern` (the document suffixes some path keys with `#…`). */
function validatorFor(pattern: string): ValidateFunction {
  const key = Object.keys(spec.paths).find((k) => k.split('#')[0] === pattern && spec.paths[k].get);
  assert.ok(key, `the OpenAPI document has GET ${pattern}`);
  const schema = spec.paths[key].get!.responses['200'].content!['application/json'].schema;
  const text = JSON.stringify(schema).replaceAll(
    '"#/components/',
    '"https://mistral.example/openapi#/components/',
  );
  return ajv.compile(JSON.parse(text) as object);
}

async function getJson(
  sim: SimulatorHandle,
  path: string,
  key = sim.apiKey,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json() };
}

/** GET with the admin key; asserts 200 and validates against the route's 200 schema. */
async function admin200(sim: SimulatorHandle, validate: ValidateFunction, path: string): Promise<unknown> {
  const r = await getJson(sim, path, sim.adminApiKey);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  check(validate, `GET ${path}`, r.body);
  return r.body;
}

function check(validate: ValidateFunction, label: string, body: unknown): void {
  const ok = validate(body);
  assert.ok(ok, `${label}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

for (const hostile of [false, true]) {
  describe(`simulator answers validate against Mistral's OpenAPI document (${hostile ? 'hostile' : 'ordinary'} workspace)`, () => {
    let sim: SimulatorHandle;
    before(async () => {
      sim = await startSimulator({ seed: 7, generator: { agents: 6, libraries: 4, hostile } });
    });
    after(() => sim.close());

    test('connectors (every cursor page), one connector by id and by name, tools, credentials per scope', async () => {
      const list = validatorFor('/v1/connectors');
      const one = validatorFor('/v1/connectors/{connector_id_or_name}');
      const tools = validatorFor('/v1/connectors/{connector_id_or_name}/tools');
      const creds = {
        organization: validatorFor('/v1/connectors/{connector_id_or_name}/organization/credentials'),
        workspace: validatorFor('/v1/connectors/{connector_id_or_name}/workspace/credentials'),
        user: validatorFor('/v1/connectors/{connector_id_or_name}/user/credentials'),
      };
      // The validators do reject a wrong answer (a connector without its required fields).
      assert.equal(list({ items: [{ id: 'x', name: 'x' }], pagination: { page_size: 1 } }), false);
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = cursor ? `?page_size=4&cursor=${encodeURIComponent(cursor)}` : '?page_size=4';
        const r = await getJson(sim, `/v1/connectors${q}`);
        assert.equal(r.status, 200);
        check(list, 'GET /v1/connectors', r.body);
        const body = r.body as { items: Array<{ id: string }>; pagination: { next_cursor: string | null } };
        ids.push(...body.items.map((c) => c.id));
        cursor = body.pagination.next_cursor;
        pages++;
      } while (cursor);
      const ws = sim.workspace.connectors ?? [];
      assert.ok(pages > 1, 'more than one page was served');
      assert.deepEqual(
        ids,
        ws.map((c) => c.connector.id),
      );
      let credentials = 0;
      for (const c of ws) {
        for (const ref of [c.connector.id, c.connector.name]) {
          const r = await getJson(sim, `/v1/connectors/${encodeURIComponent(ref)}`);
          assert.equal(r.status, 200);
          check(one, 'GET /v1/connectors/{id_or_name}', r.body);
        }
        const t = await getJson(sim, `/v1/connectors/${c.connector.id}/tools`);
        check(tools, 'GET …/tools', t.body);
        for (const scope of ['organization', 'workspace', 'user'] as const) {
          const r = await getJson(sim, `/v1/connectors/${c.connector.id}/${scope}/credentials`);
          check(creds[scope], `GET …/${scope}/credentials`, r.body);
          credentials += (r.body as { credentials: unknown[] }).credentials.length;
        }
      }
      assert.ok(credentials >= 4, 'credentials were generated');
      assert.equal((await getJson(sim, '/v1/connectors/no-such-connector')).status, 404);
    });

    test('prompts and skills (every pageToken page), each by id and version, their versions; batch jobs (every page, filters)', async () => {
      for (const kind of ['prompts', 'skills'] as const) {
        const idParam = kind === 'prompts' ? 'prompt_id' : 'skill_id';
        const list = validatorFor(`/v2/${kind}`);
        const one = validatorFor(`/v2/${kind}/{${idParam}}`);
        const versions = validatorFor(`/v2/${kind}/{${idParam}}/versions`);
        const ids: string[] = [];
        let token: string | undefined;
        do {
          const r = await getJson(sim, `/v2/${kind}?pageSize=2${token ? `&pageToken=${token}` : ''}`);
          assert.equal(r.status, 200);
          check(list, `GET /v2/${kind}`, r.body);
          const body = r.body as { data: Array<{ id: string }>; nextPageToken?: string };
          ids.push(...body.data.map((p) => p.id));
          token = body.nextPageToken;
        } while (token);
        assert.deepEqual(
          ids,
          (sim.workspace[kind] ?? []).map((p) => p.object.id),
          `every ${kind} once, in order`,
        );
        for (const id of ids) {
          const r = await getJson(sim, `/v2/${kind}/${id}`);
          check(one, `GET /v2/${kind}/{id}`, r.body);
          check(
            one,
            `GET /v2/${kind}/{id}?version=1`,
            (await getJson(sim, `/v2/${kind}/${id}?version=1`)).body,
          );
          const v = await getJson(sim, `/v2/${kind}/${id}/versions`);
          check(versions, `GET /v2/${kind}/{id}/versions`, v.body);
          assert.equal(
            (v.body as { data: unknown[] }).data.length,
            (r.body as { latestVersion: number }).latestVersion,
          );
        }
        assert.equal((await getJson(sim, `/v2/${kind}/no-such-id`)).status, 404);
      }
      const jobs = validatorFor('/v1/batch/jobs');
      const job = validatorFor('/v1/batch/jobs/{job_id}');
      const seen: string[] = [];
      for (let page = 0; ; page++) {
        const r = await getJson(sim, `/v1/batch/jobs?page=${page}&page_size=3`);
        check(jobs, 'GET /v1/batch/jobs', r.body);
        const body = r.body as { data: Array<{ id: string }>; total: number };
        if (!body.data.length) break;
        seen.push(...body.data.map((j) => j.id));
      }
      assert.equal(seen.length, sim.workspace.batchJobs?.length);
      assert.ok(seen.length >= 6);
      for (const id of seen)
        check(job, 'GET /v1/batch/jobs/{id}', (await getJson(sim, `/v1/batch/jobs/${id}`)).body);
      const agentId = String(sim.workspace.agents[0].current.id);
      const mine = await getJson(sim, `/v1/batch/jobs?agent_id=${agentId}&status=SUCCESS&status=RUNNING`);
      check(jobs, 'GET /v1/batch/jobs?agent_id', mine.body);
      const data = (mine.body as { data: Array<{ agent_id: string }> }).data;
      assert.ok(data.length >= 1 && data.every((j) => j.agent_id === agentId));
      assert.equal((await getJson(sim, '/v1/batch/jobs?status=NOPE')).status, 422);
    });

    test('library sharing of every library', async () => {
      const share = validatorFor('/v1/libraries/{library_id}/share');
      let orgWide = 0;
      for (const lib of sim.workspace.libraries) {
        const r = await getJson(sim, `/v1/libraries/${lib.library.id}/share`);
        assert.equal(r.status, 200);
        check(share, 'GET /v1/libraries/{id}/share', r.body);
        const data = (r.body as { data: Array<{ share_with_type: string }> }).data;
        if (data.some((s) => s.share_with_type === 'Org')) orgWide++;
      }
      assert.equal(orgWide, 1, 'one library is shared with the whole organization');
    });

    test('admin: api keys (every offset page, name filter), roles, rate limit, spend limit', async () => {
      const keys = validatorFor('/v1/admin/api-keys');
      // The validator does reject a wrong answer (a key without its required fields).
      assert.equal(keys({ keys: [{ key_id: 'x', name: 'x' }] }), false);
      const all = (await admin200(sim, keys, '/v1/admin/api-keys')) as { keys: Array<{ key_id: string }> };
      assert.ok(all.keys.length >= 6);
      const paged: string[] = [];
      for (let offset = 0; offset < all.keys.length; offset += 3) {
        const page = (await admin200(sim, keys, `/v1/admin/api-keys?limit=3&offset=${offset}`)) as {
          keys: Array<{ key_id: string }>;
        };
        paged.push(...page.keys.map((k) => k.key_id));
      }
      assert.deepEqual(
        paged,
        all.keys.map((k) => k.key_id),
      );
      await admin200(sim, keys, '/v1/admin/api-keys?name=batch');
      await admin200(sim, validatorFor('/v1/admin/roles'), '/v1/admin/roles');
      await admin200(sim, validatorFor('/v1/admin/rate-limit'), '/v1/admin/rate-limit');
      await admin200(sim, validatorFor('/v1/admin/spend-limit'), '/v1/admin/spend-limit');
    });

    test('admin: users and invites (every page), each user by id, workspaces, user groups', async () => {
      const users = validatorFor('/v1/admin/users');
      const user = validatorFor('/v1/admin/users/{user_id}');
      let page = 1;
      let seen = 0;
      let total = 0;
      const ids: string[] = [];
      do {
        const body = (await admin200(sim, users, `/v1/admin/users?page=${page}&page_size=4`)) as {
          members: Array<{ uuid: string }>;
          invites: unknown[];
          total: number;
        };
        total = body.total;
        seen += body.members.length + body.invites.length;
        ids.push(...body.members.map((m) => m.uuid));
        page++;
      } while (seen < total && page < 50);
      assert.equal(seen, total);
      assert.ok(ids.length >= 8);
      for (const id of ids) await admin200(sim, user, `/v1/admin/users/${id}`);
      await admin200(sim, users, '/v1/admin/users?email=acme');
      const workspaces = validatorFor('/v1/admin/workspaces');
      await admin200(sim, workspaces, '/v1/admin/workspaces');
      await admin200(sim, workspaces, '/v1/admin/workspaces?is_archived=true&page=1&page_size=2');
      await admin200(sim, workspaces, '/v1/admin/workspaces?search=team');
      const groups = validatorFor('/v1/admin/user-groups');
      await admin200(sim, groups, '/v1/admin/user-groups');
      await admin200(sim, groups, '/v1/admin/user-groups?page=2&page_size=2&search=e');
    });

    test('admin: audit log, both orders, every page with after, every filter', async () => {
      const logs = validatorFor('/v1/admin/audit-logs');
      assert.equal(logs([{ log_id: 1, created_at: 'x', event_type: 'agent.update' }]), false);
      assert.equal(logs([{ ...sim.workspace.admin!.auditLog[0], event_type: 'no.such_event' }]), false);
      const all = (await admin200(sim, logs, '/v1/admin/audit-logs?sort=ascending&limit=1000')) as Array<{
        created_at: string;
      }>;
      assert.ok(all.length >= 15);
      await admin200(sim, logs, '/v1/admin/audit-logs');
      let after = '';
      for (let i = 0; i < 40; i++) {
        const q = `sort=ascending&limit=5${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const page = (await admin200(sim, logs, `/v1/admin/audit-logs?${q}`)) as Array<{
          created_at: string;
        }>;
        if (!page.length) break;
        after = page[page.length - 1].created_at;
      }
      const filters = [
        'event_type=agent.update&event_type=api_key.create',
        'actor_type=HUMAN',
        'target_type=AGENT',
        `actor_user_uuid=${sim.workspace.admin!.members[0].uuid}`,
        `before=${encodeURIComponent(all[all.length - 1].created_at)}&sort=descending&limit=3`,
      ];
      for (const f of filters) await admin200(sim, logs, `/v1/admin/audit-logs?${f}`);
      // Entries added mid-run (evolve's agent changes, addAuditEntry) validate too.
      const step = sim.evolve({ guardrailsChanged: 2 });
      assert.ok((step.auditEntriesAdded ?? []).length >= 2);
      sim.addAuditEntry({
        actor_type: 'OTHER',
        event_type: 'organization.update',
        target_type: 'ORGANIZATION',
      });
      const after2 = encodeURIComponent(step.from);
      const fresh = (await admin200(
        sim,
        logs,
        `/v1/admin/audit-logs?after=${after2}&limit=1000`,
      )) as unknown[];
      assert.ok(fresh.length >= 3);
    });

    test('admin: usage of the current month, the previous one, one workspace, a month without data', async () => {
      const usage = validatorFor('/v1/admin/usage');
      assert.equal(usage({ completion: { models: {} } }), false);
      const now = new Date(sim.workspace.now);
      const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
      const current = (await admin200(sim, usage, '/v1/admin/usage')) as {
        completion: { models: Record<string, unknown> };
      };
      assert.ok(Object.keys(current.completion.models).length > 0);
      const before = (await admin200(
        sim,
        usage,
        `/v1/admin/usage?month=${prev.getUTCMonth() + 1}&year=${prev.getUTCFullYear()}`,
      )) as { chat: { models: Record<string, unknown> } };
      assert.ok(Object.keys(before.chat.models).length > 0);
      const ws = sim.workspace.admin!.workspaces[0].uuid;
      await admin200(sim, usage, `/v1/admin/usage?workspace_id=${ws}&api_zone=eu`);
      await admin200(sim, usage, '/v1/admin/usage?month=1&year=2001');
    });
  });
}

describe('simulator feature switches (issue 11)', () => {
  test('connectors and library sharing answer 403 while off, the rest still answers', async () => {
    const sim = await startSimulator({ seed: 2, features: { connectors: false } });
    try {
      assert.equal((await getJson(sim, '/v1/connectors')).status, 403);
      const lib = sim.workspace.libraries[0].library.id;
      assert.equal((await getJson(sim, `/v1/libraries/${lib}/share`)).status, 200);
      sim.configure({ features: { librarySharing: false } });
      assert.equal((await getJson(sim, `/v1/libraries/${lib}/share`)).status, 403);
      assert.equal((await getJson(sim, '/v1/connectors')).status, 200);
      assert.equal((await getJson(sim, '/v1/libraries')).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('prompts, skills and batch jobs answer 403 while off, each on its own', async () => {
    const sim = await startSimulator({ seed: 2, features: { prompts: false } });
    try {
      assert.equal((await getJson(sim, '/v2/prompts')).status, 403);
      assert.equal((await getJson(sim, '/v2/skills')).status, 200);
      assert.equal((await getJson(sim, '/v1/batch/jobs')).status, 200);
      sim.configure({ features: { skills: false, batch: false } });
      assert.equal((await getJson(sim, '/v2/prompts')).status, 200);
      assert.equal((await getJson(sim, '/v2/skills')).status, 403);
      assert.equal((await getJson(sim, '/v1/batch/jobs')).status, 403);
      const job = sim.workspace.batchJobs![0].id;
      assert.equal((await getJson(sim, `/v1/batch/jobs/${job}`)).status, 403);
    } finally {
      await sim.close();
    }
  });
});
