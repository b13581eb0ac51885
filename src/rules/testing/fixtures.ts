/**
 * Literal fixtures for rule tests: a valid record with every field filled, plus overrides, so each test
 * reads as "a normal agent, except …". Only tests import this module.
 */
import { V2_CATEGORIES } from '../../shared/mistral-wire.ts';
import type {
  AgentConfig,
  AgentRecord,
  AgentUsage,
  Availability,
  ExtraAvailability,
  FileRecord,
  LibraryRecord,
  ModelRecord,
  NormalizedCategory,
  NormalizedGuardrailPolicy,
  Snapshot,
  StoredGuardrails,
} from '../../inventory/types.ts';
import type { RuleContext } from '../../findings/types.ts';
import type { ConnectorCredentialRecord, ConnectorRecord } from '../../inventory/connectors.ts';

export const NOW = new Date('2026-06-01T00:00:00.000Z');

/** A strong v2 policy: blocks, fail-closed, every v2 category evaluated at the model's default. */
export function policy(overrides: Partial<NormalizedGuardrailPolicy> = {}): NormalizedGuardrailPolicy {
  const categories: Record<string, NormalizedCategory> = {};
  for (const c of V2_CATEGORIES) categories[c] = { evaluated: true, threshold: null };
  return {
    format: 'v2',
    moderationModel: 'mistral-moderation-2603',
    action: 'block',
    blocks: true,
    blockOnError: true,
    ignoreOtherCategories: false,
    categories,
    ...overrides,
  };
}

/** A policy whose categories are the strong defaults with some overridden. */
export function policyWithCategories(
  categories: Record<string, NormalizedCategory>,
  overrides: Partial<NormalizedGuardrailPolicy> = {},
): NormalizedGuardrailPolicy {
  const base = policy(overrides);
  return { ...base, categories: { ...base.categories, ...categories } };
}

/** The stored (product-document) guardrails object matching normalised policies, in the wire v2 shape. */
export function storedGuardrails(policies: NormalizedGuardrailPolicy[]): StoredGuardrails {
  return {
    provider: 'mistral',
    scope: 'agent',
    policy_count: policies.length,
    policies: policies.map((p) => ({
      block_on_error: p.blockOnError,
      moderation_llm_v2: { action: p.action, ignore_other_categories: p.ignoreOtherCategories },
    })),
  };
}

/** Guardrail fields for a config: `guarded()` = one strong policy; `guarded([])` = no guardrails. */
export function guarded(
  policies: NormalizedGuardrailPolicy[] = [policy()],
): Pick<AgentConfig, 'guardrails' | 'guardrailPolicies'> {
  if (policies.length === 0) return { guardrails: null, guardrailPolicies: [] };
  return { guardrails: storedGuardrails(policies), guardrailPolicies: policies };
}

export const UNGUARDED: Pick<AgentConfig, 'guardrails' | 'guardrailPolicies'> = {
  guardrails: null,
  guardrailPolicies: [],
};

export function agentConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    version: 1,
    name: 'Support triage',
    description: 'Answers customer questions about orders.',
    model: 'mistral-medium-2505',
    instructions: 'You are a support assistant. Answer questions about orders politely and briefly.',
    temperature: 0.3,
    topP: 0.95,
    completionArgs: { temperature: 0.3, top_p: 0.95, tool_choice: 'auto' },
    tools: [],
    knowledgeBases: [],
    handoffs: null,
    ...guarded(),
    deploymentChat: false,
    versionMessage: null,
    createdAt: '2025-01-01T09:00:00.000Z',
    updatedAt: '2025-01-02T09:00:00.000Z',
    ...overrides,
  };
}

const CONFIG_KEYS = Object.keys(agentConfig()) as Array<keyof AgentConfig>;

/** Only the AgentConfig fields of a record (what a versionHistory entry holds). */
export function configOf(record: AgentConfig): AgentConfig {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) out[k] = record[k];
  return out as unknown as AgentConfig;
}

export function usage(
  overrides: Partial<AgentUsage> = {},
  last90: Partial<AgentUsage['last90Days']> = {},
): AgentUsage {
  const counters = {
    totalRuns: 10,
    totalConversations: 4,
    avgLatencyMs: 1200,
    codeInterpreterCalls: 0,
    fileSearchCalls: 0,
    webSearchCalls: 0,
    imageGenerationCalls: 0,
    functionCalls: 0,
  };
  return {
    ...counters,
    lastActivityAt: '2026-05-20T10:00:00.000Z',
    last90Days: { ...counters, functionCallsByName: {}, toolExecutionsByName: {}, ...last90 },
    ...overrides,
  };
}

/**
 * A valid current agent (version 1, one strong policy, active, usage available), with overrides.
 * versionHistory defaults to the current configuration alone.
 */
export function agent(overrides: Partial<AgentRecord> = {}): AgentRecord {
  const config = configOf(agentConfig(overrides));
  return {
    ...config,
    id: 'ag_0001',
    versions: [config.version],
    metadata: null,
    ownerId: 'user_0001',
    source: 'api',
    status: 'active',
    versionHistory: [config],
    aliases: [],
    usage: usage(),
    dataQuality: [],
    ...overrides,
  };
}

