/**
 * Accounts as a use case: the first start (TRUSTLENS_INIT_* or a one-time set-up link), password
 * sign-in with throttling, sessions, API tokens, users and roles, each change in the audit log.
 *
 * Secrets: passwords are hashed with argon2id (@node-rs/argon2); session, API and set-up tokens are
 * 32 random bytes of which only the SHA-256 is stored. None of them is ever logged, audited or returned
 * after the call that created it.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import { AppError } from '../errors/index.ts';
import {
  DEFAULT_ORGANIZATION_ID,
  sqlState,
  type AccountsRepository,
  type ApiTokenRecord,
  type OrganizationRecord,
  type UserRecord,
} from '../store/index.ts';
import type { AuditService } from './audit.ts';
import { canSee, requireRole, ROLES, systemActor, type Actor, type Role } from './context.ts';

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export interface UserView {
  id: string;
  organizationId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}

export interface ApiTokenView {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface OrganizationView {
  id: string;
  name: string;
  simulated: boolean;
  createdAt: string;
}

export interface SignedIn {
  user: UserView;
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
}

export type BootstrapResult =
  { kind: 'ready' } | { kind: 'initialized'; organizationId: string } | { kind: 'setup'; setupToken: string };

export interface AccountsService {
  /**
   * First start: TRUSTLENS_INIT_* when the database has no user (creates org, admin, optional admin API
   * token with the given value) → {kind:'initialized'}; else with no user → a one-time set-up token (24 h;
   * a new one replaces an unused older one) {kind:'setup', setupToken}; when users exist → {kind:'ready'}
   * and the init values are ignored.
   *
   * The first organization is the default organization (`org_default`, renamed), so that integrations the
   * CLI made before the server existed, and those it makes later, belong to the first admin's organization.
   */
  bootstrap(init: {
    adminEmail: string | null;
    adminPassword: string | null;
    orgName: string | null;
    apiToken: string | null;
  }): Promise<BootstrapResult>;
  /** Uses the one-time set-up token (refused when used, expired, or users exist) → first org + admin + a signed-in session. */
  completeSetup(
    setupToken: string,
    input: { organizationName: string; email: string; password: string; name?: string },
    meta: SessionMeta,
  ): Promise<SignedIn>;
  /** UNAUTHENTICATED (same message and timing for an unknown email, a wrong password or a disabled account); TOO_MANY_REQUESTS when throttled. */
  login(email: string, password: string, meta: SessionMeta): Promise<SignedIn>;
  logout(sessionToken: string): Promise<void>;
  /** null when unknown, expired (idle or absolute) or the user is disabled; slides the idle expiry. */
  authenticateSession(
    sessionToken: string,
    meta: SessionMeta,
  ): Promise<{ actor: Actor; user: UserView; csrfToken: string; expiresAt: string } | null>;
  /** null when unknown, revoked or expired; records last use (at most once a minute). */
  authenticateToken(apiToken: string, meta: SessionMeta): Promise<Actor | null>;
  /** The CSRF token bound to a session (SHA-256 of the session token with a domain-separation prefix). */
  csrfTokenFor(sessionToken: string): string;
  /** Constant-time check of a CSRF token sent with a cookie-authenticated write. */
  verifyCsrf(sessionToken: string, csrfToken: string | null | undefined): boolean;
  me(
    actor: Actor,
  ): Promise<{ user: UserView | null; organization: OrganizationView; role: Role; tokenId: string | null }>;
  getOrganization(actor: Actor): Promise<OrganizationView>;
  /** Admin. */
  listUsers(actor: Actor): Promise<UserView[]>;
  /** Admin. CONFLICT when the email is taken. */
  createUser(
    actor: Actor,
    input: { email: string; password: string; role: Role; name?: string },
  ): Promise<UserView>;
  /**
   * Admin, or the user themself for name and password; never leaves an organization with no active admin
   * (CONFLICT). Disabling a user or changing a password signs that user out everywhere (their sessions are
   * deleted, including the caller's own when they change their own password). A wrong currentPassword
   * counts as a failed sign-in of that email from the caller's address (TOO_MANY_REQUESTS past the limit).
   */
  updateUser(
    actor: Actor,
    id: string,
    /** Changing one's own password needs currentPassword. */
    input: { role?: Role; disabled?: boolean; name?: string; password?: string; currentPassword?: string },
  ): Promise<UserView>;
  /** Admin; not the last active admin (CONFLICT); deletes the user's sessions. */
  deleteUser(actor: Actor, id: string): Promise<void>;
  /** Admin. */
  listTokens(actor: Actor): Promise<ApiTokenView[]>;
  /**
   * Admin; the token is returned once and never again. Its creator is the signed-in user, or for a token
   * made with an API token that token's creator (FORBIDDEN when it has none, or is no longer an active admin).
   */
  createToken(
    actor: Actor,
    input: { name: string; role: Role; expiresInDays?: number },
  ): Promise<{ token: string; view: ApiTokenView }>;
  /** Admin; revoking a revoked token returns it unchanged. */
  revokeToken(actor: Actor, id: string): Promise<ApiTokenView>;
  /**
   * For the composition root's demo mode: an organization (simulated flag) with an admin user, idempotent
   * by email. When the user exists its password is set to the given one (so printed demo credentials work).
   */
  ensureOrganizationWithAdmin(input: {
    organizationName: string;
    simulated: boolean;
    email: string;
    password: string;
  }): Promise<{ organizationId: string; userId: string }>;
  /** Deletes expired sessions (also done at each sign-in); returns how many. */
  purgeExpiredSessions(): Promise<number>;
}

