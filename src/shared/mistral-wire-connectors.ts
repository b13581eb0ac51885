/**
 * Wire shapes of the surfaces beyond the product document (mistral-api.md §24), exactly as
 * Mistral's OpenAPI document (2026-08-13) names them: MCP connectors and their credentials, and
 * library sharing. snake_case, as sent. Fields the rest of TrustLens never reads are left open
 * (`[key: string]: unknown`) so a record is kept verbatim by the simulator.
 */
import type { IsoDateTime } from './mistral-wire.ts';

export type WireOutboundAuthType = 'oauth2' | 'bearer' | 'none' | 'github_app' | 'slack_app';
export type WireConsumerType = 'user' | 'org' | 'workspace' | 'system';
export type WireResourceVisibility = 'shared_global' | 'shared_org' | 'shared_workspace' | 'private';
export type WireAuthStatus = 'valid' | 'invalid' | 'error';

/** `ConnectorTool`: a tool a connector exposes. */
export interface WireConnectorTool {
  id: string;
  name: string;
  description: string;
  system_prompt?: string | null;
  jsonschema?: Record<string, unknown> | null;
  execution_config: { type: string; [key: string]: unknown } | null;
  visibility: WireResourceVisibility;
  created_at: IsoDateTime;
  modified_at: IsoDateTime;
  active?: boolean | null;
}

/** `CredentialsStatus`. */
export interface WireCredentialsStatus {
  status_type: WireAuthStatus;
  last_checked_at?: IsoDateTime | null;
  error_http_code?: number | null;
  /** `CredentialsStatusErrorReason`: "oauth expired", "MCP server unreachable", … */
  error_message?: string | null;
}

/** `AuthenticationConfiguration`: a named set of credentials (never its value). */
export interface WireConnectorCredential {
  name: string;
  title?: string | null;
  authentication_type: WireOutboundAuthType;
  scope: WireConsumerType;
  status?: WireCredentialsStatus | null;
  is_default?: boolean;
}

/** `CredentialsResponse` of GET /v1/connectors/{id_or_name}/{organization|workspace|user}/credentials. */
export interface WireCredentialsResponse {
  credentials: WireConnectorCredential[];
  connector_preset_credentials_for_auth?: WireOutboundAuthType[];
}

/** `Connector`. */
export interface WireConnector {
  id: string;
  name: string;
  title?: string | null;
  description: string;
  created_at: IsoDateTime;
  modified_at: IsoDateTime;
  server?: string | null;
  protocol?: 'mcp' | 'http' | 'turbine';
  icon_url?: string | null;
  owner_id?: string | null;
  owner_type: WireConsumerType;
  visibility: WireResourceVisibility;
  creator_id?: string | null;
  system_prompt?: string | null;
  supported_auth_methods?: Array<{
    method_type: WireOutboundAuthType;
    has_default_credentials: boolean;
  }> | null;
  connection_credentials?: WireConnectorCredential[] | null;
  active?: boolean | null;
  private_tool_execution: boolean;
  mistral?: boolean;
  is_authenticated?: boolean | null;
  tools?: WireConnectorTool[] | null;
  [key: string]: unknown;
}

/** `PaginatedConnectors` of GET /v1/connectors. */
export interface WirePaginatedConnectors {
  items: WireConnector[];
  pagination: { next_cursor?: string | null; page_size: number };
}

/** `Sharing` of GET /v1/libraries/{library_id}/share. */
export interface WireSharing {
  library_id: string;
  /** Deprecated by Mistral; kept as sent. */
  user_id?: string | null;
  org_id: string;
  /** "Viewer" | "Editor" | "Owner" … (open enum). */
  role: string;
  /** "User" | "Workspace" | "Org" (open enum). */
  share_with_type: string;
  share_with_uuid: string | null;
}

export const CREDENTIAL_SCOPES = ['organization', 'workspace', 'user'] as const;
export type CredentialScope = (typeof CREDENTIAL_SCOPES)[number];
