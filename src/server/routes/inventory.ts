/**
 * The inventory: agents (filters, search, sort, cursor pagination; one agent with versions, aliases,
 * raw and normalised guardrails, knowledge bases, usage, findings and events; two versions compared
 * field by field), models, files and libraries. Field names are the scan JSON's (docs/scan-json.md).
 * The schemas declare every field the services return and stay loose (a field added later is never
 * stripped); what Mistral returned verbatim (tools, completion args, guardrail policies) is raw JSON.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import {
  as,
  CheckStatus,
  DataQualityWarning,
  DateTime,
  FieldChange,
  Id,
  ListQuery,
  page,
  QueryBool,
  responses,
  Severity,
  SeverityCounts,
  wireString,
} from '../schemas.ts';

const GuardrailState = z.enum(['none', 'non_blocking', 'blocking', 'unknown']);
const AgentStatus = z.enum(['active', 'idle', 'unknown']);

const OpenFindingsCount = z
  .looseObject({ total: z.number(), bySeverity: SeverityCounts })
  .meta({ id: 'OpenFindingsCount' });

const ModelLifecycle = z.enum(['stable', 'deprecated', 'legacy']);

export const AgentSummary = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    name: z.string().nullable(),
    model: z.string().nullable(),
    modelLifecycle: ModelLifecycle.nullable().describe(
      "Lifecycle of the agent's model card (by id or alias); null when no discovered model matches",
    ),
    tools: z.array(z.string()).describe('One label per tool: "web_search", "function lookup_order"'),
    guardrailState: GuardrailState,
    guardrailPolicyCount: z.number(),
    deploymentChat: z.boolean(),
    openFindings: OpenFindingsCount.describe('Open, unmuted findings (FAIL and UNKNOWN) by severity'),
    runs30d: z.number().nullable().describe('null when usage is unavailable'),
    lastActivityAt: DateTime.nullable(),
    status: AgentStatus,
    riskScore: z.number(),
    firstSeenAt: DateTime,
    deletedAt: DateTime.nullable(),
  })
  .meta({ id: 'AgentSummary' });

const GuardrailCategory = z.looseObject({
  evaluated: z.boolean().describe('Whether the moderation call evaluates this category at all'),
  threshold: z.number().nullable().describe("The explicit threshold; null = the model's default"),
});

const GuardrailPolicy = z
  .looseObject({
    format: z
      .enum(['v1', 'v2', 'flat', 'unknown'])
      .describe(
        'The format it came in (moderation_llm_v1, moderation_llm_v2, flattened); unknown: unrecognised',
      ),
    moderationModel: z.string().nullable(),
    action: z.string().nullable().describe('Raw action ("block", "none", "flag", …); null when absent'),
    blocks: z.boolean().describe('True only when action is "block"'),
    blockOnError: z.boolean(),
    ignoreOtherCategories: z.boolean(),
    categories: z
      .record(z.string(), GuardrailCategory)
      .describe('Every category of the v1 ∪ v2 taxonomy, plus any extra key seen'),
    unreadFields: z
      .array(z.string())
      .optional()
      .describe(
        'Only on a policy of format unknown because known fields had values of the wrong type: their wire paths (nothing is guessed from them)',
      ),
  })
  .meta({ id: 'GuardrailPolicy' });

const StoredGuardrails = z
  .looseObject({
    provider: z.string().describe('mistral'),
    scope: z.string().describe('agent'),
    policy_count: z.number(),
    policies: z
      .array(z.record(z.string(), z.unknown()))
      .describe('The policies exactly as Mistral returned them (raw wire JSON, not validated here)'),
  })
  .describe("The agent's guardrails as Mistral returned them, wrapped; null when it has none");

const KnowledgeBaseRef = z.looseObject({
  id: z.string().describe('The library id'),
  name: z.string().nullable().describe('null when the id matches no discovered library'),
  found: z
    .boolean()
    .nullable()
    .describe('false: libraries were listed completely and the id is not among them; null: not listable'),
});

const KnowledgeBase = KnowledgeBaseRef.extend({
  documentCount: z.number().nullable().describe('Documents in the library; null when the library is unknown'),
}).meta({ id: 'KnowledgeBase' });

const RawList = z.array(z.record(z.string(), z.unknown()));

/** The configuration of one agent version. */
const agentConfig = {
  version: z.number(),
  name: wireString(),
  description: z.string().nullable(),
  model: wireString(),
  instructions: z.string().nullable(),
  temperature: z.number().nullable(),
  topP: z.number().nullable(),
  completionArgs: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('completion_args as Mistral returned them (raw wire JSON); null when absent'),
  tools: RawList.describe(
    'The tools as Mistral returned them (raw wire JSON: type, function, connector_id, …), credentials redacted',
  ),
  knowledgeBases: z.array(KnowledgeBaseRef),
  handoffs: z.array(z.string()).nullable().describe('Agent ids it can hand off to; null when absent'),
  guardrails: StoredGuardrails.nullable(),
  guardrailPolicies: z.array(GuardrailPolicy).describe('The guardrails normalised, one per policy'),
  deploymentChat: z.boolean().describe('Deployed to Le Chat'),
  versionMessage: z.string().nullable(),
  createdAt: wireString('ISO 8601 date-time, as returned by Mistral'),
  updatedAt: wireString('ISO 8601 date-time, as returned by Mistral'),
};

