/**
 * Findings as the lifecycle (src/findings) keeps them, upserted by their stable id.
 * Mutes belong to users: `saveAll` inserts a new finding's mute as given but never overwrites the mute
 * of an existing finding (only `mute`/`unmute` do), so a sync cannot undo a mute made while it ran.
 * A mute is kept after its expiry (history, as src/findings/mute.ts does); `list` applies
 * src/findings/filter.ts, so an expired mute no longer hides its finding.
 */
import { AppError } from '../errors/index.ts';
import { filterFindings, type FindingFilter } from '../findings/filter.ts';
import { muteFinding } from '../findings/mute.ts';
import type { CheckStatus, FindingState, FindingStatus, Severity } from '../findings/types.ts';
import type { Database } from './database.ts';
import { chunks, iso, isoOrNull } from './sql-values.ts';

/** src/findings FindingFilter (status defaults to 'open'; active mutes hidden unless includeMuted). */
export type FindingsFilter = Omit<FindingFilter, 'integrationId'>;

export interface MuteInput {
  reason: string;
  by: string;
  /** ISO time after `at`, or null for "until unmuted". */
  expiresAt: string | null;
  /** When the mute was made (default now). */
  at?: string;
}

export interface FindingsRepository {
  /** `now` decides which mutes are active (default: the current time). */
  list(integrationId: string, filter?: FindingsFilter, now?: Date | string): Promise<FindingState[]>;
  get(findingId: string): Promise<FindingState | null>;
  saveAll(states: readonly FindingState[]): Promise<void>;
  /**
   * As saveAll, given `previous`, the same findings as read earlier (a sync's `existing`): writes in full
   * only the findings that are new or changed in anything but lastSeenAt, and moves lastSeenAt of the
   * others with one UPDATE per distinct value. Findings equal to their previous state are not written.
   * The mute is never written for an existing finding, as in saveAll.
   */
  saveChanges(states: readonly FindingState[], previous: readonly FindingState[]): Promise<SaveChangesResult>;
  mute(findingId: string, input: MuteInput): Promise<FindingState>;
  unmute(findingId: string): Promise<FindingState>;
}

export interface SaveChangesResult {
  written: number;
  touched: number;
  unchanged: number;
}

/** Deep equality of JSON values (jsonb does not keep key order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && sameJson(ao[k], bo[k]));
}

const sameTime = (a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));

/** Equal in every stored field the sync writes, lastSeenAt and the mute aside. */
function sameButLastSeen(a: FindingState, b: FindingState): boolean {
  return (
    a.integrationId === b.integrationId &&
    a.ruleId === b.ruleId &&
    a.severity === b.severity &&
    a.resourceType === b.resourceType &&
    a.resourceId === b.resourceId &&
    a.resourceName === b.resourceName &&
    a.lastStatus === b.lastStatus &&
    a.status === b.status &&
    a.title === b.title &&
    a.detail === b.detail &&
    a.reopenCount === b.reopenCount &&
    sameTime(a.firstSeenAt, b.firstSeenAt) &&
    sameTime(a.resolvedAt, b.resolvedAt) &&
    sameJson(a.evidence ?? {}, b.evidence ?? {})
  );
}

/** A findings row as both drivers return it (also read by the queries repository). */
export interface FindingDbRow {
  id: string;
  integration_id: string;
  rule_id: string;
  severity: Severity;
  resource_type: FindingState['resourceType'];
  resource_id: string;
  resource_name: string | null;
  last_status: CheckStatus;
  status: FindingStatus;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  reopen_count: number;
  mute_reason: string | null;
  mute_by: string | null;
  mute_at: Date | null;
  mute_expires_at: Date | null;
}

/**
 * A finding's lastSeenAt: its own last_seen_at, or when that is NULL the integration's shared one
 * (migration 012: a sync moves one row instead of one per finding it observed again).
 */
