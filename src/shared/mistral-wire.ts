/**
 * Mistral REST API wire shapes (snake_case, as sent on the wire), for a read-only client.
 * Source: ../shared/mistral-api.md (SDK 2.7.0 inbound schemas). The simulator produces these,
 * the connector returns them, the inventory modules turn them into records.
 * Extra fields are allowed everywhere (`[key: string]: unknown`), as the SDK allows them.
 */

export type IsoDateTime = string; // always with `Z` or `±HH:MM`

export type ModelCapabilityKey =
  | 'completion_chat'
  | 'function_calling'
  | 'reasoning'
  | 'completion_fim'
  | 'fine_tuning'
  | 'vision'
  | 'ocr'
  | 'classification'
  | 'moderation'
  | 'audio'
  | 'audio_transcription'
  | 'audio_transcription_realtime'
  | 'audio_speech'
  | 'unified_resources';

export const MODEL_CAPABILITY_KEYS: readonly ModelCapabilityKey[] = [
  'completion_chat',
  'function_calling',
  'reasoning',
  'completion_fim',
  'fine_tuning',
  'vision',
  'ocr',
  'classification',
  'moderation',
  'audio',
  'audio_transcription',
  'audio_transcription_realtime',
  'audio_speech',
  'unified_resources',
];

/** §1 model card (base or fine-tuned). */
export interface WireModelCard {
  id: string;
  object?: string;
  created?: number; // Unix seconds
  owned_by?: string;
  capabilities: Partial<Record<ModelCapabilityKey, boolean>>;
  name?: string | null;
  description?: string | null;
  max_context_length?: number;
  aliases?: string[];
  deprecation?: IsoDateTime | null;
  deprecation_replacement_model?: string | null;
  default_model_temperature?: number | null;
  internal?: boolean;
  billing_model_name?: string | null;
  type: 'base' | 'fine-tuned';
  job?: string; // fine-tuned only (required there)
  root?: string; // fine-tuned only (required there)
  archived?: boolean;
  [key: string]: unknown;
}

export interface WireModelList {
  object?: string;
  data: WireModelCard[];
}

/** §3 file. */
export interface WireFile {
  id: string;
  object: string;
  bytes: number;
  created_at: number; // Unix seconds
  filename: string;
  purpose: string; // fine-tune | batch | ocr (open)
  sample_type: string;
  num_lines?: number | null;
  mimetype?: string | null;
  source: string; // upload | repository | mistral (open)
  signature?: string | null;
  expires_at?: number | null;
  visibility?: string | null; // workspace | user (open)
  [key: string]: unknown;
}

export interface WireFileList {
  object: string;
  data: WireFile[];
  total?: number | null;
}

/** §4.1 tools, discriminated by `type`. */
export interface WireToolConfiguration {
  exclude?: string[] | null;
  include?: string[] | null;
  requires_confirmation?: string[] | null;
}

export type WireTool =
  | { type: 'code_interpreter'; tool_configuration?: WireToolConfiguration | null; [key: string]: unknown }
  | { type: 'web_search'; tool_configuration?: WireToolConfiguration | null; [key: string]: unknown }
  | { type: 'web_search_premium'; tool_configuration?: WireToolConfiguration | null; [key: string]: unknown }
  | { type: 'image_generation'; tool_configuration?: WireToolConfiguration | null; [key: string]: unknown }
  | {
      type: 'document_library';
      library_ids: string[];
      tool_configuration?: WireToolConfiguration | null;
      [key: string]: unknown;
    }
  | {
      type: 'function';
      function: { name: string; description?: string; strict?: boolean; parameters: Record<string, unknown> };
      [key: string]: unknown;
    }
  | {
      type: 'connector';
      connector_id: string;
      authorization?: { type: 'api-key' | 'oauth2-token'; value: string } | null;
      tool_configuration?: WireToolConfiguration | null;
      [key: string]: unknown;
    };

export type WireToolType = WireTool['type'];
export const WIRE_TOOL_TYPES: readonly WireToolType[] = [
  'code_interpreter',
  'web_search',
  'web_search_premium',
  'image_generation',
  'document_library',
  'function',
  'connector',
];

/** §4.2 completion args; every key optional. `tool_choice` must never be null. */
export interface WireCompletionArgs {
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  random_seed?: number | null;
  prediction?: { type: 'content'; content: string } | null;
  response_format?: Record<string, unknown> | null;
  tool_choice?: string;
  reasoning_effort?: string | null;
  [key: string]: unknown;
}

/** §4.3 moderation config (v1 and v2 share the shape, not the threshold keys). */
export interface WireModerationConfig {
  model_name?: string;
  custom_category_thresholds?: Record<string, number | null> | null;
  ignore_other_categories?: boolean;
  action?: string; // "none" | "block" (open enum)
  [key: string]: unknown;
}

/** §4.3 one guardrail config, as the API returns it. */
export interface WireGuardrailConfig {
  block_on_error?: boolean;
  moderation_llm_v1?: WireModerationConfig | null;
  moderation_llm_v2?: WireModerationConfig | null;
  [key: string]: unknown;
}

