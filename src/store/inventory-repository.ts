/**
 * Current inventory per integration and resource type, kept across syncs.
 *
 * `applyListing` (one transaction):
 *  - upserts every listed record (data as jsonb, a SHA-256 content hash of its canonical JSON to tell
 *    changed from unchanged, first_seen_at kept, last_seen_at = at);
 *  - ONLY when the listing is complete, marks live records missing from it as deleted (deleted_at = at);
 *    they are kept, never dropped. An incomplete listing (beta access lost, interrupted sync, error)
 *    never deletes anything: records it did see are refreshed, the rest stay as they were.
 *  - a deleted record that is listed again is undeleted (reported in `created`, since it reappears).
 */
import type {
  AgentRecord,
  FileRecord,
  LibraryRecord,
  ModelRecord,
  ResourceType,
} from '../inventory/types.ts';
import type { Database } from './database.ts';
import { chunks, contentHash, iso, isoOrNull } from './sql-values.ts';

export type InventoryData = AgentRecord | ModelRecord | FileRecord | LibraryRecord;

export interface ListingRecord {
  id: string;
  name: string | null;
  data: InventoryData;
}

export interface ApplyListingOptions {
  /** True only when the whole listing was read to its end without error. */
  complete: boolean;
  syncRunId: string | null;
  /** ISO time of the sync. */
  at: string;
}

export interface ApplyListingResult {
  /** New ids, and ids that were deleted and came back. */
  created: string[];
  /** Live ids whose content changed. */
  updated: string[];
  unchanged: number;
  /** Ids newly marked deleted (complete listings only). */
  deleted: string[];
}

export interface LiveInventory {
  agents: AgentRecord[];
  models: ModelRecord[];
  files: FileRecord[];
  libraries: LibraryRecord[];
}

export interface InventoryEntry<T = InventoryData> {
  id: string;
  name: string | null;
  data: T;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Last time the content changed (or the record appeared / reappeared). */
  changedAt: string;
  deletedAt: string | null;
}

export interface InventoryRepository {
  applyListing(
    integrationId: string,
    type: ResourceType,
    records: readonly ListingRecord[],
    options: ApplyListingOptions,
  ): Promise<ApplyListingResult>;
  /** Every non-deleted record, by type, ordered by id. */
  loadLive(integrationId: string): Promise<LiveInventory>;
  /** Records of a type, with their timestamps; deleted ones only when asked. */
  list(
    integrationId: string,
    type: ResourceType,
    options?: { includeDeleted?: boolean },
  ): Promise<InventoryEntry[]>;
  /** Records marked deleted, most recently deleted first. */
  listDeleted(integrationId: string, type: ResourceType): Promise<InventoryEntry[]>;
}

const BATCH = 500;
interface LiveRow {
  resource_type: ResourceType;
  resource_id: string;
  data: InventoryData;
}

/** Records per SELECT of loadLive. */
const LOAD_PAGE = 250;

interface EntryRow {
  resource_id: string;
  name: string | null;
  data: InventoryData;
  first_seen_at: Date;
  last_seen_at: Date;
  changed_at: Date;
  deleted_at: Date | null;
}

