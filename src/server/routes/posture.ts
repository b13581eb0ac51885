/**
 * Posture (risk score now and its trend, per integration and organization), the two views no peer
 * offers (fix first: findings grouped by the one change that resolves them, with its PATCH body;
 * exposure by traffic), and the rule catalog.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import {
  as,
  CheckStatus,
  DateTime,
  FindingResourceType,
  Id,
  page,
  responses,
  Severity,
  SeverityCounts,
} from '../schemas.ts';

const Scope = z.object({ integrationId: Id.optional().describe('Only this integration') });

const GuardrailStateCounts = z
  .looseObject({ none: z.number(), non_blocking: z.number(), blocking: z.number(), unknown: z.number() })
  .describe('Live agents by guardrail state (see AgentSummary.guardrailState)');

const RiskTrendPoint = z
  .looseObject({
    at: DateTime,
    syncRunId: z.string().nullable(),
    score: z.number().describe('Risk score 0–100 at that sync (docs/risk-score.md)'),
  })
  .meta({ id: 'RiskTrendPoint' });

const postureFigures = {
  agents: z.number().describe('Live agents'),
  models: z.number(),
  files: z.number(),
  libraries: z.number(),
  agentsWithoutGuardrails: z.number().describe('Live agents with no guardrail policy'),
  agentsByGuardrailState: GuardrailStateCounts,
  openFindingsBySeverity: SeverityCounts.describe('Open, not muted findings (FAIL and UNKNOWN)'),
  riskScore: z
    .number()
    .nullable()
    .describe('Risk score 0–100 now; null until a sync has finished (no data is never 0)'),
  riskTrend: z.array(RiskTrendPoint).describe('Oldest first, up to 90 points'),
};

const PostureFigures = z.looseObject(postureFigures).meta({ id: 'PostureFigures' });

const IntegrationPosture = z
  .looseObject({
    integrationId: z.string(),
    name: z.string(),
    simulated: z.boolean(),
    lastSyncRunId: z.string().nullable().describe('null before the first finished sync'),
    ...postureFigures,
  })
  .meta({ id: 'IntegrationPosture' });

const PostureSummary = z
  .looseObject({
    integrations: z.array(IntegrationPosture),
    organization: PostureFigures.describe('Every integration in scope together'),
  })
  .meta({ id: 'PostureSummary' });

const FixFirstFinding = z
  .looseObject({
    id: z.string(),
    ruleId: z.string(),
    severity: Severity,
    lastStatus: CheckStatus,
    title: z.string(),
  })
  .meta({ id: 'FixFirstFinding' });

const FixFirstGroup = z
  .looseObject({
    integrationId: z.string(),
    resourceType: FindingResourceType,
    resourceId: z.string(),
    resourceName: z.string().nullable(),
    change: z.string().describe('The change, in words'),
    patchAgentBody: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        'The ready PATCH /v1/agents/{agent_id} body (Mistral wire JSON; TrustLens never sends it), or null',
      ),
    verified: z
      .boolean()
      .describe(
        'true: the findings were found cleared by re-running the rules with the change applied; false: the rule declares the change (its body may have <placeholders>)',
      ),
    clears: z.array(FixFirstFinding).describe('The open findings the change clears'),
    riskRemoved: z
      .number()
      .describe(
        'Sum of the severity weights of the findings cleared (×100; UNKNOWN at half): the ranking key',
      ),
    riskScore: z.number().describe("The resource's risk score now (the agent's, or the workspace's)"),
    riskScoreAfter: z.number().describe("The resource's risk score after this change alone"),
  })
  .meta({ id: 'FixFirstGroup' });

const FixFirst = z
  .looseObject({ groups: z.array(FixFirstGroup).describe('Ranked by the risk each change removes') })
  .meta({ id: 'FixFirst' });

const ExposureFigure = z
  .looseObject({
    exposed: z.number().describe('Through agents without a blocking guardrail'),
    total: z.number(),
    share: z.number().nullable().describe('exposed / total, 0–1; null when total is 0'),
  })
  .meta({ id: 'ExposureFigure' });

const ExposureWindow = z
  .looseObject({
    from: z.string().describe('First UTC day, YYYY-MM-DD'),
    to: z.string().describe('Last UTC day (today), YYYY-MM-DD'),
    runs: ExposureFigure,
    conversations: ExposureFigure,
  })
  .meta({ id: 'ExposureWindow' });

const ExposureDay = z
  .looseObject({
    day: z.string().describe('UTC day, YYYY-MM-DD'),
    runs: ExposureFigure,
    conversations: ExposureFigure,
  })
  .meta({ id: 'ExposureDay' });

const exposureFigures = {
  last7Days: ExposureWindow.nullable().describe('null when usage is unavailable (never 0 for unknown)'),
  last30Days: ExposureWindow.nullable().describe('null when usage is unavailable'),
  daily: z
    .array(ExposureDay)
    .nullable()
    .describe('The 30 days of the last 30 days window, oldest first; null when usage is unavailable'),
};

const IntegrationExposure = z
  .looseObject({
    integrationId: z.string(),
    name: z.string(),
    usageAvailable: z.boolean().describe('Whether usage was available at the last sync'),
    ...exposureFigures,
  })
  .meta({ id: 'IntegrationExposure' });

const Exposure = z
  .looseObject({
    integrations: z.array(IntegrationExposure),
    organization: z
      .looseObject({
        ...exposureFigures,
        integrationsWithoutUsage: z.number().describe('Integrations left out: usage unavailable'),
      })
      .describe('Over the integrations whose usage is available; figures null when none is'),
  })
  .meta({ id: 'Exposure' });

const RuleFramework = z
  .looseObject({
    framework: z.string().describe('owasp-llm-2025, owasp-agentic, mitre-atlas, nist-ai-rmf or eu-ai-act'),
    id: z.string().describe('The requirement in that framework, e.g. LLM01'),
    frameworkName: z.string(),
    title: z.string().nullable().describe("The requirement's title; null when not in the catalog"),
  })
  .meta({ id: 'RuleFramework' });

const Rule = z
  .looseObject({
    id: z.string(),
    severity: Severity,
    title: z.string(),
    resourceType: FindingResourceType,
    description: z.string(),
    risk: z.string().describe('Why it matters'),
    remediation: z.string(),
    patchAgentBody: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The ready PATCH /v1/agents/{agent_id} body (Mistral wire JSON), when the rule gives one'),
    consoleSteps: z.array(z.string()).describe('Steps in the Mistral console, when the rule gives them'),
    references: z.array(z.string()).describe('Links to documentation'),
    frameworks: z.array(RuleFramework),
  })
  .meta({ id: 'Rule' });

export const postureRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const posture = app.services.posture;
  const tags = ['posture'];
  const viewer = { minRole: 'viewer' as const };

  server.get(
    '/posture',
    {
      config: viewer,
      schema: {
        tags,
        summary: 'Risk score now and its trend, per integration and for the organization',
        querystring: Scope,
        response: responses({ 200: PostureSummary }),
      },
    },
    async (request) => as(PostureSummary, await posture.summary(actorOf(request), request.query)),
  );

  server.get(
    '/posture/fix-first',
    {
      config: viewer,
      schema: {
        tags,
        summary: 'Open findings grouped by the one change that resolves them, with its ready PATCH body',
        querystring: Scope,
        response: responses({ 200: FixFirst }),
      },
    },
    async (request) => as(FixFirst, await posture.fixFirst(actorOf(request), request.query)),
  );

  server.get(
    '/posture/exposure',
    {
      config: viewer,
      schema: {
        tags,
        summary: 'Share of runs and conversations through agents without blocking guardrails (7 and 30 days)',
        querystring: Scope,
        response: responses({ 200: Exposure }),
      },
    },
    async (request) => as(Exposure, await posture.exposure(actorOf(request), request.query)),
  );

  server.get(
    '/rules',
    {
      config: viewer,
      schema: {
        tags: ['rules'],
        summary: 'The rule catalog: severity, remediation, compliance mappings',
        response: responses({ 200: page(Rule) }),
      },
    },
    async () => as(page(Rule), { items: app.services.rules.catalog(), nextCursor: null }),
  );
};
