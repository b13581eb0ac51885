/**
 * Accounts: organizations, users, sessions, API tokens and the one-time set-up link. Secrets never
 * reach this layer: it stores argon2id hashes of passwords and SHA-256 hashes of session, API and
 * set-up tokens, computed by the accounts service.
 */
import type { Database } from './database.ts';
import { iso, isoOrNull } from './sql-values.ts';

export type AccountRole = 'admin' | 'analyst' | 'viewer';

export interface OrganizationRecord {
  id: string;
  name: string;
  simulated: boolean;
  createdAt: string;
}

export interface UserRecord {
  id: string;
  organizationId: string;
  /** Normalised (trimmed, lower-case). */
  email: string;
  name: string | null;
  /** argon2id PHC string. */
  passwordHash: string;
  role: AccountRole;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  disabledAt: string | null;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the session token. */
  tokenHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface ApiTokenRecord {
  id: string;
  organizationId: string;
  name: string;
  /** SHA-256 (hex) of the token. */
  tokenHash: string;
  tokenPrefix: string;
  role: AccountRole;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface SetupTokenRecord {
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface UserPatch {
  name?: string | null;
  role?: AccountRole;
  passwordHash?: string;
  disabledAt?: string | null;
  lastLoginAt?: string;
  updatedAt: string;
}

export interface AccountsRepository {
  /**
   * Runs `fn` in one transaction with a repository bound to it. With PGlite, use only the repository
   * given to `fn` inside it (the outer database waits for the transaction).
   */
  transaction<T>(fn: (tx: AccountsRepository) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: serialises account set-up across processes (transaction-scoped advisory
   * lock), so two first starts on one PostgreSQL server never create two first admins.
   */
  lockSetup(): Promise<void>;

  countUsers(): Promise<number>;

  createOrganization(org: OrganizationRecord): Promise<OrganizationRecord>;
  getOrganization(id: string): Promise<OrganizationRecord | null>;
  renameOrganization(id: string, name: string): Promise<void>;

  createUser(user: UserRecord): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  /** By normalised email (case-insensitive). */
  getUserByEmail(email: string): Promise<UserRecord | null>;
  /** One organization's users, or every user when `organizationId` is undefined; by email. */
  listUsers(organizationId?: string): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null>;
  deleteUser(id: string): Promise<boolean>;
  /**
   * Ids of the organization's enabled admins, rows locked until the transaction ends (FOR UPDATE):
   * call inside `transaction` before a change that could remove the last one.
   */
  lockActiveAdmins(organizationId: string): Promise<string[]>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | null>;
  touchSession(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  deleteSession(tokenHash: string): Promise<boolean>;
  /** Returns how many were deleted. */
  deleteUserSessions(userId: string): Promise<number>;
  /** Sessions whose expiry is at or before `now`; returns how many were deleted. */
  deleteExpiredSessions(now: string): Promise<number>;

  createApiToken(token: ApiTokenRecord): Promise<void>;
  getApiToken(id: string): Promise<ApiTokenRecord | null>;
  getApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  /** One organization's tokens (every token when undefined), newest first. */
  listApiTokens(organizationId?: string): Promise<ApiTokenRecord[]>;
  /** Sets revoked_at unless already revoked; returns the token as stored afterwards. */
  revokeApiToken(id: string, at: string): Promise<ApiTokenRecord | null>;
  /** Revokes every unrevoked token a user created; returns how many. */
  revokeTokensCreatedBy(userId: string, at: string): Promise<number>;
  touchApiToken(id: string, at: string): Promise<void>;

  /** Deletes every unused set-up token (a new one replaces them). */
  deleteUnusedSetupTokens(): Promise<void>;
  createSetupToken(token: SetupTokenRecord): Promise<void>;
  getSetupToken(tokenHash: string): Promise<SetupTokenRecord | null>;
  /** Marks it used unless it already is; false when it was used (or is unknown). */
  useSetupToken(tokenHash: string, at: string): Promise<boolean>;
}

/** Advisory lock key for account set-up (distinct from the migrations' key). */
export const SETUP_LOCK_KEY = '7214550093311877';

interface OrgRow {
  id: string;
  name: string;
  simulated: boolean;
  created_at: Date;
}

interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  name: string | null;
  password_hash: string;
  role: AccountRole;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
  disabled_at: Date | null;
}

interface SessionRow {
  token_hash: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

interface TokenRow {
  id: string;
  organization_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  role: AccountRole;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

interface SetupRow {
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

const orgFrom = (r: OrgRow): OrganizationRecord => ({
  id: r.id,
  name: r.name,
  simulated: r.simulated === true,
  createdAt: iso(r.created_at),
});

const userFrom = (r: UserRow): UserRecord => ({
  id: r.id,
  organizationId: r.organization_id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  role: r.role,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  lastLoginAt: isoOrNull(r.last_login_at),
  disabledAt: isoOrNull(r.disabled_at),
});

const sessionFrom = (r: SessionRow): SessionRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  createdAt: iso(r.created_at),
  lastSeenAt: iso(r.last_seen_at),
  expiresAt: iso(r.expires_at),
  ip: r.ip,
  userAgent: r.user_agent,
});

const tokenFrom = (r: TokenRow): ApiTokenRecord => ({
  id: r.id,
  organizationId: r.organization_id,
  name: r.name,
  tokenHash: r.token_hash,
  tokenPrefix: r.token_prefix,
  role: r.role,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  lastUsedAt: isoOrNull(r.last_used_at),
  expiresAt: isoOrNull(r.expires_at),
  revokedAt: isoOrNull(r.revoked_at),
});

const USER_COLUMNS = `id, organization_id, email, name, password_hash, role, created_at, updated_at, last_login_at,
  disabled_at`;
const TOKEN_COLUMNS = `id, organization_id, name, token_hash, token_prefix, role, created_by, created_at,
  last_used_at, expires_at, revoked_at`;

export function createAccountsRepository(db: Database): AccountsRepository {
  const repo: AccountsRepository = {
    transaction: (fn) => db.transaction((tx) => fn(createAccountsRepository(tx))),

    async lockSetup() {
      await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [SETUP_LOCK_KEY]);
    },

    async countUsers() {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      return rows[0]?.n ?? 0;
    },

    async createOrganization(org) {
      await db.query('INSERT INTO organizations (id, name, simulated, created_at) VALUES ($1, $2, $3, $4)', [
        org.id,
        org.name,
        org.simulated,
        org.createdAt,
      ]);
      return org;
    },

    async getOrganization(id) {
      const { rows } = await db.query<OrgRow>(
        'SELECT id, name, simulated, created_at FROM organizations WHERE id = $1',
        [id],
      );
      return rows[0] ? orgFrom(rows[0]) : null;
    },

    async renameOrganization(id, name) {
      await db.query('UPDATE organizations SET name = $2 WHERE id = $1', [id, name]);
    },

    async createUser(u) {
      await db.query(
        `INSERT INTO users (id, organization_id, email, name, password_hash, role, created_at, updated_at,
           last_login_at, disabled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          u.id,
          u.organizationId,
          u.email,
          u.name,
          u.passwordHash,
          u.role,
          u.createdAt,
          u.updatedAt,
          u.lastLoginAt,
          u.disabledAt,
        ],
      );
      return u;
    },

    async getUser(id) {
      const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
      return rows[0] ? userFrom(rows[0]) : null;
    },

    async getUserByEmail(email) {
      const { rows } = await db.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower($1)`,
        [email],
      );
      return rows[0] ? userFrom(rows[0]) : null;
    },

    async listUsers(organizationId) {
      const { rows } = await db.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users WHERE ($1::text IS NULL OR organization_id = $1)
         ORDER BY lower(email), id`,
        [organizationId ?? null],
      );
      return rows.map(userFrom);
    },

    async updateUser(id, patch) {
      const has = (k: keyof UserPatch) => patch[k] !== undefined;
      const { rows } = await db.query<UserRow>(
        `UPDATE users SET
           name = CASE WHEN $2 THEN $3 ELSE name END,
           role = CASE WHEN $4 THEN $5 ELSE role END,
           password_hash = CASE WHEN $6 THEN $7 ELSE password_hash END,
           disabled_at = CASE WHEN $8 THEN $9::timestamptz ELSE disabled_at END,
           last_login_at = CASE WHEN $10 THEN $11::timestamptz ELSE last_login_at END,
           updated_at = $12
         WHERE id = $1
         RETURNING ${USER_COLUMNS}`,
        [
          id,
          has('name'),
          patch.name ?? null,
          has('role'),
          patch.role ?? null,
          has('passwordHash'),
          patch.passwordHash ?? null,
          has('disabledAt'),
          patch.disabledAt ?? null,
          has('lastLoginAt'),
          patch.lastLoginAt ?? null,
          patch.updatedAt,
        ],
      );
      return rows[0] ? userFrom(rows[0]) : null;
    },

    async deleteUser(id) {
      const r = await db.query('DELETE FROM users WHERE id = $1', [id]);
      return r.rowCount > 0;
    },

    async lockActiveAdmins(organizationId) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM users WHERE organization_id = $1 AND role = 'admin' AND disabled_at IS NULL
         ORDER BY id FOR UPDATE`,
        [organizationId],
      );
      return rows.map((r) => r.id);
    },

    async createSession(s) {
      await db.query(
        `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [s.tokenHash, s.userId, s.createdAt, s.lastSeenAt, s.expiresAt, s.ip, s.userAgent],
      );
    },

    async getSession(tokenHash) {
      const { rows } = await db.query<SessionRow>(
        `SELECT token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent
         FROM sessions WHERE token_hash = $1`,
        [tokenHash],
      );
      return rows[0] ? sessionFrom(rows[0]) : null;
    },

    async touchSession(tokenHash, lastSeenAt, expiresAt) {
      await db.query('UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1', [
        tokenHash,
        lastSeenAt,
        expiresAt,
      ]);
    },

    async deleteSession(tokenHash) {
      const r = await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
      return r.rowCount > 0;
    },

    async deleteUserSessions(userId) {
      const r = await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
      return r.rowCount;
    },

    async deleteExpiredSessions(now) {
      const r = await db.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
      return r.rowCount;
    },

    async createApiToken(t) {
      await db.query(
        `INSERT INTO api_tokens (${TOKEN_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          t.id,
          t.organizationId,
          t.name,
          t.tokenHash,
          t.tokenPrefix,
          t.role,
          t.createdBy,
          t.createdAt,
          t.lastUsedAt,
          t.expiresAt,
          t.revokedAt,
        ],
      );
    },

    async getApiToken(id) {
      const { rows } = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? tokenFrom(rows[0]) : null;
    },

    async getApiTokenByHash(tokenHash) {
      const { rows } = await db.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1`,
        [tokenHash],
      );
      return rows[0] ? tokenFrom(rows[0]) : null;
    },

    async listApiTokens(organizationId) {
      const { rows } = await db.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE ($1::text IS NULL OR organization_id = $1)
         ORDER BY created_at DESC, id`,
        [organizationId ?? null],
      );
      return rows.map(tokenFrom);
    },

    async revokeApiToken(id, at) {
      await db.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
      return repo.getApiToken(id);
    },

    async revokeTokensCreatedBy(userId, at) {
      const r = await db.query(
        'UPDATE api_tokens SET revoked_at = $2 WHERE created_by = $1 AND revoked_at IS NULL',
        [userId, at],
      );
      return r.rowCount;
    },

    async touchApiToken(id, at) {
      await db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
    },

    async deleteUnusedSetupTokens() {
      await db.query('DELETE FROM setup_tokens WHERE used_at IS NULL');
    },

    async createSetupToken(t) {
      await db.query(
        'INSERT INTO setup_tokens (token_hash, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4)',
        [t.tokenHash, t.createdAt, t.expiresAt, t.usedAt],
      );
    },

    async getSetupToken(tokenHash) {
      const { rows } = await db.query<SetupRow>(
        'SELECT token_hash, created_at, expires_at, used_at FROM setup_tokens WHERE token_hash = $1',
        [tokenHash],
      );
      const r = rows[0];
      return r
        ? {
            tokenHash: r.token_hash,
            createdAt: iso(r.created_at),
            expiresAt: iso(r.expires_at),
            usedAt: isoOrNull(r.used_at),
          }
        : null;
    },

    async useSetupToken(tokenHash, at) {
      const r = await db.query(
        'UPDATE setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL',
        [tokenHash, at],
      );
      return r.rowCount > 0;
    },
  };
  return repo;
}
