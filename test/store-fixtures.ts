/** Literal records and a keyring for the store tests (test/store-*.test.ts). */
import { randomBytes } from 'node:crypto';
import { createKeyring, masterKeyFromBytes, type Keyring } from '../src/crypto/index.ts';
import type { FindingState } from '../src/findings/types.ts';
import type {
  AgentRecord,
  Availability,
  FileRecord,
  LibraryRecord,
  ModelRecord,
  Snapshot,
} from '../src/inventory/types.ts';
import type { ConversationContribution, UsageContributionRow } from '../src/usage/types.ts';

export function testKeyring(): Keyring {
  return createKeyring(masterKeyFromBytes(randomBytes(32)));
}

/** A recognisable API key: its every substring of 12+ characters is searched for in the database. */
export function recognisableKey(tag = 'A'): string {
  return `sk-PLAINTEXT${tag}-${randomBytes(12).toString('hex')}-MARKER`;
}

export function agent(id: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    id,
    version: 1,
    name: `agent ${id}`,
    description: 'a test agent',
    model: 'mistral-large-latest',
    instructions: 'Be helpful.',
    temperature: 0.3,
    topP: null,
    completionArgs: null,
    tools: [],
    knowledgeBases: [],
    handoffs: null,
    guardrails: null,
    guardrailPolicies: [],
    deploymentChat: false,
    versionMessage: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    versions: [1],
    metadata: null,
    ownerId: 'user-1',
    source: 'api',
    status: 'unknown',
    versionHistory: [],
    aliases: [],
    usage: null,
    dataQuality: [],
    ...overrides,
  };
}

export function model(id: string, overrides: Partial<ModelRecord> = {}): ModelRecord {
  return {
    id,
    name: id,
    family: id.split('-')[0],
    description: null,
    type: 'base',
    capabilities: ['completion_chat'],
    lifecycle: 'stable',
    contextWindow: 128000,
    deprecationDate: null,
    replacementModel: null,
    aliases: [],
    ownedBy: 'mistralai',
    createdAt: null,
    fineTuned: null,
    dataQuality: [],
    ...overrides,
  };
}

export function file(id: string, overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    id,
    filename: `${id}.jsonl`,
    sizeBytes: 1234,
    purpose: 'fine-tune',
    sampleType: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    source: 'upload',
    visibility: null,
    mimetype: null,
    numLines: null,
    expiresAt: null,
    dataQuality: [],
    ...overrides,
  };
}

export function library(id: string, overrides: Partial<LibraryRecord> = {}): LibraryRecord {
  return {
    id,
    name: `library ${id}`,
    description: null,
    documentCount: 3,
    totalSizeBytes: 999,
    ownerId: null,
    ownerType: 'Workspace',
    sharing: { orgSharingRole: null, explicitUserMembersCount: null, explicitWorkspaceMembersCount: null },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    dataQuality: [],
    ...overrides,
  };
}

export function availability(status: 'available' | 'unavailable' = 'available'): Availability {
  const s = { status } as const;
  return {
    models: { status: 'available' },
    files: { status: 'available' },
    agents: s,
    libraries: s,
    usage: s,
    versions: s,
  };
}

export function snapshot(takenAt: string, agents: AgentRecord[] = []): Snapshot {
  return {
    takenAt,
    source: { provider: 'mistral', baseUrl: 'https://api.mistral.ai' },
    integration: null,
    availability: availability(),
    agents,
    models: [model('mistral-large-2411')],
    files: [],
    libraries: [],
    workspaceUsage: null,
    errors: [],
    dataQuality: [],
  };
}

export function finding(
  integrationId: string,
  id: string,
  overrides: Partial<FindingState> = {},
): FindingState {
  return {
    id,
    integrationId,
    ruleId: 'mistral_agent_guardrails_missing',
    severity: 'high',
    resourceType: 'agent',
    resourceId: `ag_${id}`,
    resourceName: `agent ${id}`,
    lastStatus: 'FAIL',
    status: 'open',
    title: 'Agent has no guardrails',
    detail: 'The agent has no guardrails configured.',
    evidence: { policyCount: 0 },
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-02T00:00:00.000Z',
    resolvedAt: null,
    reopenCount: 0,
    mute: null,
    ...overrides,
  };
}

export function usageRow(
  conversationId: string,
  agentId: string | null,
  day: string,
  overrides: Partial<UsageContributionRow> = {},
): UsageContributionRow {
  return {
    conversationId,
    agentId,
    day,
    lastEntryAt: `${day}T12:00:00.000Z`,
    runs: 1,
    latencySumMs: 100,
    latencyCount: 1,
    codeInterpreterCalls: 0,
    fileSearchCalls: 0,
    webSearchCalls: 0,
    imageGenerationCalls: 0,
    functionCalls: 0,
    functionCallsByName: {},
    toolExecutionsByName: {},
    ...overrides,
  };
}

export function contribution(
  conversationId: string,
  agentId: string | null,
  rows: UsageContributionRow[],
  updatedAt = '2026-01-01T00:00:00Z',
): ConversationContribution {
  return {
    state: {
      conversationId,
      updatedAt,
      createdAt: '2026-01-01T00:00:00Z',
      agentId,
      model: agentId ? null : 'mistral-small',
    },
    rows,
  };
}
