import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAppError } from '../errors/index.ts';
import { decryptSecret, encryptSecret, rewrapSecret, type SealedSecret } from './envelope.ts';
import { keyFingerprint, keyHint } from './key-display.ts';
import { createKeyring, masterKeyFromBytes } from './master-key.ts';

const API_KEY = 'sk-test-RECOGNISABLE-0123456789abcdef';
const keyA = masterKeyFromBytes(randomBytes(32));
const keyB = masterKeyFromBytes(randomBytes(32));

function cryptoError(e: unknown): boolean {
  return isAppError(e) && e.code === 'CRYPTO_ERROR' && !e.message.includes(API_KEY);
}

function flip(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index] ^= 0x01;
  return copy;
}

describe('envelope encryption', () => {
  it('round-trips and never stores the plaintext', () => {
    const ring = createKeyring(keyA);
    const sealed = encryptSecret(ring, 'int-1', API_KEY);
    assert.equal(sealed.masterKeyId, keyA.id);
    assert.equal(decryptSecret(ring, 'int-1', sealed), API_KEY);
    for (const b of [sealed.ciphertext, sealed.wrappedDataKey]) {
      assert.ok(!b.toString('latin1').includes(API_KEY));
      assert.ok(!b.toString('latin1').includes('RECOGNISABLE'));
    }
  });

  it('uses a fresh data key and IV each time', () => {
    const ring = createKeyring(keyA);
    const a = encryptSecret(ring, 'int-1', API_KEY);
    const b = encryptSecret(ring, 'int-1', API_KEY);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
    assert.notDeepEqual(a.wrappedDataKey, b.wrappedDataKey);
  });

  it('detects tampering anywhere in either ciphertext', () => {
    const ring = createKeyring(keyA);
    const sealed = encryptSecret(ring, 'int-1', API_KEY);
    for (const field of ['ciphertext', 'wrappedDataKey'] as const) {
      for (const i of [1, 13, 29, sealed[field].length - 1]) {
        const bad: SealedSecret = { ...sealed, [field]: flip(sealed[field], i) };
        assert.throws(() => decryptSecret(ring, 'int-1', bad), cryptoError, `${field}[${i}]`);
      }
      const truncated: SealedSecret = { ...sealed, [field]: sealed[field].subarray(0, 20) };
      assert.throws(() => decryptSecret(ring, 'int-1', truncated), cryptoError);
    }
  });

  it('binds the ciphertext to the integration id (AAD)', () => {
    const ring = createKeyring(keyA);
    const sealed = encryptSecret(ring, 'int-1', API_KEY);
    assert.throws(() => decryptSecret(ring, 'int-2', sealed), cryptoError);
    // Swapping only the API-key ciphertext between integrations fails too.
    const other = encryptSecret(ring, 'int-2', 'other-key-value-xyz');
    assert.throws(
      () => decryptSecret(ring, 'int-1', { ...sealed, ciphertext: other.ciphertext }),
      cryptoError,
    );
  });

  it('refuses a wrong master key, and a relabelled master key id', () => {
    const sealed = encryptSecret(createKeyring(keyA), 'int-1', API_KEY);
    assert.throws(
      () => decryptSecret(createKeyring(keyB), 'int-1', sealed),
      (e: unknown) => {
        return cryptoError(e) && (e as Error).message.includes(keyA.id);
      },
    );
    const both = createKeyring(keyB, [keyA]);
    assert.throws(() => decryptSecret(both, 'int-1', { ...sealed, masterKeyId: keyB.id }), cryptoError);
  });

  it('rotates the master key: rewrap with current + previous, then the old key is no longer needed', () => {
    const sealed = encryptSecret(createKeyring(keyA), 'int-1', API_KEY);
    const rotating = createKeyring(keyB, [keyA]);
    assert.equal(decryptSecret(rotating, 'int-1', sealed), API_KEY);
    const rewrapped = rewrapSecret(rotating, 'int-1', sealed);
    assert.equal(rewrapped.masterKeyId, keyB.id);
    assert.deepEqual(rewrapped.ciphertext, sealed.ciphertext);
    assert.equal(decryptSecret(createKeyring(keyB), 'int-1', rewrapped), API_KEY);
    assert.throws(() => decryptSecret(createKeyring(keyA), 'int-1', rewrapped), cryptoError);
    assert.equal(rewrapSecret(rotating, 'int-1', rewrapped), rewrapped);
    assert.throws(() => rewrapSecret(createKeyring(keyB), 'int-1', sealed), cryptoError);
  });
});

describe('key display', () => {
  it('shows only the last 4 characters and a 12-hex fingerprint', () => {
    assert.equal(keyHint(API_KEY), '••••cdef');
    assert.equal(keyHint('short'), '••••');
    assert.match(keyFingerprint(API_KEY), /^[0-9a-f]{12}$/);
    assert.notEqual(keyFingerprint(API_KEY), keyFingerprint(API_KEY + 'x'));
  });
});
