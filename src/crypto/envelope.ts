/**
 * Envelope encryption of integration API keys (AES-256-GCM, Node's crypto only).
 *
 * Invariants (keep them true when changing this file):
 *  1. Every integration has its own random 32-byte data key (DEK). The API key is encrypted with the DEK;
 *     the DEK is encrypted ("wrapped") with the current master key (KEK). Neither the API key nor the DEK is
 *     ever stored, logged or returned in plaintext; only `SealedSecret` (opaque bytes + the master key id)
 *     reaches the database.
 *  2. Each encryption uses a fresh random 12-byte IV; a (key, IV) pair is never reused.
 *  3. Both ciphertexts are bound to the integration by AAD ("trustlens:api-key:v1:<integrationId>" for the
 *     API key, "trustlens:dek:v1:<integrationId>:<masterKeyId>" for the DEK): a sealed secret copied to
 *     another integration row, or a wrapped DEK relabelled with another master key id, fails to open.
 *  4. GCM's 16-byte tag is always checked; any tampering fails with CRYPTO_ERROR and no partial plaintext.
 *  5. `masterKeyId` names the master key that wrapped the DEK. Rotation: set the new key as
 *     TRUSTLENS_MASTER_KEY and the old one in TRUSTLENS_MASTER_KEY_PREVIOUS, run `rewrapAll` (which only
 *     re-wraps DEKs; API-key ciphertexts are untouched), then drop the old key.
 *  6. Error messages never contain key material.
 *
 * Byte layout of `wrappedDataKey` and `ciphertext`: version byte 0x01 | IV (12) | tag (16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors/index.ts';
import { findMasterKey, type Keyring, type MasterKey } from './master-key.ts';

const FORMAT_VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DEK_BYTES = 32;

export interface SealedSecret {
  /** Id of the master key that wrapped the data key. */
  masterKeyId: string;
  /** The data key, encrypted with the master key. */
  wrappedDataKey: Buffer;
  /** The secret, encrypted with the data key. */
  ciphertext: Buffer;
}

function secretAad(integrationId: string): Buffer {
  return Buffer.from(`trustlens:api-key:v1:${integrationId}`, 'utf8');
}

function dekAad(integrationId: string, masterKeyId: string): Buffer {
  return Buffer.from(`trustlens:dek:v1:${integrationId}:${masterKeyId}`, 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_VERSION) {
    throw new AppError('CRYPTO_ERROR', `The stored ${what} is malformed.`);
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const body = sealed.subarray(1 + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new AppError(
      'CRYPTO_ERROR',
      `The stored ${what} failed its integrity check and cannot be decrypted.`,
      {
        remediation:
          'The stored value was altered or belongs to another record. Replace the API key of this integration.',
      },
    );
  }
}

function masterKeyFor(keyring: Keyring, id: string): MasterKey {
  const mk = findMasterKey(keyring, id);
  if (!mk) {
    throw new AppError(
      'CRYPTO_ERROR',
      `The API key was encrypted with master key ${id}, which is not configured.`,
      {
        remediation:
          'Set TRUSTLENS_MASTER_KEY (or TRUSTLENS_MASTER_KEY_PREVIOUS during a rotation) to the master key with this id, or replace the integration API key.',
      },
    );
  }
  return mk;
}

/** Encrypts `secret` for `integrationId` with a fresh data key wrapped by the keyring's current key. */
export function encryptSecret(keyring: Keyring, integrationId: string, secret: string): SealedSecret {
  const dek = randomBytes(DEK_BYTES);
  try {
    const mk = keyring.current;
    return {
      masterKeyId: mk.id,
      wrappedDataKey: seal(mk.key, dek, dekAad(integrationId, mk.id)),
      ciphertext: seal(dek, Buffer.from(secret, 'utf8'), secretAad(integrationId)),
    };
  } finally {
    dek.fill(0);
  }
}

/** Decrypts a sealed secret of `integrationId`. Throws CRYPTO_ERROR on any mismatch or tampering. */
export function decryptSecret(keyring: Keyring, integrationId: string, sealed: SealedSecret): string {
  const mk = masterKeyFor(keyring, sealed.masterKeyId);
  const dek = open(mk.key, sealed.wrappedDataKey, dekAad(integrationId, mk.id), 'data key');
  try {
    return open(dek, sealed.ciphertext, secretAad(integrationId), 'API key').toString('utf8');
  } finally {
    dek.fill(0);
  }
}

/**
 * Re-wraps the data key with the keyring's current master key (rotation). The API-key ciphertext is
 * unchanged. Returns the sealed secret as is when it already uses the current key.
 */
export function rewrapSecret(keyring: Keyring, integrationId: string, sealed: SealedSecret): SealedSecret {
  if (sealed.masterKeyId === keyring.current.id) return sealed;
  const old = masterKeyFor(keyring, sealed.masterKeyId);
  const dek = open(old.key, sealed.wrappedDataKey, dekAad(integrationId, old.id), 'data key');
  try {
    const mk = keyring.current;
    return {
      masterKeyId: mk.id,
      wrappedDataKey: seal(mk.key, dek, dekAad(integrationId, mk.id)),
      ciphertext: sealed.ciphertext,
    };
  } finally {
    dek.fill(0);
  }
}
