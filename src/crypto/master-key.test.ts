import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAppError } from '../errors/index.ts';
import { loadKeyring, MASTER_KEY_FILE, masterKeyId, parseMasterKey } from './master-key.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trustlens-mk-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('parseMasterKey', () => {
  const raw = randomBytes(32);
  it('accepts hex, base64 and base64url of 32 bytes', () => {
    const id = masterKeyId(raw);
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(parseMasterKey(raw.toString('hex')).id, id);
    assert.equal(parseMasterKey(raw.toString('hex').toUpperCase()).id, id);
    assert.equal(parseMasterKey(raw.toString('base64')).id, id);
    assert.equal(parseMasterKey(raw.toString('base64url')).id, id);
    assert.equal(parseMasterKey(` ${raw.toString('base64')}\n`).id, id);
  });
  it('rejects anything else without echoing it', () => {
    const bad = [
      '',
      'not-a-key',
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(32).toString('hex') + 'ab',
      'z'.repeat(64),
    ];
    for (const v of bad) {
      assert.throws(
        () => parseMasterKey(v),
        (e: unknown) =>
          isAppError(e) &&
          e.code === 'CRYPTO_ERROR' &&
          !!e.remediation &&
          (v === '' || !e.message.includes(v)),
        JSON.stringify(v),
      );
    }
  });
});

describe('loadKeyring', () => {
  it('prefers TRUSTLENS_MASTER_KEY and adds previous keys', () => {
    const cur = randomBytes(32);
    const prev = randomBytes(32);
    const dir = tempDir();
    const ring = loadKeyring({
      dataDir: dir,
      env: {
        TRUSTLENS_MASTER_KEY: cur.toString('base64'),
        TRUSTLENS_MASTER_KEY_PREVIOUS: prev.toString('hex'),
      },
    });
    assert.equal(ring.current.id, masterKeyId(cur));
    assert.deepEqual(
      ring.previous.map((k) => k.id),
      [masterKeyId(prev)],
    );
    assert.throws(() => statSync(join(dir, MASTER_KEY_FILE)), /ENOENT/);
  });

  it('rejects a malformed TRUSTLENS_MASTER_KEY', () => {
    assert.throws(
      () => loadKeyring({ dataDir: tempDir(), env: { TRUSTLENS_MASTER_KEY: 'abc' } }),
      (e: unknown) =>
        isAppError(e) && e.code === 'CRYPTO_ERROR' && e.message.includes('TRUSTLENS_MASTER_KEY'),
    );
  });

  it('generates a 0600 key file on first run and reuses it', () => {
    const dir = join(tempDir(), 'nested');
    const first = loadKeyring({ dataDir: dir, env: {} });
    const path = join(dir, MASTER_KEY_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').length, 32);
    const second = loadKeyring({ dataDir: dir, env: {} });
    assert.equal(second.current.id, first.current.id);
    assert.deepEqual(second.previous, []);
  });

  it(
    'refuses a key file readable by others, with a remediation',
    { skip: process.platform === 'win32' },
    () => {
      const dir = tempDir();
      loadKeyring({ dataDir: dir, env: {} });
      const path = join(dir, MASTER_KEY_FILE);
      for (const mode of [0o644, 0o640, 0o604]) {
        chmodSync(path, mode);
        assert.throws(
          () => loadKeyring({ dataDir: dir, env: {} }),
          (e: unknown) => isAppError(e) && e.code === 'CRYPTO_ERROR' && /chmod 600/.test(e.remediation ?? ''),
        );
      }
      chmodSync(path, 0o600);
      assert.ok(loadKeyring({ dataDir: dir, env: {} }).current.id);
    },
  );
});
