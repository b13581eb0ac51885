/**
 * The audit log: who created, changed, rotated, deleted, synced, muted or signed in, when and from
 * where. Services record; admins read (their own organization's entries only).
 */
import type { AuditEntry, AuditRepository } from '../store/audit-repository.ts';
import { requireRole, type Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';

export interface AuditTarget {
  type: string;
  id: string | null;
}

export interface AuditService {
  record(
    actor: Actor,
    action: string,
    target?: AuditTarget | null,
    details?: Record<string, unknown>,
    options?: { organizationId?: string | null; outcome?: 'success' | 'failure' },
  ): Promise<void>;
  list(actor: Actor, query?: { cursor?: string; limit?: number }): Promise<Page<AuditEntry>>;
}

export function createAuditService(deps: { audit: AuditRepository; now?: () => Date }): AuditService {
  const now = deps.now ?? (() => new Date());
  return {
    async record(actor, action, target, details, options) {
      await deps.audit.append({
        organizationId: options?.organizationId !== undefined ? options.organizationId : actor.organizationId,
        at: now().toISOString(),
        actorType: actor.kind,
        actorId: actor.id,
        actorLabel: actor.label,
        action,
        targetType: target?.type ?? null,
        targetId: target?.id ?? null,
        ip: actor.ip ?? null,
        outcome: options?.outcome ?? 'success',
        details,
      });
    },

    async list(actor, query = {}) {
      requireRole(actor, 'admin');
      const limit = clampLimit(query.limit);
      const before = decodeCursor(
        query.cursor,
        (v): v is string => typeof v === 'string' && /^\d{1,18}$/.test(v),
      );
      const rows = await deps.audit.list({
        organizationId: actor.organizationId,
        before: before ?? undefined,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
    },
  };
}
