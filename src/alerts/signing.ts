/**
 * Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the destination's signing secret,
 * sent as `TrustLens-Signature: t=<unix seconds>,v1=<hex>`. Receivers recompute it, compare in
 * constant time and refuse timestamps older than their tolerance (replay). docs/alerts.md shows how.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'TrustLens-Signature';
export const DELIVERY_HEADER = 'TrustLens-Delivery';
export const EVENT_HEADER = 'TrustLens-Event';

/** A new signing secret: "whsec_" and 32 random bytes, base64url. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signature(secret, timestamp, body)}`;
}

/**
 * Verifies a signature header (what a receiver does). `toleranceSeconds` bounds the age of the
 * timestamp, against replays. Returns why it failed, or null when it is valid.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): string | null {
  if (!header) return 'no signature header';
  const parts = new Map(
    header.split(',').map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return 'malformed signature header';
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return 'timestamp outside the tolerance';
  const expected = Buffer.from(signature(secret, t, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? null : 'signature mismatch';
}
