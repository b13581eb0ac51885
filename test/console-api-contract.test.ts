/**
 * The web console's API types (web/src/api/schema.d.ts) are generated from the server's OpenAPI document
 * and committed: this fails when a route or schema changed without regenerating them
 * (`npm run api:types`), so the console never compiles against a stale contract.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedFiles } from '../scripts/api-types.ts';
import { testBackends } from '../src/store/testing.ts';

const [pglite] = testBackends();

describe("the console's API contract", { skip: pglite.skip }, () => {
  it('web/src/api/schema.d.ts matches the OpenAPI document the server serves', async () => {
    for (const [file, expected] of Object.entries(await generatedFiles())) {
      const committed = readFileSync(file, 'utf8');
      assert.ok(committed === expected, `${file} is stale: run \`npm run api:types\` and commit it`);
    }
  });
});
