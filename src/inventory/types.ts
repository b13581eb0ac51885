/**
 * The inventory snapshot: plain data produced by the sync pipeline from connector output,
 * persisted by the store, evaluated by the rules, rendered by the CLI/API/UI.
 * Field names here are camelCase (ours); raw API objects we keep verbatim keep their wire names.
 */
import type { WireCompletionArgs, WireTool } from '../shared/mistral-wire.ts';
import type { ConnectorRecord, LibraryShareRecord } from './connectors.ts';
import type { AdminFeatureKey, AdminInventory } from './admin.ts';
import type { BatchJobRecord, PromptRecord, RegistryFeatureKey, SkillRecord } from './prompts-skills.ts';

export type ResourceType = 'agent' | 'model' | 'file' | 'library';
export const RESOURCE_TYPES: readonly ResourceType[] = ['agent', 'model', 'file', 'library'];

/** Features whose availability is recorded at every sync (public contract: `scan --format json` keys). */
export type FeatureKey = 'models' | 'files' | 'agents' | 'libraries' | 'usage' | 'versions';
export const FEATURE_KEYS: readonly FeatureKey[] = [
  'models',
  'files',
  'agents',
  'libraries',
  'usage',
  'versions',
];

export type AvailabilityStatus = 'available' | 'unavailable' | 'error';

export interface FeatureAvailability {
  status: AvailabilityStatus;
  /** For unavailable/error: what happened, for the user. */
  message?: string;
  remediation?: string;
  /** AppError code behind an unavailable/error status. */
  code?: string;
}

export type Availability = Record<FeatureKey, FeatureAvailability>;

/**
 * Surfaces beyond the product document (issue 11), recorded beside `availability` (whose keys are a
 * closed contract of their own): MCP connectors and library sharing. Absent in snapshots taken
 * before they existed, which the rules read as "not read" (UNKNOWN).
 */
export type ExtraFeatureKey = 'connectors' | 'librarySharing';
export const EXTRA_FEATURE_KEYS: readonly ExtraFeatureKey[] = ['connectors', 'librarySharing'];
/**
 * Connectors and library sharing always; the admin-key features (src/inventory/admin.ts) in every
 * snapshot taken since they exist (absent before: read as "not read").
 */
export type ExtraAvailability = Record<ExtraFeatureKey, FeatureAvailability> &
  Partial<Record<AdminFeatureKey, FeatureAvailability>> &
  Partial<Record<RegistryFeatureKey, FeatureAvailability>>;

/** A record the SDK's schema rejected, kept from raw JSON and flagged (mistral-api.md §18.4). */
export interface DataQualityWarning {
  /** 'apiKey', 'member', 'invite', 'auditEntry' and 'admin' (other admin records): read with the admin key. */
  resourceType:
    | ResourceType
    | 'conversation'
    | 'alias'
    | 'document'
    | 'connector'
    | 'apiKey'
    | 'member'
    | 'invite'
    | 'auditEntry'
    | 'admin'
    | 'prompt'
    | 'skill'
    | 'batchJob';
  resourceId: string | null;
  endpoint: string;
  /** Short, human-readable reason (e.g. "tools: expected array, received null"). */
  issue: string;
  /**
   * True when the record was left out of the inventory altogether (no usable id): one such warning per
   * record left out, so the rules can count what they did not see (admin records). Absent otherwise.
   */
  leftOut?: true;
}

export interface SyncErrorRecord {
  /** A feature of the availability matrix, or one read beyond it (connectors, library sharing). */
  feature: FeatureKey | ExtraFeatureKey | AdminFeatureKey | RegistryFeatureKey;
  code: string;
  message: string;
  remediation: string;
}

// ---------------------------------------------------------------------------
// Guardrails

/** Stored exactly as the product document describes; `policies` are raw API objects (wire names). */
export interface StoredGuardrails {
  provider: 'mistral';
  scope: 'agent';
  policy_count: number;
  policies: Record<string, unknown>[];
}

