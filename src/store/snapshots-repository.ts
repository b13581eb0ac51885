/**
 * The full snapshot JSON of each sync (for drift and the rules' "previous"), the last N per integration.
 *
 * A sync writes its snapshot in two steps so that its final transaction stays short (on PGlite every
 * query waits for it): `stage` inserts the (large) row BEFORE that transaction, unpublished
 * (taken_at = '-infinity'); `publish`, inside the transaction, sets its real taken_at (a small update:
 * the data is not rewritten) and prunes. Every reader here sees published snapshots only, so a run
 * that fails or is interrupted after staging leaves no visible snapshot; its staged row is removed by
 * the integration's next publish.
 *
 * A snapshot is stored in pieces (migration 013): its row holds the snapshot with every array emptied
 * (the skeleton, a few KB), and `snapshot_parts` holds the arrays' elements, consecutive elements of
 * one array per part, each part at most PART_CHARS of JSON (unless one element alone is larger). No
 * statement carries or returns the whole snapshot: one ~13 MB jsonb value (2,000 agents) grew PGlite's
 * WebAssembly memory, which never shrinks, by ~90 MB when written and again when read, and its text was
 * built whole in the JS heap (bench/memory-bench.ts). Rows written before migration 013 (`parts` = 0)
 * hold the whole snapshot in `data` and are read as they are.
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
  id: string;
  sync_run_id: string;
  taken_at: Date;
  data: Snapshot;
  parts: number;
}

/** Most JSON text (UTF-16 code units) in one part, and in one INSERT statement of parts. */
export const PART_CHARS = 256 * 1024;
/** Parts read per SELECT when a snapshot is loaded (at most ~PART_CHARS each). */
const PARTS_PER_READ = 4;

/** Consecutive elements of the array at `path` in the snapshot, as the text of a JSON array. */
export interface SnapshotPart {
  path: string[];
  json: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Sets an own property, even one named `__proto__` (workspace text may name keys anything). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Splits a snapshot into its skeleton (a copy of its objects down to the first arrays, each array left
 * empty; the snapshot itself is not modified) and the parts that refill those arrays, made one at a time
 * as they are iterated so that only one part's text is held at once. Arrays inside array elements stay
 * inside their element.
 */
export function splitSnapshot(snapshot: Snapshot): {
  skeleton: Record<string, unknown>;
  parts: Iterable<SnapshotPart>;
} {
  const arrays: { path: string[]; items: readonly unknown[] }[] = [];
  const copy = (obj: Record<string, unknown>, path: string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (Array.isArray(value)) {
        if (value.length > 0) arrays.push({ path: [...path, key], items: value });
        setOwn(out, key, []);
      } else setOwn(out, key, isPlainObject(value) ? copy(value, [...path, key]) : value);
    }
    return out;
  };
  const skeleton = copy(snapshot as unknown as Record<string, unknown>, []);
  function* parts(): Generator<SnapshotPart> {
    for (const { path, items } of arrays) {
      let pending: string[] = [];
      let chars = 0;
      for (const item of items) {
        // As JSON.stringify writes an array element: undefined and functions become null.
        const text = (JSON.stringify(item) as string | undefined) ?? 'null';
        if (pending.length > 0 && chars + text.length > PART_CHARS) {
          yield { path, json: `[${pending.join(',')}]` };
          pending = [];
          chars = 0;
        }
        pending.push(text);
        chars += text.length + 1;
      }
      if (pending.length > 0) yield { path, json: `[${pending.join(',')}]` };
    }
  }
  return { skeleton, parts: { [Symbol.iterator]: parts } };
}

/** Puts a part's elements back at the end of the array at its path in the skeleton (in place). */
export function refill(
  skeleton: Record<string, unknown>,
  path: readonly string[],
  items: readonly unknown[],
): void {
  let node: unknown = skeleton;
  for (const key of path.slice(0, -1)) {
    node = isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  const last = path.at(-1);
  const target =
    isPlainObject(node) && last !== undefined && Object.hasOwn(node, last) ? node[last] : undefined;
  if (!Array.isArray(target)) {
    throw new AppError(
      'STORAGE_ERROR',
      `A stored snapshot part refers to ${path.join('.')}, which its snapshot lacks.`,
      {
        remediation: 'The snapshot is damaged: run a sync again, which stores a new one.',
      },
    );
  }
  for (const item of items) target.push(item);
}

export function createSnapshotsRepository(db: Database, keep = DEFAULT_SNAPSHOTS_KEPT): SnapshotsRepository {
  const retention = Math.max(2, Math.floor(keep));

  async function nth(integrationId: string, offset: number): Promise<StoredSnapshot | null> {
    const { rows } = await db.query<Row>(
      `SELECT id::text AS id, sync_run_id, taken_at, data, parts FROM snapshots
       WHERE integration_id = $1 AND ${PUBLISHED} ORDER BY id DESC LIMIT 1 OFFSET $2`,
      [integrationId, offset],
    );
    const r = rows[0];
    if (!r) return null;
    // A few parts per SELECT: no result holds the whole snapshot.
    for (let from = 0; from < r.parts; from += PARTS_PER_READ) {
      const { rows: parts } = await db.query<{ path: string[]; data: unknown[] }>(
        `SELECT path, data FROM snapshot_parts WHERE snapshot_id = $1::bigint AND part >= $2 AND part < $3
         ORDER BY part`,
        [r.id, from, from + PARTS_PER_READ],
      );
      for (const p of parts) refill(r.data as unknown as Record<string, unknown>, p.path, p.data);
    }
    return { syncRunId: r.sync_run_id, takenAt: iso(r.taken_at), snapshot: r.data };
  }

  async function stage(
    q: Pick<Database, 'query'>,
    integrationId: string,
    syncRunId: string,
    snapshot: Snapshot,
  ): Promise<string> {
    const { skeleton, parts } = splitSnapshot(snapshot);
    // parts = -1 until every part is written: such a row is never published (see publish).
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO snapshots (integration_id, sync_run_id, taken_at, data, parts)
       VALUES ($1, $2, '-infinity', $3::jsonb, -1) RETURNING id::text AS id`,
      [integrationId, syncRunId, JSON.stringify(skeleton)],
    );
    const id = rows[0].id;
    // Several small parts share an INSERT; a statement carries at most ~PART_CHARS of JSON (or one part).
    let count = 0;
    let batch: SnapshotPart[] = [];
    let chars = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const params: unknown[] = [id];
      const values = batch.map((p, i) => {
        params.push(count + i, p.path, p.json);
        const n = params.length;
        return `($1::bigint, $${n - 2}::int, $${n - 1}::text[], $${n}::jsonb)`;
      });
      await q.query(
        `INSERT INTO snapshot_parts (snapshot_id, part, path, data) VALUES ${values.join(', ')}`,
        params,
      );
      count += batch.length;
      batch = [];
      chars = 0;
    };
    for (const part of parts) {
      if (batch.length > 0 && chars + part.json.length > PART_CHARS) await flush();
      batch.push(part);
      chars += part.json.length;
    }
    await flush();
    await q.query('UPDATE snapshots SET parts = $2 WHERE id = $1::bigint', [id, count]);
    return id;
  }

  async function publish(
    q: Pick<Database, 'query'>,
    integrationId: string,
    staged: string,
    takenAt: string,
  ): Promise<void> {
    const r = await q.query(
      `UPDATE snapshots SET taken_at = $3
       WHERE integration_id = $1 AND id = $2::bigint AND NOT ${PUBLISHED} AND parts >= 0`,
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
