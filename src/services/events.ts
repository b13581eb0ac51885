/**
 * Change events (drift between syncs), most recent first, in keyset pages. Scoped to the actor's
 * organization; an integration of another organization is NOT_FOUND.
 */
import { CHANGE_EVENT_TYPES } from '../drift/index.ts';
import type { EventRow, Store } from '../store/index.ts';
import type { Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';
import { checkChoice, checkLimit, checkString, checkTimestamp, integrationsInScope } from './read-scope.ts';

export interface ListEventsQuery {
  integrationId?: string;
  resourceId?: string;
  type?: string;
  /** Only events at or after this ISO date or time. */
  since?: string;
  cursor?: string;
  limit?: number;
}

export type EventView = EventRow;

export interface EventsService {
  list(actor: Actor, query?: ListEventsQuery): Promise<Page<EventView>>;
}

interface EventCursor {
  at: string;
  id: number;
}
const isEventCursor = (v: unknown): v is EventCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as EventCursor).at === 'string' &&
  !Number.isNaN(Date.parse((v as EventCursor).at)) &&
  Number.isSafeInteger((v as EventCursor).id);

export function createEventsService(deps: { store: Pick<Store, 'integrations' | 'queries'> }): EventsService {
  return {
    async list(actor, query = {}) {
      const type = checkChoice('type', query.type, CHANGE_EVENT_TYPES);
      const resourceId = checkString('resourceId', query.resourceId);
      const since = checkTimestamp('since', query.since);
      const limit = clampLimit(checkLimit(query.limit));
      const before = decodeCursor(query.cursor, isEventCursor);
      const integrations = await integrationsInScope(deps.store, actor, query.integrationId);
      if (integrations.length === 0) return { items: [], nextCursor: null };
      const rows = await deps.store.queries.events({
        integrationIds: integrations.map((i) => i.id),
        resourceId,
        type,
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
