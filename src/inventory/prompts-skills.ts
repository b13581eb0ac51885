/**
 * Prompts, skills and batch jobs of a workspace, as the ordinary key lists them (issue 11, "With
 * the ordinary workspace key"): GET /v2/prompts, /v2/skills (+ /versions) and /v1/batch/jobs.
 * Pure wire → record mapping; discovery is in src/sync/discover-extras.ts.
 *
 * What is kept, and why (a security reviewer needs to know what exists, how many versions it has,
 * which version the aliases serve and which agents run batch work — not the text itself):
 * - prompts and skills: id, name, title (prompts only), sharing scope, version count, latest
 *   version, aliases → version, created/updated times. NEVER the definition (prompt content,
 *   skill body, description, assets) nor version notes: they are free text written by the
 *   owner, can carry secrets or customer data, and no rule reads them.
 * - batch jobs: id, status, endpoint, model, agent id and whether that agent still exists, times,
 *   request counts, the number of input files and of errors, and the metadata KEYS (never their
 *   values, never error messages or outputs, which can echo request data).
 *
 * How they reference agents (from Mistral's OpenAPI document 2026-08-13): a BatchJob names the
 * agent it runs in `agent_id` (null when it runs a `model`). Prompt and Skill have no agent field,
 * and Agent has no prompt or skill field, so which agents use a prompt or skill cannot be known:
 * `referencedAgents` is null ("not knowable"), never [] ("none").
 */
import type { WireBatchJob, WirePrompt, WireRegistryVersion, WireSkill } from '../shared/mistral-wire-v2.ts';

/** Rows of `Snapshot.extraAvailability` for these lists (optional there: older snapshots lack them). */
export type RegistryFeatureKey = 'prompts' | 'skills' | 'batchJobs';
export const REGISTRY_FEATURE_KEYS: readonly RegistryFeatureKey[] = ['prompts', 'skills', 'batchJobs'];

export interface RegistryAlias {
  alias: string;
  version: number;
}

/** A prompt or a skill of the v2 registry (names, versions, counts; never its text). */
export interface RegistryObjectRecord {
  id: string;
  name: string;
  /** Display title (prompts only; null for skills and when absent). */
  title: string | null;
  /** `RegistrySharingScope` (private | workspace | …), null when absent. */
  sharingScope: string | null;
  /** Versions listed; null when the versions could not be read. */
  versionCount: number | null;
  /** `latestVersion` of the object (or the highest listed version). */
  latestVersion: number | null;
  /** Aliases and the version each points to (from the versions; the latest's when they were not read). */
  aliases: RegistryAlias[];
  createdAt: string | null;
  updatedAt: string | null;
  /** Always null: Mistral's API does not link prompts or skills to agents (see the module comment). */
  referencedAgents: string[] | null;
}

export type PromptRecord = RegistryObjectRecord;
export type SkillRecord = RegistryObjectRecord;

export interface BatchJobRecord {
  id: string;
  /** `BatchJobStatus`: QUEUED, RUNNING, SUCCESS, FAILED, TIMEOUT_EXCEEDED, CANCELLATION_REQUESTED, CANCELLED. */
  status: string;
  endpoint: string;
  model: string | null;
  agentId: string | null;
  /** Whether `agentId` names an agent of this workspace; null when no agent or agents were not listed. */
  agentExists: boolean | null;
  createdAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  totalRequests: number;
  succeededRequests: number;
  failedRequests: number;
  inputFileCount: number;
  /** Sum of the errors' counts (their messages are not kept). */
  errorCount: number;
  /** Keys of `metadata` (values are not kept), sorted. */
  metadataKeys: string[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function unixIso(v: unknown): string | null {
  const n = int(v);
  if (n === null) return null;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * A prompt or skill from its listing and its versions (null when they could not be read). Works on
 * raw records the SDK rejected too: every field is checked.
 */
export function toRegistryRecord(
  wire: WirePrompt | WireSkill,
  versions: readonly WireRegistryVersion<unknown>[] | null,
): RegistryObjectRecord {
  const w = wire as Record<string, unknown>;
  const listed = (versions ?? []).map((v) => int(v?.version)).filter((n): n is number => n !== null);
  const latest = int(w.latestVersion) ?? (listed.length ? Math.max(...listed) : int(w.version));
  const aliases: RegistryAlias[] = [];
  if (versions) {
    for (const v of versions) {
      const n = int(v?.version);
      if (n === null || !Array.isArray(v.aliases)) continue;
      for (const a of v.aliases) if (typeof a === 'string') aliases.push({ alias: a, version: n });
    }
  } else if (Array.isArray(w.aliases) && int(w.version) !== null) {
    for (const a of w.aliases)
      if (typeof a === 'string') aliases.push({ alias: a, version: int(w.version)! });
  }
  aliases.sort((a, b) => a.alias.localeCompare(b.alias) || a.version - b.version);
  return {
    id: String(w.id ?? ''),
    name: str(w.name) ?? String(w.id ?? ''),
    title: str(w.title),
    sharingScope: str(w.sharingScope),
    versionCount: versions ? versions.length : null,
    latestVersion: latest,
    aliases,
    createdAt: str(w.createdAt),
    updatedAt: str(w.updatedAt),
    referencedAgents: null,
  };
}

/** A batch job; `agentIds` = the workspace's agents, or null when they could not be listed. */
export function toBatchJobRecord(wire: WireBatchJob, agentIds: ReadonlySet<string> | null): BatchJobRecord {
  const w = wire as unknown as Record<string, unknown>;
  const agentId = str(w.agent_id);
  const errors = Array.isArray(w.errors) ? (w.errors as unknown[]) : [];
  const metadata =
    w.metadata && typeof w.metadata === 'object' && !Array.isArray(w.metadata) ? w.metadata : {};
  return {
    id: String(w.id ?? ''),
    status: str(w.status) ?? 'UNKNOWN',
    endpoint: str(w.endpoint) ?? '',
    model: str(w.model),
    agentId,
    agentExists: agentId === null || agentIds === null ? null : agentIds.has(agentId),
    createdAt: unixIso(w.created_at),
    startedAt: unixIso(w.started_at),
    completedAt: unixIso(w.completed_at),
    totalRequests: int(w.total_requests) ?? 0,
    succeededRequests: int(w.succeeded_requests) ?? 0,
    failedRequests: int(w.failed_requests) ?? 0,
    inputFileCount: Array.isArray(w.input_files) ? w.input_files.length : 0,
    errorCount: errors.reduce<number>((n, e) => {
      const c = e && typeof e === 'object' ? int((e as Record<string, unknown>).count) : null;
      return n + (c ?? 1);
    }, 0),
    metadataKeys: Object.keys(metadata).sort(),
  };
}
