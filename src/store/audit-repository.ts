/** The audit log: append-only; read newest first with a keyset cursor. */
import type { Database } from './database.ts';
import { iso } from './sql-values.ts';

export interface AuditEntryInput {
  organizationId: string | null;
  at: string;
  actorType: 'user' | 'token' | 'cli' | 'system';
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  outcome?: 'success' | 'failure';
  /** Facts about the action. Never a secret (keys, passwords, tokens). */
  details?: Record<string, unknown>;
}

export interface AuditEntry extends Required<Omit<AuditEntryInput, 'details'>> {
  id: string;
  details: Record<string, unknown>;
}

export interface AuditRepository {
  append(entry: AuditEntryInput): Promise<void>;
  /** Newest first; `before` is the id of the last entry of the previous page. */
  list(opts: { organizationId: string | null; before?: string; limit: number }): Promise<AuditEntry[]>;
}

interface Row {
  id: string;
  organization_id: string | null;
  at: Date;
  actor_type: AuditEntry['actorType'];
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

export function createAuditRepository(db: Database): AuditRepository {
  return {
    async append(e) {
      await db.query(
        `INSERT INTO audit_log (organization_id, at, actor_type, actor_id, actor_label, action, target_type,
           target_id, ip, outcome, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
        [
          e.organizationId,
          e.at,
          e.actorType,
          e.actorId,
          e.actorLabel,
          e.action,
          e.targetType ?? null,
          e.targetId ?? null,
          e.ip ?? null,
          e.outcome ?? 'success',
          JSON.stringify(e.details ?? {}),
        ],
      );
    },

    async list({ organizationId, before, limit }) {
      const { rows } = await db.query<Row>(
        `SELECT id::text AS id, organization_id, at, actor_type, actor_id, actor_label, action, target_type,
                target_id, ip, outcome, details
         FROM audit_log
         WHERE ($1::text IS NULL OR organization_id = $1) AND ($2::bigint IS NULL OR id < $2::bigint)
         ORDER BY audit_log.id DESC LIMIT $3`,
        [organizationId, before ?? null, limit],
      );
      return rows.map((r) => ({
        id: r.id,
        organizationId: r.organization_id,
        at: iso(r.at),
        actorType: r.actor_type,
        actorId: r.actor_id,
        actorLabel: r.actor_label,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        ip: r.ip,
        outcome: r.outcome,
        details: r.details ?? {},
      }));
    },
  };
}
