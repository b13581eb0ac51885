/**
 * What a sync reads beyond the product document (issue 11), from the latest stored snapshot: the MCP
 * connectors of an integration (where each points, custom or built-in, credential names and status —
 * never a value —, tools, the agents using them) and the organization read with the optional admin key
 * (API keys masked, members, invites, workspaces, rate limit and paced rate, usage and cost per model
 * and month). Every response carries the availability of what it shows: a section that was not read
 * says why and what to do (status, message, remediation), and is never an empty list or a zero.
 * Field names are the scan JSON's (docs/scan-json.md) where the same thing is meant.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import { as, DataQualityWarning, DateTime, Id, IdParams, QueryBool, responses } from '../schemas.ts';

export const ExtraFeature = z.enum([
  'connectors',
  'librarySharing',
  'adminApiKeys',
  'adminMembers',
  'auditLog',
  'rateLimit',
  'adminUsage',
  'prompts',
  'skills',
  'batchJobs',
]);

export const SectionAvailability = z
  .object({
    feature: ExtraFeature.describe('The availability row this section depends on'),
    status: z
      .enum(['available', 'unavailable', 'error'])
      .nullable()
      .describe(
        'As the latest stored sync saw it; null: not known (no sync yet, or a sync older than the feature)',
      ),
    message: z.string().nullable().describe('Why it is not available or not known'),
    remediation: z.string().nullable().describe('What to do next'),
    code: z.string().nullable().describe('The error code behind an unavailable or error status'),
  })
  .meta({ id: 'SectionAvailability' });

const snapshotOf = {
  integrationId: z.string(),
  syncRunId: z.string().nullable().describe('The sync whose snapshot this comes from; null before any'),
  takenAt: DateTime.nullable(),
};

/** A page of a section: `{ items, nextCursor }` plus where it comes from and whether it was read. */
function sectionPage<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item).describe('Empty when not read: see availability'),
      nextCursor: z
        .string()
        .nullable()
        .describe('Pass as `cursor` to get the next page; null on the last page'),
      ...snapshotOf,
      availability: SectionAvailability,
    })
    .meta({ id });
}

const ConnectorCredential = z
  .object({
    scope: z.enum(['organization', 'workspace', 'user']).describe('Where the credentials were registered'),
    name: z.string(),
    title: z.string().nullable(),
    authType: z.string().describe('oauth2, bearer, none, github_app, slack_app (as sent)'),
    status: z.string().nullable().describe('valid, invalid, error (as sent); null when not given'),
    lastCheckedAt: z.string().nullable(),
    errorHttpCode: z.number().nullable(),
    errorReason: z.string().nullable(),
    isDefault: z.boolean(),
  })
  .describe('Names, type and status only: a credential value is never read into TrustLens')
  .meta({ id: 'ConnectorCredential' });

const Connector = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    builtIn: z.boolean().describe('Built by Mistral'),
    custom: z.boolean().describe('Registered by someone in the organization (not built-in)'),
    server: z
      .string()
      .nullable()
      .describe('The server URL with any credential removed (user:password@, secret query parameters)'),
    serverHadCredentials: z
      .boolean()
      .describe(
        'A credential, by its evidence, was in the URL (and removed): user:password@, a credential-named parameter, a key-shaped value',
      ),
    serverRedacted: z
      .boolean()
      .optional()
      .describe(
        'Anything was removed or replaced in the URL, credential or precaution; absent in older snapshots',
      ),
    serverScheme: z.string().nullable(),
    serverHost: z.string().nullable(),
    serverExposure: z.enum(['public', 'private', 'unknown']),
    insecureTransport: z.boolean().nullable().describe('Reached over plain http/ws; null when unknown'),
    nonPublicServer: z
      .boolean()
      .nullable()
      .describe('On a loopback, private or intranet address; null when unknown'),
    protocol: z.string().nullable(),
    ownerId: z.string().nullable(),
    ownerType: z.string().nullable(),
    visibility: z.string().nullable(),
    creatorId: z.string().nullable(),
    active: z.boolean().nullable(),
    authenticated: z.boolean().nullable(),
    privateToolExecution: z.boolean().nullable(),
    tools: z
      .array(
        z.object({ name: z.string(), description: z.string().nullable(), active: z.boolean().nullable() }),
      )
      .nullable()
      .describe('The tools it exposes; null when unknown (Mistral did not return them), [] when none'),
    credentials: z
      .array(ConnectorCredential)
      .nullable()
      .describe('Every scope’s credentials; null when they could not be read'),
    credentialCounts: z
      .object({
        organization: z.number().nullable(),
        workspace: z.number().nullable(),
        user: z.number().nullable(),
      })
      .describe('Per scope, how many; null when that scope could not be read'),
    usedByAgents: z.array(z.string()).describe('Ids of the agents whose current tools use it'),
    agents: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
    createdAt: z.string().nullable(),
    modifiedAt: z.string().nullable(),
    dataQuality: z.array(DataQualityWarning),
  })
  .meta({ id: 'Connector' });