/** One category's evaluation in a normalised policy. */
export interface NormalizedCategory {
  /** Whether the moderation call evaluates this category at all. */
  evaluated: boolean;
  /** The explicit threshold; null = the model's default threshold (when evaluated). */
  threshold: number | null;
}

/**
 * A guardrail policy normalised for the rules, whatever format it came in:
 * wire v1 (`moderation_llm_v1` object), wire v2 (`moderation_llm_v2` object), or the
 * product document's flattened shape (`moderation_llm_v2` as a model-name string, `action`,
 * `custom_category_thresholds` at the top level, `jailbreaking`/`pii` as `{enabled}`).
 */
export interface NormalizedGuardrailPolicy {
  format: 'v1' | 'v2' | 'flat' | 'unknown';
  moderationModel: string | null;
  /** Raw action string ("block", "none", "flag", …) or null when absent. */
  action: string | null;
  /** True only when action is "block". */
  blocks: boolean;
  blockOnError: boolean;
  ignoreOtherCategories: boolean;
  /** Every category of the v1 ∪ v2 taxonomy, plus any extra key seen. */
  categories: Record<string, NormalizedCategory>;
  /**
   * Present only on a policy made format 'unknown' because known fields had values of the wrong type
   * (wire paths, e.g. "moderation_llm_v2.custom_category_thresholds.pii"): nothing is guessed from them.
   */
  unreadFields?: string[];
}

// ---------------------------------------------------------------------------
// Agents

export interface KnowledgeBaseRef {
  id: string;
  /** null when the library id matches no discovered library (or libraries were not discoverable). */
  name: string | null;
  /** false when libraries were listed completely and the id is not among them. */
  found: boolean | null;
}

