/** Sync runs: one row per run, started then finished with its outcome. */
import { AppError } from '../errors/index.ts';
import type { Availability, ResourceType, SyncErrorRecord } from '../inventory/types.ts';
import type { Database } from './database.ts';
import { iso, isoOrNull, newId } from './sql-values.ts';

export type SyncRunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface SyncRunOutcome {
  status: 'succeeded' | 'partial' | 'failed';
  finishedAt: string;
  durationMs: number;
  countsByType: Record<ResourceType, number>;
  /** HTTP requests made (retries included). */
  requests: number;
  availability: Availability;
  errors: SyncErrorRecord[];
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
}

export interface SyncRunsRepository {
  /** Records a running sync; returns its id. */
  start(integrationId: string, at: string): Promise<string>;
  finish(runId: string, outcome: SyncRunOutcome): Promise<void>;
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
}

const COLUMNS = `id, integration_id, started_at, finished_at, status, duration_ms::int AS duration_ms,
  counts_by_type, requests::int AS requests, availability, errors`;

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
  };
}

export function createSyncRunsRepository(db: Database): SyncRunsRepository {
  return {
    async start(integrationId, at) {
      const id = newId();
      await db.query(
        `INSERT INTO sync_runs (id, integration_id, started_at, status) VALUES ($1, $2, $3, 'running')`,
        [id, integrationId, at],
      );
      return id;
    },

    async finish(runId, o) {
      const r = await db.query(
        `UPDATE sync_runs SET status = $2, finished_at = $3, duration_ms = $4, counts_by_type = $5::jsonb,
           requests = $6, availability = $7::jsonb, errors = $8::jsonb
         WHERE id = $1`,
        [
          runId,
          o.status,
          o.finishedAt,
          Math.round(o.durationMs),
          JSON.stringify(o.countsByType),
          o.requests,
          JSON.stringify(o.availability),
          JSON.stringify(o.errors),
        ],
      );
      if (r.rowCount === 0) throw new AppError('NOT_FOUND', `Sync run ${runId} does not exist.`);
    },

    async get(runId) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM sync_runs WHERE id = $1`, [runId]);
      return rows[0] ? toView(rows[0]) : null;
    },

    async list(integrationId, limit = 50) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM sync_runs WHERE integration_id = $1 ORDER BY started_at DESC, seq DESC LIMIT $2`,
        [integrationId, Math.max(1, Math.min(1000, Math.floor(limit)))],
      );
      return rows.map(toView);
    },

    async latest(integrationId) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM sync_runs WHERE integration_id = $1 ORDER BY started_at DESC, seq DESC LIMIT 1`,
        [integrationId],
      );
      return rows[0] ? toView(rows[0]) : null;
    },

    async latestAvailability(integrationId) {
      const { rows } = await db.query<{ availability: Availability }>(
        `SELECT availability FROM sync_runs
         WHERE integration_id = $1 AND status <> 'running' AND availability IS NOT NULL
         ORDER BY started_at DESC, seq DESC LIMIT 1`,
        [integrationId],
      );
      return rows[0]?.availability ?? null;
    },
  };
}