export const LAST_SEEN_SQL = `COALESCE(f.last_seen_at,
  (SELECT fls.at FROM findings_last_seen fls WHERE fls.integration_id = f.integration_id)) AS last_seen_at`;

const COLUMNS = `f.id, f.integration_id, f.rule_id, f.severity, f.resource_type, f.resource_id, f.resource_name,
  f.last_status, f.status, f.title, f.detail, f.evidence, f.first_seen_at, ${LAST_SEEN_SQL}, f.resolved_at,
  f.reopen_count::int AS reopen_count, f.mute_reason, f.mute_by, f.mute_at,
  f.mute_expires_at`;

const SEVERITY_ORDER = `CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
  WHEN 'low' THEN 3 ELSE 4 END`;

/** A findings row → the finding state (one mapping for every reader). */
export function toFindingState(r: FindingDbRow): FindingState {
  return {
    id: r.id,
    integrationId: r.integration_id,
    ruleId: r.rule_id,
    severity: r.severity,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    resourceName: r.resource_name,
    lastStatus: r.last_status,
    status: r.status,
    title: r.title,
    detail: r.detail,
    evidence: r.evidence ?? {},
    firstSeenAt: iso(r.first_seen_at),
    lastSeenAt: iso(r.last_seen_at),
    resolvedAt: isoOrNull(r.resolved_at),
    reopenCount: r.reopen_count,
    mute: r.mute_at
      ? {
          reason: r.mute_reason ?? '',
          by: r.mute_by ?? '',
          at: iso(r.mute_at),
          expiresAt: isoOrNull(r.mute_expires_at),
        }
      : null,
  };
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `Finding ${id} does not exist.`, {
    remediation: 'List the findings of the integration to find the right id.',
  });
}

