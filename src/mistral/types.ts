/**
 * The connector's public contract. Everything the rest of TrustLens knows about talking to
 * Mistral goes through this interface: HTTP, pagination, rate limits and error classes stay
 * inside src/mistral/. All methods issue GET requests only.
 *
 * Errors: methods throw `AppError` (src/errors) with one of these codes:
 *  - INVALID_API_KEY      401 anywhere
 *  - BETA_ACCESS_REQUIRED 403/404 from a beta list endpoint (agents, libraries, conversations, connectors),
 *                         403 from any beta endpoint
 *  - NOT_FOUND            404 on a single-item endpoint (e.g. a conversation deleted mid-sync)
 *  - RATE_LIMITED         429s kept coming until the configured retry budget ran out
 *  - UNREACHABLE          network errors / timeouts past the retry budget
 *  - UNEXPECTED_RESPONSE  5xx past the retry budget, unparsable bodies, unknown statuses
 *  - READ_ONLY_VIOLATION  anything tried to send a non-GET request
 */
import type {
  WireBatchJob,
  WirePrompt,
  WirePromptVersion,
  WireSkill,
  WireSkillVersion,
} from '../shared/mistral-wire-v2.ts';
import type { DataQualityWarning } from '../inventory/types.ts';
import type {
  WireAgent,
  WireAgentAlias,
  WireConversation,
  WireConversationHistory,
  WireDocument,
  WireFile,
  WireLibrary,
  WireModelCard,
} from '../shared/mistral-wire.ts';
import type {
  CredentialScope,
  WireConnector,
  WireConnectorCredential,
  WireSharing,
} from '../shared/mistral-wire-connectors.ts';
import type {
  WireApiKey,
  WireAuditLog,
  WireRateLimits,
  WireRoles,
  WireUsage,
  WireUsersPage,
  WireWorkspace,
} from '../shared/mistral-wire-admin.ts';

/**
 * `MCPTool`, exactly as GET /v1/connectors/{id_or_name}/tools sends it (the fields TrustLens reads
 * named, the rest kept open). It carries no `active` flag, unlike the listing's ConnectorTool.
 */
export interface WireConnectorMcpTool {
  name: string;
  title?: string | null;
  description?: string | null;
  inputSchema?: Record<string, unknown>;
  [key: string]: unknown;
}

export type MistralServer = 'global' | 'eu' | 'us';

export const MISTRAL_SERVERS: Record<MistralServer, string> = {
  global: 'https://api.mistral.ai',
  eu: 'https://api.eu.mistral.ai',
  us: 'https://api.us.mistral.ai',
};

export interface ConnectorOptions {
  apiKey: string;
  /** 'global' | 'eu' | 'us' | any http(s) URL (path prefixes are kept). Default global. */
  baseUrl?: string;
  /** Client-side request rate limit (token bucket). */
  requestsPerSecond?: number;
  /** Maximum requests in flight at once. */
  maxConcurrency?: number;
  /** Total time a single logical request may spend retrying (429/5xx/network) before giving up. */
  maxRetryElapsedMs?: number;
  /** Per-attempt timeout. */
  requestTimeoutMs?: number;
  /** Records requested per page where the endpoint takes a page size. Default 100. */
  pageSize?: number;
  /** Optional structured log sink; messages never contain the key. */
  log?: (event: ConnectorLogEvent) => void;
  /**
   * Default true: conversation histories, conversation pages and agent aliases are checked by a
   * fast hand-written check, agent versions by the SDK's schema without its request machinery, and
   * an answer only goes through the SDK when that check fails (same warnings). false: the SDK
   * fetches and validates every answer (the baseline of bench/connector-bench.ts and the tests).
   */
  fastValidation?: boolean;
}

export interface ConnectorLogEvent {
  level: 'debug' | 'info' | 'warn';
  msg: string;
  [key: string]: unknown;
}

/** A full listing: every page to the end. Records the SDK rejected are kept raw and flagged. */
export interface ListResult<T> {
  items: T[];
  warnings: DataQualityWarning[];
}

export interface OneResult<T> {
  item: T;
  warnings: DataQualityWarning[];
}

export interface ConnectorStats {
  /** Every HTTP attempt sent, retries included. */
  requests: number;
  /** Attempts by endpoint pattern, e.g. "GET /v1/agents/{id}/versions". */
  requestsByEndpoint: Record<string, number>;
  /** Attempts by the HTTP status answered, or "error" when no answer came. */
  requestsByStatus: Record<string, number>;
  retries: number;
  rateLimited: number;
  /** Current adaptive rate (requests per second). */
  currentRate: number;
  /**
   * Answers of the fast-path endpoints (histories, conversation pages, agent versions and
   * aliases) accepted without the SDK (`fast`) or validated by the SDK (`sdk`: the check was not
   * sure, or fast validation is off). The ordinary connector only.
   */
  validation?: { fast: number; sdk: number };
}

