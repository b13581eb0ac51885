/**
 * Literal fixtures for rule tests: a valid record with every field filled, plus overrides, so each test
 * reads as "a normal agent, except …". Only tests import this module.
 */
import { V2_CATEGORIES, type WireTool, type WireToolConfiguration } from '../../shared/mistral-wire.ts';
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
import type {
  ConnectorCredentialRecord,
  ConnectorRecord,
  ConnectorToolRecord,
} from '../../inventory/connectors.ts';
import type {
  AdminFeatureKey,
  AdminInventory,
  ApiKeyRecord,
  InviteRecord,
  MemberRecord,
} from '../../inventory/admin.ts';

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

// ---------------------------------------------------------------------------
// Admin inventory (issue 11, "With an optional admin key"). NOW is 2026-06-01.

/** A healthy organization API key: created 30 days ago, used yesterday, expires in 6 months. */
export function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key_0001',
    name: 'Production backend',
    hiddenKey: 'HQSx...Ug6Y',
    workspaceId: 'ws_0001',
    workspaceName: 'Default',
    product: 'API',
    createdBy: 'alice@example.com',
    createdAt: '2026-05-02T09:00:00.000Z',
    expiresOn: '2026-12-01',
    lastUsedOn: '2026-05-31',
    canDelete: true,
    isIntegrationKey: false,
    dataQuality: [],
    ...overrides,
  };
}

/** The integration's own key (isIntegrationKey true), otherwise a healthy key. */
export function integrationApiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return apiKey({
    id: 'key_trustlens',
    name: 'TrustLens',
    hiddenKey: 'TLtl...0001',
    isIntegrationKey: true,
    ...overrides,
  });
}

