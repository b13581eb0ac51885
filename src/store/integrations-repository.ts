/**
 * Integrations and their encrypted API keys. The key goes in through `create`/`rotateKey`, is stored only
 * envelope-encrypted (src/crypto), and comes out only through `revealApiKey`, for the connector.
 * No other method or view carries it: views show a masked hint and a fingerprint.
 *
 * An integration may also hold an admin API key (issue 11: GET /v1/admin/* only), in its own table
 * (integration_admin_keys), sealed the same way under its own associated data (a sealed admin key cannot
 * pass for the ordinary key, or the reverse). It goes in through `create`/`setAdminKey`, out through
 * `revealAdminApiKey`, for the admin connector only; views show `adminKey: { hint, fingerprint, updatedAt }`.
 */
import {
  decryptSecret,
  encryptSecret,
  keyFingerprint,
  keyHint,
  rewrapSecret,
  type Keyring,
  type SealedSecret,
} from '../crypto/index.ts';
import { AppError } from '../errors/index.ts';
import type { IntegrationInfo } from '../inventory/types.ts';
import { sqlState, type Database } from './database.ts';
import {
  DEFAULT_ORGANIZATION_ID,
  normalizeApiKey,
  normalizeBaseUrl,
  normalizeIntegrationName,
  normalizeSyncFrequency,
} from './integration-input.ts';
import { iso, isoOrNull, newId, toBuffer } from './sql-values.ts';

export interface IntegrationView {
  id: string;
  name: string;
  baseUrl: string;
  syncFrequencyMinutes: number;
  /** "••••" + the key's last 4 characters. */
  keyHint: string;
  /** First 12 hex characters of SHA-256 of the key. */
  keyFingerprint: string;
  /** When the current key was set (creation or last rotation). */
  keyUpdatedAt: string;
  /** The admin API key (GET /v1/admin/* only), shown like the ordinary key; null when none is stored. */
  adminKey: AdminKeyView | null;
  createdAt: string;
  updatedAt: string;
  /** The organization that owns it. */
  organizationId: string;
  /** True for the demo integration against the built-in simulated workspace. */
  simulated: boolean;
  /** When the scheduler will sync it next (null: as soon as the scheduler runs). */
  nextSyncAt: string | null;
}

/** How a stored admin key is shown: never its value. */
export interface AdminKeyView {
  /** "••••" + the key's last 4 characters (the ordinary key's hint form). */
  hint: string;
  /** First 12 hex characters of SHA-256 of the key. */
  fingerprint: string;
  /** When it was set (added or last rotated). */
  updatedAt: string;
}

export interface CreateIntegrationInput {
  name: string;
  apiKey: string;
  /** An admin API key stored with it (validated by the caller first). */
  adminApiKey?: string;
  /** 'global' | 'eu' | 'us' | http(s) URL; default global. */
  baseUrl?: string;
  /** Default 60. */
  syncFrequencyMinutes?: number;
  /** Owner; default: the default organization (created on first use), for the local CLI. */
  organizationId?: string;
  /** The demo integration against the built-in simulator. */
  simulated?: boolean;
}

/** The organization that owns what the local CLI creates without naming one. */
export { DEFAULT_ORGANIZATION_ID } from './integration-input.ts';

export interface UpdateIntegrationInput {
  name?: string;
  baseUrl?: string;
  syncFrequencyMinutes?: number;
}