export function createFindingsRepository(db: Database): FindingsRepository {
  async function get(findingId: string): Promise<FindingState | null> {
    const { rows } = await db.query<FindingDbRow>(`SELECT ${COLUMNS} FROM findings f WHERE f.id = $1`, [
      findingId,
    ]);
    return rows[0] ? toFindingState(rows[0]) : null;
  }

  /**
   * Inserts new findings, overwrites existing ones except their mute. A lastSeenAt equal to its
   * integration's shared one (`shared`, see saveChanges) is stored as NULL.
   */
  async function upsert(
    tx: Pick<Database, 'query'>,
    states: readonly FindingState[],
    shared: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    for (const batch of chunks(states, 1000)) {
      const payload = batch.map((s) => ({
        id: s.id,
        integration_id: s.integrationId,
        rule_id: s.ruleId,
        severity: s.severity,
        resource_type: s.resourceType,
        resource_id: s.resourceId,
        resource_name: s.resourceName,
        last_status: s.lastStatus,
        status: s.status,
        title: s.title,
        detail: s.detail,
        evidence: s.evidence ?? {},
        first_seen_at: s.firstSeenAt,
        last_seen_at: sameTime(shared.get(s.integrationId) ?? null, s.lastSeenAt) ? null : s.lastSeenAt,
        resolved_at: s.resolvedAt,
        reopen_count: s.reopenCount,
        mute_reason: s.mute?.reason ?? null,
        mute_by: s.mute?.by ?? null,
        mute_at: s.mute?.at ?? null,
        mute_expires_at: s.mute?.expiresAt ?? null,
      }));
      await tx.query(
        `INSERT INTO findings (id, integration_id, rule_id, severity, resource_type, resource_id, resource_name,
           last_status, status, title, detail, evidence, first_seen_at, last_seen_at, resolved_at, reopen_count,
           mute_reason, mute_by, mute_at, mute_expires_at)
         SELECT x.id, x.integration_id, x.rule_id, x.severity, x.resource_type, x.resource_id, x.resource_name,
           x.last_status, x.status, x.title, x.detail, x.evidence, x.first_seen_at, x.last_seen_at,
           x.resolved_at, x.reopen_count, x.mute_reason, x.mute_by, x.mute_at, x.mute_expires_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, integration_id text, rule_id text, severity text,
           resource_type text, resource_id text, resource_name text, last_status text, status text,
           title text, detail text, evidence jsonb, first_seen_at timestamptz, last_seen_at timestamptz,
           resolved_at timestamptz, reopen_count integer, mute_reason text, mute_by text,
           mute_at timestamptz, mute_expires_at timestamptz)
         ON CONFLICT (id) DO UPDATE SET
           severity = EXCLUDED.severity, resource_name = EXCLUDED.resource_name,
           last_status = EXCLUDED.last_status, status = EXCLUDED.status, title = EXCLUDED.title,
           detail = EXCLUDED.detail, evidence = EXCLUDED.evidence, first_seen_at = EXCLUDED.first_seen_at,
           last_seen_at = EXCLUDED.last_seen_at, resolved_at = EXCLUDED.resolved_at,
           reopen_count = EXCLUDED.reopen_count
         WHERE findings.integration_id = EXCLUDED.integration_id`,
        [JSON.stringify(payload)],
      );
    }
  }

  return {
    get,

    async list(integrationId, filter = {}, now = new Date()) {
      const status = filter.status ?? 'open';
      const { rows } = await db.query<FindingDbRow>(
        `SELECT ${COLUMNS} FROM findings f
         WHERE f.integration_id = $1 AND ($2::text IS NULL OR f.status = $2::text)
         ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.resource_id`,
        [integrationId, status === 'all' ? null : status],
      );
      return filterFindings(rows.map(toFindingState), { ...filter, status }, now);
    },

    async saveAll(states) {
      if (states.length === 0) return;
      await db.transaction((tx) => upsert(tx, states));
    },

    async saveChanges(states, previous) {
      const before = new Map(previous.map((p) => [p.id, p]));
      const writes: FindingState[] = [];
      // Grouped by integration and new lastSeenAt: one UPDATE per group (a sync has one of each).
      const touchedAt = new Map<string, { integrationId: string; at: string; ids: string[] }>();
      let unchanged = 0;
      for (const s of states) {
        const p = before.get(s.id);
        if (!p || !sameButLastSeen(p, s)) writes.push(s);
        else if (sameTime(p.lastSeenAt, s.lastSeenAt)) unchanged++;
        else {
          const key = `${s.integrationId}\u0000${s.lastSeenAt}`;
          const group = touchedAt.get(key) ?? { integrationId: s.integrationId, at: s.lastSeenAt, ids: [] };
          group.ids.push(s.id);
          touchedAt.set(key, group);
        }
      }
      let touched = 0;
      if (writes.length > 0 || touchedAt.size > 0) {
        await db.transaction(async (tx) => {
          // Per integration, its largest group of findings observed again (a sync has one group) moves
          // the integration's shared lastSeenAt (migration 012): one row written instead of one per finding.
          const main = new Map<string, { at: string; ids: string[] }>();
          for (const g of touchedAt.values()) {
            const m = main.get(g.integrationId);
            if (!m || g.ids.length > m.ids.length) main.set(g.integrationId, g);
          }
          const integrationIds = [...new Set([...writes.map((w) => w.integrationId), ...main.keys()])];
          const shared = new Map<string, string>();
          if (integrationIds.length > 0) {
            const { rows } = await tx.query<{ integration_id: string; at: Date }>(
              // Locked until this transaction ends: a concurrent writer of the same integration (a worker
              // whose run was taken over) waits, then reads the value this one leaves (review F5).
              'SELECT integration_id, at FROM findings_last_seen WHERE integration_id = ANY($1::text[]) ORDER BY integration_id FOR UPDATE',
              [integrationIds],
            );
            for (const r of rows) shared.set(r.integration_id, iso(r.at));
          }
          // An integration without a shared value yet (its first sync writes every finding) takes the
          // lastSeenAt most of its written findings have, so that the next sync finds them NULL already.
          for (const integrationId of integrationIds) {
            if (main.has(integrationId) || shared.has(integrationId)) continue;
            const counts = new Map<string, number>();
            for (const w of writes) {
              if (w.integrationId !== integrationId) continue;
              const k = new Date(w.lastSeenAt).toISOString();
              counts.set(k, (counts.get(k) ?? 0) + 1);
            }
            const at = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
            if (at === undefined) continue;
            // A concurrent first sync of the same integration may have inserted it meanwhile: keep its
            // value (and lock it), never fail on the unique key (review F5).
            await tx.query(
              'INSERT INTO findings_last_seen (integration_id, at) VALUES ($1, $2) ON CONFLICT (integration_id) DO NOTHING',
              [integrationId, at],
            );
            const { rows: now } = await tx.query<{ at: Date }>(
              'SELECT at FROM findings_last_seen WHERE integration_id = $1 FOR UPDATE',
              [integrationId],
            );
            shared.set(integrationId, now[0] ? iso(now[0].at) : at);
          }
          for (const [integrationId, g] of main) {
            const current = shared.get(integrationId);
            if (current !== undefined && !sameTime(current, g.at)) {
              // The integration's other findings keep the current shared value, now as their own.
              await tx.query(
                `UPDATE findings f SET last_seen_at = $2 WHERE f.integration_id = $1 AND f.last_seen_at IS NULL
                   AND f.id NOT IN (SELECT unnest($3::text[]))`,
                [integrationId, current, g.ids],
              );
            }
            // Those of the group that hold a value of their own take the shared one (few: those that
            // were not observed by the previous sync).
            await tx.query(
              `UPDATE findings f SET last_seen_at = NULL WHERE f.integration_id = $1 AND f.last_seen_at IS NOT NULL
                 AND f.id IN (SELECT unnest($2::text[]))`,
              [integrationId, g.ids],
            );
            await tx.query(
              `INSERT INTO findings_last_seen (integration_id, at) VALUES ($1, $2)
               ON CONFLICT (integration_id) DO UPDATE SET at = EXCLUDED.at`,
              [integrationId, g.at],
            );
            shared.set(integrationId, g.at);
            touched += g.ids.length;
          }
          for (const g of touchedAt.values()) {
            if (main.get(g.integrationId) === g) continue;
            for (const batch of chunks(g.ids, 10_000)) {
              await tx.query(
                'UPDATE findings SET last_seen_at = $3 WHERE integration_id = $1 AND id = ANY($2::text[])',
                [g.integrationId, batch, g.at],
              );
              touched += batch.length;
            }
          }
          if (writes.length > 0) await upsert(tx, writes, shared);
        });
      }
      return { written: writes.length, touched, unchanged };
    },

    async mute(findingId, input) {
      const current = await get(findingId);
      if (!current) throw notFound(findingId);
      // Validation (reason, who, expiry after `at`) is the lifecycle's: src/findings/mute.ts.
      const { mute } = muteFinding(current, {
        reason: input.reason,
        by: input.by,
        at: input.at ?? new Date().toISOString(),
        expiresAt: input.expiresAt,
      });
      if (!mute) throw new AppError('INTERNAL', 'muteFinding returned no mute');
      const r = await db.query(
        `UPDATE findings SET mute_reason = $2, mute_by = $3, mute_at = $4, mute_expires_at = $5 WHERE id = $1`,
        [findingId, mute.reason, mute.by, mute.at, mute.expiresAt],
      );
      if (r.rowCount === 0) throw notFound(findingId);
      return (await get(findingId)) as FindingState;
    },

    async unmute(findingId) {
      const r = await db.query(
        'UPDATE findings SET mute_reason = NULL, mute_by = NULL, mute_at = NULL, mute_expires_at = NULL WHERE id = $1',
        [findingId],
      );
      if (r.rowCount === 0) throw notFound(findingId);
      return (await get(findingId)) as FindingState;
    },
  };
}
