/**
 * The full snapshot JSON of each sync (for drift and the rules' "previous"), the last N per integration.
 *
 * A sync writes its snapshot in two steps so that its final transaction stays short (on PGlite every
 * query waits for it): `stage` inserts the (large) row BEFORE that transaction, unpublished
 * (taken_at = '-infinity'); `publish`, inside the transaction, sets its real taken_at (a small update:
 * the data is not rewritten) and prunes. Every reader here sees published snapshots only, so a run
 * that fails or is interrupted after staging leaves no visible snapshot; its staged row is removed by
 * the integration's next publish.
 */
import { AppError } from '../errors/index.ts';
import type { Snapshot } from '../inventory/types.ts';
import type { Database } from './database.ts';
import { iso } from './sql-values.ts';

export const DEFAULT_SNAPSHOTS_KEPT = 30;

/** Unpublished (staged) snapshots have taken_at = '-infinity'. */
const PUBLISHED = `taken_at <> '-infinity'::timestamptz`;

export interface StoredSnapshot {
  syncRunId: string;
  takenAt: string;
  snapshot: Snapshot;
}

export interface SnapshotsRepository {
  /** Saves the snapshot and prunes the integration's older ones beyond the retention. */
  save(integrationId: string, syncRunId: string, snapshot: Snapshot): Promise<void>;
  /** Inserts the snapshot unpublished (invisible to every reader); returns the handle `publish` takes. */
  stage(integrationId: string, syncRunId: string, snapshot: Snapshot): Promise<string>;
  /**
   * Makes a staged snapshot visible, drops the integration's other unpublished ones (runs that never
   * finished) and prunes the published ones beyond the retention. Run it in the sync's final transaction.
   */
  publish(integrationId: string, staged: string, takenAt: string): Promise<void>;
  loadLatest(integrationId: string): Promise<StoredSnapshot | null>;
  /** The one before the latest. */
  loadPrevious(integrationId: string): Promise<StoredSnapshot | null>;
  /** Most recent first, without the data. */
  list(integrationId: string): Promise<{ syncRunId: string; takenAt: string }[]>;
}

interface Row {
  sync_run_id: string;
  taken_at: Date;
  data: Snapshot;
}

export function createSnapshotsRepository(db: Database, keep = DEFAULT_SNAPSHOTS_KEPT): SnapshotsRepository {
  const retention = Math.max(2, Math.floor(keep));

  async function nth(integrationId: string, offset: number): Promise<StoredSnapshot | null> {
    const { rows } = await db.query<Row>(
      `SELECT sync_run_id, taken_at, data FROM snapshots WHERE integration_id = $1 AND ${PUBLISHED}
       ORDER BY id DESC LIMIT 1 OFFSET $2`,
      [integrationId, offset],
    );
    const r = rows[0];
    return r ? { syncRunId: r.sync_run_id, takenAt: iso(r.taken_at), snapshot: r.data } : null;
  }

  async function stage(
    q: Pick<Database, 'query'>,
    integrationId: string,
    syncRunId: string,
    snapshot: Snapshot,
  ): Promise<string> {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO snapshots (integration_id, sync_run_id, taken_at, data)
       VALUES ($1, $2, '-infinity', $3::jsonb) RETURNING id::text AS id`,
      [integrationId, syncRunId, JSON.stringify(snapshot)],
    );
    return rows[0].id;
  }

  async function publish(
    q: Pick<Database, 'query'>,
    integrationId: string,
    staged: string,
    takenAt: string,
  ): Promise<void> {
    const r = await q.query(
      `UPDATE snapshots SET taken_at = $3 WHERE integration_id = $1 AND id = $2::bigint AND NOT ${PUBLISHED}`,
      [integrationId, staged, takenAt],
    );
    if (r.rowCount !== 1) {
      throw new AppError('INTERNAL', `Snapshot ${staged} is not staged for integration ${integrationId}.`, {
        remediation: 'Run the sync again; it stages a new snapshot.',
      });
    }
    await q.query(
      `DELETE FROM snapshots WHERE integration_id = $1 AND (NOT ${PUBLISHED} OR id NOT IN (
         SELECT id FROM snapshots WHERE integration_id = $1 AND ${PUBLISHED} ORDER BY id DESC LIMIT $2))`,
      [integrationId, retention],
    );
  }

  return {
    async save(integrationId, syncRunId, snapshot) {
      await db.transaction(async (tx) => {
        const staged = await stage(tx, integrationId, syncRunId, snapshot);
        await publish(tx, integrationId, staged, snapshot.takenAt);
      });
    },
    stage: (integrationId, syncRunId, snapshot) => stage(db, integrationId, syncRunId, snapshot),
    publish: (integrationId, staged, takenAt) =>
      db.transaction((tx) => publish(tx, integrationId, staged, takenAt)),
    loadLatest: (integrationId) => nth(integrationId, 0),
    loadPrevious: (integrationId) => nth(integrationId, 1),
    async list(integrationId) {
      const { rows } = await db.query<{ sync_run_id: string; taken_at: Date }>(
        `SELECT sync_run_id, taken_at FROM snapshots WHERE integration_id = $1 AND ${PUBLISHED} ORDER BY id DESC`,
        [integrationId],
      );
      return rows.map((r) => ({ syncRunId: r.sync_run_id, takenAt: iso(r.taken_at) }));
    },
  };
}