export interface IntegrationsRepository {
  create(input: CreateIntegrationInput, now?: Date): Promise<IntegrationView>;
  get(id: string): Promise<IntegrationView | null>;
  /** Like get, but throws NOT_FOUND. */
  require(id: string): Promise<IntegrationView>;
  /** By case-insensitive name, within one organization when given. */
  getByName(name: string, organizationId?: string): Promise<IntegrationView | null>;
  /** All integrations, or one organization's. */
  list(organizationId?: string): Promise<IntegrationView[]>;
  /** Sets the scheduler's next due time. */
  setNextSyncAt(id: string, at: Date | null): Promise<void>;
  /** Integrations whose next due time has come (or was never set), oldest first. */
  listDue(
    now: Date,
    limit?: number,
  ): Promise<{ id: string; syncFrequencyMinutes: number; nextSyncAt: string | null }[]>;
  /**
   * Compare-and-set of the next due time: succeeds only when it still is `expected`, so among processes
   * sharing the database exactly one claims a due time.
   */
  claimDue(id: string, expected: string | null, next: Date): Promise<boolean>;
  /** Pushes the next due time to at least `at` (rate-limit back-off). */
  deferNextSync(id: string, at: Date): Promise<void>;
  update(id: string, input: UpdateIntegrationInput, now?: Date): Promise<IntegrationView>;
  /**
   * Replaces the key (new data key too). The caller validates the new key first. `baseUrl`: the base URL
   * the caller read with the integration (and validated the key against): the key is stored only while
   * the integration still has it, else CONFLICT (it changed meanwhile) and nothing is stored.
   */
  rotateKey(id: string, newApiKey: string, now?: Date, baseUrl?: string): Promise<IntegrationView>;
  /** Sets or replaces the admin key (new data key too). The caller validates it first. `baseUrl`: as rotateKey's. */
  setAdminKey(id: string, adminApiKey: string, now?: Date, baseUrl?: string): Promise<IntegrationView>;
  /** Removes the admin key; false when there was none. */
  removeAdminKey(id: string, now?: Date): Promise<boolean>;
  /** The decrypted admin API key (null: none stored), for the admin connector only. Never log or return it. */
  revealAdminApiKey(id: string): Promise<string | null>;
  /** Deletes the integration, its key and everything recorded for it. */
  delete(id: string): Promise<void>;
  /** The decrypted API key, for the connector only. Never log or return it. */
  revealApiKey(id: string): Promise<string>;
  /** What rules need to know about the integration (snapshot.integration). */
  info(id: string): Promise<IntegrationInfo>;
  /**
   * Master-key rotation: re-wraps every data key (ordinary and admin keys) not wrapped by the keyring's
   * current master key (the old key must be in keyring.previous). API-key ciphertexts are untouched.
   */
  rewrapAll(): Promise<{ rewrapped: number; alreadyCurrent: number }>;
  /** How many stored data keys (ordinary and admin keys) each master key wraps (ids only; no key material). */
  masterKeyUsage(): Promise<{ masterKeyId: string; integrations: number }[]>;
}

interface IntegrationRow {
  id: string;
  name: string;
  base_url: string;
  sync_frequency_minutes: number;
  key_hint: string;
  key_fingerprint: string;
  key_updated_at: Date;
  admin_key_hint: string | null;
  admin_key_fingerprint: string | null;
  admin_key_updated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  organization_id: string;
  simulated: boolean;
  next_sync_at: Date | null;
}

const SELECT_VIEW = `
  SELECT i.id, i.name, i.base_url, i.sync_frequency_minutes::int AS sync_frequency_minutes,
         k.key_hint, k.key_fingerprint, k.key_updated_at,
         a.key_hint AS admin_key_hint, a.key_fingerprint AS admin_key_fingerprint,
         a.key_updated_at AS admin_key_updated_at, i.created_at, i.updated_at,
         i.organization_id, i.simulated, i.next_sync_at
  FROM integrations i JOIN integration_keys k ON k.integration_id = i.id
  LEFT JOIN integration_admin_keys a ON a.integration_id = i.id`;

/** The associated data of a sealed admin key: distinct from the ordinary key's (the integration id). */
const ADMIN_AAD = (id: string) => `admin-key:${id}`;

function toView(r: IntegrationRow): IntegrationView {
  return {
    id: r.id,
    name: r.name,
    baseUrl: r.base_url,
    syncFrequencyMinutes: r.sync_frequency_minutes,
    keyHint: r.key_hint,
    keyFingerprint: r.key_fingerprint,
    keyUpdatedAt: iso(r.key_updated_at),
    adminKey:
      r.admin_key_hint !== null && r.admin_key_fingerprint !== null && r.admin_key_updated_at !== null
        ? {
            hint: r.admin_key_hint,
            fingerprint: r.admin_key_fingerprint,
            updatedAt: iso(r.admin_key_updated_at),
          }
        : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    organizationId: r.organization_id,
    simulated: r.simulated === true,
    nextSyncAt: isoOrNull(r.next_sync_at),
  };
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `Integration ${id} does not exist.`, {
    remediation: 'List the integrations to find the right id.',
  });
}

