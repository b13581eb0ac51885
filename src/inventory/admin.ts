/**
 * What an optional admin API key shows of the organization (issue 11, "With an optional admin
 * key"): API keys, members and invites, workspaces, the audit log, the real rate limit, and usage
 * and cost per model and month. Records are built from the wire shapes in
 * src/shared/mistral-wire-admin.ts; a key's plaintext `key` field is never carried over.
 *
 * Every section is `null` when it was not read — no admin key, a plan without the feature, an
 * error — and `Snapshot.extraAvailability[<feature>]` says which and what to do. Never an empty
 * list taken for "none".
 */
import type {
  WireApiKey,
  WireAuditLog,
  WireInvite,
  WireMember,
  WireRateLimits,
  WireRoles,
  WireUsage,
  WireWorkspace,
} from '../shared/mistral-wire-admin.ts';
import { findSecrets } from '../rules/secret-scanner.ts';
import { cleanServerUrl } from './connectors.ts';
import { REDACTED } from './redact.ts';
import type { DataQualityWarning } from './types.ts';

/** Features read with the admin key, each a row of the availability matrix beside connectors. */
export type AdminFeatureKey = 'adminApiKeys' | 'adminMembers' | 'auditLog' | 'rateLimit' | 'adminUsage';
export const ADMIN_FEATURE_KEYS: readonly AdminFeatureKey[] = [
  'adminApiKeys',
  'adminMembers',
  'auditLog',
  'rateLimit',
  'adminUsage',
];

export interface ApiKeyRecord {
  /** key_id. */
  id: string;
  name: string | null;
  /** The masked form Mistral shows ("HQSx...Ug6Y"); the plaintext is never read into a record. */
  hiddenKey: string;
  workspaceId: string | null;
  workspaceName: string | null;
  /** "API" | "Mistral Code" | "Vibe" … as sent. */
  product: string | null;
  /** Who created it (an email or a key), as sent. */
  createdBy: string | null;
  createdAt: string | null;
  /** Expiry date (YYYY-MM-DD); null = the key never expires. */
  expiresOn: string | null;
  /** Last use (YYYY-MM-DD); null = never used. */
  lastUsedOn: string | null;
  canDelete: boolean | null;
  /**
   * Whether this is the integration's own (ordinary) key, told by comparing its masked form;
   * null when that could not be told (e.g. no ordinary key at hand).
   */
  isIntegrationKey: boolean | null;
  dataQuality: DataQualityWarning[];
}

export interface MemberWorkspaceRecord {
  id: string;
  name: string;
  isDefault: boolean;
  roles: string[];
}

export interface MemberRecord {
  /** uuid. */
  id: string;
  email: string | null;
  name: string | null;
  /** Outside the organization's SSO domain; null when not sent. */
  ssoOutsider: boolean | null;
  /** Organization roles as sent (raw_roles). */
  roles: string[];
  /** Holds an organization administration role (see isAdminRole). */
  isAdmin: boolean;
  workspaces: MemberWorkspaceRecord[];
  createdAt: string | null;
}

export interface InviteRecord {
  id: string;
  email: string;
  roles: string[];
  /** The invitation would grant an organization administration role. */
  grantsAdmin: boolean;
  expired: boolean;
  createdAt: string | null;
  workspaceIds: string[];
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  isDefault: boolean;
  membersCount: number | null;
}

export interface AuditEntryRecord {
  /** String(log_id). */
  id: string;
  at: string;
  /** HUMAN | API_KEY | OTHER, as sent. */
  actorType: string;
  /** Who did it, for people: an email, else a name, else a key's name, else an id; null when unsaid. */
  actor: string | null;
  actorId: string | null;
  /** e.g. "agent.update", "api_key.create". */
  eventType: string;
  /** e.g. "AGENT", "API_KEY". */
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  workspaceId: string | null;
  /**
   * event_metadata as sent, minus any key whose name looks like a credential (token, secret,
   * password, key value…), each value cut to 500 characters.
   */
  details: Record<string, string>;
}

export interface AuditLogSection {
  /** Entries read by this sync, oldest first (for a stored sync: those after the last one read). */
  entries: AuditEntryRecord[];
  /** Read from this time (exclusive); null = from the start of the look-back window. */
  after: string | null;
  /** The newest entry's time after this read (where the next read starts); null when none yet. */
  cursor: string | null;
  /** More entries were there than one sync reads (the rest come next time). */
  truncated: boolean;
}

export interface RateLimitRecord {
  /** The workspace's real request budget. */
  requestsPerSecond: number;
  tokensByModel: Record<string, { tokensPerMinute: number; tokensPerMonth: number }>;
  /** What TrustLens paced itself to from it (share × requestsPerSecond), or null when not applied. */
  pacedRequestsPerSecond: number | null;
}