const ApiKey = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    hiddenKey: z.string().describe('The masked form Mistral shows ("abcd...wxyz"); never the key'),
    workspaceId: z.string().nullable(),
    workspaceName: z.string().nullable(),
    product: z.string().nullable().describe('API, Mistral Code, Vibe… (as sent)'),
    createdBy: z.string().nullable(),
    createdAt: z.string().nullable(),
    expiresOn: z.string().nullable().describe('YYYY-MM-DD; null: never expires'),
    lastUsedOn: z.string().nullable().describe('YYYY-MM-DD; null: never used'),
    canDelete: z.boolean().nullable(),
    isIntegrationKey: z
      .boolean()
      .nullable()
      .describe("This integration's own key; null when that could not be told"),
    neverExpires: z.boolean(),
    expired: z.boolean(),
    daysToExpiry: z.number().nullable().describe('Negative once expired; null when it never expires'),
    daysSinceLastUse: z.number().nullable().describe('null when never used'),
  })
  .meta({ id: 'OrganizationApiKey' });

const Member = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    ssoOutsider: z.boolean().nullable().describe('Outside the SSO domain; null when not sent'),
    roles: z.array(z.string()),
    isAdmin: z.boolean().describe('Holds an organization administration role'),
    workspaces: z.array(
      z.object({ id: z.string(), name: z.string(), isDefault: z.boolean(), roles: z.array(z.string()) }),
    ),
    createdAt: z.string().nullable(),
  })
  .meta({ id: 'OrganizationMember' });

const Invite = z
  .object({
    id: z.string(),
    email: z.string(),
    roles: z.array(z.string()),
    grantsAdmin: z.boolean(),
    expired: z.boolean(),
    createdAt: z.string().nullable(),
    workspaceIds: z.array(z.string()),
  })
  .meta({ id: 'OrganizationInvite' });

const Workspace = z
  .object({ id: z.string(), name: z.string(), isDefault: z.boolean(), membersCount: z.number().nullable() })
  .meta({ id: 'OrganizationWorkspace' });