function nameTaken(name: string, e?: unknown): AppError {
  return new AppError('CONFLICT', `An integration named "${name}" already exists.`, {
    cause: e,
    remediation: 'Choose another name, or update the existing integration.',
  });
}

/**
 * Marks the integration updated before its key is written; with `baseUrl`, only while the integration
 * still has that base URL (the one the key was validated against): zero rows then means it moved
 * meanwhile (CONFLICT) or is gone (NOT_FOUND), and the caller's transaction stores nothing.
 */
async function touchAt(tx: Database, id: string, now: Date, baseUrl: string | undefined): Promise<void> {
  const r =
    baseUrl === undefined
      ? await tx.query('UPDATE integrations SET updated_at = $2 WHERE id = $1', [id, now.toISOString()])
      : await tx.query('UPDATE integrations SET updated_at = $2 WHERE id = $1 AND base_url = $3', [
          id,
          now.toISOString(),
          baseUrl,
        ]);
  if (r.rowCount !== 0) return;
  if (baseUrl === undefined) throw notFound(id);
  const { rows } = await tx.query<{ base_url: string }>('SELECT base_url FROM integrations WHERE id = $1', [
    id,
  ]);
  if (rows.length === 0) throw notFound(id);
  throw new AppError(
    'CONFLICT',
    `The integration's base URL changed meanwhile (the key was checked against ${baseUrl}, it is now ${rows[0].base_url}): no key was stored.`,
    { remediation: 'Try again: the key is then checked against the integration as it is now.' },
  );
}