export function model(overrides: Partial<ModelRecord> = {}): ModelRecord {
  return {
    id: 'mistral-medium-2505',
    name: 'mistral-medium-2505',
    family: 'mistral-medium',
    description: null,
    type: 'base',
    capabilities: ['completion_chat', 'function_calling'],
    lifecycle: 'stable',
    contextWindow: 131072,
    deprecationDate: null,
    replacementModel: null,
    aliases: ['mistral-medium-latest'],
    ownedBy: 'mistralai',
    createdAt: '2025-05-01T00:00:00.000Z',
    fineTuned: null,
    dataQuality: [],
    ...overrides,
  };
}

export function file(overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    id: 'file_0001',
    filename: 'training-data.jsonl',
    sizeBytes: 2048,
    purpose: 'fine-tune',
    sampleType: 'instruct',
    createdAt: '2025-03-01T00:00:00.000Z',
    source: 'upload',
    visibility: 'workspace',
    mimetype: 'application/jsonl',
    numLines: 10,
    expiresAt: null,
    dataQuality: [],
    ...overrides,
  };
}

export function library(overrides: Partial<LibraryRecord> = {}): LibraryRecord {
  return {
    id: 'lib_0001',
    name: 'Product manuals',
    description: 'Manuals for every product.',
    documentCount: 12,
    totalSizeBytes: 1_000_000,
    ownerId: 'user_0001',
    ownerType: 'User',
    sharing: { orgSharingRole: null, explicitUserMembersCount: 0, explicitWorkspaceMembersCount: 0 },
    createdAt: '2025-02-01T00:00:00.000Z',
    updatedAt: '2025-02-01T00:00:00.000Z',
    dataQuality: [],
    ...overrides,
  };
}

export function availability(overrides: Partial<Availability> = {}): Availability {
  return {
    models: { status: 'available' },
    files: { status: 'available' },
    agents: { status: 'available' },
    libraries: { status: 'available' },
    usage: { status: 'available' },
    versions: { status: 'available' },
    ...overrides,
  };
}

/** Every beta feature unavailable (no beta access): the connector's 403/404 case. */
export function noBetaAvailability(): Availability {
  const unavailable = {
    status: 'unavailable' as const,
    message: 'Beta access is not enabled.',
    code: 'BETA_ACCESS_REQUIRED',
  };
  return availability({
    agents: unavailable,
    libraries: unavailable,
    usage: unavailable,
    versions: unavailable,
  });
}

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    takenAt: NOW.toISOString(),
    source: { provider: 'mistral', baseUrl: 'https://api.mistral.ai' },
    integration: null,
    availability: availability(),
    agents: [agent()],
    models: [model()],
    files: [],
    libraries: [],
    workspaceUsage: null,
    errors: [],
    dataQuality: [],
    ...overrides,
  };
}

export function context(snapshotOverrides: Partial<Snapshot> = {}, now: Date = NOW): RuleContext {
  return { snapshot: snapshot(snapshotOverrides), previous: null, now };
}

// ---------------------------------------------------------------------------
// Connectors and library sharing (issue 11)

export function credential(overrides: Partial<ConnectorCredentialRecord> = {}): ConnectorCredentialRecord {
  return {
    scope: 'user',
    name: 'me',
    title: null,
    authType: 'oauth2',
    status: 'valid',
    lastCheckedAt: '2026-05-31T00:00:00.000Z',
    errorHttpCode: null,
    errorReason: null,
    isDefault: true,
    ...overrides,
  };
}

export function connector(overrides: Partial<ConnectorRecord> = {}): ConnectorRecord {
  return {
    id: 'conn_0001',
    name: 'gmail',
    title: 'Gmail',
    description: 'Built-in gmail connector',
    builtIn: true,
    server: 'https://mcp.mistral.ai/gmail',
    serverHadCredentials: false,
    serverScheme: 'https',
    serverHost: 'mcp.mistral.ai',
    serverExposure: 'public',
    protocol: 'mcp',
    ownerId: null,
    ownerType: 'system',
    visibility: 'shared_global',
    creatorId: null,
    active: true,
    authenticated: true,
    privateToolExecution: false,
    tools: [{ name: 'send_message', description: 'send message', active: true }],
    credentials: [credential()],
    credentialCounts: { organization: 0, workspace: 0, user: 1 },
    usedByAgents: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    modifiedAt: '2025-01-02T00:00:00.000Z',
    dataQuality: [],
    ...overrides,
  };
}

/** Connectors and library sharing both read (or as overridden). */
export function extraAvailability(overrides: Partial<ExtraAvailability> = {}): ExtraAvailability {
  return { connectors: { status: 'available' }, librarySharing: { status: 'available' }, ...overrides };
}

/** Both extra features unavailable (no beta access). */
export function noExtraAvailability(): ExtraAvailability {
  const unavailable = {
    status: 'unavailable' as const,
    message: 'Beta access is not enabled.',
    code: 'BETA_ACCESS_REQUIRED',
  };
  return { connectors: unavailable, librarySharing: unavailable };
}