function toEntry(r: EntryRow): InventoryEntry {
  return {
    id: r.resource_id,
    name: r.name,
    data: r.data,
    firstSeenAt: iso(r.first_seen_at),
    lastSeenAt: iso(r.last_seen_at),
    changedAt: iso(r.changed_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}

export function createInventoryRepository(db: Database): InventoryRepository {
  return {
    async applyListing(integrationId, type, records, options) {
      // Last occurrence of an id wins (a listing may repeat a record across pages).
      const byId = new Map<string, ListingRecord>();
      for (const r of records) byId.set(r.id, r);
      const listed = [...byId.values()];

      return db.transaction(async (tx) => {
        const { rows: existing } = await tx.query<{
          resource_id: string;
          content_hash: string;
          deleted: boolean;
        }>(
          // FOR UPDATE serialises two writers of one integration's listing on PostgreSQL (a worker that
          // lost its lease may still be writing). PGlite has one connection, so nothing to serialise, and
          // locking writes every row's header: 5,000 row writes inside a sync's final transaction.
          `SELECT resource_id, content_hash, deleted_at IS NOT NULL AS deleted
           FROM inventory_records WHERE integration_id = $1 AND resource_type = $2
           ${tx.kind === 'postgres' ? 'FOR UPDATE' : ''}`,
          [integrationId, type],
        );
        const known = new Map(existing.map((r) => [r.resource_id, r]));

        const created: string[] = [];
        const updated: string[] = [];
        const writes: {
          resource_id: string;
          name: string | null;
          data: InventoryData;
          content_hash: string;
        }[] = [];
        const touched: string[] = [];
        for (const r of listed) {
          const hash = contentHash(r.data);
          const prev = known.get(r.id);
          if (!prev || prev.deleted) created.push(r.id);
          else if (prev.content_hash !== hash) updated.push(r.id);
          else {
            touched.push(r.id);
            continue;
          }
          writes.push({ resource_id: r.id, name: r.name, data: r.data, content_hash: hash });
        }

        for (const batch of chunks(writes, BATCH)) {
          await tx.query(
            `INSERT INTO inventory_records
               (integration_id, resource_type, resource_id, name, data, content_hash,
                first_seen_at, last_seen_at, changed_at, deleted_at, last_sync_run_id)
             SELECT $2, $3, x.resource_id, x.name, x.data, x.content_hash, $4, $4, $4, NULL, $5
             FROM jsonb_to_recordset($1::jsonb) AS x(resource_id text, name text, data jsonb, content_hash text)
             ON CONFLICT (integration_id, resource_type, resource_id) DO UPDATE SET
               name = EXCLUDED.name, data = EXCLUDED.data, content_hash = EXCLUDED.content_hash,
               last_seen_at = EXCLUDED.last_seen_at, changed_at = EXCLUDED.changed_at,
               deleted_at = NULL, last_sync_run_id = EXCLUDED.last_sync_run_id`,
            [JSON.stringify(batch), integrationId, type, options.at, options.syncRunId],
          );
        }
        for (const batch of chunks(touched, 5000)) {
          await tx.query(
            `UPDATE inventory_records SET last_seen_at = $4, last_sync_run_id = $5
             WHERE integration_id = $1 AND resource_type = $2 AND resource_id = ANY($3::text[])`,
            [integrationId, type, batch, options.at, options.syncRunId],
          );
        }

        const deleted: string[] = [];
        if (options.complete) {
          for (const r of existing) if (!r.deleted && !byId.has(r.resource_id)) deleted.push(r.resource_id);
          for (const batch of chunks(deleted, 5000)) {
            await tx.query(
              `UPDATE inventory_records SET deleted_at = $4, last_sync_run_id = $5
               WHERE integration_id = $1 AND resource_type = $2 AND resource_id = ANY($3::text[])`,
              [integrationId, type, batch, options.at, options.syncRunId],
            );
          }
        }
        return { created, updated, unchanged: touched.length, deleted };
      });
    },

    async loadLive(integrationId) {
      // Page by page (keyset on the primary key): one SELECT of every record (~13 MB of JSON at 2,000
      // agents) grew PGlite's WebAssembly memory, which never shrinks, at the end of every large sync.
      const out: LiveInventory = { agents: [], models: [], files: [], libraries: [] };
      let after: { type: string; id: string } | null = null;
      for (;;) {
        const { rows } = await db.query<LiveRow>(
          `SELECT resource_type, resource_id, data FROM inventory_records
           WHERE integration_id = $1 AND deleted_at IS NULL
             AND ($2::text IS NULL OR (resource_type, resource_id) > ($2::text, $3::text))
           ORDER BY resource_type, resource_id LIMIT $4`,
          [integrationId, after?.type ?? null, after?.id ?? null, LOAD_PAGE],
        );
        for (const r of rows) {
          if (r.resource_type === 'agent') out.agents.push(r.data as AgentRecord);
          else if (r.resource_type === 'model') out.models.push(r.data as ModelRecord);
          else if (r.resource_type === 'file') out.files.push(r.data as FileRecord);
          else out.libraries.push(r.data as LibraryRecord);
        }
        if (rows.length < LOAD_PAGE) return out;
        const last: LiveRow = rows[rows.length - 1];
        after = { type: last.resource_type, id: last.resource_id };
      }
    },

    async list(integrationId, type, options = {}) {
      const { rows } = await db.query<EntryRow>(
        `SELECT resource_id, name, data, first_seen_at, last_seen_at, changed_at, deleted_at
         FROM inventory_records
         WHERE integration_id = $1 AND resource_type = $2 AND ($3::boolean OR deleted_at IS NULL)
         ORDER BY resource_id`,
        [integrationId, type, options.includeDeleted === true],
      );
      return rows.map(toEntry);
    },

    async listDeleted(integrationId, type) {
      const { rows } = await db.query<EntryRow>(
        `SELECT resource_id, name, data, first_seen_at, last_seen_at, changed_at, deleted_at
         FROM inventory_records
         WHERE integration_id = $1 AND resource_type = $2 AND deleted_at IS NOT NULL
         ORDER BY deleted_at DESC, resource_id`,
        [integrationId, type],
      );
      return rows.map(toEntry);
    },
  };
}