export interface UsageCostRow {
  /** completion, chat, ocr, connectors, libraries_api, fine_tuning, audio … */
  product: string;
  model: string;
  /** e.g. input_tokens, output_tokens (as sent). */
  metric: string;
  quantity: number | null;
  cost: number | null;
}

export interface UsageCostRecord {
  year: number;
  /** 1–12. */
  month: number;
  currency: string | null;
  startDate: string | null;
  endDate: string | null;
  rows: UsageCostRow[];
  /** Sum of row costs; null when no row had a cost. */
  totalCost: number | null;
}

export interface AdminInventory {
  apiKeys: ApiKeyRecord[] | null;
  members: MemberRecord[] | null;
  invites: InviteRecord[] | null;
  workspaces: WorkspaceRecord[] | null;
  auditLog: AuditLogSection | null;
  rateLimit: RateLimitRecord | null;
  /** Current month first, then the previous one. */
  usage: UsageCostRecord[] | null;
}

/**
 * Whether an organization role administers the organization. Roles come as `UserRole` letters
 * ("A" admin, "M" member, "B" billing) or as role UUIDs (`StaticOrganizationRoles`, custom roles),
 * whose names GET /v1/admin/roles gives: a UUID counts when its role name says admin or owner.
 */
export function isAdminRole(role: string, roleNames: ReadonlyMap<string, string> = new Map()): boolean {
  if (role === 'A') return true;
  const name = roleNames.get(role);
  return name !== undefined && /admin|owner/i.test(name);
}

/*
 * Wire → record (pure). Records the connector flagged as malformed are mapped as far as they go;
 * one without an id is dropped (its data-quality warning says why).
 */

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Organization role UUIDs → names, from GET /v1/admin/roles (empty when the roles were not read). */
export function roleNamesOf(roles: WireRoles | null | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const list of [roles?.organization_roles, roles?.workspace_roles]) {
    if (!Array.isArray(list)) continue;
    for (const r of list) {
      const id = str(obj(r)?.uuid);
      const name = str(obj(r)?.name);
      if (id && name) names.set(id, name);
    }
  }
  return names;
}

/** A role list as sent: raw_roles, else the single raw_role. */
function rolesOf(w: Record<string, unknown>): string[] {
  const list = strings(w.raw_roles);
  if (list.length) return list;
  const one = str(w.raw_role);
  return one ? [one] : [];
}

/**
 * An API key. The plaintext `key` (sent only at creation) is never read. `integrationKeyHidden` is
 * the ordinary key masked as Mistral masks it; absent = whether this is that key is unknown.
 */
/** A masked key as Mistral sends it ("HQSx...Ug6Y"): a few characters, "...", a few characters. */
export function isMaskedKey(hidden: string): boolean {
  return /^[^\s.]{1,8}(\.{3}|…|\*{3,})[^\s.]{1,8}$/.test(hidden);
}

/**
 * `warnings` are the read's data-quality warnings (this key's are attached to the record); `sink`
 * receives a new warning when `hidden_key` is not a masked key (then it is left out: it may be a key).
 */
export function toApiKeyRecord(
  w: WireApiKey,
  opts: {
    integrationKeyHidden?: string | null;
    warnings?: readonly DataQualityWarning[];
    sink?: DataQualityWarning[];
  } = {},
): ApiKeyRecord | null {
  const id = str(w?.key_id);
  if (!id) return null;
  const sent = str(w.hidden_key);
  const hiddenKey = sent !== null && isMaskedKey(sent) ? sent : '';
  if (sent !== null && hiddenKey === '')
    opts.sink?.push({
      resourceType: 'apiKey',
      resourceId: id,
      endpoint: '/v1/admin/api-keys',
      issue: 'hidden_key: not a masked key (it may be the whole key), left out',
    });
  const mine = opts.integrationKeyHidden;
  return {
    id,
    name: str(w.name),
    hiddenKey,
    workspaceId: str(w.workspace_id),
    workspaceName: str(w.workspace_name),
    product: str(w.product),
    createdBy: str(w.created_by),
    createdAt: str(w.created_at),
    expiresOn: str(w.expiration_date),
    lastUsedOn: str(w.last_used),
    canDelete: typeof w.can_delete === 'boolean' ? w.can_delete : null,
    isIntegrationKey: mine ? hiddenKey !== '' && hiddenKey === mine : null,
    dataQuality: (opts.warnings ?? []).filter((x) => x.resourceType === 'apiKey' && x.resourceId === id),
  };
}