const UsageMonth = z
  .object({
    year: z.number(),
    month: z.number().describe('1–12'),
    currency: z.string().nullable(),
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    totalCost: z.number().nullable().describe('null when no row had a cost'),
    byModel: z.array(
      z.object({
        model: z.string(),
        products: z.array(z.string()).describe('completion, chat, ocr, … (as sent)'),
        metrics: z
          .record(z.string(), z.number().nullable())
          .describe('Quantity per metric (input_tokens, output_tokens, …); null when not given'),
        cost: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'OrganizationUsageMonth' });

const Organization = z
  .object({
    ...snapshotOf,
    sections: z
      .object({
        apiKeys: SectionAvailability,
        members: SectionAvailability,
        invites: SectionAvailability,
        workspaces: SectionAvailability,
        auditLog: SectionAvailability,
        rateLimit: SectionAvailability,
        usage: SectionAvailability,
      })
      .describe('Per section, whether it was read and, when not, why and what to do'),
    apiKeys: z
      .object({
        total: z.number(),
        neverExpire: z.number(),
        expired: z.number(),
        unusedFor90Days: z.number().describe('Not used for 90 days or more, or never used'),
        integrationKeyFound: z.boolean().nullable(),
      })
      .nullable()
      .describe('null when not read (see sections.apiKeys)'),
    members: z
      .object({
        total: z.number(),
        admins: z.number().describe('Members recognised as organization admins (see adminsKnown)'),
        adminsKnown: z
          .boolean()
          .describe(
            'false when the admins could not be told (roles unread, member records dropped, or none recognised although the admin key belongs to an admin): admins is then a lower bound, shown as unknown',
          ),
        adminsUnknownReason: z
          .string()
          .nullable()
          .describe('Why the admins could not be told; null when known'),
        outsiders: z.number(),
        outsiderAdmins: z.number(),
      })
      .nullable(),
    invites: z
      .object({ total: z.number(), pending: z.number(), expired: z.number(), grantingAdmin: z.number() })
      .nullable(),
    workspaces: z.array(Workspace).nullable(),
    auditLog: z
      .object({ entriesRead: z.number(), cursor: z.string().nullable(), truncated: z.boolean() })
      .nullable()
      .describe('What the last sync read of the audit log (the entries: GET …/audit-log)'),
    rateLimit: z
      .object({
        requestsPerSecond: z.number().describe("The workspace's real request budget"),
        pacedRequestsPerSecond: z
          .number()
          .nullable()
          .describe('What TrustLens paced itself to; null when not applied'),
        tokensByModel: z.array(
          z.object({ model: z.string(), tokensPerMinute: z.number(), tokensPerMonth: z.number() }),
        ),
      })
      .nullable(),
    usage: z.array(UsageMonth).nullable().describe('Current month first; null when not read'),
  })
  .meta({ id: 'OrganizationInventory' });

const RegistryObject = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    name: z.string().describe('"[REDACTED]" when the name itself looked like a credential'),
    title: z.string().nullable().describe('Display title (prompts only; null for skills and when absent)'),
    sharingScope: z.string().nullable().describe('private, workspace, … (as sent); null when absent'),
    versionCount: z.number().nullable().describe('Versions listed; null when the versions could not be read'),
    latestVersion: z.number().nullable(),
    aliases: z
      .array(z.object({ alias: z.string(), version: z.number() }))
      .describe('Each alias and the version it serves'),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
    referencedAgents: z
      .array(z.string())
      .nullable()
      .describe("Always null: Mistral's API does not link prompts or skills to agents (not knowable)"),
    secretsScanned: z
      .boolean()
      .describe(
        'The text of every version was read and scanned for credentials; false: not (wholly) scanned',
      ),
    secretFindings: z
      .array(
        z.object({
          version: z
            .number()
            .nullable()
            .describe("The version whose text holds it; null for the object's own fields"),
          field: z.string().describe('The wire field: definition.content, definition.body, notes, name, …'),
          kind: z.string().describe('The kind of credential (aws_access_key_id, jwt, …)'),
          line: z.number(),
          column: z.number(),
        }),
      )
      .describe('Where a credential sits in the text: never the text nor the value; [] when none found'),
  })
  .describe('A prompt or skill of the v2 registry: names, versions and aliases, never its text')
  .meta({ id: 'RegistryObject' });

const BatchJob = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    status: z.string().describe('QUEUED, RUNNING, SUCCESS, FAILED, TIMEOUT_EXCEEDED, CANCELLED, … (as sent)'),
    endpoint: z.string(),
    model: z.string().nullable(),
    agentId: z.string().nullable(),
    agentExists: z
      .boolean()
      .nullable()
      .describe(
        'Whether agentId names an agent of the workspace; null when no agent or agents were not listed',
      ),
    agentName: z.string().nullable().describe('The agent’s name when it exists in the snapshot'),
    createdAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    totalRequests: z.number(),
    succeededRequests: z.number(),
    failedRequests: z.number(),
    inputFileCount: z.number(),
    errorCount: z.number().describe('Sum of the errors’ counts (their messages are not kept)'),
    metadataKeys: z.array(z.string()).describe('Keys of the metadata (values are not kept)'),
  })
  .meta({ id: 'BatchJob' });

const SectionQuery = z.object({
  cursor: z.string().max(2000).optional().describe('The nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Items per page (default 50, max 500)'),
  q: z.string().min(1).max(200).optional().describe('Search: part of a name, case-insensitive'),
});

