/**
 * Alerts: destinations (a signed JSON webhook or a Slack incoming webhook), alert rules, the delivery
 * log, and "send test alert". A destination's URL is never returned (it can hold a secret), only a hint;
 * its signing secret is returned once, at creation and at rotation.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { ALERT_EVENT_KINDS, ALERT_TRANSITIONS, DESTINATION_KINDS } from '../../services/alerts.ts';
import { actorOf } from '../plugins/auth.ts';
import {
  DateTime,
  FindingResourceType,
  IdParams,
  NoContent,
  Severity,
  SeverityCounts,
  page,
  responses,
} from '../schemas.ts';

export const AlertDestination = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    name: z.string(),
    kind: z
      .enum(DESTINATION_KINDS)
      .describe('webhook: signed JSON POST; slack: Slack incoming-webhook message'),
    urlHint: z
      .string()
      .describe('Scheme, host and the last 4 characters of the URL (the URL itself is stored encrypted)'),
    enabled: z.boolean(),
    secretUpdatedAt: DateTime.describe('When the signing secret was created or last rotated'),
    createdBy: z.string(),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .meta({ id: 'AlertDestination' });

const WithSecret = z
  .object({
    destination: AlertDestination,
    signingSecret: z
      .string()
      .describe(
        'HMAC-SHA256 key of the TrustLens-Signature header. Shown once: store it in your receiver now.',
      ),
  })
  .meta({ id: 'AlertDestinationWithSecret' });

export const AlertRule = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    destinationIds: z.array(z.string()),
    minSeverity: Severity.nullable().describe(
      'New, reopened and worsened (new items in a finding that lists many) failing findings at this severity or higher fire; null: findings do not',
    ),
    ruleIds: z.array(z.string()).describe('Only these TrustLens rules (empty: all)'),
    integrationIds: z.array(z.string()).describe('Only these integrations (empty: all)'),
    events: z.array(z.enum(ALERT_EVENT_KINDS)),
    syncFailingRuns: z
      .number()
      .int()
      .describe('sync_failing fires when this many syncs in a row have failed'),
  })
  .meta({ id: 'AlertRule' });

const RuleBody = z
  .object({
    name: z.string().max(200),
    enabled: z.boolean().optional(),
    destinationIds: z.array(z.string().max(200)).max(50),
    minSeverity: Severity.nullable().optional(),
    ruleIds: z.array(z.string().max(200)).max(200).optional(),
    integrationIds: z.array(z.string().max(200)).max(500).optional(),
    events: z.array(z.enum(ALERT_EVENT_KINDS)).max(ALERT_EVENT_KINDS.length).optional(),
    syncFailingRuns: z.number().int().min(1).max(100).optional(),
  })
  .strict();

const DeliveryStatus = z.enum(['pending', 'sending', 'retrying', 'delivered', 'failed']);

export const AlertDelivery = z
  .object({
    id: z.string().describe('Also sent as the TrustLens-Delivery header: deduplicate on it'),
    organizationId: z.string(),
    destinationId: z.string(),
    integrationId: z.string().nullable(),
    syncRunId: z.string().nullable().describe('The sync run this digest is about (null for a test alert)'),
    kind: z.enum(['digest', 'test']),
    status: DeliveryStatus,
    alertRuleIds: z.array(z.string()),
    findingCount: z.number().int(),
    eventCount: z.number().int(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: DateTime.nullable(),
    lastAttemptAt: DateTime.nullable(),
    lastStatusCode: z.number().int().nullable().describe('HTTP status of the last attempt (null: no answer)'),
    lastError: z.string().nullable(),
    deliveredAt: DateTime.nullable(),
    createdAt: DateTime,
  })
  .meta({ id: 'AlertDelivery' });

const AlertFinding = z.looseObject({
  id: z.string(),
  ruleId: z.string(),
  severity: Severity,
  title: z.string(),
  resourceType: FindingResourceType,
  resourceId: z.string(),
  resourceName: z.string().nullable(),
  detail: z.string(),
  remediation: z.string(),
  transition: z
    .enum(ALERT_TRANSITIONS)
    .describe(
      'worsened: the finding was already open and failing, and offending items appeared in it (it fires even when muted)',
    ),
  newItems: z
    .looseObject({
      count: z.number().int().describe('How many items appeared (at least; can exceed the items named)'),
      items: z.array(z.looseObject({ id: z.string(), label: z.string() })),
    })
    .optional()
    .describe('For a worsened finding: the items that appeared'),
  muted: z
    .literal(true)
    .optional()
    .describe('Only on a worsened finding that is muted: it fires because new items appeared'),
});

const AlertEvent = z.looseObject({
  kind: z.enum(ALERT_EVENT_KINDS),
  type: z.string(),
  resourceType: FindingResourceType,
  resourceId: z.string(),
  resourceName: z.string().nullable(),
  summary: z.string(),
  at: DateTime,
});

export const AlertPayload = z
  .looseObject({
    type: z.enum(['trustlens.alert.digest', 'trustlens.alert.test']),
    version: z.literal(1),
    deliveryId: z.string(),
    createdAt: DateTime,
    simulated: z.boolean(),
    organization: z.looseObject({ id: z.string(), name: z.string() }),
    integration: z.looseObject({ id: z.string(), name: z.string() }).nullable(),
    syncRun: z
      .looseObject({ id: z.string(), status: z.string(), finishedAt: DateTime.nullable() })
      .nullable(),
    alertRules: z.array(z.looseObject({ id: z.string(), name: z.string() })),
    summary: z.looseObject({
      findings: z.number(),
      findingsBySeverity: SeverityCounts,
      worsenedFindings: z
        .number()
        .optional()
        .describe('How many of the findings are worsened ones (absent in older digests)'),
      events: z.number(),
      omittedFindings: z.number(),
      omittedEvents: z.number(),
    }),
    findings: z.array(AlertFinding),
    events: z.array(AlertEvent),
    syncFailing: z
      .looseObject({ consecutiveFailures: z.number(), message: z.string(), remediation: z.string() })
      .nullable(),
    message: z.string().optional(),
  })
  .meta({ id: 'AlertPayload' });

const AlertDeliveryDetail = AlertDelivery.extend({
  payload: AlertPayload.describe(
    'The generic webhook body (Slack destinations receive it formatted as a Slack message)',
  ),
}).meta({ id: 'AlertDeliveryDetail' });

const DestinationCreate = z
  .object({
    name: z.string().max(200),
    kind: z.enum(DESTINATION_KINDS),
    url: z
      .string()
      .max(2000)
      .describe('https:// URL of the receiver (plain http only to localhost and private addresses)'),
  })
  .strict();
const DestinationUpdate = z
  .object({
    name: z.string().max(200).optional(),
    enabled: z.boolean().optional(),
    url: z.string().max(2000).optional(),
  })
  .strict();

const DeliveriesQuery = z.object({
  destinationId: z.string().max(200).optional(),
  status: DeliveryStatus.optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const alertRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const alerts = app.services.alerts;
  const tags = ['alerts'];

  server.get(
    '/alerts/destinations',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'Alert destinations', response: responses({ 200: page(AlertDestination) }) },
    },
    async (request) => ({ items: await alerts.listDestinations(actorOf(request)), nextCursor: null }),
  );
  server.post(
    '/alerts/destinations',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Add a destination (its signing secret is in the answer, once)',
        body: DestinationCreate,
        response: responses({ 201: WithSecret }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await alerts.createDestination(actorOf(request), request.body)),
  );
  server.get(
    '/alerts/destinations/:id',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'One destination',
        params: IdParams,
        response: responses({ 200: AlertDestination }),
      },
    },
    async (request) => alerts.getDestination(actorOf(request), request.params.id),
  );
  server.patch(
    '/alerts/destinations/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Rename, enable or disable, or change the URL',
        params: IdParams,
        body: DestinationUpdate,
        response: responses({ 200: AlertDestination }),
      },
    },
    async (request) => alerts.updateDestination(actorOf(request), request.params.id, request.body),
  );
  server.post(
    '/alerts/destinations/:id/rotate-secret',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Replace the signing secret (the new one is in the answer, once)',
        params: IdParams,
        response: responses({ 200: WithSecret }),
      },
    },
    async (request) => alerts.rotateSecret(actorOf(request), request.params.id),
  );
  server.post(
    '/alerts/destinations/:id/test',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Send a test alert now; the answer is its delivery after the first attempt',
        params: IdParams,
        response: responses({ 200: AlertDelivery }),
      },
    },
    async (request) => alerts.sendTest(actorOf(request), request.params.id),
  );
  server.delete(
    '/alerts/destinations/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Delete a destination and its delivery log',
        params: IdParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await alerts.deleteDestination(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  server.get(
    '/alerts/rules',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'Alert rules', response: responses({ 200: page(AlertRule) }) },
    },
    async (request) => ({ items: await alerts.listRules(actorOf(request)), nextCursor: null }),
  );
  server.post(
    '/alerts/rules',
    {
      config: { minRole: 'admin' },
      schema: { tags, summary: 'Add an alert rule', body: RuleBody, response: responses({ 201: AlertRule }) },
    },
    async (request, reply) => reply.status(201).send(await alerts.createRule(actorOf(request), request.body)),
  );
  server.get(
    '/alerts/rules/:id',
    {
      config: { minRole: 'viewer' },
      schema: { tags, summary: 'One alert rule', params: IdParams, response: responses({ 200: AlertRule }) },
    },
    async (request) => alerts.getRule(actorOf(request), request.params.id),
  );
  server.put(
    '/alerts/rules/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Replace an alert rule',
        params: IdParams,
        body: RuleBody,
        response: responses({ 200: AlertRule }),
      },
    },
    async (request) => alerts.updateRule(actorOf(request), request.params.id, request.body),
  );
  server.delete(
    '/alerts/rules/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Delete an alert rule',
        params: IdParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await alerts.deleteRule(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  server.get(
    '/alerts/deliveries',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'The delivery log, newest first',
        querystring: DeliveriesQuery,
        response: responses({ 200: page(AlertDelivery) }),
      },
    },
    async (request) => alerts.listDeliveries(actorOf(request), request.query),
  );
  server.get(
    '/alerts/deliveries/:id',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'One delivery, with the body it sends',
        params: IdParams,
        response: responses({ 200: AlertDeliveryDetail }),
      },
    },
    async (request) => {
      const d = await alerts.getDelivery(actorOf(request), request.params.id);
      return { ...d, payload: d.payload as z.infer<typeof AlertPayload> };
    },
  );
};