export const V2_CATEGORIES = [
  'sexual',
  'hate_and_discrimination',
  'violence_and_threats',
  'dangerous',
  'criminal',
  'selfharm',
  'health',
  'financial',
  'law',
  'pii',
  'jailbreaking',
] as const;
export const V1_CATEGORIES = [
  'sexual',
  'hate_and_discrimination',
  'violence_and_threats',
  'dangerous_and_criminal_content',
  'selfharm',
  'health',
  'financial',
  'law',
  'pii',
] as const;

/** §4 agent. */
export interface WireAgent {
  object?: 'agent';
  id: string;
  version: number;
  versions: number[];
  name: string;
  model: string;
  instructions?: string | null;
  description?: string | null;
  tools?: WireTool[];
  completion_args?: WireCompletionArgs;
  guardrails?: WireGuardrailConfig[] | null;
  handoffs?: string[] | null;
  metadata?: Record<string, unknown> | null;
  owner_id?: string | null;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  deployment_chat: boolean;
  source: string;
  version_message?: string | null;
  [key: string]: unknown;
}

export interface WireAgentListPage {
  object?: 'list';
  data: WireAgent[];
  next_page_token?: string | null;
}

/** §9 alias. */
export interface WireAgentAlias {
  alias: string;
  version: number;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  [key: string]: unknown;
}

export interface WirePaginationInfo {
  total_items: number;
  total_pages: number;
  current_page: number;
  page_size: number;
  has_more: boolean;
}

/** §10 library. */
export interface WireLibrary {
  id: string;
  name: string;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  owner_id: string | null;
  owner_type: string;
  total_size: number;
  nb_documents: number;
  chunk_size: number | null;
  emoji?: string | null;
  description?: string | null;
  generated_description?: string | null;
  explicit_user_members_count?: number | null;
  explicit_workspace_members_count?: number | null;
  org_sharing_role?: string | null;
  generated_name?: string | null;
  [key: string]: unknown;
}

export interface WireLibraryList {
  data: WireLibrary[];
  next_page_token?: string | null;
  pagination?: WirePaginationInfo | null;
}

/** §12 document. */
export interface WireDocument {
  id: string;
  library_id: string;
  hash: string | null;
  mime_type: string | null;
  extension: string | null;
  size: number | null;
  name: string;
  summary?: string | null;
  created_at: IsoDateTime;
  last_processed_at?: IsoDateTime | null;
  number_of_pages?: number | null;
  process_status: string;
  uploaded_by_id: string | null;
  uploaded_by_type: string;
  tokens_processing_main_content?: number | null;
  tokens_processing_summary?: number | null;
  url?: string | null;
  attributes?: Record<string, unknown> | null;
  expires_at?: IsoDateTime | null;
  processing_status: string;
  tokens_processing_total: number;
  [key: string]: unknown;
}

export interface WireDocumentList {
  pagination: WirePaginationInfo;
  data: WireDocument[];
}

/** §13 conversations: agent or model conversation (no discriminator; `agent_id` vs `model`). */
export interface WireAgentConversation {
  object?: 'conversation';
  id: string;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  agent_id: string;
  agent_version?: string | number | null;
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface WireModelConversation {
  object?: 'conversation';
  id: string;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  model: string;
  instructions?: string | null;
  tools?: WireTool[];
  completion_args?: WireCompletionArgs;
  guardrails?: WireGuardrailConfig[] | null;
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export type WireConversation = WireAgentConversation | WireModelConversation;

/** §15 history entries. */
interface WireEntryBase {
  object?: 'entry';
  id?: string;
  created_at?: IsoDateTime;
  completed_at?: IsoDateTime | null;
  [key: string]: unknown;
}

export type WireChunk = { type: string; [key: string]: unknown };

export type WireEntry =
  | (WireEntryBase & {
      type: 'message.input';
      role: string;
      content: string | WireChunk[];
      prefix?: boolean;
    })
  | (WireEntryBase & {
      type: 'message.output';
      role?: 'assistant';
      content: string | WireChunk[];
      agent_id?: string | null;
      model?: string | null;
    })
  | (WireEntryBase & {
      type: 'tool.execution';
      name: string;
      arguments: string;
      info?: Record<string, unknown>;
      agent_id?: string | null;
      model?: string | null;
    })
  | (WireEntryBase & {
      type: 'function.call';
      tool_call_id: string;
      name: string;
      arguments: string | Record<string, unknown>;
      confirmation_status?: string | null;
      agent_id?: string | null;
      model?: string | null;
    })
  | (WireEntryBase & { type: 'function.result'; tool_call_id: string; result: string })
  | (WireEntryBase & {
      type: 'agent.handoff';
      previous_agent_id: string;
      previous_agent_name: string;
      next_agent_id: string;
      next_agent_name: string;
    });

export type WireEntryType = WireEntry['type'];

export interface WireConversationHistory {
  object?: 'conversation.history';
  conversation_id: string;
  entries: WireEntry[];
}

export interface WireConversationMessages {
  object?: 'conversation.messages';
  conversation_id: string;
  messages: WireEntry[];
}

/** §19 error envelope. */
export interface WireErrorBody {
  object?: string;
  message?: unknown;
  type?: string;
  param?: unknown;
  code?: unknown;
  detail?: unknown;
  request_id?: string;
}
