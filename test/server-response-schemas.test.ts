/**
 * The response schemas of the read routes describe what the services really return, checked against a
 * synced simulated workspace:
 *  - every route answers 200: the serializer (fastify-type-provider-zod) validates each response
 *    against its zod schema and answers 500 on a mismatch, so a schema stricter than the data fails;
 *  - every field of every response is declared in the OpenAPI document: the walker follows the
 *    documented schema ($ref to components) into each value and fails on an object key the schema
 *    does not name, so a schema looser than the data (`{[key: string]: unknown}` for the console)
 *    fails too. Only schemas without declared properties (raw Mistral JSON, evidence, records) are
 *    not entered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

interface OpenApiDoc {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>
  >;
  components: { schemas: Record<string, JsonSchema> };
}

/** The keys of `value` the schema does not declare, as JSON paths (empty: every key is declared). */
export function undeclaredKeys(doc: OpenApiDoc, schema: JsonSchema, value: unknown, path = '$'): string[] {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = decodeURIComponent(s.$ref.replace('#/components/schemas/', ''));
    const target = doc.components.schemas[name];
    assert.ok(target, `${path}: unresolved ${s.$ref}`);
    s = target;
  }
  const alternatives = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  if (alternatives.length > 0) {
    if (value === null) return [];
    const options = alternatives.filter((a) => !(a.type === 'null'));
    const results = options.map((a) => undeclaredKeys(doc, a, value, path));
    return results.find((r) => r.length === 0) ?? results[0] ?? [];
  }
  if (s.allOf) return s.allOf.flatMap((a) => undeclaredKeys(doc, a, value, path));
  if (Array.isArray(value)) {
    return s.items ? value.flatMap((v, i) => undeclaredKeys(doc, s.items!, v, `${path}[${i}]`)) : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  const props = s.properties;
  const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : null;
  const typedExtra = extra !== null && Object.keys(extra).length > 0;
  if (!props) {
    // A record (typed values: enter them) or raw JSON (not entered).
    if (!typedExtra) return [];
    for (const [k, v] of Object.entries(value)) out.push(...undeclaredKeys(doc, extra, v, `${path}.${k}`));
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (props[k]) out.push(...undeclaredKeys(doc, props[k], v, `${path}.${k}`));
    else if (typedExtra) out.push(...undeclaredKeys(doc, extra, v, `${path}.${k}`));
    else out.push(`${path}.${k}`);
  }
  return out;
}

const [pglite] = testBackends();

