import { createHash } from 'node:crypto';
import type { FindingResourceType } from './types.ts';

/** Length, in hex characters, of a finding id (64 bits of SHA-256). */
export const FINDING_ID_LENGTH = 16;

/**
 * The stable id of a finding: the first 16 hex characters (64 bits) of
 * SHA-256(ruleId ␀ integrationId ␀ resourceType ␀ resourceId).
 *
 * - Stable: the same rule on the same resource of the same integration always gets the same id,
 *   across syncs, restarts and machines (no clock, no counter, no randomness).
 * - The NUL separator cannot occur in any of the parts as they come from the API or our catalog,
 *   so ("a","bc") and ("ab","c") never collide by concatenation.
 * - 64 bits: a collision among a million findings has a probability of about 3·10⁻⁸.
 */
export function findingId(
  ruleId: string,
  integrationId: string,
  resourceType: FindingResourceType,
  resourceId: string,
): string {
  return createHash('sha256')
    .update([ruleId, integrationId, resourceType, resourceId].join('\u0000'))
    .digest('hex')
    .slice(0, FINDING_ID_LENGTH);
}

/** The key used in `liveResourceIds`: "type:id" (e.g. "agent:ag_123", "integration:int_1"). */
export function resourceKey(resourceType: FindingResourceType, resourceId: string): string {
  return `${resourceType}:${resourceId}`;
}
