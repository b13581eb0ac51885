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
  rateLimitShare?: number;
}): AdminDiscoveryOptions {
  return {
    connector: input.connector,
    auditAfter: input.previous?.admin?.auditLog?.cursor ?? null,
    ...(input.rateLimitShare !== undefined ? { rateLimitShare: input.rateLimitShare } : {}),
    integrationKeyHidden: hiddenKeyOf(input.apiKey),
  };
}
