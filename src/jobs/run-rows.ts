/**
 * The sync_runs rows behind sync jobs (migration 009): a run asked for through the queue is inserted
 * `queued` (one queued-or-running run per integration: the partial unique index), and a worker takes it
 * by compare-and-set on the version of the row it read: status, owner, heartbeat and attempts. So when
 * the queue delivers a job twice (a duplicate job, a re-delivery racing a worker), at most one worker
 * runs the sync. The run's heartbeat is its lease: only its owner renews it, and a run whose heartbeat
 * went stale is taken over (src/services/syncs.ts; docs/adr/0008).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/index.ts';
import { FEATURE_KEYS } from '../inventory/types.ts';
import { sqlState, type Database, type Store } from '../store/index.ts';
import type { SyncRunView, SyncTrigger } from '../store/sync-runs-repository.ts';

/** What a worker needs to know of a run to decide whether to take it. */
export interface RunState {
  id: string;
  integrationId: string;
  status: SyncRunView['status'];
  owner: string | null;
  /** Last sign of life, or the start when none (ms since the epoch). */
  lastSignMs: number;
  attempts: number;
  /** Carried by a job (migration 009). */
  queued: boolean;
  /** A later run of the same integration exists: this one is history. */
  superseded: boolean;
}

interface StateRow {
  id: string;
  integration_id: string;
  status: SyncRunView['status'];
  owner: string | null;
  last_sign: Date;
  attempts: number;
  queued: boolean;
  superseded: boolean;
}

const STATE_COLUMNS = `r.id, r.integration_id, r.status, r.owner, COALESCE(r.heartbeat_at, r.started_at) AS last_sign,
  r.attempts::int AS attempts, r.queued,
  EXISTS (SELECT 1 FROM sync_runs l WHERE l.integration_id = r.integration_id AND l.seq > r.seq) AS superseded`;

function toState(r: StateRow): RunState {
  return {
    id: r.id,
    integrationId: r.integration_id,
    status: r.status,
    owner: r.owner,
    lastSignMs: new Date(r.last_sign).getTime(),
    attempts: r.attempts,
    queued: r.queued,
    superseded: r.superseded,
  };
}

/**
 * Records a queued run unless the integration already has one queued or running: returns the new run
 * (created) or that one (not created).
 */
export async function claimQueued(
  store: Pick<Store, 'db' | 'syncRuns'>,
  integrationId: string,
  at: string,
  options: { trigger: SyncTrigger; requestedBy: string | null },
): Promise<{ run: SyncRunView; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = randomUUID();
    try {
      await store.db.query(
        `INSERT INTO sync_runs (id, integration_id, started_at, status, trigger, requested_by, queued)
         VALUES ($1, $2, $3, 'queued', $4, $5, true)`,
        [id, integrationId, at, options.trigger, options.requestedBy],
      );
      return { run: (await store.syncRuns.get(id))!, created: true };
    } catch (e) {
      if (sqlState(e) !== '23505') throw e;
    }
    const { rows } = await store.db.query<{ id: string }>(
      `SELECT id FROM sync_runs WHERE integration_id = $1 AND status IN ('queued', 'running')`,
      [integrationId],
    );
    const existing = rows[0] ? await store.syncRuns.get(rows[0].id) : null;
    if (existing) return { run: existing, created: false };
    // it finished between the two statements: try again
  }
  throw new AppError('CONFLICT', `A sync of integration ${integrationId} is already queued or running.`, {
    remediation: 'Wait for it to finish (see its progress in the sync history), then start another.',
  });
}

export async function runState(db: Database, runId: string): Promise<RunState | null> {
  const { rows } = await db.query<StateRow>(`SELECT ${STATE_COLUMNS} FROM sync_runs r WHERE r.id = $1`, [
    runId,
  ]);
  return rows[0] ? toState(rows[0]) : null;
}

/**
 * Takes a run for this worker if it is still exactly as read (`seen`): running, owned by `owner`, alive
 * now. A run that was interrupted is taken again from a clean slate (no outcome, no errors, and its
 * alerts to be evaluated again when it ends: an interrupted run was evaluated as such). Returns
 * false when another worker changed it first, or when another run of the integration got in the way.
 */
