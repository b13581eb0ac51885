/**
 * The inventory: agents (filters, search, sort, cursor pagination; one agent with versions, aliases,
 * raw and normalised guardrails, knowledge bases, usage, findings and events; two versions compared
 * field by field), models, files and libraries. Field names are the scan JSON's (docs/scan-json.md);
 * the schemas name the main fields and let the rest of each record through.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import { as, DateTime, Id, ListQuery, page, QueryBool, responses } from '../schemas.ts';

const GuardrailState = z.enum(['none', 'non_blocking', 'blocking', 'unknown']);
const AgentStatus = z.enum(['active', 'idle', 'unknown']);

export const AgentSummary = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    name: z.string().nullable(),
    model: z.string().nullable(),
    tools: z.array(z.string()).describe('One label per tool: "web_search", "function lookup_order"'),
    guardrailState: GuardrailState,
    guardrailPolicyCount: z.number(),
    deploymentChat: z.boolean(),
    openFindings: z.unknown().describe('Open, unmuted findings by severity'),
    runs30d: z.number().nullable().describe('null when usage is unavailable'),
    lastActivityAt: DateTime.nullable(),
    status: AgentStatus,
    riskScore: z.number(),
    firstSeenAt: DateTime,
    deletedAt: DateTime.nullable(),
  })
  .meta({ id: 'AgentSummary' });

const AgentDetail = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    name: z.string().nullable(),
    model: z.string().nullable(),
    guardrailState: GuardrailState,
    riskScore: z.number(),
    versions: z.unknown().optional(),
    aliases: z.unknown().optional(),
    guardrails: z.unknown().optional().describe('As returned by Mistral'),
    guardrailPolicies: z.unknown().optional().describe('Normalised'),
    knowledgeBases: z.array(z.looseObject({})),
    usage: z.unknown().optional(),
    usageDaily: z.array(z.looseObject({})).nullable(),
    findings: z.array(z.looseObject({ id: z.string(), ruleId: z.string() })),
    events: z.array(z.looseObject({ type: z.string(), at: DateTime })),
  })
  .meta({ id: 'AgentDetail' });

const VersionComparison = z
  .looseObject({
    integrationId: z.string(),
    agentId: z.string(),
    fromVersion: z.number(),
    toVersion: z.number(),
    changes: z.array(z.looseObject({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    summary: z.string(),
  })
  .meta({ id: 'VersionComparison' });

const Resource = (id: string) =>
  z.looseObject({ id: z.string(), integrationId: z.string(), deletedAt: DateTime.nullable() }).meta({ id });

const ResourceQuery = ListQuery.extend({
  includeDeleted: QueryBool.optional().describe('Also resources no longer in the workspace'),
});

const AgentsQuery = ResourceQuery.extend({
  guardrails: GuardrailState.optional(),
  model: z.string().max(200).optional(),
  tool: z.string().max(200).optional().describe('A tool type or label, case-insensitive'),
  hasOpenFindings: QueryBool.optional(),
  q: z.string().max(200).optional().describe('Search: part of the name, case-insensitive'),
  status: AgentStatus.optional(),
  sort: z.enum(['name', 'model', 'openFindings', 'runs', 'lastActivity', 'riskScore']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

const AgentParams = z.object({ id: Id, agentId: Id });
const CompareQuery = z.object({
  from: z.coerce.number().int().min(0).describe('Version number'),
  to: z.coerce.number().int().min(0).describe('Version number'),
});

export const inventoryRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const inventory = app.services.inventory;
  const tags = ['inventory'];
  const viewer = { minRole: 'viewer' as const };

  server.get(
    '/agents',
    {
      config: viewer,
      schema: {
        tags,
        summary: 'Agents: filter, search, sort, paginate',
        querystring: AgentsQuery,
        response: responses({ 200: page(AgentSummary) }),
      },
    },
    async (request) => as(page(AgentSummary), await inventory.listAgents(actorOf(request), request.query)),
  );

  server.get(
    '/integrations/:id/agents/:agentId',
    {
      config: viewer,
      schema: {
        tags,
        summary:
          'One agent: versions, aliases, guardrails (raw and normalised), knowledge bases, usage, findings, events',
        params: AgentParams,
        response: responses({ 200: AgentDetail }),
      },
    },
    async (request) =>
      as(AgentDetail, await inventory.getAgent(actorOf(request), request.params.id, request.params.agentId)),
  );

  server.get(
    '/integrations/:id/agents/:agentId/versions/compare',
    {
      config: viewer,
      schema: {
        tags,
        summary: 'Two versions of an agent compared field by field',
        params: AgentParams,
        querystring: CompareQuery,
        response: responses({ 200: VersionComparison }),
      },
    },
    async (request) =>
      as(
        VersionComparison,
        await inventory.compareAgentVersions(
          actorOf(request),
          request.params.id,
          request.params.agentId,
          request.query.from,
          request.query.to,
        ),
      ),
  );

  const lists = [
    ['/models', 'Models', Resource('Model'), inventory.listModels],
    ['/files', 'Files', Resource('File'), inventory.listFiles],
    ['/libraries', 'Document libraries', Resource('Library'), inventory.listLibraries],
  ] as const;
  for (const [url, summary, item, list] of lists) {
    server.get(
      url,
      {
        config: viewer,
        schema: { tags, summary, querystring: ResourceQuery, response: responses({ 200: page(item) }) },
      },
      async (request) => as(page(item), await list(actorOf(request), request.query)),
    );
  }
};