const AgentVersion = z.looseObject(agentConfig).meta({ id: 'AgentVersion' });

const AgentAlias = z
  .looseObject({
    alias: wireString(),
    version: z.number().nullable().optional().describe('The version the alias points to'),
    createdAt: wireString('ISO 8601 date-time, as returned by Mistral'),
    updatedAt: wireString('ISO 8601 date-time, as returned by Mistral'),
  })
  .meta({ id: 'AgentAlias' });

const toolCounters = {
  totalRuns: z.number(),
  totalConversations: z.number(),
  avgLatencyMs: z.number().nullable().describe('null when no response had both times'),
  codeInterpreterCalls: z.number(),
  fileSearchCalls: z.number(),
  webSearchCalls: z.number(),
  imageGenerationCalls: z.number(),
  functionCalls: z.number(),
};

const AgentUsage = z
  .looseObject({
    ...toolCounters,
    lastActivityAt: DateTime.nullable(),
    last90Days: z
      .looseObject({
        ...toolCounters,
        functionCallsByName: z
          .record(z.string(), z.number())
          .describe('function.call entries by function name'),
        toolExecutionsByName: z
          .record(z.string(), z.number())
          .describe('tool.execution entries by tool name'),
      })
      .describe('The counters restricted to the last 90 days'),
  })
  .meta({ id: 'AgentUsage' });

const UsageDay = z
  .looseObject({
    day: z.string().describe('UTC day, YYYY-MM-DD'),
    runs: z.number(),
    conversations: z.number(),
    latencySumMs: z.number(),
    latencyCount: z.number().describe('Responses with a latency; mean latency = latencySumMs / latencyCount'),
    codeInterpreterCalls: z.number(),
    fileSearchCalls: z.number(),
    webSearchCalls: z.number(),
    imageGenerationCalls: z.number(),
    functionCalls: z.number(),
    functionCallsByName: z.record(z.string(), z.number()),
    toolExecutionsByName: z.record(z.string(), z.number()),
  })
  .meta({ id: 'UsageDay' });

const AgentFinding = z
  .looseObject({
    id: z.string(),
    ruleId: z.string(),
    severity: Severity,
    status: z.enum(['open', 'resolved']),
    lastStatus: CheckStatus,
    title: z.string(),
    detail: z.string(),
    remediation: z.string(),
    muted: z.boolean(),
    firstSeenAt: DateTime,
    lastSeenAt: DateTime,
  })
  .meta({ id: 'AgentFinding' });

const AgentEvent = z
  .looseObject({
    id: z.number(),
    type: z.string().describe('See ChangeEvent.type'),
    at: DateTime,
    summary: z.string(),
    changes: z.array(FieldChange).nullable(),
    syncRunId: z.string().nullable(),
  })
  .meta({ id: 'AgentEvent' });

const AgentDetail = z
  .looseObject({
    ...agentConfig,
    id: z.string(),
    integrationId: z.string(),
    versions: z.array(z.number()).describe('Version numbers, ascending'),
    metadata: z.record(z.string(), z.unknown()).nullable().describe('As set on the agent in Mistral (raw)'),
    ownerId: z.string().nullable(),
    source: z.string(),
    status: AgentStatus,
    versionHistory: z
      .array(AgentVersion)
      .describe('Whole configuration of every version; empty when the version history was unavailable'),
    aliases: z.array(AgentAlias),
    usage: AgentUsage.nullable().describe('null when usage is unavailable (never zeros for unknown)'),
    dataQuality: z.array(DataQualityWarning),
    guardrailState: GuardrailState,
    modelLifecycle: ModelLifecycle.nullable(),
    riskScore: z.number(),
    openFindingsCount: OpenFindingsCount.describe('Open, unmuted findings (FAIL and UNKNOWN) by severity'),
    runs30d: z.number().nullable().describe('null when usage is unavailable'),
    firstSeenAt: DateTime,
    lastSeenAt: DateTime,
    changedAt: DateTime.describe('When its configuration last changed, as seen by the syncs'),
    deletedAt: DateTime.nullable(),
    knowledgeBases: z.array(KnowledgeBase),
    usageDaily: z
      .array(UsageDay)
      .nullable()
      .describe('Days of the last 90 with activity, ascending; null when usage is unavailable'),
    findings: z.array(AgentFinding).describe('Open findings on the agent (muted ones included, flagged)'),
    events: z.array(AgentEvent).describe('The 20 most recent change events of the agent'),
  })
  .meta({ id: 'AgentDetail' });