export function toMemberRecord(
  w: WireMember,
  roleNames: ReadonlyMap<string, string> = new Map(),
): MemberRecord | null {
  const id = str(w?.uuid);
  if (!id) return null;
  const roles = rolesOf(w);
  const workspaces: MemberWorkspaceRecord[] = [];
  for (const raw of Array.isArray(w.workspaces) ? w.workspaces : []) {
    const ws = obj(raw);
    const wsId = ws && str(ws.uuid);
    if (!ws || !wsId) continue;
    workspaces.push({
      id: wsId,
      name: str(ws.name) ?? '',
      isDefault: ws.is_default === true,
      roles: rolesOf(ws),
    });
  }
  return {
    id,
    email: str(w.email),
    name: str(w.name),
    ssoOutsider: typeof w.is_sso_outsider === 'boolean' ? w.is_sso_outsider : null,
    roles,
    isAdmin: roles.some((r) => isAdminRole(r, roleNames)),
    workspaces,
    createdAt: str(w.created_at),
  };
}

export function toInviteRecord(
  w: WireInvite,
  roleNames: ReadonlyMap<string, string> = new Map(),
): InviteRecord | null {
  const id = str(w?.uuid);
  if (!id) return null;
  const roles = rolesOf(w);
  return {
    id,
    email: str(w.email) ?? '',
    roles,
    grantsAdmin: roles.some((r) => isAdminRole(r, roleNames)),
    expired: w.expired === true,
    createdAt: str(w.created_at),
    workspaceIds: strings(w.workspace_uuids),
  };
}

export function toWorkspaceRecord(w: WireWorkspace): WorkspaceRecord | null {
  const id = str(w?.uuid);
  if (!id) return null;
  return {
    id,
    name: str(w.name) ?? '',
    isDefault: w.is_default === true,
    membersCount: num(w.members_count),
  };
}

/** Longest value kept of an audit entry's details. */
export const AUDIT_DETAIL_MAX = 500;
/** Most details kept of one audit entry, and the longest detail name kept. */
export const AUDIT_DETAIL_KEYS_MAX = 50;
export const AUDIT_DETAIL_NAME_MAX = 100;

/*
 * Detail names that may carry a credential: never kept (the name says so, whatever the value).
 * CREDENTIAL_STEM matches anywhere in the name (so "clientSecret" and "accesstoken" are caught);
 * CREDENTIAL_WORDS match a whole word of a camelCase, snake_case or kebab-case name ("auth_header",
 * "userPwd").
 * A word ending in "key" ("key", "apikey") counts when it ends the name or is followed by a word that
 * says it is the key itself, so "key_id", "api_key_name" and "keyboard" are kept, "api_key",
 * "newApiKey", "keyPlaintext" are not.
 */
const CREDENTIAL_STEM =
  /secret|passw|passphrase|token|credential|authori[sz]ation|bearer|cookie|plaintext|connectionstring|signature/i;
const CREDENTIAL_WORDS = new Set([
  'auth',
  'authn',
  'pwd',
  'pass',
  'jwt',
  'pat',
  'pats',
  'dsn',
  'session',
  'sessions',
  'sid',
  'header',
  'headers',
  'private',
  'otp',
  'mfa',
  'cert',
]);
const KEY_ITSELF = new Set(['value', 'plaintext', 'raw', 'secret', 'material', 'data', 'text', 'string']);

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/** Whether an audit detail's name looks like it holds a credential (such details are dropped). */
export function isCredentialName(name: string): boolean {
  if (CREDENTIAL_STEM.test(name.replace(/[^A-Za-z0-9]/g, ''))) return true;
  const words = nameWords(name);
  if (words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  return words.some((w, i) => /keys?$/.test(w) && (i === words.length - 1 || KEY_ITSELF.has(words[i + 1])));
}

/**
 * A detail's value as kept: only a string, never one holding a JSON object or array (a nested structure
 * may hide credential-named fields), a URL without its `user:password@` part or query, and REDACTED when
 * the secret scanner sees a credential in it (a bearer token, a key-shaped word, a password assignment).
 */
function detailValue(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const trimmed = v.trim();
  if (/^[[{]/.test(trimmed)) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed !== null && typeof parsed === 'object') return null;
    } catch {
      // Not JSON: an ordinary string.
    }
  }
  let text = v.length > AUDIT_DETAIL_MAX ? v.slice(0, AUDIT_DETAIL_MAX) : v;
  text = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) =>
    /@|[?#]/.test(url) ? (cleanServerUrl(url).server ?? REDACTED) : url,
  );
  if (findSecrets(text).length > 0 || findSecrets(v).length > 0) return REDACTED;
  return text;
}

/** The latest time an audit entry may carry (PostgreSQL's timestamptz and ISO text stop at year 9999). */
const AUDIT_TIME_MAX = Date.parse('9999-12-31T23:59:59.999Z');

/** An audit entry's time as ISO text, or null when it does not parse as a time. */
export function auditTimeOf(raw: unknown): string | null {
  const t = str(raw);
  if (t === null) return null;
  const ms = Date.parse(t);
  if (!Number.isFinite(ms) || ms < 0 || ms > AUDIT_TIME_MAX) return null;
  return new Date(ms).toISOString();
}

