/**
 * The admin audit log entries each stored sync read (issue 11), one row per integration and log id
 * (migration 011). A sync inserts them in the transaction that publishes its snapshot; an entry read
 * twice is stored once. Reads are newest first in keyset pages.
 */
import type { AuditEntryRecord } from '../inventory/admin.ts';
import type { Database } from './database.ts';
import { chunks, iso } from './sql-values.ts';

export interface StoredAuditEntry extends AuditEntryRecord {
  integrationId: string;
  /** The sync run that first read it (null once that run is gone). */
  syncRunId: string | null;
}

export interface AuditLogQuery {
  integrationIds: readonly string[];
  /** Exact event type, e.g. "agent.update". */
  eventType?: string;
  /** The actor (email, name or key name) or actor id, exactly, case-insensitive. */
  actor?: string;
  /** Only entries at or after this ISO time. */
  since?: string;
  /** Keyset: entries strictly before (at, id) in newest-first order. */
  before?: { at: string; id: string } | null;
  limit: number;
}

export interface AuditLogRepository {
  /**
   * Stores the entries not stored yet for the integration; returns the log ids it stored now (those
   * already there are left as they were).
   */
  insert(
    integrationId: string,
    syncRunId: string | null,
    entries: readonly AuditEntryRecord[],
  ): Promise<Set<string>>;
  /** Newest first. */
  list(query: AuditLogQuery): Promise<StoredAuditEntry[]>;
}

interface Row {
  integration_id: string;
  log_id: string;
  sync_run_id: string | null;
  at: Date;
  actor_type: string;
  actor: string | null;
  actor_id: string | null;
  event_type: string;
  target_type: string;
  target_id: string | null;
  target_name: string | null;
  workspace_id: string | null;
  details: Record<string, string> | null;
}

export function createAuditLogRepository(db: Database): AuditLogRepository {
  return {
    async insert(integrationId, syncRunId, entries) {
      const stored = new Set<string>();
      if (entries.length === 0) return stored;
      // One row per log id even when a read returned an entry twice.
      const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
      for (const batch of chunks(unique, 500)) {
        const payload = batch.map((e) => ({
          log_id: e.id,
          at: e.at,
          actor_type: e.actorType,
          actor: e.actor,
          actor_id: e.actorId,
          event_type: e.eventType,
          target_type: e.targetType,
          target_id: e.targetId,
          target_name: e.targetName,
          workspace_id: e.workspaceId,
          details: e.details ?? {},
        }));
        const { rows } = await db.query<{ log_id: string }>(
          `INSERT INTO audit_entries (integration_id, log_id, sync_run_id, at, actor_type, actor, actor_id,
             event_type, target_type, target_id, target_name, workspace_id, details)
           SELECT $1, x.log_id, $2, x.at, x.actor_type, x.actor, x.actor_id, x.event_type, x.target_type,
             x.target_id, x.target_name, x.workspace_id, COALESCE(x.details, '{}'::jsonb)
           FROM jsonb_to_recordset($3::jsonb) AS x(log_id text, at timestamptz, actor_type text, actor text,
             actor_id text, event_type text, target_type text, target_id text, target_name text,
             workspace_id text, details jsonb)
           ON CONFLICT (integration_id, log_id) DO NOTHING
           RETURNING log_id`,
          [integrationId, syncRunId, JSON.stringify(payload)],
        );
        for (const r of rows) stored.add(r.log_id);
      }
      return stored;
    },

    async list(q) {
      if (q.integrationIds.length === 0) return [];
      const one = q.integrationIds.length === 1;
      const params: unknown[] = [one ? q.integrationIds[0] : q.integrationIds];
      const where = [one ? 'a.integration_id = $1::text' : 'a.integration_id = ANY($1::text[])'];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (q.eventType !== undefined) add((p) => `a.event_type = ${p}::text`, q.eventType);
      if (q.actor !== undefined) {
        add((p) => `(lower(a.actor) = lower(${p}::text) OR a.actor_id = ${p}::text)`, q.actor);
      }
      if (q.since !== undefined) add((p) => `a.at >= ${p}::timestamptz`, q.since);
      if (q.before) {
        params.push(q.before.at, q.before.id);
        where.push(
          `(a.at < $${params.length - 1}::timestamptz OR (a.at = $${params.length - 1}::timestamptz
             AND a.log_id COLLATE "C" < $${params.length}::text COLLATE "C"))`,
        );
      }
      params.push(q.limit);
      const { rows } = await db.query<Row>(
        `SELECT a.integration_id, a.log_id, a.sync_run_id, a.at, a.actor_type, a.actor, a.actor_id, a.event_type,
           a.target_type, a.target_id, a.target_name, a.workspace_id, a.details
         FROM audit_entries a WHERE ${where.join(' AND ')}
         ORDER BY a.at DESC, a.log_id COLLATE "C" DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => ({
        integrationId: r.integration_id,
        syncRunId: r.sync_run_id,
        id: r.log_id,
        at: iso(r.at),
        actorType: r.actor_type,
        actor: r.actor,
        actorId: r.actor_id,
        eventType: r.event_type,
        targetType: r.target_type,
        targetId: r.target_id,
        targetName: r.target_name,
        workspaceId: r.workspace_id,
        details: r.details ?? {},
      }));
    },
  };
}
