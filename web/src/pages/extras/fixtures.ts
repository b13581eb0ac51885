/** Test fixtures of the Connectors and Organization pages. */
import type { Connector } from './model';

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