export interface AccountsServiceDeps {
  accounts: AccountsRepository;
  audit: AuditService;
  now?: () => Date;
  /** Session lifetime without activity (default 12 hours) and absolute (default 7 days). */
  sessionIdleMinutes?: number;
  sessionMaxHours?: number;
  /** Password hashing; default argon2id (tests wrap it to count verifications). */
  passwords?: PasswordHasher;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const INIT_API_TOKEN_MIN_LENGTH = 32;
export const API_TOKEN_PREFIX = 'tlk_';
export const SETUP_TOKEN_HOURS = 24;

const ROLE_RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };
function lowerRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/**
 * Password throttling: failed attempts per email and per client address in a sliding window. Failed
 * sign-ins and wrong current passwords (changing one's own password) count together.
 */
export const LOGIN_WINDOW_MINUTES = 15;
/** Failures per email from one address: the brute-force limit that never locks the owner out elsewhere. */
export const LOGIN_FAILURES_PER_EMAIL = 5;
/** Failures per email from every address together: slows a distributed attack on one account. */
export const LOGIN_FAILURES_PER_EMAIL_ANYWHERE = 50;
export const LOGIN_FAILURES_PER_IP = 20;

const MINUTE = 60_000;
/** last_seen_at / last_used_at are written at most this often. */
const TOUCH_INTERVAL_MS = MINUTE;
/** How long an authenticated API token is trusted without reading it again (see tokenCache). */
export const TOKEN_CACHE_TTL_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;
const MAX_NAME_LENGTH = 200;
const MAX_TOKEN_NAME_LENGTH = 100;
const MAX_EMAIL_LENGTH = 254;
const MAX_PRESENTED_TOKEN_LENGTH = 1024;

// argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane). `Algorithm` is a const enum
// that isolatedModules cannot read: 2 is Argon2id.
const ARGON2_OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** The default hasher: argon2id (@node-rs/argon2). */
export const argon2idHasher: PasswordHasher = {
  hash: (password) => argon2Hash(password, ARGON2_OPTIONS),
  async verify(hash, password) {
    try {
      return await argon2Verify(hash, password);
    } catch {
      return false; // not a PHC string
    }
  },
};

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const randomToken = (): string => randomBytes(32).toString('base64url');

function invalid(field: string, message: string, remediation: string): AppError {
  return new AppError('INVALID_INPUT', message, { details: { field }, remediation });
}

function normaliseEmail(raw: unknown, field = 'email'): string {
  const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (
    email.length === 0 ||
    email.length > MAX_EMAIL_LENGTH ||
    !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/.test(email)
  ) {
    throw invalid(
      field,
      `${field} must be an email address such as alice@example.com.`,
      `Give a valid email address (at most ${MAX_EMAIL_LENGTH} characters) in ${field}.`,
    );
  }
  return email;
}

function checkPassword(raw: unknown, field = 'password'): string {
  if (typeof raw !== 'string' || raw.length < PASSWORD_MIN_LENGTH || raw.length > PASSWORD_MAX_LENGTH) {
    throw invalid(
      field,
      `${field} must be between ${PASSWORD_MIN_LENGTH} and ${PASSWORD_MAX_LENGTH} characters long.`,
      `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters (a passphrase of several words works well) and set it in ${field}.`,
    );
  }
  return raw;
}

function checkRole(raw: unknown, field = 'role'): Role {
  if (typeof raw !== 'string' || !(ROLES as readonly string[]).includes(raw)) {
    throw invalid(
      field,
      `${field} must be one of ${ROLES.join(', ')}.`,
      `Set ${field} to ${ROLES.join(', ')}.`,
    );
  }
  return raw as Role;
}

function checkName(raw: unknown, field: string, max: number, required: boolean): string | null {
  if (raw === undefined || raw === null) {
    if (!required) return null;
  } else if (typeof raw === 'string') {
    const name = raw.trim();
    if (name.length > 0 && name.length <= max) return name;
    if (name.length === 0 && !required) return null;
  }
  throw invalid(
    field,
    `${field} must be text of 1 to ${max} characters.`,
    `Give ${field} as a non-empty text of at most ${max} characters.`,
  );
}

function toUserView(u: UserRecord): UserView {
  return {
    id: u.id,
    organizationId: u.organizationId,
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
    disabled: u.disabledAt !== null,
  };
}

function toTokenView(t: ApiTokenRecord): ApiTokenView {
  return {
    id: t.id,
    organizationId: t.organizationId,
    name: t.name,
    prefix: t.tokenPrefix,
    role: t.role,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
  };
}

function toOrganizationView(o: OrganizationRecord): OrganizationView {
  return { id: o.id, name: o.name, simulated: o.simulated, createdAt: o.createdAt };
}

function userActor(u: UserRecord, ip: string | null | undefined): Actor {
  return {
    kind: 'user',
    id: u.id,
    label: u.email,
    organizationId: u.organizationId,
    role: u.role,
    ip: ip ?? null,
  };
}

/**
 * Failed attempts per key in a sliding window. In memory, per process: enough for one server; with
 * several processes behind a load balancer each counts on its own (the limit multiplies by the number of
 * processes), which still bounds guessing. The number of keys is capped so that a flood of distinct
 * emails cannot exhaust memory (the oldest keys are forgotten first).
 */
class FailureWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  private recent(key: string, nowMs: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (list.length === 0) this.hits.delete(key);
    else this.hits.set(key, list);
    return list;
  }

  /** Milliseconds until the next attempt is allowed; 0 when allowed now. */
  retryAfterMs(key: string, nowMs: number): number {
    const list = this.recent(key, nowMs);
    if (list.length < this.limit) return 0;
    return Math.max(1, list[list.length - this.limit] + this.windowMs - nowMs);
  }

  /** Gives back the most recent attempt (a reservation that turned out to be a success). */
  forgetLast(key: string): void {
    const list = this.hits.get(key);
    if (!list) return;
    list.pop();
    if (list.length === 0) this.hits.delete(key);
  }

  record(key: string, nowMs: number): void {
    const list = this.recent(key, nowMs);
    list.push(nowMs);
    this.hits.delete(key); // re-insert: the Map's order is then least recently failed first
    this.hits.set(key, list.slice(-this.limit));
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) break;
      this.hits.delete(oldest);
    }
  }

  clear(key: string): void {
    this.hits.delete(key);
  }
}

