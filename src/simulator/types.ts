/**
 * Public types of the Mistral workspace simulator. The workspace holds WIRE-SHAPED data
 * (src/shared/mistral-wire.ts) so the server can send it verbatim: a test that injects a bad
 * record (`tools: null`, a date without offset) into `handle.workspace` gets it sent as-is.
 */
import type {
  IsoDateTime,
  WireAgent,
  WireAgentAlias,
  WireConversation,
  WireDocument,
  WireEntry,
  WireFile,
  WireLibrary,
  WireModelCard,
} from '../shared/mistral-wire.ts';
import type {
  WireApiKey,
  WireAuditLog,
  WireInvite,
  WireMember,
  WireRateLimits,
  WireRoles,
  WireWorkspace,
} from '../shared/mistral-wire-admin.ts';
import type {
  WireConnector,
  WireConnectorCredential,
  WireSharing,
} from '../shared/mistral-wire-connectors.ts';
import type {
  WireBatchJob,
  WirePromptDefinition,
  WireRegistryObject,
  WireSkillDefinition,
} from '../shared/mistral-wire-v2.ts';

export interface SimAgent {
  /** What GET /v1/agents/{id} returns (no agent_version). */
  current: WireAgent;
  /** One full agent object per version, ascending by `version`. */
  versions: WireAgent[];
  aliases: WireAgentAlias[];
}

export interface SimLibrary {
  library: WireLibrary;
  documents: WireDocument[];
  /** GET /v1/libraries/{id}/share; absent = only the owner (an empty list is served). */
  sharing?: WireSharing[];
}

/** An MCP connector (mistral-api.md §24): the record, and its credentials per scope (never a value). */
export interface SimConnector {
  connector: WireConnector;
  /**
   * How GET /v1/connectors (and …/{id}) send `connector.tools`: absent = as stored; 'null' = as
   * `tools: null`, 'omitted' = without the field. GET …/{id}/tools serves `connector.tools` either way,
   * so such a connector's tools can be learnt only there (as the OpenAPI allows).
   */
  toolsInListing?: 'null' | 'omitted';
  credentials: {
    organization: WireConnectorCredential[];
    workspace: WireConnectorCredential[];
    user: WireConnectorCredential[];
  };
}

export interface SimConversation {
  conversation: WireConversation;
  /**
   * History entries in append order. Generated workspaces produce them lazily (on first read,
   * then cached); a plain array works just as well (scenario files, tests).
   */
  entries: WireEntry[];
}

export interface SimWorkspace {
  /** The clock used for generated times; `evolve()` moves it forward. ISO with `Z`. */
  now: IsoDateTime;
  models: WireModelCard[];
  files: WireFile[];
  agents: SimAgent[];
  libraries: SimLibrary[];
  conversations: SimConversation[];
  /** GET /v1/connectors; absent = none (scenario files written before connectors existed). */
  connectors?: SimConnector[];
  /**
   * What the Admin API (GET /v1/admin/*, admin key only) serves; absent = an organization with
   * no keys, members, workspaces or audit entries (see simulator/admin.ts, `adminOf`).
   */
  admin?: SimAdmin;
  /** GET /v2/prompts (simulator/v2-resources.ts); absent = none. */
  prompts?: SimRegistryItem<WirePromptDefinition>[];
  /** GET /v2/skills; absent = none. */
  skills?: SimRegistryItem<WireSkillDefinition>[];
  /** GET /v1/batch/jobs; absent = none. */
  batchJobs?: WireBatchJob[];
}

/**
 * A prompt or skill of the v2 registry: the object's own fields and its versions (ascending); the
 * routes serve the latest version merged into the object (Prompt / Skill), with `latestVersion`.
 */
export interface SimRegistryItem<D> {
  object: Omit<WireRegistryObject<D>, 'definition' | 'version' | 'notes' | 'aliases' | 'latestVersion'>;
  versions: Array<{
    version: number;
    definition: D;
    notes: string;
    aliases: string[];
    createdAt: IsoDateTime;
  }>;
}

/** `AdminUserGroupOut` of GET /v1/admin/user-groups. */
export interface SimUserGroup {
  uuid: string;
  name: string;
  description: string | null;
  externally_managed?: boolean | null;
  /** `UserGroupTargetType`: "W" (workspaces) | "O" (organization). */
  target_type?: 'W' | 'O' | null;
  organization_role?: string | null;
  parent_group_ids?: string[];
}

/**
 * One usage row the simulator aggregates into GET /v1/admin/usage (UsageOUTJSON). Not a wire
 * shape: the route groups rows of a month into `{<product>: {models: {<model>: {<metric>: [row]}}}}`.
 */