export async function takeRun(db: Database, seen: RunState, owner: string, at: string): Promise<boolean> {
  try {
    const r = await db.query(
      `UPDATE sync_runs SET status = 'running', owner = $2, heartbeat_at = $3, attempts = attempts + 1,
         finished_at = NULL, duration_ms = NULL, errors = '[]'::jsonb, alerts_evaluated_at = NULL
       WHERE id = $1 AND status = $4 AND owner IS NOT DISTINCT FROM $5 AND attempts = $6
         AND date_trunc('milliseconds', COALESCE(heartbeat_at, started_at)) = date_trunc('milliseconds', $7::timestamptz)`,
      [seen.id, owner, at, seen.status, seen.owner, seen.attempts, new Date(seen.lastSignMs).toISOString()],
    );
    return r.rowCount === 1;
  } catch (e) {
    if (sqlState(e) === '23505') return false; // another run of the integration is queued or running
    throw e;
  }
}

/**
 * Runs a job could still carry, oldest first (the in-process runner's queue: it survives a restart
 * because it is the runs table itself): queued, interrupted (a stop or a crash) or running without a sign
 * of life since `staleBefore`; not superseded by a later run; taken fewer than `maxAttempts` times.
 */
export async function pendingRuns(
  db: Database,
  options: { staleBefore: Date; maxAttempts: number; limit: number },
): Promise<RunState[]> {
  const { rows } = await db.query<StateRow>(
    `SELECT ${STATE_COLUMNS} FROM sync_runs r
     WHERE r.queued AND r.attempts < $2
       AND (r.status IN ('queued', 'interrupted')
            OR (r.status = 'running' AND COALESCE(r.heartbeat_at, r.started_at) < $1::timestamptz))
       AND NOT EXISTS (SELECT 1 FROM sync_runs l WHERE l.integration_id = r.integration_id AND l.seq > r.seq)
     ORDER BY r.seq LIMIT $3`,
    [options.staleBefore.toISOString(), options.maxAttempts, options.limit],
  );
  return rows.map(toState);
}

/**
 * Runs of jobs left `interrupted` (their worker stopped, or went silent and the run was taken from it)
 * that no worker took again since `before`: the later of their interruption and their last heartbeat or
 * re-delivery is older. Not superseded, taken fewer than `maxAttempts` times; oldest first. The take-over
 * pass delivers their jobs again (src/services/syncs.ts).
 */
export async function interruptedJobRuns(
  db: Database,
  options: { before: Date; maxAttempts: number; limit: number },
): Promise<RunState[]> {
  const { rows } = await db.query<StateRow>(
    `SELECT ${STATE_COLUMNS} FROM sync_runs r
     WHERE r.queued AND r.status = 'interrupted' AND r.attempts < $2
       AND GREATEST(COALESCE(r.heartbeat_at, r.started_at), COALESCE(r.finished_at, r.started_at)) < $1::timestamptz
       AND NOT EXISTS (SELECT 1 FROM sync_runs l WHERE l.integration_id = r.integration_id AND l.seq > r.seq)
     ORDER BY r.seq LIMIT $3`,
    [options.before.toISOString(), options.maxAttempts, options.limit],
  );
  return rows.map(toState);
}

/**
 * Puts an interrupted run back to `queued` for its job to be delivered again at `at` (review F3/F8), by
 * compare-and-set on the version read (status, attempts, last sign): true for the one process that wins,
 * which then asks the queue to deliver its job again; the others leave it. The run keeps its attempts
 * (so re-deliveries of one run stop at the attempts bound) and `at` as its re-queued marker (heartbeat_at
 * of a queued run, as the queued sweep's re-enqueue): clients waiting on it keep waiting, and no worker
 * taking it ends it `failed` (NO_WORKER) past the queued sweep's second bound. It loses its owner, so the
 * re-delivery is never read as a worker's sign of life (lastWorkerSign). A worker that takes the run
 * meanwhile wins (the run is no longer interrupted as read), and a worker that read it before the mark
 * loses its take. False too when another run of the integration is queued or running (the unique index).
 */
