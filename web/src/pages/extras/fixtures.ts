/** Test fixtures of the Connectors, Organization and Prompts & skills pages. */
import type { Connector } from './model';
import type { BatchJob, RegistryObject } from './registry';

export function connector(over: Partial<Connector> = {}): Connector {
  return {
    id: 'c1',
    integrationId: 'int1',
    name: 'deploy',
    title: null,
    description: null,
    builtIn: false,
    custom: true,
    server: 'https://mcp.example.com/sse',
    serverHadCredentials: false,
    serverScheme: 'https',
    serverHost: 'mcp.example.com',
    serverExposure: 'public',
    insecureTransport: false,
    nonPublicServer: false,
    protocol: 'mcp',
    ownerId: null,
    ownerType: null,
    visibility: null,
    creatorId: null,
    active: true,
    authenticated: true,
    privateToolExecution: null,
    tools: [],
    credentials: [],
    credentialCounts: { organization: 0, workspace: 0, user: 0 },
    usedByAgents: [],
    agents: [],
    createdAt: null,
    modifiedAt: null,
    dataQuality: [],
    ...over,
  };
}

export function registryObject(over: Partial<RegistryObject> = {}): RegistryObject {
  return {
    id: 'p1',
    integrationId: 'int1',
    name: 'support-triage',
    title: null,
    sharingScope: 'workspace',
    versionCount: 2,
    latestVersion: 2,
    aliases: [],
    createdAt: '2026-10-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    referencedAgents: null,
    secretsScanned: true,
    secretFindings: [],
    ...over,
  };
}

export function batchJob(over: Partial<BatchJob> = {}): BatchJob {
  return {
    id: 'job1',
    integrationId: 'int1',
    status: 'SUCCESS',
    endpoint: '/v1/chat/completions',
    model: 'mistral-small-latest',
    agentId: null,
    agentExists: null,
    agentName: null,
    createdAt: '2026-11-20T10:00:00Z',
    startedAt: '2026-11-20T10:01:00Z',
    completedAt: '2026-11-20T10:30:00Z',
    totalRequests: 10,
    succeededRequests: 9,
    failedRequests: 1,
    inputFileCount: 1,
    errorCount: 1,
    metadataKeys: [],
    ...over,
  };
}
