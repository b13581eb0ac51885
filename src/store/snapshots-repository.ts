/** The full snapshot JSON of each sync (for drift and the rules' "previous"), the last N per integration. */
import type { Snapshot } from '../inventory/types.ts';
import type { Database } from './database.ts';
import { iso } from './sql-values.ts';

export const DEFAULT_SNAPSHOTS_KEPT = 30;

export interface StoredSnapshot {
  syncRunId: string;
  takenAt: string;
  snapshot: Snapshot;
}

export interface SnapshotsRepository {
  /** Saves the snapshot and prunes the integration's older ones beyond the retention. */
  save(integrationId: string, syncRunId: string, snapshot: Snapshot): Promise<void>;
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
      `SELECT sync_run_id, taken_at, data FROM snapshots WHERE integration_id = $1
       ORDER BY id DESC LIMIT 1 OFFSET $2`,
      [integrationId, offset],
    );
    const r = rows[0];
    return r ? { syncRunId: r.sync_run_id, takenAt: iso(r.taken_at), snapshot: r.data } : null;
  }

  return {
    async save(integrationId, syncRunId, snapshot) {
      await db.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO snapshots (integration_id, sync_run_id, taken_at, data) VALUES ($1, $2, $3, $4::jsonb)',
          [integrationId, syncRunId, snapshot.takenAt, JSON.stringify(snapshot)],
        );
        await tx.query(
          `DELETE FROM snapshots WHERE integration_id = $1 AND id NOT IN (
             SELECT id FROM snapshots WHERE integration_id = $1 ORDER BY id DESC LIMIT $2)`,
          [integrationId, retention],
        );
      });
    },
    loadLatest: (integrationId) => nth(integrationId, 0),
    loadPrevious: (integrationId) => nth(integrationId, 1),
    async list(integrationId) {
      const { rows } = await db.query<{ sync_run_id: string; taken_at: Date }>(
        'SELECT sync_run_id, taken_at FROM snapshots WHERE integration_id = $1 ORDER BY id DESC',
        [integrationId],
      );
      return rows.map((r) => ({ syncRunId: r.sync_run_id, takenAt: iso(r.taken_at) }));
    },
  };
}
