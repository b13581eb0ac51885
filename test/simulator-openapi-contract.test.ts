/**
 * Contract test against Mistral's own OpenAPI document (schemas/mistral-openapi-2026-08-13, vendored
 * with its licence): every answer the simulator gives on the routes beyond the product document
 * (mistral-api.md §24: MCP connectors, their tools and credentials, library sharing) validates against
 * the 200 response schema of that route, for ordinary and hostile workspaces. Plus the simulator's
 * switch for each feature (403, like a workspace without the beta).
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

async function getJson(sim: SimulatorHandle, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.apiKey}` } });
  return { status: res.status, body: await res.json() };
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
});
