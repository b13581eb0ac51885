/**
 * The admin audit log entries the stored syncs of an integration read (issue 11), newest first in
 * keyset pages, filtered by event type, actor and time. Scoped to the actor's organization: an
 * integration of another organization is NOT_FOUND. Entries are what was stored: whether the audit log
 * could be read at the last sync (no admin key, a plan without audit logs) is the `auditLog` row of the
 * integration's availability.
 */
import type { StoredAuditEntry, Store } from '../store/index.ts';
import type { Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';
import { checkLimit, checkString, checkTimestamp, integrationsInScope, invalid } from './read-scope.ts';

export interface ListAuditLogQuery {
  /** Exact audit event type, e.g. "agent.update". */
  eventType?: string;
  /** Actor email, name or key name, or actor id (case-insensitive for the name). */
  actor?: string;
  /** Only entries at or after this ISO date or time. */
  since?: string;
  cursor?: string;
  limit?: number;
}

export type AuditEntryView = StoredAuditEntry;

export interface AuditLogService {
  list(actor: Actor, integrationId: string, query?: ListAuditLogQuery): Promise<Page<AuditEntryView>>;
}

interface AuditCursor {
  at: string;
  id: string;
}
const isAuditCursor = (v: unknown): v is AuditCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as AuditCursor).at === 'string' &&
  !Number.isNaN(Date.parse((v as AuditCursor).at)) &&
  typeof (v as AuditCursor).id === 'string' &&
  (v as AuditCursor).id.length <= 200;

export function createAuditLogService(deps: {
  store: Pick<Store, 'integrations' | 'auditLog'>;
}): AuditLogService {
  return {
    async list(actor, integrationId, query = {}) {
      const eventType = checkString('eventType', query.eventType, 200);
      if (eventType !== undefined && !/^[a-z0-9_.]+$/.test(eventType)) {
        throw invalid(
          'eventType',
          'eventType must be an audit event type such as agent.update or api_key.create.',
          'Use lower-case letters, digits, dots and underscores, or omit eventType.',
        );
      }
      const actorFilter = checkString('actor', query.actor, 320);
      const since = checkTimestamp('since', query.since);
      const limit = clampLimit(checkLimit(query.limit));
      const before = decodeCursor(query.cursor, isAuditCursor);
      const [integration] = await integrationsInScope(deps.store, actor, integrationId);
      const rows = await deps.store.auditLog.list({
        integrationIds: [integration.id],
        eventType,
        actor: actorFilter,
        since,
        before,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
      };
    },
  };
}
