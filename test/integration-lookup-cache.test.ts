/**
 * The read services' cached integration lookups (src/services/read-cache.ts cachedIntegrationLookups):
 * one lookup per TTL, never a wider access (the organization check runs on every call), failures not
 * kept, and a deleted integration disappears from reads once the TTL has passed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../src/errors/index.ts';
import type { Actor } from '../src/services/context.ts';
import { cachedIntegrationLookups, INTEGRATION_LOOKUP_TTL_MS } from '../src/services/read-cache.ts';
import { integrationsInScope } from '../src/services/read-scope.ts';
import type { IntegrationView, Store } from '../src/store/index.ts';

const view = (id: string, organizationId: string): IntegrationView =>
  ({ id, name: id, organizationId }) as IntegrationView;

const actor = (organizationId: string): Actor => ({
  kind: 'user',
  id: 'u',
  label: 'u',
  organizationId,
  role: 'viewer',
});

describe('cached integration lookups', () => {
  it('reads once per TTL, checks the organization on every call, forgets deletions after the TTL', async () => {
    const rows = new Map([['i1', view('i1', 'orgA')]]);
    const calls = { get: 0, list: 0, fail: false };
    const source = {
      async get(id: string) {
        calls.get++;
        if (calls.fail) throw new Error('database down');
        return rows.get(id) ?? null;
      },
      async list(org?: string) {
        calls.list++;
        return [...rows.values()].filter((v) => org === undefined || v.organizationId === org);
      },
    } as unknown as Store['integrations'];
    let ms = 1_000_000;
    const lookups = { integrations: cachedIntegrationLookups(source, { nowMs: () => ms }) };

    assert.equal((await integrationsInScope(lookups, actor('orgA'), 'i1'))[0].id, 'i1');
    assert.equal((await integrationsInScope(lookups, actor('orgA'), 'i1'))[0].id, 'i1');
    assert.equal(calls.get, 1, 'the second read is served from memory');
    await assert.rejects(
      integrationsInScope(lookups, actor('orgB'), 'i1'),
      (e) => isAppError(e) && e.code === 'NOT_FOUND',
    );
    assert.equal(calls.get, 1, 'a cached lookup is still checked against the actor');

    assert.equal((await integrationsInScope(lookups, actor('orgA'))).length, 1);
    assert.equal((await integrationsInScope(lookups, actor('orgA'))).length, 1);
    assert.equal(calls.list, 1);

    rows.delete('i1');
    ms += INTEGRATION_LOOKUP_TTL_MS - 1;
    assert.equal((await integrationsInScope(lookups, actor('orgA'), 'i1')).length, 1, 'within the TTL');
    ms += 1;
    await assert.rejects(
      integrationsInScope(lookups, actor('orgA'), 'i1'),
      (e) => isAppError(e) && e.code === 'NOT_FOUND',
    );
    assert.deepEqual(await integrationsInScope(lookups, actor('orgA')), []);

    calls.fail = true;
    ms += INTEGRATION_LOOKUP_TTL_MS;
    await assert.rejects(lookups.integrations.get('i2'), /database down/);
    calls.fail = false;
    assert.equal(await lookups.integrations.get('i2'), null, 'a failure is not kept');
    assert.equal(cachedIntegrationLookups(source, { ttlMs: 0 }), source, 'TTL 0: no cache');
  });
});
