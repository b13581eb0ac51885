/**
 * Whether a stored finding's mute is in force when the export is made (private to src/exports): the same
 * rule as src/findings/mute.ts `isMuted` — no expiry is for ever, an expiry in the past or unreadable
 * no longer hides the finding.
 */
import type { FindingLifecycle } from './types.ts';

export function muteInForce(mute: FindingLifecycle['mute'], at: Date): boolean {
  if (!mute) return false;
  if (mute.expiresAt === null) return true;
  const expires = Date.parse(mute.expiresAt);
  return !Number.isNaN(expires) && at.getTime() < expires;
}
