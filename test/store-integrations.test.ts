/**
 * Integrations on both back ends: encrypted keys (never plaintext in any column), key and master-key
 * rotation, tamper detection, cascade delete of everything an integration owns, and the service that
 * validates a key against the simulator before storing it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createKeyring, keyFingerprint, masterKeyFromBytes, type Keyring } from '../src/crypto/index.ts';
import { isAppError } from '../src/errors/index.ts';
import { createIntegrationService } from '../src/integrations/index.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore, type Database, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import {
  agent,
  availability,
  contribution,
  finding,
  recognisableKey,
  snapshot,
  testKeyring,
  usageRow,
} from './store-fixtures.ts';

function appError(code: string) {
  return (e: unknown) => isAppError(e) && e.code === code;
}

/** Every column of every table of the current schema, as text. */
async function everyCellAsText(db: Database): Promise<string[]> {
  const { rows: cols } = await db.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY 1, 2`,
  );
  assert.ok(cols.length > 50, 'the scan sees the schema');
  const out: string[] = [];
  for (const { t, c } of cols) {
    // Identifiers come from the catalog, quoted; no data is interpolated.
    const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const { rows } = await db.query<{ v: string | null }>(`SELECT (${ident(c)})::text AS v FROM ${ident(t)}`);
    for (const r of rows) if (r.v !== null) out.push(r.v);
  }
  return out;
}

/** Inserts one row of everything an integration can own. */
async function populate(store: Store, integrationId: string): Promise<void> {
  const run = await store.syncRuns.start(integrationId, '2026-02-01T00:00:00Z');
  await store.inventory.applyListing(integrationId, 'agent', [{ id: 'ag1', name: 'a', data: agent('ag1') }], {
    complete: true,
    syncRunId: run,
    at: '2026-02-01T00:00:00Z',
  });
  await store.snapshots.save(integrationId, run, snapshot('2026-02-01T00:00:00Z', [agent('ag1')]));
  await store.usage(integrationId).applyChanges({
    upserts: [contribution('c1', 'ag1', [usageRow('c1', 'ag1', '2026-01-31')])],
    removals: [],
  });
  await store.findings.saveAll([finding(integrationId, `${integrationId}-f1`)]);
  await store.events.append(integrationId, run, [
    {
      type: 'resource_created',
      resourceType: 'agent',
      resourceId: 'ag1',
      resourceName: 'a',
      at: '2026-02-01T00:00:00Z',
      summary: 'created',
    },
  ]);
  await store.riskScores.save(integrationId, run, '2026-02-01T00:00:00Z', [
    {
      scope: 'integration',
      resourceId: integrationId,
      score: 40,
      openBySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
    },
  ]);
  await store.syncRuns.finish(run, {
    status: 'succeeded',
    finishedAt: '2026-02-01T00:00:05Z',
    durationMs: 5000,
    countsByType: { agent: 1, model: 0, file: 0, library: 0 },
    requests: 7,
    availability: availability(),
    errors: [],
  });
}

const OWNED_TABLES = [
  'integration_keys',
  'sync_runs',
  'inventory_records',
  'snapshots',
  'usage_conversations',
  'usage_rows',
  'findings',
  'change_events',
  'risk_scores',
];

async function ownedRowCounts(db: Database, integrationId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of OWNED_TABLES) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t} WHERE integration_id = $1`,
      [integrationId],
    );
    out[t] = rows[0].n;
  }
  return out;
}