export interface SimUsageRow {
  /** "YYYY-MM". */
  month: string;
  product: 'completion' | 'chat';
  model: string;
  /** "input_tokens" | "output_tokens". */
  metric: string;
  workspaceId: string;
  /** `ApiZone`. */
  apiZone: 'global' | 'us' | 'eu';
  /** Tokens. */
  quantity: number;
  /** Price per token, in `SimAdmin.currency`. */
  unitPrice: number;
}

/** The organization as the Admin API shows it (wire-shaped records, served verbatim). */
export interface SimAdmin {
  organizationId: string;
  /** GET /v1/admin/api-keys, in this order. `key` is always null (never a plaintext value). */
  apiKeys: WireApiKey[];
  /** GET /v1/admin/users (members first, then invites) and /v1/admin/users/{user_id}. */
  members: WireMember[];
  invites: WireInvite[];
  /** GET /v1/admin/workspaces; ids in `archivedWorkspaceIds` only with `is_archived=true`. */
  workspaces: WireWorkspace[];
  archivedWorkspaceIds: string[];
  roles: WireRoles;
  userGroups: SimUserGroup[];
  /** GET /v1/admin/audit-logs (served sorted by created_at, then log_id; see appendAuditEntry). */
  auditLog: WireAuditLog[];
  /** GET /v1/admin/rate-limit (unless the `adminRequestsPerSecond` knob overrides the rate). */
  rateLimit: WireRateLimits;
  usage: SimUsageRow[];
  currency: string;
  currencySymbol: string;
  /** GET /v1/admin/spend-limit: the monthly limit (null = no monthly limit). */
  monthlySpendLimit: number | null;
}

export interface GeneratorOptions {
  /** Clock for generated times (ISO). Default '2026-06-01T12:00:00.000Z' (fixed, for determinism). */
  now: IsoDateTime;
  agents: number;
  /** Maximum versions per agent (each agent gets 1..N). */
  versionsPerAgent: number;
  /** Maximum aliases per agent (0..N, from production/staging/canary/dev). */
  aliasesPerAgent: number;
  libraries: number;
  /** Maximum documents per library (0..N). */
  documentsPerLibrary: number;
  files: number;
  /** Total model cards: about 70% base (from a built-in catalogue), the rest fine-tuned. */
  models: number;
  /** Used when `conversations` is not set: total = agents * conversationsPerAgent + modelOnlyConversations. */
  conversationsPerAgent: number;
  /** Total conversations, model-only ones included. */
  conversations?: number;
  /** How many of the conversations are model-only (no agent). */
  modelOnlyConversations: number;
  /** Maximum entries per conversation (at least 2). */
  entriesPerConversation: number;
  /** Conversations are spread over the last N days before `now`. */
  historyDays: number;
  /**
   * Hostile texts (HOSTILE_PAYLOADS: markup, script, formula, SQL, bidi and control characters,
   * zero-width characters, 12,000-character strings) in every owner-written text field. Default off.
   * 'with-nul' also puts a NUL (U+0000) in the first agent's description (HOSTILE_NUL_PAYLOAD).
   */
  hostile?: boolean | 'with-nul';
  /** Custom MCP connectors besides the built-in ones (default 4: see simulator/connectors.ts). */
  customConnectors?: number;
  /**
   * The ordinary API key the simulator serves: one generated admin API key carries its masked form
   * (first 4 + "..." + last 4) so the integration can find its own key. startSimulator passes its
   * `apiKey`; default: a fixed fake key.
   */
  integrationApiKey?: string;
}

export type FaultKind = '500' | '502' | '503' | 'reset' | 'truncated' | 'malformed' | 'slow';
export const FAULT_KINDS: readonly FaultKind[] = [
  '500',
  '502',
  '503',
  'reset',
  'truncated',
  'malformed',
  'slow',
];

export interface FaultOptions {
  /** Share of requests (0..1) that fail. */
  rate: number;
  /** Kinds to draw from, uniformly. Default: all. */
  kinds?: FaultKind[];
  /** Extra delay of a 'slow' answer, in ms. Default 2000. */
  slowMs?: number;
}

export interface RateLimitOptions {
  /** Sustained requests per second (token refill rate). */
  rps: number;
  /** Bucket size. Default: max(1, ceil(rps)), i.e. one second's worth. */
  burst?: number;
}

export interface BetaOptions {
  enabled: boolean;
  /** Status of beta endpoints while disabled. Default 403. */
  status?: 403 | 404;
}

/**
 * Features beyond the product document that a workspace or plan may lack, each answered 403 (as a
 * beta the workspace has no access to) while off. Default: all on.
 */
