/**
 * Findings (filter by integration, status, severity, rule, resource, framework, muted), one finding
 * with its remediation and mute history, mute with reason and expiry, unmute; change events.
 * Field names are the scan JSON's (ruleId, severity, resourceType, resourceId, title, detail, …).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import type { Severity as SeverityName } from '../../findings/types.ts';
import { actorOf } from '../plugins/auth.ts';
import {
  as,
  CheckStatus,
  DateTime,
  FieldChange,
  FindingResourceType,
  IdParams,
  ListQuery,
  page,
  responses,
  Severity,
} from '../schemas.ts';

const FindingMute = z
  .looseObject({
    reason: z.string(),
    by: z.string().describe('Who muted it (user e-mail, token or CLI label)'),
    at: DateTime,
    expiresAt: DateTime.nullable().describe('null: until unmuted'),
  })
  .meta({ id: 'FindingMute' });

const MuteHistoryEntry = z
  .looseObject({
    action: z.enum(['mute', 'unmute']),
    at: DateTime,
    by: z.string().nullable(),
    reason: z.string().nullable(),
    expiresAt: DateTime.nullable(),
  })
  .meta({ id: 'MuteHistoryEntry' });

const ComplianceRef = z
  .looseObject({
    framework: z.string().describe('owasp-llm-2025, owasp-agentic, mitre-atlas, nist-ai-rmf or eu-ai-act'),
    id: z.string().describe('The requirement in that framework, e.g. LLM01'),
  })
  .meta({ id: 'ComplianceRef' });

export const Finding = z
  .looseObject({
    id: z.string(),
    integrationId: z.string(),
    ruleId: z.string(),
    severity: Severity,
    resourceType: FindingResourceType,
    resourceId: z.string(),
    resourceName: z.string().nullable(),
    status: z.enum(['open', 'resolved']),
    lastStatus: CheckStatus.describe(
      'The last verdict: FAIL, UNKNOWN (the data needed was not available), or PASS once resolved',
    ),
    title: z.string(),
    detail: z.string(),
    remediation: z.string().describe("The rule's remediation text"),
    evidence: z
      .record(z.string(), z.unknown())
      .describe(
        'Small machine-readable facts behind the verdict, as the rule recorded them (any JSON; no secrets)',
      ),
    firstSeenAt: DateTime,
    lastSeenAt: DateTime,
    resolvedAt: DateTime.nullable(),
    reopenCount: z.number().describe('How many times it reopened after being resolved'),
    muted: z.boolean().describe('True while a mute is set and not expired'),
    mute: FindingMute.nullable().describe('The current mute record (kept after it expires), or null'),
  })
  .meta({ id: 'Finding' });

const FindingDetail = Finding.extend({
  remediationDetails: z.looseObject({
    text: z.string(),
    patchAgentBody: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        'The ready PATCH /v1/agents/{agent_id} body (Mistral wire JSON), when the rule gives one; TrustLens never sends it',
      ),
    consoleSteps: z.array(z.string()),
    references: z.array(z.string()),
  }),
  risk: z
    .string()
    .nullable()
    .describe("Why it matters (the rule's); null for a rule no longer in the catalog"),
  compliance: z.array(ComplianceRef),
  muteHistory: z.array(MuteHistoryEntry).optional().describe('Every mute and unmute, oldest first'),
}).meta({ id: 'FindingDetail' });

const FindingsQuery = ListQuery.extend({
  status: z.enum(['open', 'resolved', 'all']).optional().describe('Default open'),
  severity: z
    .string()
    .max(100)
    .regex(
      /^(critical|high|medium|low|info)(,(critical|high|medium|low|info))*$/,
      'a comma-separated list of critical, high, medium, low, info',
    )
    .optional()
    .describe('Comma-separated: high,critical'),
  ruleId: z.string().max(200).optional(),
  resourceType: z.enum(['agent', 'model', 'file', 'library', 'integration']).optional(),
  resourceId: z.string().max(200).optional(),
  framework: z
    .string()
    .max(200)
    .optional()
    .describe('A framework id (owasp-llm-2025) or framework:requirement'),
  muted: z.enum(['exclude', 'include', 'only']).optional().describe('Default exclude'),
});

const Mute = z.object({
  reason: z.string().trim().min(1).max(1000),
  expiresAt: z
    .string()
    .max(40)
    .nullable()
    .optional()
    .describe('YYYY-MM-DD (to the end of that day, UTC) or an ISO date-time in the future'),
  replace: z.boolean().optional().describe('Replace an active mute (otherwise 409)'),
});

export const ChangeAttribution = z
  .object({
    actor: z
      .string()
      .nullable()
      .describe('Email, name or API key name as the audit log said; null when it did not'),
    actorType: z.string().describe('HUMAN, API_KEY or OTHER (as sent)'),
    at: DateTime.describe('When the audit log recorded the action'),
    eventType: z.string().describe('The audit event type, e.g. agent.update'),
    auditLogId: z.string().describe('The audit entry (GET /integrations/{id}/audit-log)'),
    candidates: z
      .number()
      .describe('How many audit entries matched; more than 1: the latest was taken ("probably")'),
  })
  .meta({ id: 'ChangeAttribution' });

export const ChangeTarget = z
  .object({
    type: z.string().describe('Audit target type, e.g. API_KEY, INTEGRATION, LIBRARY, ORGANIZATION'),
    id: z.string().nullable(),
    name: z.string().nullable(),
  })
  .meta({ id: 'ChangeTarget' });

const Event = z
  .looseObject({
    id: z.number(),
    integrationId: z.string(),
    syncRunId: z.string().nullable(),
    type: z
      .string()
      .describe(
        'resource_created, resource_deleted, agent_changed, guardrails_removed, guardrails_weakened, alias_moved, model_newly_deprecated; from the admin audit log: training_enabled, public_sharing_enabled, sso_disabled, api_key_created, api_key_rotated, api_key_deleted, connector_credentials_changed, library_shared, role_changed, domain_authentication_disabled, resource_shared, location_sharing_enabled',
      ),
    resourceType: z
      .string()
      .describe('agent, model, file or library; integration for workspace-wide events from the audit log'),
    resourceId: z.string(),
    resourceName: z.string().nullable(),
    at: DateTime,
    summary: z.string(),
    changes: z.array(FieldChange).nullable().describe('Field by field, for agent changes; null otherwise'),
    attribution: ChangeAttribution.nullable().describe(
      'Who made the change, from the admin audit log; null when not known (no admin key, no entry)',
    ),
    target: ChangeTarget.nullable().describe(
      'For events raised from the audit log: what it says was acted on; null otherwise',
    ),
  })
  .meta({ id: 'ChangeEvent' });

const EventsQuery = ListQuery.extend({
  resourceId: z.string().max(200).optional(),
  type: z.string().max(100).optional(),
  since: z.string().max(40).optional().describe('Only events at or after this ISO date or time'),
});

export const findingRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const findings = app.services.findings;
  const tags = ['findings'];

  server.get(
    '/findings',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'Findings',
        querystring: FindingsQuery,
        response: responses({ 200: page(Finding) }),
      },
    },
    async (request) => {
      const { severity, ...rest } = request.query;
      const result = await findings.list(actorOf(request), {
        ...rest,
        severity: severity ? (severity.split(',') as SeverityName[]) : undefined,
      });
      return as(page(Finding), result);
    },
  );

  server.get(
    '/findings/:id',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'One finding, with its remediation and mute history',
        params: IdParams,
        response: responses({ 200: FindingDetail }),
      },
    },
    async (request) => as(FindingDetail, await findings.get(actorOf(request), request.params.id)),
  );

  server.post(
    '/findings/:id/mute',
    {
      config: { minRole: 'analyst' },
      schema: {
        tags,
        summary: 'Mute a finding, with a reason and an optional expiry',
        params: IdParams,
        body: Mute,
        response: responses({ 200: FindingDetail }),
      },
    },
    async (request) =>
      as(FindingDetail, await findings.mute(actorOf(request), request.params.id, request.body)),
  );

  server.post(
    '/findings/:id/unmute',
    {
      config: { minRole: 'analyst' },
      schema: {
        tags,
        summary: 'Unmute a finding',
        params: IdParams,
        response: responses({ 200: FindingDetail }),
      },
    },
    async (request) => as(FindingDetail, await findings.unmute(actorOf(request), request.params.id)),
  );

  server.get(
    '/events',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'What changed between syncs, newest first',
        querystring: EventsQuery,
        response: responses({ 200: page(Event) }),
      },
    },
    async (request) => as(page(Event), await app.services.events.list(actorOf(request), request.query)),
  );
};