export async function markRedelivered(db: Database, seen: RunState, at: string): Promise<boolean> {
  try {
    const r = await db.query(
      `UPDATE sync_runs SET status = 'queued', owner = NULL, heartbeat_at = $2, finished_at = NULL,
         duration_ms = NULL, errors = '[]'::jsonb, alerts_evaluated_at = NULL
       WHERE id = $1 AND status = 'interrupted' AND attempts = $3
         AND date_trunc('milliseconds', COALESCE(heartbeat_at, started_at)) = date_trunc('milliseconds', $4::timestamptz)`,
      [seen.id, at, seen.attempts, new Date(seen.lastSignMs).toISOString()],
    );
    return r.rowCount === 1;
  } catch (e) {
    if (sqlState(e) === '23505') return false; // another run of the integration is queued or running
    throw e;
  }
}

/** Marks a queued run failed (its job could not be enqueued), so the integration is not blocked. */
export async function failQueued(db: Database, runId: string, at: string, message: string): Promise<void> {
  const errors = JSON.stringify([
    {
      feature: 'agents',
      code: 'STORAGE_ERROR',
      message,
      remediation: 'Check that the database is reachable, then start the sync again.',
    },
  ]);
  await db.query(
    `UPDATE sync_runs SET status = 'failed', finished_at = $2, duration_ms = 0, errors = $3::jsonb
     WHERE id = $1 AND status = 'queued'`,
    [runId, at, errors],
  );
}

/** A run waiting for a worker, as the sweep of stale queued runs reads it. */
export interface QueuedRun {
  id: string;
  integrationId: string;
  attempts: number;
  /** When it was queued (started_at). */
  queuedAtMs: number;
  /** When the sweep enqueued it once more (heartbeat_at of a queued run), or null. */
  requeuedAtMs: number | null;
  /** A later run of its integration exists (a job runner never takes it: pendingRuns). */
  superseded: boolean;
}

/**
 * The last sign of life of any sync worker seen in the runs table: the latest heartbeat or end of a run
 * a worker took (ms since the epoch), or null. A run put back to `queued` for take-over has no owner
 * (markRedelivered): its re-delivery is not a worker's sign. Workers busy with other runs keep it recent: a queue with
 * a backlog is not a queue without workers.
 */
export async function lastWorkerSign(db: Database): Promise<number | null> {
  const { rows } = await db.query<{ last: Date | null }>(
    `SELECT max(GREATEST(COALESCE(heartbeat_at, started_at), COALESCE(finished_at, started_at))) AS last
     FROM sync_runs WHERE queued AND owner IS NOT NULL`,
  );
  return rows[0]?.last ? new Date(rows[0].last).getTime() : null;
}

/** The runs still `queued` (taken by no worker yet), oldest first. */
export async function queuedRuns(db: Database, limit = 500): Promise<QueuedRun[]> {
  const { rows } = await db.query<{
    id: string;
    integration_id: string;
    attempts: number;
    started_at: Date;
    heartbeat_at: Date | null;
    superseded: boolean;
  }>(
    `SELECT r.id, r.integration_id, r.attempts::int AS attempts, r.started_at, r.heartbeat_at,
       EXISTS (SELECT 1 FROM sync_runs l WHERE l.integration_id = r.integration_id AND l.seq > r.seq) AS superseded
     FROM sync_runs r WHERE r.status = 'queued' ORDER BY r.seq LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    integrationId: r.integration_id,
    attempts: r.attempts,
    queuedAtMs: new Date(r.started_at).getTime(),
    requeuedAtMs: r.heartbeat_at ? new Date(r.heartbeat_at).getTime() : null,
    superseded: r.superseded,
  }));
}

/**
 * Marks a queued run as enqueued once more at `at` (its heartbeat_at: a queued run has no other use for
 * it), by compare-and-set: true for the one sweeper that wins, so the job is enqueued again once.
 */
export async function markRequeued(db: Database, run: QueuedRun, at: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE sync_runs SET heartbeat_at = $2 WHERE id = $1 AND status = 'queued' AND heartbeat_at IS NULL`,
    [run.id, at],
  );
  return r.rowCount === 1;
}

