/**
 * What discovery needs to read the Admin API (issue 11), from an admin connector that already holds the
 * admin key: where the audit log was left off (the previous snapshot's cursor), the share of the real
 * rate limit to pace to, and the ordinary key masked the way Mistral masks keys (to find the integration's
 * own key among the organization's keys). Neither key itself goes into these options.
 */
import type { Snapshot } from '../inventory/types.ts';
import { hiddenKeyOf } from '../mistral/admin-connector.ts';
import type { MistralAdminConnector } from '../mistral/types.ts';
import type { AdminDiscoverOptions } from './discover-admin.ts';

export type AdminDiscoveryOptions = AdminDiscoverOptions;

export function adminDiscoveryOptions(input: {
  connector: MistralAdminConnector;
  /** The ordinary key: only its masked form is kept. */
  apiKey: string;
  /** The previous snapshot of the same integration (a stored sync), or null (a one-shot scan). */
  previous: Snapshot | null;
  /**
   * The time of the newest audit entry stored for the integration (a stored sync), or null/absent. Used
   * when the previous snapshot has no cursor (its audit read failed, or no admin key then), so one
   * failed read does not send the next back to the 30-day look-back.
   */
  lastStoredAuditAt?: string | null;
  rateLimitShare?: number;
}): AdminDiscoveryOptions {
  return {
    connector: input.connector,
    auditAfter: auditCursorOf(input.previous, input.lastStoredAuditAt ?? null),
    ...(input.rateLimitShare !== undefined ? { rateLimitShare: input.rateLimitShare } : {}),
    integrationKeyHidden: hiddenKeyOf(input.apiKey),
  };
}

/**
 * Where the next audit read starts: the previous snapshot's cursor; without one, 1 ms before the newest
 * stored entry (the store keeps times to the microsecond, a Date to the millisecond: entries read again
 * are stored once); else null (the look-back window).
 */
export function auditCursorOf(previous: Snapshot | null, lastStoredAuditAt: string | null): string | null {
  const cursor = previous?.admin?.auditLog?.cursor ?? null;
  if (cursor !== null) return cursor;
  const ms = lastStoredAuditAt === null ? Number.NaN : Date.parse(lastStoredAuditAt);
  return Number.isFinite(ms) ? new Date(ms - 1).toISOString() : null;
}