export interface MistralConnector {
  readonly baseUrl: string;
  /** GET /v1/models; throws INVALID_API_KEY on 401. Used to validate a key. */
  validateKey(): Promise<void>;
  listModels(): Promise<ListResult<WireModelCard>>;
  listFiles(): Promise<ListResult<WireFile>>;
  /** Every agent (cursor pages of /v1/agents/pages). */
  listAgents(): Promise<ListResult<WireAgent>>;
  getAgent(agentId: string, version?: number | string): Promise<OneResult<WireAgent>>;
  /** Every version of an agent, each with its full configuration. */
  listAgentVersions(agentId: string): Promise<ListResult<WireAgent>>;
  listAgentAliases(agentId: string): Promise<ListResult<WireAgentAlias>>;
  listLibraries(): Promise<ListResult<WireLibrary>>;
  listLibraryDocuments(libraryId: string): Promise<ListResult<WireDocument>>;
  /** Every conversation (agent and model conversations), all pages. */
  /**
   * Every conversation. `onPage` is called with each page's new records as soon as the page is read
   * (a usage sync fetches their histories while the listing goes on); the result holds every record.
   */
  listConversations(opts?: {
    onPage?: (items: WireConversation[]) => void;
  }): Promise<ListResult<WireConversation>>;
  getConversationHistory(conversationId: string): Promise<OneResult<WireConversationHistory>>;
  /** Every MCP connector (beta; cursor pages of GET /v1/connectors). */
  listConnectors(): Promise<ListResult<WireConnector>>;
  /**
   * The tools an MCP connector exposes (beta; page/page_size pages of GET
   * /v1/connectors/{id_or_name}/tools, pages from 1, `refresh` left false). Each record is checked
   * against the SDK's MCPTool schema; a warning names the connector and says `tools`.
   */
  listConnectorTools(connectorIdOrName: string): Promise<ListResult<WireConnectorMcpTool>>;
  /** A connector's credentials at one scope: names, auth type and status (the API sends no value). */
  listConnectorCredentials(
    connectorIdOrName: string,
    scope: CredentialScope,
  ): Promise<ListResult<WireConnectorCredential>>;
  /** Who a library is shared with (beta; GET /v1/libraries/{id}/share). */
  listLibrarySharing(libraryId: string): Promise<ListResult<WireSharing>>;
  /**
   * Prompts, skills (beta; token pages of GET /v2/prompts, /v2/skills) and their versions, and
   * batch jobs (pages of GET /v1/batch/jobs). A key or plan without them throws
   * BETA_ACCESS_REQUIRED (prompts, skills) or FORBIDDEN with details.feature 'batchJobs' (batch
   * jobs). Optional so that
   * test fakes need not implement them (discovery then reports them unavailable).
   */
  listPrompts?(): Promise<ListResult<WirePrompt>>;
  listPromptVersions?(promptId: string): Promise<ListResult<WirePromptVersion>>;
  listSkills?(): Promise<ListResult<WireSkill>>;
  listSkillVersions?(skillId: string): Promise<ListResult<WireSkillVersion>>;
  listBatchJobs?(): Promise<ListResult<WireBatchJob>>;
  /**
   * Paces the connector to `requestsPerSecond` from now on (e.g. a share of the workspace's real
   * limit, read with the admin key); 429s still lower the rate and successes restore it up to this.
   * Optional so that test fakes need not implement it.
   */
  setRequestRate?(requestsPerSecond: number): void;
  stats(): ConnectorStats;
}

/** An admin connector: the same transport and pacing, an admin key, and GET /v1/admin/* only. */
export interface AdminConnectorOptions extends Omit<ConnectorOptions, 'apiKey'> {
  adminApiKey: string;
}

/**
 * Mistral's Admin API (beta), read with an admin-scoped key that is sent nowhere else (and the
 * ordinary key is never sent here). Any path outside /v1/admin/ is refused (READ_ONLY_VIOLATION).
 *
 * Errors, besides the transport's (RATE_LIMITED, UNREACHABLE, UNEXPECTED_RESPONSE):
 *  - ADMIN_KEY_INVALID   401: the admin key is unknown, revoked or expired
 *  - ADMIN_KEY_FORBIDDEN 403: the key is not admin-scoped, or the plan lacks the feature (audit
 *                        logs are Enterprise-only); the caller tells which by what else worked
 */
export interface MistralAdminConnector {
  readonly baseUrl: string;
  /** GET /v1/admin/api-keys?limit=1: proves the key is an admin key before it is stored. */
  validateAdminKey(): Promise<void>;
  /** Every API key (limit/offset pages). Records never carry the plaintext `key` field. */
  listApiKeys(): Promise<ListResult<WireApiKey>>;
  /** Every member and pending invite (page/page_size pages of GET /v1/admin/users). */
  listUsers(): Promise<{
    members: WireUsersPage['members'];
    invites: WireUsersPage['invites'];
    warnings: DataQualityWarning[];
  }>;
  listWorkspaces(): Promise<ListResult<WireWorkspace>>;
  getRoles(): Promise<OneResult<WireRoles>>;
  /**
   * Audit entries after `after` (exclusive; null = from `since`), oldest first, at most
   * `maxEntries` (then `truncated`). Entries at the same instant across a page boundary are
   * neither lost nor repeated (deduplicated by log_id).
   */
  listAuditLogs(opts: {
    after: string | null;
    since: string;
    maxEntries: number;
  }): Promise<ListResult<WireAuditLog> & { truncated: boolean }>;
  getRateLimit(): Promise<OneResult<WireRateLimits>>;
  getUsage(year: number, month: number): Promise<OneResult<WireUsage>>;
  /** As MistralConnector.setRequestRate. */
  setRequestRate?(requestsPerSecond: number): void;
  stats(): ConnectorStats;
}