export const extrasRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const extras = app.services.extras;
  const viewer = { minRole: 'viewer' as const };

  const ConnectorPage = sectionPage(Connector, 'ConnectorPage');
  server.get(
    '/integrations/:id/connectors',
    {
      config: viewer,
      schema: {
        tags: ['inventory'],
        summary: 'MCP connectors: where each points, credentials (names and status), tools, agents using it',
        params: IdParams,
        querystring: SectionQuery.extend({
          kind: z.enum(['custom', 'builtIn']).optional().describe('Only custom or only built-in connectors'),
        }),
        response: responses({ 200: ConnectorPage }),
      },
    },
    async (request) =>
      as(ConnectorPage, await extras.listConnectors(actorOf(request), request.params.id, request.query)),
  );

  server.get(
    '/integrations/:id/connectors/:connectorId',
    {
      config: viewer,
      schema: {
        tags: ['inventory'],
        summary: 'One MCP connector',
        params: z.object({ id: Id, connectorId: Id }),
        response: responses({ 200: Connector }),
      },
    },
    async (request) =>
      as(
        Connector,
        await extras.getConnector(actorOf(request), request.params.id, request.params.connectorId),
      ),
  );

  const PromptPage = sectionPage(RegistryObject, 'PromptPage');
  server.get(
    '/integrations/:id/prompts',
    {
      config: viewer,
      schema: {
        tags: ['inventory'],
        summary:
          'Prompts of the v2 registry: names, versions, aliases, sharing scope, where credentials sit (never text)',
        params: IdParams,
        querystring: SectionQuery,
        response: responses({ 200: PromptPage }),
      },
    },
    async (request) =>
      as(PromptPage, await extras.listPrompts(actorOf(request), request.params.id, request.query)),
  );

  const SkillPage = sectionPage(RegistryObject, 'SkillPage');
  server.get(
    '/integrations/:id/skills',
    {
      config: viewer,
      schema: {
        tags: ['inventory'],
        summary:
          'Skills of the v2 registry: names, versions, aliases, sharing scope, where credentials sit (never text)',
        params: IdParams,
        querystring: SectionQuery,
        response: responses({ 200: SkillPage }),
      },
    },
    async (request) =>
      as(SkillPage, await extras.listSkills(actorOf(request), request.params.id, request.query)),
  );

  const BatchJobPage = sectionPage(BatchJob, 'BatchJobPage');
  server.get(
    '/integrations/:id/batch-jobs',
    {
      config: viewer,
      schema: {
        tags: ['inventory'],
        summary: 'Batch jobs: status, endpoint, model, the agent they run, request counts (newest first)',
        params: IdParams,
        querystring: SectionQuery.extend({
          status: z.string().min(1).max(100).optional().describe('Only jobs with this status (SUCCESS, …)'),
        }),
        response: responses({ 200: BatchJobPage }),
      },
    },
    async (request) =>
      as(BatchJobPage, await extras.listBatchJobs(actorOf(request), request.params.id, request.query)),
  );

  const tags = ['organization'];
  server.get(
    '/integrations/:id/organization',
    {
      config: viewer,
      schema: {
        tags,
        summary:
          'The organization read with the admin key: keys, members, invites, workspaces, rate limit, usage and cost',
        params: IdParams,
        response: responses({ 200: Organization }),
      },
    },
    async (request) => as(Organization, await extras.organization(actorOf(request), request.params.id)),
  );

  const KeyPage = sectionPage(ApiKey, 'OrganizationApiKeyPage');
  server.get(
    '/integrations/:id/organization/api-keys',
    {
      config: viewer,
      schema: {
        tags,
        summary: "The organization's API keys (masked), with expiry and last use",
        params: IdParams,
        querystring: SectionQuery,
        response: responses({ 200: KeyPage }),
      },
    },
    async (request) =>
      as(KeyPage, await extras.listApiKeys(actorOf(request), request.params.id, request.query)),
  );

  const MemberPage = sectionPage(Member, 'OrganizationMemberPage');
  server.get(
    '/integrations/:id/organization/members',
    {
      config: viewer,
      schema: {
        tags,
        summary: "The organization's members, with admins and members outside the SSO domain",
        params: IdParams,
        querystring: SectionQuery.extend({
          admin: QueryBool.optional().describe('Only administrators (true) or only others (false)'),
          outsider: QueryBool.optional().describe(
            'Only members outside the SSO domain (true) or inside (false)',
          ),
        }),
        response: responses({ 200: MemberPage }),
      },
    },
    async (request) =>
      as(MemberPage, await extras.listMembers(actorOf(request), request.params.id, request.query)),
  );

  const InvitePage = sectionPage(Invite, 'OrganizationInvitePage');
  server.get(
    '/integrations/:id/organization/invites',
    {
      config: viewer,
      schema: {
        tags,
        summary: 'Invitations to the organization (pending and expired)',
        params: IdParams,
        querystring: SectionQuery,
        response: responses({ 200: InvitePage }),
      },
    },
    async (request) =>
      as(InvitePage, await extras.listInvites(actorOf(request), request.params.id, request.query)),
  );
};

/** The availability matrix's rows beyond the product document, as GET …/availability adds them. */
export const ExtraAvailabilityRow = z
  .object({
    feature: ExtraFeature,
    label: z.string(),
    endpoints: z.array(z.string()),
    needs: z
      .enum(['apiKey', 'adminKey'])
      .describe("apiKey: the integration's key reads it; adminKey: only the optional admin key does"),
    note: z.string().nullable().describe('A condition beyond the key (a beta API, a plan)'),
    status: z.enum(['available', 'unavailable', 'error']).nullable(),
    message: z.string().nullable(),
    remediation: z.string().nullable(),
    code: z.string().nullable(),
  })
  .meta({ id: 'ExtraFeatureAvailability' });