/**
 * Takes back a re-queued mark whose job could not be sent (a hand-back or a re-delivery whose `send`
 * failed), by compare-and-set on the mark this process wrote: the run is then a queued run never
 * re-enqueued, which the queued sweep of any process with a queue enqueues once more (markRequeued)
 * instead of only waiting to end it. Returns whether it cleared it (false: taken or marked meanwhile).
 */
export async function clearRequeuedMark(db: Database, runId: string, at: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE sync_runs SET heartbeat_at = NULL
     WHERE id = $1 AND status = 'queued'
       AND date_trunc('milliseconds', heartbeat_at) = date_trunc('milliseconds', $2::timestamptz)`,
    [runId, at],
  );
  return r.rowCount === 1;
}

/** What a run that no worker took ends with (every feature says it, as for an interruption). */
export const NO_WORKER_REMEDIATION =
  'Start a sync worker: `trustlens worker` with the same DATABASE_URL, or `trustlens serve` without --no-worker (on the embedded database, `trustlens serve`); check that the workers reach the PostgreSQL server and log no error. Then start the sync again.';

/**
 * Ends a run no worker took: `failed`, only if it is still queued as the sweep read it (a worker that
 * takes it meanwhile wins: the update finds it running and does nothing). Returns whether it ended it.
 */
export async function failUntaken(
  db: Database,
  run: QueuedRun,
  at: string,
  message: string,
): Promise<boolean> {
  const errors = JSON.stringify(
    FEATURE_KEYS.map((feature) => ({
      feature,
      code: 'NO_WORKER',
      message,
      remediation: NO_WORKER_REMEDIATION,
    })),
  );
  const r = await db.query(
    `UPDATE sync_runs SET status = 'failed', finished_at = $2,
       duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - started_at)) * 1000)::int),
       errors = $3::jsonb
     WHERE id = $1 AND status = 'queued' AND date_trunc('milliseconds', heartbeat_at) IS NOT DISTINCT FROM date_trunc('milliseconds', $4::timestamptz)`,
    [run.id, at, errors, run.requeuedAtMs === null ? null : new Date(run.requeuedAtMs).toISOString()],
  );
  return r.rowCount === 1;
}

/**
 * Hands a run this worker holds back to the queue when the worker stops gracefully (SIGTERM/SIGINT:
 * docs/adr/0008), in one compare-and-set from `running` under `owner` straight to `queued`: a waiting
 * client never sees a terminal state in between. Nothing of the run was stored (its outcome and its
 * inventory are written in one transaction at its end, which checks the owner), so it is put back as a
 * queued run: no owner, no outcome, `attempts` kept (each take counts: a run stopped or killed
 * `maxAttempts` times is not handed back again). `requeuedAt` is its re-queued mark (heartbeat_at of a
 * queued run, as markRedelivered's) when the caller delivers its job again at once; null when it cannot
 * (a process without a queue), so the queued sweep of a process with one enqueues it once more. Returns
 * false when the run is no longer this owner's running run (it ended just now, or was taken over).
 */
export async function handBack(
  db: Database,
  runId: string,
  owner: string,
  requeuedAt: string | null,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE sync_runs SET status = 'queued', owner = NULL, heartbeat_at = $3, finished_at = NULL,
       duration_ms = NULL, errors = '[]'::jsonb, alerts_evaluated_at = NULL
     WHERE id = $1 AND status = 'running' AND owner = $2 AND queued`,
    [runId, owner, requeuedAt],
  );
  return r.rowCount === 1;
}

/** The integration's run still `queued` (waiting for a worker), if any. */
export async function queuedRunOf(db: Database, integrationId: string): Promise<RunState | null> {
  const { rows } = await db.query<StateRow>(
    `SELECT ${STATE_COLUMNS} FROM sync_runs r WHERE r.integration_id = $1 AND r.status = 'queued'`,
    [integrationId],
  );
  return rows[0] ? toState(rows[0]) : null;
}
