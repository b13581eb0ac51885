/**
 * Wire shapes of prompts and skills (GET /v2/prompts, /v2/skills, camelCase as sent) and batch
 * jobs (GET /v1/batch/jobs, snake_case as sent), exactly as Mistral's OpenAPI document
 * (2026-08-13) names them: Prompt, PromptVersion, ListPromptsResponse, ListPromptVersionsResponse,
 * Skill, SkillVersion, ListSkillsResponse, ListSkillVersionsResponse, BatchJob,
 * ListBatchJobsResponse. Every field of Prompt/Skill is optional in the document.
 *
 * How they reference agents: a BatchJob names the agent it runs (`agent_id`, nullable; `model`
 * otherwise). Prompt and Skill carry no agent reference at all (no field in either schema, and
 * Agent has no prompt or skill field), so TrustLens cannot say which agents use them.
 */
import type { IsoDateTime } from './mistral-wire.ts';

/** `RegistrySharingScope`. */
export type WireRegistrySharingScope = 'sharing_scope_unspecified' | 'private' | 'workspace' | string;

/** `PromptDefinition`: the prompt text itself (never stored by TrustLens). */
export interface WirePromptDefinition {
  content: string;
  variables?: unknown[];
}

/** `SkillDefinition`: the skill's model-facing description, body and assets (never stored). */
export interface WireSkillDefinition {
  description?: string;
  body?: string;
  assets?: Record<string, unknown>;
}

/** Fields shared by `Prompt` and `Skill` (v2 registry objects). */
export interface WireRegistryObject<D> {
  id?: string;
  name?: string;
  definition?: D;
  version?: number;
  notes?: string;
  aliases?: string[];
  sharingScope?: WireRegistrySharingScope;
  createdAt?: IsoDateTime;
  updatedAt?: IsoDateTime;
  latestVersion?: number;
  /** Prompt only (Skill has neither: its description is in the definition). */
  title?: string;
  /** Prompt only. */
  description?: string;
}

export type WirePrompt = WireRegistryObject<WirePromptDefinition>;
export type WireSkill = Omit<WireRegistryObject<WireSkillDefinition>, 'title' | 'description'>;

/** `PromptVersion` / `SkillVersion`. */
export interface WireRegistryVersion<D> {
  version?: number;
  definition?: D;
  notes?: string;
  aliases?: string[];
  createdAt?: IsoDateTime;
}

export type WirePromptVersion = WireRegistryVersion<WirePromptDefinition>;
export type WireSkillVersion = WireRegistryVersion<WireSkillDefinition>;

/** `ListPromptsResponse` / `ListSkillsResponse`: token pagination (pageSize, pageToken). */
export interface WireRegistryList<T> {
  data?: T[];
  /** Absent (or empty) on the last page. */
  nextPageToken?: string;
}

/** `ListPromptVersionsResponse` / `ListSkillVersionsResponse` (not paginated). */
export interface WireRegistryVersionList<T> {
  data?: T[];
}

/** `BatchJobStatus`. */
export type WireBatchJobStatus =
  'QUEUED' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'TIMEOUT_EXCEEDED' | 'CANCELLATION_REQUESTED' | 'CANCELLED';

export const WIRE_BATCH_JOB_STATUSES: readonly WireBatchJobStatus[] = [
  'QUEUED',
  'RUNNING',
  'SUCCESS',
  'FAILED',
  'TIMEOUT_EXCEEDED',
  'CANCELLATION_REQUESTED',
  'CANCELLED',
];

/** `BatchJob`. Times are unix seconds. */
export interface WireBatchJob {
  id: string;
  object?: 'batch';
  input_files: string[];
  metadata?: Record<string, unknown> | null;
  endpoint: string;
  model?: string | null;
  agent_id?: string | null;
  output_file?: string | null;
  error_file?: string | null;
  errors: Array<{ message: string; count?: number }>;
  outputs?: Array<Record<string, unknown>> | null;
  status: WireBatchJobStatus;
  created_at: number;
  total_requests: number;
  completed_requests: number;
  succeeded_requests: number;
  failed_requests: number;
  started_at?: number | null;
  completed_at?: number | null;
}

/** `ListBatchJobsResponse` (page from 0, page_size default 100). */
export interface WireBatchJobList {
  data?: WireBatchJob[];
  object?: 'list';
  total: number;
}