for (const backend of testBackends()) {
  describe(`integrations repository (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let keyring: Keyring;
    let store: Store;
    before(async () => {
      t = await backend.open();
      keyring = testKeyring();
      store = createStore(t.db, { keyring });
    });
    after(() => t?.cleanup());

    it('creates an integration and never returns its key', async () => {
      const apiKey = recognisableKey('create');
      const view = await store.integrations.create({
        name: 'Production',
        apiKey,
        baseUrl: 'eu',
        syncFrequencyMinutes: 30,
      });
      assert.deepEqual(Object.keys(view).sort(), [
        'adminKey',
        'baseUrl',
        'createdAt',
        'id',
        'keyFingerprint',
        'keyHint',
        'keyUpdatedAt',
        'name',
        'nextSyncAt',
        'organizationId',
        'simulated',
        'syncFrequencyMinutes',
        'updatedAt',
      ]);
      assert.equal(view.baseUrl, 'https://api.eu.mistral.ai');
      assert.equal(view.syncFrequencyMinutes, 30);
      assert.equal(view.keyHint, `••••${apiKey.slice(-4)}`);
      assert.equal(view.keyFingerprint, keyFingerprint(apiKey));
      assert.ok(!JSON.stringify(view).includes(apiKey.slice(0, -4)));
      assert.deepEqual(await store.integrations.get(view.id), view);
      assert.ok((await store.integrations.list()).some((i) => i.id === view.id));
      assert.equal(await store.integrations.revealApiKey(view.id), apiKey);
      assert.deepEqual(await store.integrations.info(view.id), {
        id: view.id,
        name: 'Production',
        baseUrl: 'https://api.eu.mistral.ai',
        keyUpdatedAt: view.keyUpdatedAt,
      });
    });

    it('validates names (unique, case-insensitive), base URLs and frequencies', async () => {
      await store.integrations.create({ name: 'Unique One', apiKey: recognisableKey() });
      await assert.rejects(
        () => store.integrations.create({ name: 'unique one', apiKey: recognisableKey() }),
        appError('CONFLICT'),
      );
      await assert.rejects(
        () => store.integrations.create({ name: '  ', apiKey: recognisableKey() }),
        appError('INVALID_INPUT'),
      );
      for (const baseUrl of ['ftp://x', 'not a url', 'https://user:pw@host']) {
        await assert.rejects(
          () => store.integrations.create({ name: `u ${baseUrl}`, apiKey: recognisableKey(), baseUrl }),
          appError('INVALID_INPUT'),
        );
      }
      for (const syncFrequencyMinutes of [0, 1.5, 100000]) {
        await assert.rejects(
          () =>
            store.integrations.create({
              name: `f ${syncFrequencyMinutes}`,
              apiKey: recognisableKey(),
              syncFrequencyMinutes,
            }),
          appError('INVALID_INPUT'),
        );
      }
      await assert.rejects(
        () => store.integrations.create({ name: 'k', apiKey: 'has space' }),
        appError('INVALID_INPUT'),
      );
      const custom = await store.integrations.create({
        name: 'Custom',
        apiKey: recognisableKey(),
        baseUrl: 'http://127.0.0.1:9/prefix/',
      });
      assert.equal(custom.baseUrl, 'http://127.0.0.1:9/prefix');
      assert.equal(
        (await store.integrations.create({ name: 'Default', apiKey: recognisableKey() })).baseUrl,
        'https://api.mistral.ai',
      );
      assert.equal(await store.integrations.get('missing'), null);
      await assert.rejects(() => store.integrations.revealApiKey('missing'), appError('NOT_FOUND'));
    });

    it('updates name, base URL and frequency, keeping the key', async () => {
      const apiKey = recognisableKey('upd');
      const v = await store.integrations.create({ name: 'Before', apiKey });
      const u = await store.integrations.update(
        v.id,
        { name: 'After', baseUrl: 'us', syncFrequencyMinutes: 120 },
        new Date('2030-01-01T00:00:00Z'),
      );
      assert.equal(u.name, 'After');
      assert.equal(u.baseUrl, 'https://api.us.mistral.ai');
      assert.equal(u.syncFrequencyMinutes, 120);
      assert.equal(u.updatedAt, '2030-01-01T00:00:00.000Z');
      assert.equal(u.keyFingerprint, v.keyFingerprint);
      assert.equal(await store.integrations.revealApiKey(v.id), apiKey);
      await store.integrations.create({ name: 'Taken', apiKey: recognisableKey() });
      await assert.rejects(() => store.integrations.update(v.id, { name: 'TAKEN' }), appError('CONFLICT'));
      await assert.rejects(() => store.integrations.update('missing', { name: 'x' }), appError('NOT_FOUND'));
    });

    it('rotates the API key', async () => {
      const oldKey = recognisableKey('old');
      const v = await store.integrations.create(
        { name: 'Rotating', apiKey: oldKey },
        new Date('2026-01-01T00:00:00Z'),
      );
      const newKey = recognisableKey('new');
      const r = await store.integrations.rotateKey(v.id, newKey, new Date('2026-03-01T00:00:00Z'));
      assert.equal(r.keyUpdatedAt, '2026-03-01T00:00:00.000Z');
      assert.equal(r.createdAt, '2026-01-01T00:00:00.000Z');
      assert.equal(r.keyHint, `••••${newKey.slice(-4)}`);
      assert.equal(r.keyFingerprint, keyFingerprint(newKey));
      assert.equal(await store.integrations.revealApiKey(v.id), newKey);
      await assert.rejects(() => store.integrations.rotateKey('missing', newKey), appError('NOT_FOUND'));
    });

    it('keeps no plaintext key (nor its hex or base64) in any column of any table', async () => {
      const keys = [recognisableKey('scan1'), recognisableKey('scan2')];
      const a = await store.integrations.create({ name: 'Scan A', apiKey: keys[0] });
      await populate(store, a.id);
      await store.integrations.rotateKey(a.id, keys[1]);
      await store.integrations.create({ name: 'Scan B', apiKey: keys[0] });
      const cells = await everyCellAsText(t.db);
      assert.ok(cells.length > 20);
      for (const key of keys) {
        const needles = [
          key,
          key.slice(0, 24),
          key.slice(8, -6),
          Buffer.from(key).toString('hex'),
          Buffer.from(key).toString('base64').slice(0, 24),
        ];
        for (const cell of cells) {
          for (const n of needles) assert.ok(!cell.includes(n), 'a stored cell contains the key');
        }
      }
      assert.ok(
        cells.includes(`••••${keys[1].slice(-4)}`),
        'the masked hint is stored (the scan reads key rows)',
      );
    });

    it('detects a tampered or swapped ciphertext', async () => {
      const a = await store.integrations.create({ name: 'Tamper A', apiKey: recognisableKey('ta') });
      const b = await store.integrations.create({ name: 'Tamper B', apiKey: recognisableKey('tb') });
      // Swap A's encrypted key into B's row: the AAD binds it to A.
      await t.db.query(
        `UPDATE integration_keys SET ciphertext = (SELECT ciphertext FROM integration_keys WHERE integration_id = $1),
           wrapped_data_key = (SELECT wrapped_data_key FROM integration_keys WHERE integration_id = $1)
         WHERE integration_id = $2`,
        [a.id, b.id],
      );
      await assert.rejects(() => store.integrations.revealApiKey(b.id), appError('CRYPTO_ERROR'));
      // Flip one bit of A's ciphertext (XOR, so the byte always changes).
      await t.db.query(
        `UPDATE integration_keys SET ciphertext = set_byte(ciphertext, 20, get_byte(ciphertext, 20) # 1)
         WHERE integration_id = $1`,
        [a.id],
      );
      await assert.rejects(() => store.integrations.revealApiKey(a.id), appError('CRYPTO_ERROR'));
    });

    it('rotates the master key with rewrapAll', async () => {
      const isolated = await backend.open();
      try {
        const keyA = masterKeyFromBytes(randomBytes(32));
        const keyB = masterKeyFromBytes(randomBytes(32));
        const storeA = createStore(isolated.db, { keyring: createKeyring(keyA) });
        const k1 = recognisableKey('mk1');
        const k2 = recognisableKey('mk2');
        const i1 = await storeA.integrations.create({ name: 'one', apiKey: k1 });
        const i2 = await storeA.integrations.create({ name: 'two', apiKey: k2 });

        const rotating = createStore(isolated.db, { keyring: createKeyring(keyB, [keyA]) });
        assert.equal(
          await rotating.integrations.revealApiKey(i1.id),
          k1,
          'old keys still open during rotation',
        );
        const k3 = recognisableKey('mk3');
        const i3 = await rotating.integrations.create({ name: 'three', apiKey: k3 });
        assert.deepEqual(await rotating.integrations.rewrapAll(), { rewrapped: 2, alreadyCurrent: 1 });
        assert.deepEqual(await rotating.integrations.rewrapAll(), { rewrapped: 0, alreadyCurrent: 3 });

        const { rows } = await isolated.db.query<{ id: string }>(
          'SELECT DISTINCT master_key_id AS id FROM integration_keys',
        );
        assert.deepEqual(rows, [{ id: keyB.id }]);
        const onlyB = createStore(isolated.db, { keyring: createKeyring(keyB) });
        assert.equal(await onlyB.integrations.revealApiKey(i1.id), k1);
        assert.equal(await onlyB.integrations.revealApiKey(i2.id), k2);
        assert.equal(await onlyB.integrations.revealApiKey(i3.id), k3);
        await assert.rejects(() => storeA.integrations.revealApiKey(i1.id), appError('CRYPTO_ERROR'));
        // Without the old key, rewrapping cannot proceed and changes nothing.
        const storeC = createStore(isolated.db, {
          keyring: createKeyring(masterKeyFromBytes(randomBytes(32))),
        });
        await assert.rejects(() => storeC.integrations.rewrapAll(), appError('CRYPTO_ERROR'));
        assert.equal(await onlyB.integrations.revealApiKey(i1.id), k1);
      } finally {
        await isolated.cleanup();
      }
    });

    it('deletes an integration with its key and everything it owns (cascade), and nothing else', async () => {
      const a = await store.integrations.create({ name: 'Doomed', apiKey: recognisableKey('del') });
      const b = await store.integrations.create({ name: 'Survivor', apiKey: recognisableKey('keep') });
      await populate(store, a.id);
      await populate(store, b.id);
      const before = await ownedRowCounts(t.db, a.id);
      for (const [table, n] of Object.entries(before)) assert.ok(n > 0, `${table} populated`);
      await store.integrations.delete(a.id);
      assert.equal(await store.integrations.get(a.id), null);
      assert.deepEqual(
        Object.values(await ownedRowCounts(t.db, a.id)),
        OWNED_TABLES.map(() => 0),
      );
      assert.deepEqual(await ownedRowCounts(t.db, b.id), before);
      await assert.rejects(() => store.integrations.delete(a.id), appError('NOT_FOUND'));
      await assert.rejects(() => store.integrations.revealApiKey(a.id), appError('NOT_FOUND'));
    });
  });
}

describe('integration service (validates the key against the simulator first)', () => {
  const backend = testBackends()[0];
  let t: TestDatabase;
  let store: Store;
  let sim: SimulatorHandle;
  const validated: string[] = [];
  before(async () => {
    t = await backend.open();
    store = createStore(t.db, { keyring: testKeyring() });
    sim = await startSimulator({ seed: 3, host: '127.0.0.1', generator: { agents: 2, conversations: 5 } });
  });
  after(async () => {
    await sim?.close();
    await t?.cleanup();
  });

  const service = () =>
    createIntegrationService({
      store,
      validateKey: async (apiKey, baseUrl) => {
        validated.push(baseUrl);
        await createMistralConnector({ apiKey, baseUrl, maxRetryElapsedMs: 2000 }).validateKey();
      },
    });

  it('stores a valid key', async () => {
    const v = await service().create({ name: 'Simulated', apiKey: sim.apiKey, baseUrl: sim.url });
    assert.equal(v.baseUrl, sim.url.replace(/\/+$/, ''));
    assert.equal(await store.integrations.revealApiKey(v.id), sim.apiKey);
    assert.deepEqual(validated.at(-1), v.baseUrl);
  });

  it('refuses an invalid key with INVALID_API_KEY and stores nothing', async () => {
    const before = (await store.integrations.list()).length;
    const bad = recognisableKey('bad');
    await assert.rejects(
      () => service().create({ name: 'Refused', apiKey: bad, baseUrl: sim.url }),
      (e: unknown) =>
        isAppError(e) && e.code === 'INVALID_API_KEY' && !JSON.stringify(e.toJSON()).includes(bad),
    );
    assert.equal((await store.integrations.list()).length, before);
    assert.equal(await store.integrations.getByName('Refused'), null);
  });

  it('validates a replacement key before storing it; a refused one leaves the old key', async () => {
    const v = await service().create({ name: 'Rotate via service', apiKey: sim.apiKey, baseUrl: sim.url });
    await assert.rejects(
      () => service().rotateKey(v.id, recognisableKey('nope')),
      appError('INVALID_API_KEY'),
    );
    assert.equal(await store.integrations.revealApiKey(v.id), sim.apiKey);
    assert.equal((await store.integrations.require(v.id)).keyFingerprint, v.keyFingerprint);
    // Rotating to the key already in use would reset its age without rotating anything.
    await assert.rejects(() => service().rotateKey(v.id, ` ${sim.apiKey} `), appError('CONFLICT'));
    assert.equal((await store.integrations.require(v.id)).keyUpdatedAt, v.keyUpdatedAt);
  });

  it('rotates to a new valid key', async () => {
    const old = await store.integrations.create({
      name: 'Old key',
      apiKey: recognisableKey('old'),
      baseUrl: sim.url,
    });
    const rotated = await service().rotateKey(old.id, ` ${sim.apiKey} `);
    assert.equal(rotated.keyFingerprint, keyFingerprint(sim.apiKey));
    assert.equal(await store.integrations.revealApiKey(old.id), sim.apiKey);
  });

  it('checks input and name conflicts before calling Mistral', async () => {
    const calls = validated.length;
    await assert.rejects(
      () => service().create({ name: 'Simulated', apiKey: sim.apiKey, baseUrl: sim.url }),
      appError('CONFLICT'),
    );
    await assert.rejects(
      () => service().create({ name: 'x', apiKey: sim.apiKey, baseUrl: 'ftp://nope' }),
      appError('INVALID_INPUT'),
    );
    assert.equal(validated.length, calls);
  });
});