/**
 * An audit entry. Dropped (null) without an id, or without a time that parses (then a data-quality
 * warning goes to `warnings`, so a bad time never reaches the store). The time kept is ISO text.
 */
export function toAuditEntryRecord(
  w: WireAuditLog,
  warnings?: DataQualityWarning[],
): AuditEntryRecord | null {
  const logId = typeof w?.log_id === 'number' || typeof w?.log_id === 'string' ? String(w.log_id) : null;
  if (logId === null || logId === '') return null;
  const at = auditTimeOf(w.created_at);
  if (at === null) {
    warnings?.push({
      resourceType: 'auditEntry',
      resourceId: logId.slice(0, 100),
      endpoint: '/v1/admin/audit-logs',
      issue: 'created_at: not a time, the entry is left out',
    });
    return null;
  }
  const actor = obj(w.actor_metadata) ?? {};
  const target = obj(w.target_metadata) ?? {};
  const details: Record<string, string> = {};
  let kept = 0;
  for (const [k, v] of Object.entries(obj(w.event_metadata) ?? {})) {
    if (kept >= AUDIT_DETAIL_KEYS_MAX) break;
    if (k === '' || k.length > AUDIT_DETAIL_NAME_MAX || isCredentialName(k)) continue;
    const value = detailValue(v);
    if (value === null) continue;
    details[k] = value;
    kept++;
  }
  return {
    id: logId,
    at,
    actorType: str(w.actor_type) ?? 'OTHER',
    actor:
      str(actor.email) ??
      str(actor.name) ??
      str(actor.api_key_name) ??
      str(actor.key_name) ??
      str(actor.user_uuid) ??
      str(actor.api_key_id) ??
      str(actor.id),
    actorId: str(actor.user_uuid) ?? str(actor.api_key_id) ?? str(actor.id),
    eventType: str(w.event_type) ?? '',
    targetType: str(w.target_type) ?? '',
    targetId: str(target.id) ?? str(target.uuid),
    targetName: str(target.name),
    workspaceId: str(w.workspace_uuid),
    details,
  };
}

/** The real rate limit, and what TrustLens paced itself to from it (null: not applied). */
export function toRateLimitRecord(w: WireRateLimits, pacedRequestsPerSecond: number | null): RateLimitRecord {
  const tokensByModel: RateLimitRecord['tokensByModel'] = {};
  for (const [model, raw] of Object.entries(obj(w.tokens_limits_by_model) ?? {})) {
    const lim = obj(raw);
    const perMinute = num(lim?.tokens_per_minute);
    const perMonth = num(lim?.tokens_per_month);
    if (perMinute === null || perMonth === null) continue;
    tokensByModel[model] = { tokensPerMinute: perMinute, tokensPerMonth: perMonth };
  }
  return { requestsPerSecond: w.requests_per_second, tokensByModel, pacedRequestsPerSecond };
}

/**
 * Usage and cost of one month (GET /v1/admin/usage): every `{models: {model: {metric: rows}}}`
 * under a product (nested products such as libraries_api.pages or vibe_code.chat are named with a
 * dot). A row's quantity is `value` (else `quantity`), its cost `cost` (else `amount`), as sent.
 */
export function toUsageCostRecord(w: WireUsage, year: number, month: number): UsageCostRecord {
  const rows: UsageCostRow[] = [];
  const walk = (product: string, node: Record<string, unknown>, depth: number): void => {
    const models = obj(node.models);
    if (models) {
      for (const [model, metricsRaw] of Object.entries(models)) {
        for (const [metric, list] of Object.entries(obj(metricsRaw) ?? {})) {
          for (const raw of Array.isArray(list) ? list : []) {
            const r = obj(raw);
            if (!r) continue;
            rows.push({
              product,
              model,
              metric,
              quantity: num(r.value) ?? num(r.quantity),
              cost: num(r.cost) ?? num(r.amount),
            });
          }
        }
      }
      return;
    }
    if (depth >= 2) return;
    for (const [k, v] of Object.entries(node)) {
      const child = obj(v);
      if (child) walk(product ? `${product}.${k}` : k, child, depth + 1);
    }
  };
  for (const [product, v] of Object.entries(obj(w) ?? {})) {
    const node = obj(v);
    if (node) walk(product, node, 1);
  }
  const costs = rows.map((r) => r.cost).filter((c): c is number => c !== null);
  return {
    year,
    month,
    currency: str(w.currency),
    startDate: str(w.start_date),
    endDate: str(w.end_date),
    rows,
    totalCost: costs.length ? Math.round(costs.reduce((a, b) => a + b, 0) * 1e6) / 1e6 : null,
  };
}
