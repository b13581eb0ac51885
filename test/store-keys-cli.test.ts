/**
 * `trustlens keys status|rewrap`: master-key rotation of stored API keys, end to end (PGlite data folder).
 * The commands run in-process (runCliInProcess: the master keys come from the environment of each call),
 * but for `keys rewrap` (a smoke run through bin/trustlens: the process opens the store and exits by
 * itself) and the refused malformed key, whose exit status is checked as a process.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';
import { createKeyring, masterKeyFromBytes, type Keyring } from '../src/crypto/index.ts';
import { isAppError } from '../src/errors/index.ts';
import { createStore, openDatabase } from '../src/store/index.ts';
import { recognisableKey } from './store-fixtures.ts';

async function withStore<T>(
  dataDir: string,
  keyring: Keyring,
  fn: (s: ReturnType<typeof createStore>) => Promise<T>,
): Promise<T> {
  const db = await openDatabase({ dataDir });
  try {
    return await fn(createStore(db, { keyring }));
  } finally {
    await db.close();
  }
}

describe('trustlens keys (master-key rotation)', () => {
  const root = mkdtempSync(join(tmpdir(), 'trustlens-keys-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('re-wraps stored keys with the new master key; the old one is then no longer needed', async () => {
    const dataDir = join(root, 'data');
    const oldRaw = randomBytes(32);
    const newRaw = randomBytes(32);
    const oldKey = masterKeyFromBytes(oldRaw);
    const newKey = masterKeyFromBytes(newRaw);
    const apiKey = recognisableKey('cli');
    const id = await withStore(
      dataDir,
      createKeyring(oldKey),
      async (s) => (await s.integrations.create({ name: 'prod', apiKey })).id,
    );

    const env = {
      TRUSTLENS_MASTER_KEY: newRaw.toString('base64'),
      TRUSTLENS_MASTER_KEY_PREVIOUS: oldRaw.toString('hex'),
    };
    const before = await runCliInProcess(['keys', 'status', '--data-dir', dataDir], env);
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, new RegExp(`Current master key: ${newKey.id}`));
    assert.match(before.stdout, new RegExp(`${oldKey.id}  1 integration\\(s\\)  \\(previous\\)`));

    // As a process: it must exit by itself (a store left open would hang a real run; runCli times out).
    const rewrap = await runCli(['keys', 'rewrap', '--data-dir', dataDir], env);
    assert.equal(rewrap.code, 0, rewrap.stderr);
    assert.match(rewrap.stdout, /Re-wrapped 1 data key\(s\)/);
    for (const out of [before.stdout, before.stderr, rewrap.stdout, rewrap.stderr])
      assert.ok(!out.includes(apiKey));

    assert.deepEqual(
      await withStore(dataDir, createKeyring(newKey), (s) => s.integrations.masterKeyUsage()),
      [{ masterKeyId: newKey.id, integrations: 1 }],
    );
    assert.equal(
      await withStore(dataDir, createKeyring(newKey), (s) => s.integrations.revealApiKey(id)),
      apiKey,
    );
    await assert.rejects(
      () => withStore(dataDir, createKeyring(oldKey), (s) => s.integrations.revealApiKey(id)),
      (e: unknown) => isAppError(e) && e.code === 'CRYPTO_ERROR',
    );
  });

  it('refuses a malformed master key with a clear message', async () => {
    // The data folder of the first test (a folder without a database is refused before the key is read).
    const r = await runCli(['keys', 'status', '--data-dir', join(root, 'data')], {
      TRUSTLENS_MASTER_KEY: 'too-short',
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /TRUSTLENS_MASTER_KEY is not a valid master key/);
    assert.match(r.stderr, /What to do: .*32 random bytes/);
    assert.ok(!r.stderr.includes('too-short'));
  });

  it('a wrong master key: the sync fails naming the key id and what to do, nothing is lost, the right key syncs', async () => {
    const { startSimulator } = await import('../src/simulator/index.ts');
    const sim = await startSimulator({
      seed: 5,
      host: '127.0.0.1',
      generator: { agents: 3, conversations: 3 },
    });
    try {
      const dataDir = join(root, 'wrong-key');
      const right = randomBytes(32);
      const wrong = randomBytes(32);
      await withStore(dataDir, createKeyring(masterKeyFromBytes(right)), (s) =>
        s.integrations.create({ name: 'prod', apiKey: sim.apiKey, baseUrl: sim.url }),
      );
      const r = await runCliInProcess(['sync', 'prod', '--data-dir', dataDir], {
        TRUSTLENS_MASTER_KEY: wrong.toString('base64'),
      });
      assert.equal(r.code, 1, r.stderr);
      const out = r.stdout + r.stderr;
      assert.match(out, new RegExp(`master key ${masterKeyFromBytes(right).id}, which is not configured`));
      assert.match(out, /Set TRUSTLENS_MASTER_KEY/);
      assert.ok(!out.includes(sim.apiKey) && !out.includes(wrong.toString('base64')));
      assert.equal(sim.stats().totalRequests, 0, 'no request was sent with an undecryptable key');

      const ok = await runCliInProcess(['sync', 'prod', '--data-dir', dataDir], {
        TRUSTLENS_MASTER_KEY: right.toString('base64'),
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout + ok.stderr, /succeeded/);
    } finally {
      await sim.close();
    }
  });
});
