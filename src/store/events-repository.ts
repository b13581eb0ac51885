/** Change events (drift) recorded by each sync. */
import type { ChangeEvent } from '../findings/types.ts';
import type { Database } from './database.ts';
import { chunks, iso } from './sql-values.ts';

export interface StoredChangeEvent extends ChangeEvent {
  id: number;
  syncRunId: string | null;
}

export interface EventsListOptions {
  /** Only events at or after this ISO time. */
  since?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  resourceId?: string;
}

export interface EventsRepository {
  append(integrationId: string, syncRunId: string | null, events: readonly ChangeEvent[]): Promise<void>;
  /** Most recent first. */
  list(integrationId: string, options?: EventsListOptions): Promise<StoredChangeEvent[]>;
}

interface Row {
  id: number;
  sync_run_id: string | null;
  type: ChangeEvent['type'];
  resource_type: ChangeEvent['resourceType'];
  resource_id: string;
  resource_name: string | null;
  at: Date;
  summary: string;
  changes: ChangeEvent['changes'] | null;
  attribution: ChangeEvent['attribution'] | null;
  target: ChangeEvent['target'] | null;
}

export function createEventsRepository(db: Database): EventsRepository {
  return {
    async append(integrationId, syncRunId, events) {
      if (events.length === 0) return;
      await db.transaction(async (tx) => {
        for (const batch of chunks(events, 1000)) {
          const payload = batch.map((e, ord) => ({
            ord,
            type: e.type,
            resource_type: e.resourceType,
            resource_id: e.resourceId,
            resource_name: e.resourceName,
            at: e.at,
            summary: e.summary,
            changes: e.changes ?? null,
            attribution: e.attribution ?? null,
            target: e.target ?? null,
          }));
          await tx.query(
            `INSERT INTO change_events (integration_id, sync_run_id, type, resource_type, resource_id,
               resource_name, at, summary, changes, attribution, target)
             SELECT $1, $2, x.type, x.resource_type, x.resource_id, x.resource_name, x.at, x.summary, x.changes,
               x.attribution, x.target
             FROM jsonb_to_recordset($3::jsonb) AS x(ord integer, type text, resource_type text,
               resource_id text, resource_name text, at timestamptz, summary text, changes jsonb,
               attribution jsonb, target jsonb)
             ORDER BY x.ord`,
            [integrationId, syncRunId, JSON.stringify(payload)],
          );
        }
      });
    },

    async list(integrationId, options = {}) {
      const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 100)));
      const { rows } = await db.query<Row>(
        `SELECT id::float8 AS id, sync_run_id, type, resource_type, resource_id, resource_name, at, summary, changes,
           attribution, target
         FROM change_events
         WHERE integration_id = $1 AND ($2::timestamptz IS NULL OR at >= $2::timestamptz)
           AND ($3::text IS NULL OR resource_id = $3::text)
         ORDER BY at DESC, id DESC LIMIT $4`,
        [integrationId, options.since ?? null, options.resourceId ?? null, limit],
      );
      return rows.map((r) => {
        const e: StoredChangeEvent = {
          id: r.id,
          syncRunId: r.sync_run_id,
          type: r.type,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          resourceName: r.resource_name,
          at: iso(r.at),
          summary: r.summary,
        };
        if (r.changes) e.changes = r.changes;
        if (r.attribution) e.attribution = r.attribution;
        if (r.target) e.target = r.target;
        return e;
      });
    },
  };
}
