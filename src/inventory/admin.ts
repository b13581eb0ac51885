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