const VersionComparison = z
  .looseObject({
    integrationId: z.string(),
    agentId: z.string(),
    fromVersion: z.number(),
    toVersion: z.number(),
    changes: z.array(FieldChange).describe('Field-by-field differences; empty when identical'),
    summary: z.string(),
  })
  .meta({ id: 'VersionComparison' });

const Model = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    name: z.string().nullable(),
    family: z.string(),
    description: z.string().nullable(),
    type: z.string().describe('base, fine-tuned, or what Mistral returned'),
    capabilities: z.array(z.string()).describe("The API's capability keys that are true"),
    lifecycle: ModelLifecycle,
    contextWindow: z.number().nullable(),
    deprecationDate: z.string().nullable(),
    replacementModel: z.string().nullable(),
    aliases: z.array(z.string()),
    ownedBy: z.string().nullable(),
    createdAt: DateTime.nullable(),
    fineTuned: z
      .looseObject({ root: z.string().nullable(), job: z.string().nullable(), archived: z.boolean() })
      .nullable()
      .describe('null for a base model'),
    dataQuality: z.array(DataQualityWarning),
    agentCount: z.number().describe('Live agents using it (by id or alias)'),
    agentIds: z.array(z.string()),
    deletedAt: DateTime.nullable(),
  })
  .meta({ id: 'Model' });

const File = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    filename: z.string(),
    sizeBytes: z.number(),
    purpose: z.string().describe('fine-tune, batch, ocr, … or unknown'),
    sampleType: z.string().nullable(),
    createdAt: DateTime.nullable(),
    source: z.string().nullable(),
    visibility: z.string().nullable(),
    mimetype: z.string().nullable(),
    numLines: z.number().nullable(),
    expiresAt: DateTime.nullable(),
    dataQuality: z.array(DataQualityWarning),
    deletedAt: DateTime.nullable(),
  })
  .meta({ id: 'File' });

const Library = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    name: wireString(),
    description: z.string().nullable(),
    documentCount: z.number(),
    totalSizeBytes: z.number(),
    ownerId: z.string().nullable(),
    ownerType: z.string().nullable(),
    sharing: z
      .looseObject({
        orgSharingRole: z.string().nullable(),
        explicitUserMembersCount: z.number().nullable(),
        explicitWorkspaceMembersCount: z.number().nullable(),
      })
      .describe('As returned; null when not returned'),
    shares: z
      .array(
        z.looseObject({
          sharedWithType: z.string().describe('User, Workspace or Org, as returned'),
          sharedWithId: z.string().nullable(),
          role: z.string().describe('Owner, Editor, Viewer…, as returned'),
        }),
      )
      .nullable()
      .optional()
      .describe(
        'Who it is shared with (GET /v1/libraries/{id}/share); null when it could not be read, absent before sharing was read',
      ),
    orgSharedDocumentNames: z
      .array(z.string())
      .nullable()
      .optional()
      .describe(
        'Document names of a library shared with the whole organization (at most 1,000, sensitive-looking names first); null when not read',
      ),
    orgSharedDocumentCount: z
      .number()
      .nullable()
      .optional()
      .describe('How many documents that listing returned; null when not read, absent in older snapshots'),
    createdAt: wireString('ISO 8601 date-time, as returned by Mistral'),
    updatedAt: wireString('ISO 8601 date-time, as returned by Mistral'),
    dataQuality: z.array(DataQualityWarning),
    agentCount: z.number().describe('Live agents using it as a knowledge base'),
    agentIds: z.array(z.string()),
    deletedAt: DateTime.nullable(),
  })
  .meta({ id: 'Library' });

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
    ['/models', 'Models', Model, inventory.listModels],
    ['/files', 'Files', File, inventory.listFiles],
    ['/libraries', 'Document libraries', Library, inventory.listLibraries],
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
