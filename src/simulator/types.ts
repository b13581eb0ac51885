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
  WireConnector,
  WireConnectorCredential,
  WireSharing,
} from '../shared/mistral-wire-connectors.ts';

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
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  seed?: number;
  generator?: Partial<GeneratorOptions>;
  workspace?: SimWorkspace;
  beta?: BetaOptions;
  rateLimit?: RateLimitOptions | null;
  latencyMs?: number;
  faults?: FaultOptions | null;
  features?: FeatureOptions;
}

export type SimulatorKnobs = Partial<
  Pick<SimulatorOptions, 'beta' | 'rateLimit' | 'latencyMs' | 'faults' | 'features'>
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
}

export interface SimulatorHandle {
  url: string;
  apiKey: string;
  /** The live, mutable state being served. */
  workspace: SimWorkspace;
  configure(p: SimulatorKnobs): void;
  evolve(o?: EvolveOptions): EvolveSummary;
  stats(): SimStats;
  resetStats(): void;
  close(): Promise<void>;
}