export function createIntegrationsRepository(db: Database, keyring: Keyring): IntegrationsRepository {
  async function get(id: string): Promise<IntegrationView | null> {
    const { rows } = await db.query<IntegrationRow>(`${SELECT_VIEW} WHERE i.id = $1`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async function require(id: string): Promise<IntegrationView> {
    const view = await get(id);
    if (!view) throw notFound(id);
    return view;
  }

  async function writeKey(
    tx: Database,
    id: string,
    apiKey: string,
    now: Date,
    table: KeyTable = 'integration_keys',
  ): Promise<void> {
    const sealed = encryptSecret(keyring, aadOf(table, id), apiKey);
    await tx.query(
      `INSERT INTO ${table}
         (integration_id, master_key_id, wrapped_data_key, ciphertext, key_hint, key_fingerprint, key_updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (integration_id) DO UPDATE SET
         master_key_id = EXCLUDED.master_key_id, wrapped_data_key = EXCLUDED.wrapped_data_key,
         ciphertext = EXCLUDED.ciphertext, key_hint = EXCLUDED.key_hint,
         key_fingerprint = EXCLUDED.key_fingerprint, key_updated_at = EXCLUDED.key_updated_at`,
      [
        id,
        sealed.masterKeyId,
        sealed.wrappedDataKey,
        sealed.ciphertext,
        keyHint(apiKey),
        keyFingerprint(apiKey),
        now.toISOString(),
      ],
    );
  }

  return {
    get,
    require,

    async create(input, now = new Date()) {
      const name = normalizeIntegrationName(input.name);
      const baseUrl = normalizeBaseUrl(input.baseUrl);
      const frequency = normalizeSyncFrequency(input.syncFrequencyMinutes);
      const apiKey = normalizeApiKey(input.apiKey);
      const adminApiKey = input.adminApiKey === undefined ? undefined : normalizeApiKey(input.adminApiKey);
      const id = newId();
      const organizationId = input.organizationId ?? DEFAULT_ORGANIZATION_ID;
      await db.transaction(async (tx) => {
        if (organizationId === DEFAULT_ORGANIZATION_ID) {
          await tx.query(
            `INSERT INTO organizations (id, name, created_at) VALUES ($1, 'Default organization', $2)
             ON CONFLICT (id) DO NOTHING`,
            [organizationId, now.toISOString()],
          );
        }
        try {
          await tx.query(
            `INSERT INTO integrations
               (id, name, base_url, sync_frequency_minutes, created_at, updated_at, organization_id, simulated)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
            [id, name, baseUrl, frequency, now.toISOString(), organizationId, input.simulated === true],
          );
        } catch (e) {
          if (sqlState(e) === '23505') throw nameTaken(name, e);
          throw e;
        }
        await writeKey(tx, id, apiKey, now);
        if (adminApiKey !== undefined) await writeKey(tx, id, adminApiKey, now, 'integration_admin_keys');
      });
      return require(id);
    },

    async getByName(name, organizationId) {
      const { rows } = await db.query<IntegrationRow>(
        `${SELECT_VIEW} WHERE lower(i.name) = lower($1) AND ($2::text IS NULL OR i.organization_id = $2)
         ORDER BY i.created_at, i.id LIMIT 1`,
        [String(name).trim(), organizationId ?? null],
      );
      return rows[0] ? toView(rows[0]) : null;
    },

    async list(organizationId) {
      const { rows } = await db.query<IntegrationRow>(
        `${SELECT_VIEW} WHERE ($1::text IS NULL OR i.organization_id = $1) ORDER BY lower(i.name), i.id`,
        [organizationId ?? null],
      );
      return rows.map(toView);
    },

    async listDue(now, limit = 100) {
      const { rows } = await db.query<{ id: string; f: number; next_sync_at: Date | null }>(
        `SELECT id, sync_frequency_minutes::int AS f, next_sync_at FROM integrations
         WHERE next_sync_at IS NULL OR next_sync_at <= $1
         ORDER BY next_sync_at NULLS FIRST, id LIMIT $2`,
        [now.toISOString(), limit],
      );
      return rows.map((r) => ({
        id: r.id,
        syncFrequencyMinutes: r.f,
        nextSyncAt: isoOrNull(r.next_sync_at),
      }));
    },

    async claimDue(id, expected, next) {
      const r = await db.query(
        `UPDATE integrations SET next_sync_at = $3
         WHERE id = $1 AND next_sync_at IS NOT DISTINCT FROM $2::timestamptz`,
        [id, expected, next.toISOString()],
      );
      return r.rowCount === 1;
    },

    async deferNextSync(id, at) {
      await db.query(
        `UPDATE integrations SET next_sync_at = GREATEST(COALESCE(next_sync_at, $2::timestamptz), $2::timestamptz)
         WHERE id = $1`,
        [id, at.toISOString()],
      );
    },

    async setNextSyncAt(id, at) {
      await db.query('UPDATE integrations SET next_sync_at = $2 WHERE id = $1', [
        id,
        at ? at.toISOString() : null,
      ]);
    },

    async update(id, input, now = new Date()) {
      const current = await require(id);
      const name = input.name === undefined ? current.name : normalizeIntegrationName(input.name);
      const baseUrl = input.baseUrl === undefined ? current.baseUrl : normalizeBaseUrl(input.baseUrl);
      const frequency =
        input.syncFrequencyMinutes === undefined
          ? current.syncFrequencyMinutes
          : normalizeSyncFrequency(input.syncFrequencyMinutes);
      try {
        const r = await db.query(
          `UPDATE integrations SET name = $2, base_url = $3, sync_frequency_minutes = $4, updated_at = $5 WHERE id = $1`,
          [id, name, baseUrl, frequency, now.toISOString()],
        );
        if (r.rowCount === 0) throw notFound(id);
      } catch (e) {
        if (sqlState(e) === '23505') throw nameTaken(name, e);
        throw e;
      }
      return require(id);
    },

    async rotateKey(id, newApiKey, now = new Date(), baseUrl) {
      const apiKey = normalizeApiKey(newApiKey);
      await db.transaction(async (tx) => {
        await touchAt(tx, id, now, baseUrl);
        await writeKey(tx, id, apiKey, now);
      });
      return require(id);
    },

    async setAdminKey(id, newAdminApiKey, now = new Date(), baseUrl) {
      const adminApiKey = normalizeApiKey(newAdminApiKey);
      await db.transaction(async (tx) => {
        await touchAt(tx, id, now, baseUrl);
        await writeKey(tx, id, adminApiKey, now, 'integration_admin_keys');
      });
      return require(id);
    },

    async removeAdminKey(id, now = new Date()) {
      return db.transaction(async (tx) => {
        const r = await tx.query('UPDATE integrations SET updated_at = $2 WHERE id = $1', [
          id,
          now.toISOString(),
        ]);
        if (r.rowCount === 0) throw notFound(id);
        const d = await tx.query('DELETE FROM integration_admin_keys WHERE integration_id = $1', [id]);
        return d.rowCount === 1;
      });
    },

    async revealAdminApiKey(id) {
      await require(id);
      const sealed = await readSealed(db, 'integration_admin_keys', id);
      return sealed ? decryptSecret(keyring, ADMIN_AAD(id), sealed) : null;
    },

    async delete(id) {
      const r = await db.query('DELETE FROM integrations WHERE id = $1', [id]);
      if (r.rowCount === 0) throw notFound(id);
    },

    async revealApiKey(id) {
      const sealed = await readSealed(db, 'integration_keys', id);
      if (!sealed) throw notFound(id);
      return decryptSecret(keyring, id, sealed);
    },

    async info(id) {
      const v = await require(id);
      return { id: v.id, name: v.name, baseUrl: v.baseUrl, keyUpdatedAt: v.keyUpdatedAt };
    },

    async masterKeyUsage() {
      const { rows } = await db.query<{ master_key_id: string; n: number }>(
        `SELECT master_key_id, count(*)::int AS n FROM (
           SELECT master_key_id FROM integration_keys
           UNION ALL SELECT master_key_id FROM integration_admin_keys
         ) keys GROUP BY master_key_id ORDER BY 2 DESC, 1`,
      );
      return rows.map((r) => ({ masterKeyId: r.master_key_id, integrations: r.n }));
    },

    async rewrapAll() {
      return db.transaction(async (tx) => {
        let rewrapped = 0;
        let total = 0;
        for (const table of KEY_TABLES) {
          const { rows } = await tx.query<{
            integration_id: string;
            master_key_id: string;
            wrapped_data_key: unknown;
            ciphertext: unknown;
          }>(
            `SELECT integration_id, master_key_id, wrapped_data_key, ciphertext FROM ${table}
             ORDER BY integration_id FOR UPDATE`,
          );
          total += rows.length;
          for (const r of rows) {
            if (r.master_key_id === keyring.current.id) continue;
            const next = rewrapSecret(keyring, aadOf(table, r.integration_id), {
              masterKeyId: r.master_key_id,
              wrappedDataKey: toBuffer(r.wrapped_data_key),
              ciphertext: toBuffer(r.ciphertext),
            });
            await tx.query(
              `UPDATE ${table} SET master_key_id = $2, wrapped_data_key = $3 WHERE integration_id = $1`,
              [r.integration_id, next.masterKeyId, next.wrappedDataKey],
            );
            rewrapped++;
          }
        }
        return { rewrapped, alreadyCurrent: total - rewrapped };
      });
    },
  };
}

type KeyTable = 'integration_keys' | 'integration_admin_keys';
const KEY_TABLES: readonly KeyTable[] = ['integration_keys', 'integration_admin_keys'];

function aadOf(table: KeyTable, id: string): string {
  return table === 'integration_admin_keys' ? ADMIN_AAD(id) : id;
}

async function readSealed(db: Database, table: KeyTable, id: string): Promise<SealedSecret | null> {
  const { rows } = await db.query<{ master_key_id: string; wrapped_data_key: unknown; ciphertext: unknown }>(
    `SELECT master_key_id, wrapped_data_key, ciphertext FROM ${table} WHERE integration_id = $1`,
    [id],
  );
  if (!rows[0]) return null;
  return {
    masterKeyId: rows[0].master_key_id,
    wrappedDataKey: toBuffer(rows[0].wrapped_data_key),
    ciphertext: toBuffer(rows[0].ciphertext),
  };
}
