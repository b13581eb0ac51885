/** Sync runs: one row per run, started then finished with its outcome. */
import { AppError, isAppError } from '../errors/index.ts';
import type { FindingChanges } from '../findings/types.ts';
import {
  FEATURE_KEYS,
  type Availability,
  type ResourceType,
  type SyncErrorRecord,
} from '../inventory/types.ts';
import { sqlState, type Database } from './database.ts';
import { iso, isoOrNull, newId } from './sql-values.ts';

export type SyncRunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

/** What started a run: a person or token (API, CLI `sync`), the scheduler, or `trustlens scan --data-dir`. */
export type SyncTrigger = 'manual' | 'scheduled' | 'scan';

export interface ClaimOptions {
  trigger: SyncTrigger;
  /** Who asked (an email, a token's name, "cli", "scheduler"). */
  requestedBy: string | null;
  /** The process that runs it: "host:pid". */
  owner: string;
}

export interface SyncRunOutcome {
  status: 'succeeded' | 'partial' | 'failed';
  finishedAt: string;
  durationMs: number;
  countsByType: Record<ResourceType, number>;
  /** HTTP requests made (retries included). */
  requests: number;
  availability: Availability;
  errors: SyncErrorRecord[];
  /**
   * The findings this run opened, reopened or worsened (ids, and the items that appeared in a worsened
   * one), written with the outcome in the sync's final transaction: the alerts' outbox
   * (src/services/alerts.ts). Stored as JSON: rows from before "worsened" lack it.
   */
  findingChanges?: FindingChanges;
  /**
   * The process that ran it (`host:pid`): when given, the outcome is recorded only while the run is
   * still this owner's — a worker whose run another worker took over (it went silent too long) must
   * not end the run the other one is working on.
   */
  owner?: string;
}

export interface SyncRunView {
  id: string;
  integrationId: string;
  startedAt: string;
  status: SyncRunStatus;
  finishedAt: string | null;
  durationMs: number | null;
  countsByType: Record<ResourceType, number> | null;
  requests: number | null;
  availability: Availability | null;
  errors: SyncErrorRecord[];
  trigger: SyncTrigger;
  requestedBy: string | null;
  /** Last sign of life of the process running it (running syncs only). */
  heartbeatAt: string | null;
}

export interface SyncRunsRepository {
  /** Records a running sync; returns its id. Throws CONFLICT when one is already running. */
  start(integrationId: string, at: string, options?: ClaimOptions): Promise<string>;
  /**
   * Starts a run unless one is running for the integration (a unique index guarantees one at a time,
   * across processes): returns the new run (created) or the one already running (not created).
   */
  claim(
    integrationId: string,
    at: string,
    options: ClaimOptions,
  ): Promise<{ run: SyncRunView; created: boolean }>;
  /** Records the outcome of a running run. Throws CONFLICT when it is no longer running (interrupted meanwhile). */
  finish(runId: string, outcome: SyncRunOutcome): Promise<void>;
  /** Marks a running run alive. */
  /** A sign of life of a running run; with `owner`, only while the run is still that owner's. */
  heartbeat(runId: string, at: string, owner?: string): Promise<void>;
  /** Every running run (all integrations), with its owner. */
  running(): Promise<(SyncRunView & { owner: string | null })[]>;
  /** Marks running runs interrupted (the process that ran them is gone, or stopped). Returns how many. */
  interrupt(runIds: readonly string[], at: string, reason: string): Promise<number>;
  /** Most recent first, keyset-paginated: `before` is the seq of the last run of the previous page. */
  page(
    integrationId: string,
    options: { before?: number; limit: number },
  ): Promise<(SyncRunView & { seq: number })[]>;
  get(runId: string): Promise<SyncRunView | null>;
  /** Most recent first. */
  list(integrationId: string, limit?: number): Promise<SyncRunView[]>;
  latest(integrationId: string): Promise<SyncRunView | null>;
  /** Availability recorded by the most recent finished run, or null. */
  latestAvailability(integrationId: string): Promise<Availability | null>;
}

interface Row {
  id: string;
  integration_id: string;
  started_at: Date;
  finished_at: Date | null;
  status: SyncRunStatus;
  duration_ms: number | null;
  counts_by_type: Record<ResourceType, number> | null;
  requests: number | null;
  availability: Availability | null;
  errors: SyncErrorRecord[];
  trigger: SyncTrigger;
  requested_by: string | null;
  heartbeat_at: Date | null;
  owner: string | null;
  seq: string | number;
}

const COLUMNS = `id, integration_id, started_at, finished_at, status, duration_ms::int AS duration_ms,
  counts_by_type, requests::int AS requests, availability, errors, trigger, requested_by, heartbeat_at, owner,
  seq::text AS seq`;

function toView(r: Row): SyncRunView {
  return {
    id: r.id,
    integrationId: r.integration_id,
    startedAt: iso(r.started_at),
    status: r.status,
    finishedAt: isoOrNull(r.finished_at),
    durationMs: r.duration_ms,
    countsByType: r.counts_by_type,
    requests: r.requests,
    availability: r.availability,
    errors: r.errors ?? [],
    trigger: r.trigger,
    requestedBy: r.requested_by,
    heartbeatAt: isoOrNull(r.heartbeat_at),
  };
}