describe('response schemas against a synced workspace', { skip: pglite.skip }, () => {
  let h: TestServer;
  let doc: OpenApiDoc;
  before(async () => {
    h = await startTestServer(pglite, { sync: true });
    const res = await h.server.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    doc = res.json() as OpenApiDoc;
  });
  after(async () => {
    await h?.close();
  });

  /** GET `url` as a viewer: 200, and every key of the body declared by the documented 200 schema. */
  async function check(url: string, route: string) {
    const r = await h.viewer.request('GET', url);
    assert.equal(r.status, 200, `${url}: ${r.text.slice(0, 500)}`);
    const schema = doc.paths[route]?.get?.responses['200']?.content?.['application/json']?.schema;
    assert.ok(schema, `${route}: no documented 200 schema`);
    const missing = undeclaredKeys(doc, schema, r.body);
    assert.deepEqual(
      [...new Set(missing.map((p) => p.replace(/\[\d+\]/g, '[]')))],
      [],
      `${url}: undeclared fields`,
    );
    return r.body;
  }

  it('the walker can fail: an undeclared field is reported', () => {
    const schema = doc.components.schemas.RiskTrendPoint;
    assert.ok(schema, 'RiskTrendPoint is a named component');
    assert.deepEqual(undeclaredKeys(doc, schema, { at: 'x', syncRunId: null, score: 1 }), []);
    assert.deepEqual(undeclaredKeys(doc, schema, { at: 'x', syncRunId: null, score: 1, extra: 2 }), [
      '$.extra',
    ]);
    const page = doc.paths['/api/v1/agents'].get.responses['200'].content!['application/json'].schema;
    assert.deepEqual(undeclaredKeys(doc, page, { items: [{ id: 'a', surprise: true }], nextCursor: null }), [
      '$.items[0].surprise',
    ]);
  });

  it('posture, fix first, exposure and rules validate and declare every field', async () => {
    const posture = await check('/api/v1/posture', '/api/v1/posture');
    assert.ok(posture.integrations.length > 0);
    assert.equal(typeof posture.organization.riskScore, 'number');
    assert.ok(posture.organization.riskTrend.length > 0);
    const fix = await check('/api/v1/posture/fix-first', '/api/v1/posture/fix-first');
    assert.ok(fix.groups.length > 0);
    assert.ok(fix.groups.some((g: { patchAgentBody: unknown }) => g.patchAgentBody !== null));
    const exposure = await check('/api/v1/posture/exposure', '/api/v1/posture/exposure');
    assert.ok(exposure.integrations.length > 0);
    await check(`/api/v1/posture?integrationId=${h.integrationA}`, '/api/v1/posture');
    const rules = await check('/api/v1/rules', '/api/v1/rules');
    assert.ok(rules.items.some((r: { frameworks: unknown[] }) => r.frameworks.length > 0));
  });

  it('agents, every agent detail and a version comparison validate and declare every field', async () => {
    const agents = await check('/api/v1/agents?limit=500', '/api/v1/agents');
    assert.ok(agents.items.length > 0);
    let details = 0;
    let compared = 0;
    let withHistory = 0;
    let withGuardrails = 0;
    let withAliases = 0;
    for (const a of agents.items as { id: string; integrationId: string }[]) {
      const detail = await check(
        `/api/v1/integrations/${a.integrationId}/agents/${a.id}`,
        '/api/v1/integrations/{id}/agents/{agentId}',
      );
      details++;
      if (detail.guardrails !== null) withGuardrails++;
      if (detail.aliases.length > 0) withAliases++;
      const versions = (detail.versionHistory as { version: number }[]).map((v) => v.version);
      if (versions.length >= 2) {
        withHistory++;
        await check(
          `/api/v1/integrations/${a.integrationId}/agents/${a.id}/versions/compare?from=${versions[0]}&to=${versions[versions.length - 1]}`,
          '/api/v1/integrations/{id}/agents/{agentId}/versions/compare',
        );
        compared++;
      }
    }
    assert.equal(details, agents.items.length);
    // The simulated workspace has agents of every kind the schema names: the check covered them.
    assert.ok(compared > 0 && withHistory > 0, 'a version comparison was checked');
    assert.ok(withGuardrails > 0, 'an agent with guardrails was checked');
    assert.ok(withAliases > 0, 'an agent with aliases was checked');
  });

  it('models, files, libraries, findings (list and one) and events validate and declare every field', async () => {
    for (const url of ['/api/v1/models', '/api/v1/files', '/api/v1/libraries']) {
      const body = await check(`${url}?includeDeleted=true`, url);
      assert.ok(body.items.length > 0, url);
    }
    const findings = await check('/api/v1/findings?status=all&muted=include&limit=500', '/api/v1/findings');
    assert.ok(findings.items.length > 0);
    const first = findings.items[0] as { id: string };
    const muted = await h.analyst.request('POST', `/api/v1/findings/${first.id}/mute`, {
      reason: 'accepted risk',
      expiresAt: null,
    });
    assert.equal(muted.status, 200, muted.text);
    const one = await check(`/api/v1/findings/${first.id}`, '/api/v1/findings/{id}');
    assert.equal(one.mute.reason, 'accepted risk');
    assert.equal(one.muteHistory.length, 1);
    await check('/api/v1/findings?muted=only', '/api/v1/findings');
    const unmuted = await h.analyst.request('POST', `/api/v1/findings/${first.id}/unmute`);
    assert.equal(unmuted.status, 200, unmuted.text);
  });

  it('prompts, skills and batch jobs of the v2 registry validate and declare every field', async () => {
    const A = h.integrationA;
    for (const kind of ['prompts', 'skills', 'batch-jobs']) {
      const body = await check(
        `/api/v1/integrations/${A}/${kind}?limit=500`,
        `/api/v1/integrations/{id}/${kind}`,
      );
      assert.equal(body.availability.status, 'available', kind);
      assert.ok(body.items.length > 0, kind);
    }
  });

  it('after a second sync over a changed workspace: events, the agents and their details still validate', async () => {
    h.sim.evolve({ agentsEdited: 2, guardrailsChanged: 2, agentsDeleted: 1, agentsAdded: 1 });
    await h.syncNow(h.integrationA);
    const events = await check('/api/v1/events?limit=500', '/api/v1/events');
    assert.ok(events.items.length > 0, 'the second sync recorded change events');
    assert.ok(
      events.items.some((e: { changes: unknown[] | null }) => e.changes !== null && e.changes.length > 0),
      'an event with field changes was checked',
    );
    const agents = await check('/api/v1/agents?limit=500&includeDeleted=true', '/api/v1/agents');
    let withEvents = 0;
    for (const a of agents.items as { id: string; integrationId: string }[]) {
      const detail = await check(
        `/api/v1/integrations/${a.integrationId}/agents/${a.id}`,
        '/api/v1/integrations/{id}/agents/{agentId}',
      );
      if (detail.events.length > 0) withEvents++;
    }
    assert.ok(withEvents > 0, 'an agent detail with events was checked');
    await check('/api/v1/posture', '/api/v1/posture');
    await check('/api/v1/posture/fix-first', '/api/v1/posture/fix-first');
    await check('/api/v1/posture/exposure', '/api/v1/posture/exposure');
  });
});