/** The configuration of one agent version (the current one, or one from the version history). */
export interface AgentConfig {
  version: number;
  name: string;
  description: string | null;
  model: string;
  instructions: string | null;
  temperature: number | null;
  topP: number | null;
  /** Raw wire completion_args (null when absent). */
  completionArgs: WireCompletionArgs | null;
  /** Raw wire tools, as returned. */
  tools: WireTool[];
  knowledgeBases: KnowledgeBaseRef[];
  handoffs: string[] | null;
  guardrails: StoredGuardrails | null;
  guardrailPolicies: NormalizedGuardrailPolicy[];
  deploymentChat: boolean;
  versionMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgentAliasRecord {
  alias: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Derived; definition in docs/metrics.md: active = a conversation in the last 30 days. */
export type AgentStatus = 'active' | 'idle' | 'unknown';

export interface ToolUsageCounters {
  totalRuns: number;
  totalConversations: number;
  /** Mean of completed_at − created_at over message.output entries with both times; null if none. */
  avgLatencyMs: number | null;
  codeInterpreterCalls: number;
  fileSearchCalls: number;
  webSearchCalls: number;
  imageGenerationCalls: number;
  functionCalls: number;
}

export interface AgentUsage extends ToolUsageCounters {
  lastActivityAt: string | null;
  /** Counters restricted to entries of the last 90 days (for least-privilege and dormancy rules). */
  last90Days: ToolUsageCounters & {
    /** function.call entries by function name. */
    functionCallsByName: Record<string, number>;
    /** tool.execution entries by tool name (web_search, code_interpreter, connector ids …). */
    toolExecutionsByName: Record<string, number>;
  };
}

export interface AgentRecord extends AgentConfig {
  id: string;
  versions: number[];
  metadata: Record<string, unknown> | null;
  ownerId: string | null;
  source: string;
  status: AgentStatus;
  /** Whole configuration of every version (empty when version history was unavailable). */
  versionHistory: AgentConfig[];
  aliases: AgentAliasRecord[];
  /** null when usage is unavailable; never zeros in place of unknown. */
  usage: AgentUsage | null;
  dataQuality: DataQualityWarning[];
}

// ---------------------------------------------------------------------------
// Models, files, libraries

export type ModelLifecycle = 'stable' | 'deprecated' | 'legacy';

export interface ModelRecord {
  id: string;
  name: string | null;
  family: string;
  description: string | null;
  type: 'base' | 'fine-tuned' | string;
  /** The API's capability keys that are true. */
  capabilities: string[];
  lifecycle: ModelLifecycle;
  contextWindow: number | null;
  deprecationDate: string | null;
  replacementModel: string | null;
  aliases: string[];
  ownedBy: string | null;
  createdAt: string | null;
  fineTuned: { root: string | null; job: string | null; archived: boolean } | null;
  dataQuality: DataQualityWarning[];
}

export interface FileRecord {
  id: string;
  filename: string;
  sizeBytes: number;
  purpose: string;
  sampleType: string | null;
  createdAt: string | null;
  source: string | null;
  visibility: string | null;
  mimetype: string | null;
  numLines: number | null;
  expiresAt: string | null;
  dataQuality: DataQualityWarning[];
}

export interface LibraryRecord {
  id: string;
  name: string;
  description: string | null;
  documentCount: number;
  totalSizeBytes: number;
  ownerId: string | null;
  ownerType: string | null;
  /** Sharing: org role and explicit member counts, as returned. */
  sharing: {
    orgSharingRole: string | null;
    explicitUserMembersCount: number | null;
    explicitWorkspaceMembersCount: number | null;
  };
  /**
   * Who the library is shared with (GET /v1/libraries/{id}/share): null when it could not be read;
   * absent in snapshots taken before sharing was read.
   */
  shares?: LibraryShareRecord[] | null;
  /**
   * Document names of a library shared with the whole organization (read for those only, to judge
   * whether they look sensitive); null when not read (not shared org-wide, or the listing failed).
   * At most 1,000 are kept, sensitive-looking names (src/shared/sensitive-names.ts) first, so a
   * library with more documents never hides one beyond the cut.
   */
  orgSharedDocumentNames?: string[] | null;
  /**
   * How many documents the listing returned (≥ orgSharedDocumentNames.length); absent in snapshots
   * taken before it was recorded, null when the names were not read.
   */
  orgSharedDocumentCount?: number | null;
  createdAt: string;
  updatedAt: string;
  dataQuality: DataQualityWarning[];
}

/** Workspace-level usage (model-only conversations have no agent). */
export interface WorkspaceUsage {
  totalConversations: number;
  agentConversations: number;
  modelConversations: number;
  /** message.output entries in conversations with no agent. */
  modelOnlyRuns: number;
  /** Token usage is not exposed by the Mistral API; always this fixed statement. */
  tokenUsage: 'not available from the Mistral API';
}

/** What the rules know about the integration itself (absent for a one-shot scan). */
export interface IntegrationInfo {
  id: string;
  name: string;
  baseUrl: string;
  /** When the current key was set (creation or last rotation). */
  keyUpdatedAt: string;
}

export interface Snapshot {
  takenAt: string;
  source: { provider: 'mistral'; baseUrl: string };
  integration: IntegrationInfo | null;
  availability: Availability;
  agents: AgentRecord[];
  models: ModelRecord[];
  files: FileRecord[];
  libraries: LibraryRecord[];
  /** null when usage is unavailable. */
  workspaceUsage: WorkspaceUsage | null;
  errors: SyncErrorRecord[];
  dataQuality: DataQualityWarning[];
  /** MCP connectors ([] when not read: see extraAvailability.connectors). Absent in older snapshots. */
  connectors?: ConnectorRecord[];
  /** Availability of the surfaces beyond the product document. Absent in older snapshots. */
  extraAvailability?: ExtraAvailability;
  /**
   * What the optional admin key showed (each section null when not read; see extraAvailability).
   * Absent in older snapshots and when discovery did not consider the admin API.
   */
  admin?: AdminInventory;
  /**
   * Prompts, skills and batch jobs the ordinary key lists (src/inventory/prompts-skills.ts); null when
   * not read (see extraAvailability.prompts/skills/batchJobs), absent in older snapshots.
   */
  prompts?: PromptRecord[] | null;
  skills?: SkillRecord[] | null;
  batchJobs?: BatchJobRecord[] | null;
}