/** An ordinary member inside the SSO domain, role "M" (member). */
export function member(overrides: Partial<MemberRecord> = {}): MemberRecord {
  return {
    id: 'user_0001',
    email: 'bob@example.com',
    name: 'Bob',
    ssoOutsider: false,
    roles: ['M'],
    isAdmin: false,
    workspaces: [{ id: 'ws_0001', name: 'Default', isDefault: true, roles: ['M'] }],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** An organization admin inside the SSO domain, role "A". */
export function adminMember(overrides: Partial<MemberRecord> = {}): MemberRecord {
  return member({
    id: 'user_admin',
    email: 'admin@example.com',
    name: 'Admin',
    roles: ['A'],
    isAdmin: true,
    ...overrides,
  });
}

/** A pending invite sent 5 days ago, not expired, granting the member role. */
export function invite(overrides: Partial<InviteRecord> = {}): InviteRecord {
  return {
    id: 'inv_0001',
    email: 'carol@example.com',
    roles: ['M'],
    grantsAdmin: false,
    expired: false,
    createdAt: '2026-05-27T00:00:00.000Z',
    workspaceIds: ['ws_0001'],
    ...overrides,
  };
}

/**
 * An admin inventory where everything was read (sections may be overridden; null = not read): one
 * healthy key and the integration's own key, one admin and two members, no invite.
 */
export function adminInventory(overrides: Partial<AdminInventory> = {}): AdminInventory {
  return {
    apiKeys: [apiKey(), integrationApiKey()],
    members: [adminMember(), member(), member({ id: 'user_0002', email: 'dan@example.com', name: 'Dan' })],
    invites: [],
    workspaces: [{ id: 'ws_0001', name: 'Default', isDefault: true, membersCount: 3 }],
    auditLog: { entries: [], after: null, cursor: null, truncated: false },
    rateLimit: { requestsPerSecond: 10, tokensByModel: {}, pacedRequestsPerSecond: 5 },
    usage: [],
    ...overrides,
  };
}

/** An admin inventory with every section null (nothing read). */
export function emptyAdminInventory(): AdminInventory {
  return {
    apiKeys: null,
    members: null,
    invites: null,
    workspaces: null,
    auditLog: null,
    rateLimit: null,
    usage: null,
  };
}

const ADMIN_FEATURES: readonly AdminFeatureKey[] = [
  'adminApiKeys',
  'adminMembers',
  'auditLog',
  'rateLimit',
  'adminUsage',
];

/** Connectors, library sharing and every admin feature read (or as overridden). */
export function adminAvailability(overrides: Partial<ExtraAvailability> = {}): ExtraAvailability {
  const admin: Partial<ExtraAvailability> = {};
  for (const f of ADMIN_FEATURES) admin[f] = { status: 'available' };
  return extraAvailability({ ...admin, ...overrides });
}

/** Every admin feature unavailable because no admin key is configured (what discovery records then). */
export function noAdminKeyAvailability(): ExtraAvailability {
  const admin: Partial<ExtraAvailability> = {};
  for (const f of ADMIN_FEATURES) {
    admin[f] = {
      status: 'unavailable',
      message: 'No admin API key is configured for this integration.',
      remediation: 'Add an admin API key (Admin role in the organization) to read the organization.',
      code: 'ADMIN_KEY_NOT_CONFIGURED',
    };
  }
  return extraAvailability(admin);
}

/** A snapshot (overrides as for context()) whose admin inventory was read: `admin` overrides its sections. */
export function adminContext(
  admin: Partial<AdminInventory> = {},
  snapshotOverrides: Partial<Snapshot> = {},
): RuleContext {
  return context({
    extraAvailability: adminAvailability(),
    admin: adminInventory(admin),
    ...snapshotOverrides,
  });
}

/** Every admin feature unavailable because the admin key was refused (not an admin key). */
export function adminKeyRefusedAvailability(): ExtraAvailability {
  const admin: Partial<ExtraAvailability> = {};
  for (const f of ADMIN_FEATURES) {
    admin[f] = {
      status: 'unavailable',
      message: 'The admin API key was refused (403): it is not an admin key.',
      remediation: 'Create an admin API key as an organization Admin and set it on the integration.',
      code: 'ADMIN_KEY_FORBIDDEN',
    };
  }
  return extraAvailability(admin);
}

/** A snapshot whose admin key was refused: every admin feature unavailable, every section null. */
export function adminKeyRefusedContext(snapshotOverrides: Partial<Snapshot> = {}): RuleContext {
  return context({
    extraAvailability: adminKeyRefusedAvailability(),
    admin: emptyAdminInventory(),
    ...snapshotOverrides,
  });
}

/** A snapshot taken without an admin key: every admin feature unavailable, every section null. */
export function noAdminKeyContext(snapshotOverrides: Partial<Snapshot> = {}): RuleContext {
  return context({
    extraAvailability: noAdminKeyAvailability(),
    admin: emptyAdminInventory(),
    ...snapshotOverrides,
  });
}

// ---------------------------------------------------------------------------
// Connector tools of agents and the connectors they call (the confirmation rules)

/** An agent's connector tool: `connectorTool('github', { requires_confirmation: ['create_issue'] })`. */
export function connectorTool(
  connectorId: string,
  toolConfiguration: WireToolConfiguration | null = null,
): WireTool {
  return {
    type: 'connector',
    connector_id: connectorId,
    ...(toolConfiguration ? { tool_configuration: toolConfiguration } : {}),
  };
}

/** Connector tool records from names (all active, no description). */
export function connectorTools(...names: string[]): ConnectorToolRecord[] {
  return names.map((name) => ({ name, description: null, active: true }));
}

/** The demo's github: organization-wide credentials; search_code, create_issue, merge_pull_request. */
export function githubConnector(overrides: Partial<ConnectorRecord> = {}): ConnectorRecord {
  return connector({
    id: 'conn_github',
    name: 'github',
    title: 'Github',
    description: 'Built-in github connector',
    server: 'https://mcp.mistral.ai/github',
    tools: connectorTools('search_code', 'create_issue', 'merge_pull_request'),
    credentials: [credential({ scope: 'organization', name: 'github_org' })],
    credentialCounts: { organization: 1, workspace: 0, user: 0 },
    ...overrides,
  });
}

/** The demo's notion: per-user credentials; search_pages, update_page. */
export function notionConnector(overrides: Partial<ConnectorRecord> = {}): ConnectorRecord {
  return connector({
    id: 'conn_notion',
    name: 'notion',
    title: 'Notion',
    description: 'Built-in notion connector',
    server: 'https://mcp.mistral.ai/notion',
    tools: connectorTools('search_pages', 'update_page'),
    ...overrides,
  });
}
