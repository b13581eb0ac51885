/**
 * Wire shapes of Mistral's Admin API (mistral-api.md §24; OpenAPI document 2026-08-13, security
 * scheme `AdminApiKey`): GET /v1/admin/* only, answered to an admin-scoped key. snake_case, as
 * sent. Fields the rest of TrustLens never reads are left open (`[key: string]: unknown`).
 *
 * `APIKeyExtendedOUT.key` is a plaintext key value: it is NEVER kept, stored, logged or shown
 * (src/inventory/admin.ts drops it when a record is built).
 */
import type { IsoDateTime } from './mistral-wire.ts';

/** `APIKeyExtendedOUT`. */
export interface WireApiKey {
  key_id: string;
  /** Plaintext value (only ever sent at creation). Dropped on sight. */
  key?: string | null;
  name: string | null;
  hidden_key: string;
  created_at: IsoDateTime | null;
  /** A date (YYYY-MM-DD); null = never expires. */
  expiration_date: string | null;
  actions?: Record<string, unknown>;
  workspace_id: string | null;
  workspace_name: string | null;
  created_by: string | null;
  /** `APIKeyProduct`: "API" | "Mistral Code" | "Vibe" … */
  product: string | null;
  /** A date (YYYY-MM-DD) or null (never used). */
  last_used: string | null;
  can_delete: boolean | null;
  [key: string]: unknown;
}

/** `APIKeysExtendedOUT` of GET /v1/admin/api-keys (limit, offset, name). */
export interface WireApiKeysPage {
  keys: WireApiKey[];
}

/** `MemberWorkspaceInfo`. */
export interface WireMemberWorkspace {
  uuid: string;
  name: string;
  is_default: boolean;
  raw_roles: string[];
  raw_role: string;
  [key: string]: unknown;
}

/** `AdminOrganizationMemberOUT`. */
export interface WireMember {
  uuid: string;
  oid_id: string | null;
  name: string | null;
  email: string | null;
  is_sso_outsider?: boolean | null;
  workspaces?: WireMemberWorkspace[] | null;
  raw_roles: string[];
  raw_role: string;
  created_at: IsoDateTime;
  [key: string]: unknown;
}

/** `OrganizationInviteOUT` (a pending invitation, in GET /v1/admin/users). */
export interface WireInvite {
  uuid: string;
  raw_roles: string[];
  raw_role: string;
  email: string;
  expired: boolean;
  created_at: IsoDateTime;
  workspace_uuids?: string[];
  [key: string]: unknown;
}

/** `OrganizationAdminUsersOUT` of GET /v1/admin/users (page, page_size, email). */
export interface WireUsersPage {
  members: WireMember[];
  invites: WireInvite[];
  total: number | null;
  page: number | null;
  page_size: number | null;
}

/** `WorkspaceOUT`. */
export interface WireWorkspace {
  uuid: string;
  name: string;
  description: string | null;
  icon: string | null;
  members_count?: number | null;
  is_default: boolean;
  [key: string]: unknown;
}

/** `WorkspacesOut` of GET /v1/admin/workspaces (page from 1, page_size). */
export interface WireWorkspacesPage {
  total: number;
  items: WireWorkspace[];
  page: number;
  page_size: number;
  object?: string;
}

/** `RoleOut` / `RolesOut` of GET /v1/admin/roles. */
export interface WireRole {
  name: string;
  uuid: string;
  description: string;
  is_custom_role: boolean;
}
export interface WireRoles {
  workspace_roles: WireRole[];
  organization_roles: WireRole[];
}

/** `AuditLogOut` of GET /v1/admin/audit-logs (a bare array; sort, after, before, limit). */
export interface WireAuditLog {
  log_id: number;
  created_at: IsoDateTime;
  /** `ActorType`: HUMAN | API_KEY | OTHER. */
  actor_type: string;
  actor_metadata: Record<string, string>;
  /** `AuditLogEventType`, e.g. "agent.update", "api_key.create". */
  event_type: string;
  event_metadata: Record<string, string>;
  /** `TargetType`, e.g. "AGENT", "API_KEY", "LIBRARY". */
  target_type: string;
  target_metadata: Record<string, string>;
  organization_uuid?: string | null;
  workspace_uuid?: string | null;
}

/** `RateLimitsOUT` of GET /v1/admin/rate-limit. */
export interface WireRateLimits {
  requests_per_second: number;
  tokens_limits_by_model: Record<string, { tokens_per_minute: number; tokens_per_month: number }>;
}

/** `UsageOUTJSON` of GET /v1/admin/usage (month, year): kept open; src/inventory/admin.ts reads it. */
export type WireUsage = Record<string, unknown>;