function notFound(what: 'user' | 'API token', id: string): AppError {
  return new AppError('NOT_FOUND', `No ${what} "${id}" in your organization.`, {
    remediation:
      what === 'user'
        ? 'List the users (GET /api/v1/users) to find the id.'
        : 'List the API tokens (GET /api/v1/tokens) to find the id.',
  });
}

function currentPasswordNeeded(): AppError {
  return invalid(
    'currentPassword',
    'Changing your own password needs your current password.',
    'Send currentPassword (your present password) together with password.',
  );
}

function lastAdmin(): AppError {
  return new AppError('CONFLICT', 'This would leave the organization without an active admin.', {
    remediation: 'Give another user the admin role first (or enable a disabled admin), then try again.',
  });
}

const LOGIN_FAILED_MESSAGE = 'The email or the password is not correct.';
const LOGIN_FAILED_REMEDIATION =
  'Check both and try again. If it keeps failing, ask an admin of your organization to check your account or set a new password.';

export function createAccountsService(deps: AccountsServiceDeps): AccountsService {
  const repo = deps.accounts;
  const audit = deps.audit;
  const now = deps.now ?? (() => new Date());
  const idleMs = (deps.sessionIdleMinutes ?? 12 * 60) * MINUTE;
  const maxMs = (deps.sessionMaxHours ?? 7 * 24) * 60 * MINUTE;
  const windowMs = LOGIN_WINDOW_MINUTES * MINUTE;
  // Keyed by email + address: someone else failing on your email from elsewhere does not lock you out.
  const failuresByEmail = new FailureWindow(LOGIN_FAILURES_PER_EMAIL, windowMs);
  const failuresByEmailAnywhere = new FailureWindow(LOGIN_FAILURES_PER_EMAIL_ANYWHERE, windowMs);
  const failuresByIp = new FailureWindow(LOGIN_FAILURES_PER_IP, windowMs);

  /**
   * A password attempt for `email` from `ip` (sign-in, or the current password when changing one's own):
   * 0 when allowed, then reserved — recorded as a failure now, before the (slow) password check, with no
   * await in between, so parallel attempts cannot all pass; a success gives it back (passwordAccepted).
   * Otherwise the milliseconds to wait. Both kinds of attempt count in the same windows.
   */
  function reservePasswordAttempt(email: string, ip: string | null, nowMs: number): number {
    const emailFromHere = `${email}\u0000${ip ?? ''}`;
    const wait = Math.max(
      failuresByEmail.retryAfterMs(emailFromHere, nowMs),
      failuresByEmailAnywhere.retryAfterMs(email, nowMs),
      ip ? failuresByIp.retryAfterMs(ip, nowMs) : 0,
    );
    if (wait === 0) {
      failuresByEmail.record(emailFromHere, nowMs);
      failuresByEmailAnywhere.record(email, nowMs);
      if (ip) failuresByIp.record(ip, nowMs);
    }
    return wait;
  }

  function passwordAccepted(email: string, ip: string | null): void {
    failuresByEmail.clear(`${email}\u0000${ip ?? ''}`);
    failuresByEmailAnywhere.forgetLast(email);
    if (ip) failuresByIp.forgetLast(ip);
  }

  const setupActor = systemActor('setup');

  const passwords = deps.passwords ?? argon2idHasher;
  const hashPassword = (password: string) => passwords.hash(password);
  const verifyPassword = (hash: string, password: string) => passwords.verify(hash, password);
  // Verified against when the email is unknown, so that both failures take the same time.
  /**
   * API tokens recently authenticated, by token hash (never the token), for at most TOKEN_CACHE_TTL_MS:
   * saves a query per API request. A revocation in this process takes effect at once (the entry is
   * dropped); one made by another process sharing the database takes effect within the TTL
   * (docs/adr/0004-accounts-sessions-tokens.md). Expiry is checked on every use. Only known, valid
   * tokens are cached, and at most TOKEN_CACHE_MAX of them.
   */
  const tokenCache = new Map<string, { token: ApiTokenRecord; role: Role; until: number }>();
  let tokenGeneration = 0; // a read that started before a revocation must not refill the cache
  const forgetTokens = () => {
    tokenGeneration++;
    tokenCache.clear();
  };

  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= passwords.hash(randomToken()));

  function csrfTokenFor(sessionToken: string): string {
    return createHash('sha256').update('trustlens-csrf-v1\u0000').update(sessionToken).digest('base64url');
  }

  function sessionExpiry(createdMs: number, lastSeenMs: number): number {
    return Math.min(lastSeenMs + idleMs, createdMs + maxMs);
  }

  async function startSession(
    r: AccountsRepository,
    user: UserRecord,
    meta: SessionMeta,
    at: Date,
  ): Promise<SignedIn> {
    const sessionToken = randomToken();
    const expiresAt = new Date(sessionExpiry(at.getTime(), at.getTime())).toISOString();
    await r.createSession({
      tokenHash: sha256(sessionToken),
      userId: user.id,
      createdAt: at.toISOString(),
      lastSeenAt: at.toISOString(),
      expiresAt,
      ip: meta.ip?.slice(0, 100) ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    });
    return { user: toUserView(user), sessionToken, csrfToken: csrfTokenFor(sessionToken), expiresAt };
  }

  /** The first organization: the default one (adopted and renamed when the CLI already made it). */
  async function firstOrganization(r: AccountsRepository, name: string | null, at: Date): Promise<string> {
    const existing = await r.getOrganization(DEFAULT_ORGANIZATION_ID);
    if (existing) {
      if (name && name !== existing.name) await r.renameOrganization(existing.id, name);
      return existing.id;
    }
    await r.createOrganization({
      id: DEFAULT_ORGANIZATION_ID,
      name: name ?? 'Default organization',
      simulated: false,
      createdAt: at.toISOString(),
    });
    return DEFAULT_ORGANIZATION_ID;
  }

  /** The organization new records of this actor go to (the CLI's: the default one, created on first use). */
  async function writableOrganization(actor: Actor): Promise<string> {
    if (actor.organizationId !== null) return actor.organizationId;
    if (!(await repo.getOrganization(DEFAULT_ORGANIZATION_ID))) {
      try {
        await repo.createOrganization({
          id: DEFAULT_ORGANIZATION_ID,
          name: 'Default organization',
          simulated: false,
          createdAt: now().toISOString(),
        });
      } catch (e) {
        if (sqlState(e) !== '23505') throw e;
      }
    }
    return DEFAULT_ORGANIZATION_ID;
  }

  async function visibleUser(actor: Actor, id: string): Promise<UserRecord> {
    const user = typeof id === 'string' && id ? await repo.getUser(id) : null;
    if (!user || !canSee(actor, user.organizationId)) throw notFound('user', String(id));
    return user;
  }

  async function getOrganization(actor: Actor): Promise<OrganizationView> {
    const org = await repo.getOrganization(actor.organizationId ?? DEFAULT_ORGANIZATION_ID);
    if (!org) {
      throw new AppError('NOT_FOUND', 'There is no organization yet.', {
        remediation: 'Finish the first start (the set-up link, or TRUSTLENS_INIT_*), then try again.',
      });
    }
    return toOrganizationView(org);
  }

  /**
   * The user a new API token answers to (its createdBy): the signed-in user; for a token made with an API
   * token, that token's own creator — the human at the root of the chain — so that the cap at the
   * creator's role, the refusal when the creator is disabled and the revocation when they are deleted hold
   * for every token of the chain. An acting token that names no human (none is made so since this rule;
   * older rows are repaired by migration 014) cannot create tokens. The local operator (CLI, scheduler)
   * has no account: null.
   */
  async function humanCreator(actor: Actor): Promise<string | null> {
    if (actor.kind === 'user') return actor.id;
    if (actor.kind !== 'token') return null;
    const acting = actor.id ? await repo.getApiToken(actor.id) : null;
    if (!acting || acting.revokedAt !== null || acting.createdBy === null) {
      throw new AppError(
        'FORBIDDEN',
        'This API token cannot create API tokens: no user account stands behind it.',
        {
          remediation:
            'Sign in as an admin and create the token from your account, or use an API token an admin created.',
        },
      );
    }
    return acting.createdBy;
  }

  function emailTaken(field = 'email'): AppError {
    return new AppError('CONFLICT', 'A user with this email already exists.', {
      details: { field },
      remediation: 'Use another email address, or change the existing user instead.',
    });
  }

  return {
    async bootstrap(init) {
      if ((await repo.countUsers()) > 0) return { kind: 'ready' };
      const given = (v: string | null) => (typeof v === 'string' && v.trim() !== '' ? v : null);
      const email = given(init.adminEmail);
      const password = given(init.adminPassword);
      const orgName = given(init.orgName);
      const apiToken = given(init.apiToken)?.trim() ?? null;

      if (email || password || orgName || apiToken) {
        const missing = !email
          ? 'TRUSTLENS_INIT_ADMIN_EMAIL'
          : !password
            ? 'TRUSTLENS_INIT_ADMIN_PASSWORD'
            : null;
        if (missing) {
          throw invalid(
            missing,
            `${missing} is not set, but other TRUSTLENS_INIT_* variables are.`,
            'Set both TRUSTLENS_INIT_ADMIN_EMAIL and TRUSTLENS_INIT_ADMIN_PASSWORD for a headless first start, or unset every TRUSTLENS_INIT_* variable to get a one-time set-up link instead.',
          );
        }
        const adminEmail = normaliseEmail(email, 'TRUSTLENS_INIT_ADMIN_EMAIL');
        checkPassword(password, 'TRUSTLENS_INIT_ADMIN_PASSWORD');
        const name = checkName(orgName, 'TRUSTLENS_INIT_ORG_NAME', MAX_NAME_LENGTH, false);
        if (
          apiToken !== null &&
          (apiToken.length < INIT_API_TOKEN_MIN_LENGTH ||
            apiToken.length > 512 ||
            !/^[\x21-\x7e]+$/.test(apiToken))
        ) {
          throw invalid(
            'TRUSTLENS_INIT_API_TOKEN',
            `TRUSTLENS_INIT_API_TOKEN must be ${INIT_API_TOKEN_MIN_LENGTH} to 512 printable characters without spaces.`,
            'Generate one with: openssl rand -base64 32 (or leave TRUSTLENS_INIT_API_TOKEN unset and create tokens in the API later).',
          );
        }
        const passwordHash = await hashPassword(password as string);
        const at = now();
        const created = await repo.transaction(async (tx) => {
          await tx.lockSetup();
          if ((await tx.countUsers()) > 0) return null; // another process finished the first start
          const organizationId = await firstOrganization(tx, name, at);
          const user = await tx.createUser({
            id: randomUUID(),
            organizationId,
            email: adminEmail,
            name: null,
            passwordHash,
            role: 'admin',
            createdAt: at.toISOString(),
            updatedAt: at.toISOString(),
            lastLoginAt: null,
            disabledAt: null,
          });
          let token: ApiTokenRecord | null = null;
          if (apiToken !== null) {
            token = {
              id: randomUUID(),
              organizationId,
              name: 'TRUSTLENS_INIT_API_TOKEN',
              tokenHash: sha256(apiToken),
              tokenPrefix: (apiToken.startsWith(API_TOKEN_PREFIX)
                ? apiToken.slice(API_TOKEN_PREFIX.length)
                : apiToken
              ).slice(0, 8),
              role: 'admin',
              createdBy: user.id,
              createdAt: at.toISOString(),
              lastUsedAt: null,
              expiresAt: null,
              revokedAt: null,
            };
            await tx.createApiToken(token);
          }
          await tx.deleteUnusedSetupTokens();
          return { organizationId, user, token };
        });
        if (!created) return { kind: 'ready' };
        const inOrg = { organizationId: created.organizationId };
        await audit.record(
          setupActor,
          'setup.initialize',
          { type: 'organization', id: created.organizationId },
          { source: 'TRUSTLENS_INIT', adminEmail, apiToken: created.token !== null },
          inOrg,
        );
        await audit.record(
          setupActor,
          'user.create',
          { type: 'user', id: created.user.id },
          { email: adminEmail, role: 'admin' },
          inOrg,
        );
        if (created.token) {
          await audit.record(
            setupActor,
            'token.create',
            { type: 'api_token', id: created.token.id },
            { name: created.token.name, role: 'admin', prefix: created.token.tokenPrefix },
            inOrg,
          );
        }
        return { kind: 'initialized', organizationId: created.organizationId };
      }

      const setupToken = randomToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + SETUP_TOKEN_HOURS * 60 * MINUTE).toISOString();
      const issued = await repo.transaction(async (tx) => {
        await tx.lockSetup();
        if ((await tx.countUsers()) > 0) return false;
        await tx.deleteUnusedSetupTokens();
        await tx.createSetupToken({
          tokenHash: sha256(setupToken),
          createdAt: at.toISOString(),
          expiresAt,
          usedAt: null,
        });
        return true;
      });
      if (!issued) return { kind: 'ready' };
      await audit.record(setupActor, 'setup.link_issued', null, { expiresAt }, { organizationId: null });
      return { kind: 'setup', setupToken };
    },

    async completeSetup(setupToken, input, meta) {
      const organizationName = checkName(input?.organizationName, 'organizationName', MAX_NAME_LENGTH, true);
      const email = normaliseEmail(input?.email);
      const password = checkPassword(input?.password);
      const name = checkName(input?.name, 'name', MAX_NAME_LENGTH, false);
      const ip = meta.ip ?? null;
      if (typeof setupToken !== 'string' || setupToken.length === 0 || setupToken.length > 200) {
        throw invalid(
          'setupToken',
          'The set-up token is missing.',
          'Open the set-up link printed at the first start.',
        );
      }
      const passwordHash = await hashPassword(password);
      const at = now();
      let signedIn: SignedIn;
      try {
        signedIn = await repo.transaction(async (tx) => {
          await tx.lockSetup();
          if ((await tx.countUsers()) > 0) {
            throw new AppError('CONFLICT', 'TrustLens is already set up.', {
              remediation: 'Sign in with your account; an admin of your organization can create one for you.',
            });
          }
          const record = await tx.getSetupToken(sha256(setupToken));
          if (!record || record.usedAt !== null || Date.parse(record.expiresAt) <= at.getTime()) {
            throw new AppError(
              'UNAUTHENTICATED',
              'This set-up link is not valid: it was used, has expired or is unknown.',
              {
                details: { field: 'setupToken' },
                remediation:
                  'Restart TrustLens: while no user exists, each start prints a new set-up link (valid 24 hours).',
              },
            );
          }
          if (!(await tx.useSetupToken(record.tokenHash, at.toISOString()))) {
            throw new AppError('UNAUTHENTICATED', 'This set-up link was just used.', {
              details: { field: 'setupToken' },
              remediation: 'Sign in with the account that was created with it.',
            });
          }
          const organizationId = await firstOrganization(tx, organizationName, at);
          const user = await tx.createUser({
            id: randomUUID(),
            organizationId,
            email,
            name,
            passwordHash,
            role: 'admin',
            createdAt: at.toISOString(),
            updatedAt: at.toISOString(),
            lastLoginAt: at.toISOString(),
            disabledAt: null,
          });
          return startSession(tx, user, meta, at);
        });
      } catch (e) {
        await audit.record(
          { ...setupActor, ip },
          'setup.complete',
          null,
          { email, reason: e instanceof AppError ? e.code : 'error' },
          { organizationId: null, outcome: 'failure' },
        );
        throw e;
      }
      const actor: Actor = {
        kind: 'user',
        id: signedIn.user.id,
        label: signedIn.user.email,
        organizationId: signedIn.user.organizationId,
        role: signedIn.user.role,
        ip,
      };
      const inOrg = { organizationId: signedIn.user.organizationId };
      await audit.record(
        actor,
        'setup.complete',
        { type: 'organization', id: signedIn.user.organizationId },
        { organizationName, email },
        inOrg,
      );
      await audit.record(
        actor,
        'user.create',
        { type: 'user', id: signedIn.user.id },
        { email, role: 'admin' },
        inOrg,
      );
      await audit.record(
        actor,
        'auth.login',
        { type: 'user', id: signedIn.user.id },
        { method: 'setup' },
        inOrg,
      );
      return signedIn;
    },

    async login(rawEmail, password, meta) {
      if (typeof rawEmail !== 'string' || rawEmail.trim() === '') {
        throw invalid('email', 'The email is missing.', 'Give the email address of your account.');
      }
      if (typeof password !== 'string' || password === '' || password.length > 4 * PASSWORD_MAX_LENGTH) {
        throw invalid(
          'password',
          'The password is missing or too long.',
          'Give the password of your account.',
        );
      }
      const email = rawEmail.trim().toLowerCase().slice(0, 320);
      const ip = meta.ip ?? null;
      const at = now();
      const nowMs = at.getTime();

      const wait = reservePasswordAttempt(email, ip, nowMs);
      if (wait > 0) {
        const user = await repo.getUserByEmail(email);
        const retryAfterSeconds = Math.ceil(wait / 1000);
        await audit.record(
          {
            kind: 'user',
            id: user?.id ?? null,
            label: email,
            organizationId: user?.organizationId ?? null,
            role: 'viewer',
            ip,
          },
          'auth.login',
          user ? { type: 'user', id: user.id } : null,
          { email, reason: 'throttled', retryAfterSeconds },
          { organizationId: user?.organizationId ?? null, outcome: 'failure' },
        );
        throw new AppError('TOO_MANY_REQUESTS', 'Too many failed sign-in attempts.', {
          details: { retryAfterSeconds },
          remediation: `Wait ${retryAfterSeconds} seconds before trying again, or ask an admin to set a new password.`,
        });
      }

      const user = await repo.getUserByEmail(email);
      // Same work whether or not the email exists: always one argon2 verification.
      const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummy()), password);
      if (!user || !passwordOk || user.disabledAt !== null) {
        await audit.record(
          {
            kind: 'user',
            id: user?.id ?? null,
            label: email,
            organizationId: user?.organizationId ?? null,
            role: 'viewer',
            ip,
          },
          'auth.login',
          user ? { type: 'user', id: user.id } : null,
          { email, reason: !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'disabled' },
          { organizationId: user?.organizationId ?? null, outcome: 'failure' },
        );
        throw new AppError('UNAUTHENTICATED', LOGIN_FAILED_MESSAGE, {
          remediation: LOGIN_FAILED_REMEDIATION,
        });
      }

      passwordAccepted(email, ip);
      await repo.deleteExpiredSessions(at.toISOString());
      const updated =
        (await repo.updateUser(user.id, { lastLoginAt: at.toISOString(), updatedAt: user.updatedAt })) ??
        user;
      const signedIn = await startSession(repo, updated, meta, at);
      await audit.record(
        userActor(updated, ip),
        'auth.login',
        { type: 'user', id: updated.id },
        { method: 'password', userAgent: meta.userAgent?.slice(0, 200) ?? null },
        { organizationId: updated.organizationId },
      );
      return signedIn;
    },

    async logout(sessionToken) {
      if (
        typeof sessionToken !== 'string' ||
        sessionToken === '' ||
        sessionToken.length > MAX_PRESENTED_TOKEN_LENGTH
      )
        return;
      const hash = sha256(sessionToken);
      const session = await repo.getSession(hash);
      if (!session) return;
      await repo.deleteSession(hash);
      const user = await repo.getUser(session.userId);
      if (user) {
        await audit.record(
          userActor(user, null),
          'auth.logout',
          { type: 'user', id: user.id },
          {},
          {
            organizationId: user.organizationId,
          },
        );
      }
    },

    async authenticateSession(sessionToken, meta) {
      if (
        typeof sessionToken !== 'string' ||
        sessionToken === '' ||
        sessionToken.length > MAX_PRESENTED_TOKEN_LENGTH
      )
        return null;
      const hash = sha256(sessionToken);
      const session = await repo.getSession(hash);
      if (!session) return null;
      const nowMs = now().getTime();
      const createdMs = Date.parse(session.createdAt);
      const lastSeenMs = Date.parse(session.lastSeenAt);
      // The stored expiry, and the current settings (which may have been shortened since).
      const expiresMs = Math.min(Date.parse(session.expiresAt), sessionExpiry(createdMs, lastSeenMs));
      if (nowMs >= expiresMs) {
        await repo.deleteSession(hash);
        return null;
      }
      const user = await repo.getUser(session.userId);
      if (!user || user.disabledAt !== null) {
        await repo.deleteSession(hash);
        return null;
      }
      let expiresAt = new Date(expiresMs).toISOString();
      if (nowMs - lastSeenMs >= TOUCH_INTERVAL_MS) {
        expiresAt = new Date(sessionExpiry(createdMs, nowMs)).toISOString();
        await repo.touchSession(hash, new Date(nowMs).toISOString(), expiresAt);
      }
      return {
        actor: userActor(user, meta.ip),
        user: toUserView(user),
        csrfToken: csrfTokenFor(sessionToken),
        expiresAt,
      };
    },

    async authenticateToken(apiToken, meta) {
      if (
        typeof apiToken !== 'string' ||
        apiToken.length < 16 ||
        apiToken.length > MAX_PRESENTED_TOKEN_LENGTH
      )
        return null;
      const hash = sha256(apiToken);
      const at = now();
      let cached = tokenCache.get(hash);
      if (cached && !(at.getTime() < cached.until && at.getTime() >= cached.until - TOKEN_CACHE_TTL_MS)) {
        tokenCache.delete(hash);
        cached = undefined;
      }
      const generation = tokenGeneration;
      const token = cached ? cached.token : await repo.getApiTokenByHash(hash);
      if (!token || token.revokedAt !== null) return null;
      if (token.expiresAt !== null && Date.parse(token.expiresAt) <= at.getTime()) {
        tokenCache.delete(hash);
        return null;
      }
      // A token never outlives its creator's rights: refused when the creator is disabled or gone, and
      // capped at the creator's current role. The creator is a user (TRUSTLENS_INIT_API_TOKEN's is the first
      // admin; a token made with a token has the human at the root of the chain); only tokens the local
      // operator makes through the service (no HTTP route) have none.
      let role: Role | null = cached ? cached.role : token.role;
      if (!cached && token.createdBy !== null) {
        const creator = await repo.getUser(token.createdBy);
        role = !creator || creator.disabledAt !== null ? null : lowerRole(token.role, creator.role);
      }
      if (role === null) return null;
      if (!cached && generation === tokenGeneration) {
        if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
        tokenCache.set(hash, { token, role, until: at.getTime() + TOKEN_CACHE_TTL_MS });
      }
      if (token.lastUsedAt === null || at.getTime() - Date.parse(token.lastUsedAt) >= TOUCH_INTERVAL_MS) {
        const usedAt = at.toISOString();
        await repo.touchApiToken(token.id, usedAt);
        token.lastUsedAt = usedAt;
      }
      return {
        kind: 'token',
        id: token.id,
        label: `token ${token.name}`,
        organizationId: token.organizationId,
        role,
        ip: meta.ip ?? null,
      };
    },

    csrfTokenFor,

    verifyCsrf(sessionToken, csrfToken) {
      if (typeof sessionToken !== 'string' || typeof csrfToken !== 'string') return false;
      const expected = Buffer.from(csrfTokenFor(sessionToken), 'utf8');
      const given = Buffer.from(csrfToken, 'utf8');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },

    async me(actor) {
      const organization = await getOrganization(actor);
      let user: UserView | null = null;
      if (actor.kind === 'user' && actor.id) {
        const record = await repo.getUser(actor.id);
        if (record && canSee(actor, record.organizationId)) user = toUserView(record);
      }
      return { user, organization, role: actor.role, tokenId: actor.kind === 'token' ? actor.id : null };
    },

    getOrganization,

    async listUsers(actor) {
      requireRole(actor, 'admin');
      return (await repo.listUsers(actor.organizationId ?? undefined)).map(toUserView);
    },

    async createUser(actor, input) {
      requireRole(actor, 'admin');
      const email = normaliseEmail(input?.email);
      const password = checkPassword(input?.password);
      const role = checkRole(input?.role);
      const name = checkName(input?.name, 'name', MAX_NAME_LENGTH, false);
      if (await repo.getUserByEmail(email)) throw emailTaken();
      const organizationId = await writableOrganization(actor);
      const at = now().toISOString();
      let user: UserRecord;
      try {
        user = await repo.createUser({
          id: randomUUID(),
          organizationId,
          email,
          name,
          passwordHash: await hashPassword(password),
          role,
          createdAt: at,
          updatedAt: at,
          lastLoginAt: null,
          disabledAt: null,
        });
      } catch (e) {
        if (sqlState(e) === '23505') throw emailTaken();
        throw e;
      }
      await audit.record(
        actor,
        'user.create',
        { type: 'user', id: user.id },
        { email, role, name },
        { organizationId },
      );
      return toUserView(user);
    },

    async updateUser(actor, id, input) {
      const target = await visibleUser(actor, id);
      const self = actor.kind === 'user' && actor.id === target.id;
      const change = input ?? {};
      if (change.role !== undefined || change.disabled !== undefined || !self) requireRole(actor, 'admin');
      const role = change.role !== undefined ? checkRole(change.role) : undefined;
      if (change.disabled !== undefined && typeof change.disabled !== 'boolean') {
        throw invalid(
          'disabled',
          'disabled must be true or false.',
          'Send disabled: true to disable the user, false to enable it.',
        );
      }
      const name =
        change.name !== undefined ? checkName(change.name, 'name', MAX_NAME_LENGTH, false) : undefined;
      if (change.password !== undefined && self) {
        // A stolen session must not be enough to take the account over for good, nor to guess the
        // password: wrong current passwords count with failed sign-ins (same windows, same 429).
        const given = change.currentPassword;
        if (typeof given !== 'string' || given === '') throw currentPasswordNeeded();
        const ip = actor.ip ?? null;
        const wait = reservePasswordAttempt(target.email, ip, now().getTime());
        if (wait > 0) {
          const retryAfterSeconds = Math.ceil(wait / 1000);
          await audit.record(
            actor,
            'user.update',
            { type: 'user', id: target.id },
            { passwordChanged: false, reason: 'throttled', retryAfterSeconds },
            { organizationId: target.organizationId, outcome: 'failure' },
          );
          throw new AppError('TOO_MANY_REQUESTS', 'Too many failed password attempts.', {
            details: { retryAfterSeconds },
            remediation: `Wait ${retryAfterSeconds} seconds before trying again, or ask an admin to set a new password.`,
          });
        }
        const stored = await repo.getUser(target.id);
        if (!stored || !(await verifyPassword(stored.passwordHash, given))) {
          await audit.record(
            actor,
            'user.update',
            { type: 'user', id: target.id },
            { passwordChanged: false, reason: 'wrong_current_password' },
            { organizationId: target.organizationId, outcome: 'failure' },
          );
          throw currentPasswordNeeded();
        }
        passwordAccepted(target.email, ip);
      }
      const passwordHash =
        change.password !== undefined ? await hashPassword(checkPassword(change.password)) : undefined;
      const at = now().toISOString();

      const result = await repo.transaction(async (tx) => {
        const admins = await tx.lockActiveAdmins(target.organizationId);
        const current = await tx.getUser(target.id);
        if (!current) throw notFound('user', target.id);
        const wasActiveAdmin = current.role === 'admin' && current.disabledAt === null;
        const nextRole = role ?? current.role;
        const nextDisabled = change.disabled ?? current.disabledAt !== null;
        if (
          wasActiveAdmin &&
          (nextRole !== 'admin' || nextDisabled) &&
          !admins.some((a) => a !== current.id)
        ) {
          throw lastAdmin();
        }
        const disabledAt =
          change.disabled === undefined ? undefined : change.disabled ? (current.disabledAt ?? at) : null;
        const updated = await tx.updateUser(current.id, {
          role,
          name,
          passwordHash,
          disabledAt,
          updatedAt: at,
        });
        if (!updated) throw notFound('user', target.id);
        const signOut = passwordHash !== undefined || (disabledAt !== undefined && disabledAt !== null);
        const sessionsRevoked = signOut ? await tx.deleteUserSessions(current.id) : 0;
        return { before: current, updated, sessionsRevoked };
      });
      forgetTokens(); // tokens carry their own role, but a user change must never leave stale trust

      const details: Record<string, unknown> = {};
      if (role !== undefined && role !== result.before.role)
        details.role = { from: result.before.role, to: role };
      if (change.disabled !== undefined) details.disabled = change.disabled;
      if (name !== undefined) details.name = name;
      if (passwordHash !== undefined) details.passwordChanged = true;
      if (result.sessionsRevoked > 0) details.sessionsRevoked = result.sessionsRevoked;
      await audit.record(actor, 'user.update', { type: 'user', id: target.id }, details, {
        organizationId: target.organizationId,
      });
      return toUserView(result.updated);
    },

    async deleteUser(actor, id) {
      requireRole(actor, 'admin');
      const target = await visibleUser(actor, id);
      const sessionsRevoked = await repo.transaction(async (tx) => {
        const admins = await tx.lockActiveAdmins(target.organizationId);
        const current = await tx.getUser(target.id);
        if (!current) throw notFound('user', target.id);
        if (
          current.role === 'admin' &&
          current.disabledAt === null &&
          !admins.some((a) => a !== current.id)
        ) {
          throw lastAdmin();
        }
        const n = await tx.deleteUserSessions(current.id);
        // Tokens they created would lose their creator (ON DELETE SET NULL) and with it the check above.
        await tx.revokeTokensCreatedBy(current.id, now().toISOString());
        await tx.deleteUser(current.id);
        return n;
      });
      forgetTokens();
      await audit.record(
        actor,
        'user.delete',
        { type: 'user', id: target.id },
        { email: target.email, role: target.role, sessionsRevoked },
        { organizationId: target.organizationId },
      );
    },

    async listTokens(actor) {
      requireRole(actor, 'admin');
      return (await repo.listApiTokens(actor.organizationId ?? undefined)).map(toTokenView);
    },

    async createToken(actor, input) {
      requireRole(actor, 'admin');
      const name = checkName(input?.name, 'name', MAX_TOKEN_NAME_LENGTH, true) as string;
      const role = checkRole(input?.role);
      const days = input?.expiresInDays;
      if (
        days !== undefined &&
        (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650)
      ) {
        throw invalid(
          'expiresInDays',
          'expiresInDays must be a whole number of days between 1 and 3650.',
          'Give expiresInDays between 1 and 3650, or leave it out for a token that does not expire.',
        );
      }
      const organizationId = await writableOrganization(actor);
      const createdBy = await humanCreator(actor);
      const at = now();
      const token = `${API_TOKEN_PREFIX}${randomToken()}`;
      const record: ApiTokenRecord = {
        id: randomUUID(),
        organizationId,
        name,
        tokenHash: sha256(token),
        tokenPrefix: token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + 8),
        role,
        createdBy,
        createdAt: at.toISOString(),
        lastUsedAt: null,
        expiresAt: days !== undefined ? new Date(at.getTime() + days * 24 * 60 * MINUTE).toISOString() : null,
        revokedAt: null,
      };
      await repo.transaction(async (tx) => {
        if (createdBy !== null) {
          // Locked like deleteUser and updateUser lock them: a creator deleted at this moment either
          // comes after (and revokes this token) or before (and this token is refused), never in between.
          const admins = await tx.lockActiveAdmins(organizationId);
          if (!admins.includes(createdBy)) {
            throw new AppError(
              'FORBIDDEN',
              actor.kind === 'user'
                ? 'You are no longer an active admin of this organization.'
                : 'The user who created this API token is no longer an active admin of this organization.',
              {
                remediation:
                  'Ask an active admin of your organization to create the API token from their account.',
              },
            );
          }
        }
        await tx.createApiToken(record);
      });
      await audit.record(
        actor,
        'token.create',
        { type: 'api_token', id: record.id },
        { name, role, prefix: record.tokenPrefix, expiresAt: record.expiresAt, createdBy },
        { organizationId },
      );
      return { token, view: toTokenView(record) };
    },

    async revokeToken(actor, id) {
      requireRole(actor, 'admin');
      const token = typeof id === 'string' && id ? await repo.getApiToken(id) : null;
      if (!token || !canSee(actor, token.organizationId)) throw notFound('API token', String(id));
      forgetTokens(); // before and after the write: no request of this process sees it afterwards
      if (token.revokedAt !== null) return toTokenView(token);
      const revoked = (await repo.revokeApiToken(token.id, now().toISOString())) ?? token;
      forgetTokens();
      await audit.record(
        actor,
        'token.revoke',
        { type: 'api_token', id: token.id },
        { name: token.name, prefix: token.tokenPrefix },
        { organizationId: token.organizationId },
      );
      return toTokenView(revoked);
    },

    async ensureOrganizationWithAdmin(input) {
      const email = normaliseEmail(input.email);
      const password = checkPassword(input.password);
      const organizationName = checkName(
        input.organizationName,
        'organizationName',
        MAX_NAME_LENGTH,
        true,
      ) as string;
      const existing = await repo.getUserByEmail(email);
      if (existing) {
        if (!(await verifyPassword(existing.passwordHash, password))) {
          await repo.updateUser(existing.id, {
            passwordHash: await hashPassword(password),
            updatedAt: now().toISOString(),
          });
          await repo.deleteUserSessions(existing.id);
          await audit.record(
            setupActor,
            'user.update',
            { type: 'user', id: existing.id },
            { passwordChanged: true },
            {
              organizationId: existing.organizationId,
            },
          );
        }
        return { organizationId: existing.organizationId, userId: existing.id };
      }
      const passwordHash = await hashPassword(password);
      const at = now().toISOString();
      const created = await repo.transaction(async (tx) => {
        const org = await tx.createOrganization({
          id: randomUUID(),
          name: organizationName,
          simulated: input.simulated === true,
          createdAt: at,
        });
        const user = await tx.createUser({
          id: randomUUID(),
          organizationId: org.id,
          email,
          name: null,
          passwordHash,
          role: 'admin',
          createdAt: at,
          updatedAt: at,
          lastLoginAt: null,
          disabledAt: null,
        });
        return { org, user };
      });
      const inOrg = { organizationId: created.org.id };
      await audit.record(
        setupActor,
        'organization.create',
        { type: 'organization', id: created.org.id },
        { name: organizationName, simulated: created.org.simulated },
        inOrg,
      );
      await audit.record(
        setupActor,
        'user.create',
        { type: 'user', id: created.user.id },
        { email, role: 'admin' },
        inOrg,
      );
      return { organizationId: created.org.id, userId: created.user.id };
    },

    purgeExpiredSessions: () => repo.deleteExpiredSessions(now().toISOString()),
  };
}
