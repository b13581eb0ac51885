/**
 * What may be shown about an API key: a masked hint (its last 4 characters) and a fingerprint
 * (first 12 hex characters of SHA-256), enough to tell two keys apart, never to recover one.
 */
import { createHash } from 'node:crypto';

export function keyHint(apiKey: string): string {
  const tail = apiKey.length > 8 ? apiKey.slice(-4) : '';
  return `••••${tail}`;
}

export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 12);
}