function alreadyRunning(integrationId: string, e?: unknown): AppError {
  return new AppError('CONFLICT', `A sync of integration ${integrationId} is already running.`, {
    cause: e,
    remediation: 'Wait for it to finish (see its progress in the sync history), then start another.',
  });
}

export function createSyncRunsRepository(db: Database): SyncRunsRepository {
  async function get(runId: string): Promise<SyncRunView | null> {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM sync_runs WHERE id = $1`, [runId]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async function start(integrationId: string, at: string, options?: ClaimOptions): Promise<string> {
    const id = newId();
    try {
      await db.query(
        `INSERT INTO sync_runs (id, integration_id, started_at, status, trigger, requested_by, owner, heartbeat_at)
         VALUES ($1, $2, $3, 'running', $4, $5, $6, $3)`,
        [
          id,
          integrationId,
          at,
          options?.trigger ?? 'manual',
          options?.requestedBy ?? null,
          options?.owner ?? null,
        ],
      );
    } catch (e) {
      if (sqlState(e) === '23505') throw alreadyRunning(integrationId, e);
      throw e;
    }
    return id;
  }

  return {
    start,

    async claim(integrationId, at, options) {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const id = await start(integrationId, at, options);
          return { run: (await get(id))!, created: true };
        } catch (e) {
          if (!(isAppError(e) && e.code === 'CONFLICT')) throw e;
        }
        const { rows } = await db.query<Row>(
          `SELECT ${COLUMNS} FROM sync_runs WHERE integration_id = $1 AND status = 'running'`,
          [integrationId],
        );
        if (rows[0]) return { run: toView(rows[0]), created: false };
        // it finished between the two statements: try again
      }
      throw alreadyRunning(integrationId);
    },

    async heartbeat(runId, at, owner) {
      await db.query(
        `UPDATE sync_runs SET heartbeat_at = $2
         WHERE id = $1 AND status = 'running' AND ($3::text IS NULL OR owner = $3)`,
        [runId, at, owner ?? null],
      );
    },

    async running() {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM sync_runs WHERE status = 'running' ORDER BY started_at, sync_runs.seq`,
      );
      return rows.map((r) => ({ ...toView(r), owner: r.owner }));
    },

    async interrupt(runIds, at, reason) {
      if (runIds.length === 0) return 0;
      // Like a fatal error, an interruption means nothing of the run was stored: every feature says so.
      const errors = JSON.stringify(
        FEATURE_KEYS.map((feature) => ({
          feature,
          code: 'INTERRUPTED',
          message: reason,
          remediation:
            'Its inventory, findings, events and risk scores were not stored (usage histories already read are kept and never counted twice); the next sync reads the workspace again.',
        })),
      );
      const r = await db.query(
        `UPDATE sync_runs SET status = 'interrupted', finished_at = $2,
           duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - started_at)) * 1000)::int),
           errors = $3::jsonb
         WHERE id = ANY($1::text[]) AND status = 'running'`,
        [runIds, at, errors],
      );
      return r.rowCount;
    },

    async page(integrationId, { before, limit }) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM sync_runs WHERE integration_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
         ORDER BY sync_runs.seq DESC LIMIT $3`,
        [integrationId, before ?? null, limit],
      );
      return rows.map((r) => ({ ...toView(r), seq: Number(r.seq) }));
    },

    async finish(runId, o) {
      const r = await db.query(
        `UPDATE sync_runs SET status = $2, finished_at = $3, duration_ms = $4, counts_by_type = $5::jsonb,
           requests = $6, availability = $7::jsonb, errors = $8::jsonb, finding_changes = $9::jsonb
         WHERE id = $1 AND status = 'running' AND ($10::text IS NULL OR owner = $10)`,
        [
          runId,
          o.status,
          o.finishedAt,
          Math.round(o.durationMs),
          JSON.stringify(o.countsByType),
          o.requests,
          JSON.stringify(o.availability),
          JSON.stringify(o.errors),
          o.findingChanges ? JSON.stringify(o.findingChanges) : null,
          o.owner ?? null,
        ],
      );
      if (r.rowCount === 0) {
        if (await get(runId)) {
          throw new AppError('CONFLICT', `Sync run ${runId} is no longer running (it was interrupted).`, {
            remediation: 'Nothing of it was stored; start a new sync.',
          });
        }
        throw new AppError('NOT_FOUND', `Sync run ${runId} does not exist.`);
      }
    },

    get,

    async list(integrationId, limit = 50) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM sync_runs WHERE integration_id = $1 ORDER BY started_at DESC, sync_runs.seq DESC LIMIT $2`,
        [integrationId, Math.max(1, Math.min(1000, Math.floor(limit)))],
      );
      return rows.map(toView);
    },

    async latest(integrationId) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM sync_runs WHERE integration_id = $1 ORDER BY started_at DESC, sync_runs.seq DESC LIMIT 1`,
        [integrationId],
      );
      return rows[0] ? toView(rows[0]) : null;
    },

    async latestAvailability(integrationId) {
      const { rows } = await db.query<{ availability: Availability }>(
        `SELECT availability FROM sync_runs
         WHERE integration_id = $1 AND status <> 'running' AND availability IS NOT NULL
         ORDER BY started_at DESC, sync_runs.seq DESC LIMIT 1`,
        [integrationId],
      );
      return rows[0]?.availability ?? null;
    },
  };
}