export interface FeatureOptions {
  connectors?: boolean;
  librarySharing?: boolean;
  /**
   * The Admin API (GET /v1/admin/*). false = an organization without admin access: every admin
   * route answers 403 `{"detail": …}`, even to the admin key.
   */
  adminApi?: boolean;
  /** Audit logs in the plan (an Enterprise feature). false = 403 on /v1/admin/audit-logs only. */
  auditLog?: boolean;
  /** GET /v2/prompts… (403 while off). */
  prompts?: boolean;
  /** GET /v2/skills… (403 while off). */
  skills?: boolean;
  /** GET /v1/batch/jobs… (403 while off). */
  batch?: boolean;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  /** The admin API key (GET /v1/admin/* only). Default: random, like `apiKey`. */
  adminApiKey?: string;
  seed?: number;
  generator?: Partial<GeneratorOptions>;
  workspace?: SimWorkspace;
  beta?: BetaOptions;
  rateLimit?: RateLimitOptions | null;
  latencyMs?: number;
  faults?: FaultOptions | null;
  features?: FeatureOptions;
  /**
   * `requests_per_second` of GET /v1/admin/rate-limit: a number, or 'limiter' = the simulator's own
   * rate limiter (`rateLimit.rps`, floored, at least 1), so a client pacing itself to the served
   * value is not 429ed. Default (and 'limiter' with no limiter on): `workspace.admin.rateLimit`.
   */
  adminRequestsPerSecond?: number | 'limiter' | null;
}

export type SimulatorKnobs = Partial<
  Pick<
    SimulatorOptions,
    'beta' | 'rateLimit' | 'latencyMs' | 'faults' | 'features' | 'adminRequestsPerSecond'
  >
>;

export interface RouteCount {
  method: string;
  /** e.g. "GET /v1/agents/{agent_id}/versions"; unknown paths are "(unknown)". */
  route: string;
  /** HTTP status sent; 0 when the connection was reset without an answer. */
  status: number;
  count: number;
}

export interface SimStats {
  totalRequests: number;
  byRoute: RouteCount[];
  peakConcurrency: number;
  /** 429s sent. */
  rateLimited: number;
  /** Non-GET requests refused with 405. */
  refusedNonGet: number;
  faultsInjected: number;
}

export interface EvolveOptions {
  /** PRNG seed of this step. Default: derived from the workspace seed and a step counter. */
  seed?: number;
  /** How far the clock moves, in ms. Default 1 hour. */
  advanceMs?: number;
  agentsAdded?: number; // default 1
  agentsEdited?: number; // default 2 (new version, config drift)
  agentsDeleted?: number; // default 1
  guardrailsChanged?: number; // default 2 (added / removed / weakened, new version)
  aliasesMoved?: number; // default 1
  conversationsAdded?: number; // default 5
  conversationsAppended?: number; // default 3 (new entries in old conversations, updated_at bumped)
  conversationsDeleted?: number; // default 1
}

export type GuardrailChange = 'added' | 'removed' | 'weakened';

export interface EvolveSummary {
  /** Clock before and after. */
  from: IsoDateTime;
  to: IsoDateTime;
  agentsAdded: string[];
  /** Agents that got a new version (edits and guardrail changes). */
  agentsEdited: string[];
  agentsDeleted: string[];
  guardrailsChanged: Array<{ agentId: string; change: GuardrailChange; version: number }>;
  aliasesMoved: Array<{ agentId: string; alias: string; from: number | null; to: number }>;
  conversationsAdded: string[];
  conversationsAppended: Array<{ conversationId: string; entriesAdded: number }>;
  conversationsDeleted: string[];
  /**
   * log_ids of the audit entries this step added to `workspace.admin` (agent.create / agent.update /
   * agent.delete, by a human admin); absent when the workspace has no admin data.
   */
  auditEntriesAdded?: number[];
}

export interface SimulatorHandle {
  url: string;
  apiKey: string;
  /** The admin API key: GET /v1/admin/* answer it (and only it) with 200. */
  adminApiKey: string;
  /** The live, mutable state being served. */
  workspace: SimWorkspace;
  configure(p: SimulatorKnobs): void;
  evolve(o?: EvolveOptions): EvolveSummary;
  /**
   * Appends an audit-log entry to `workspace.admin` (created if absent): log_id = last + 1,
   * created_at default = the workspace clock, organization_uuid filled in. Returns it as served.
   */
  addAuditEntry(e: AuditEntryInput): WireAuditLog;
  stats(): SimStats;
  resetStats(): void;
  close(): Promise<void>;
}

/** What `addAuditEntry` takes: the entry without log_id (created_at and the metadata optional). */
export type AuditEntryInput = Omit<
  WireAuditLog,
  'log_id' | 'created_at' | 'actor_metadata' | 'event_metadata' | 'target_metadata'
> & {
  created_at?: IsoDateTime;
  actor_metadata?: Record<string, string>;
  event_metadata?: Record<string, string>;
  target_metadata?: Record<string, string>;
};
