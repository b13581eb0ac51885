/**
 * The admin audit log entries the stored syncs of an integration read with its admin key (issue 11),
 * newest first, filtered by event type, actor and time. Whether the last sync could read the audit
 * log at all is the integration's `auditLog` availability row; an empty page before any admin key is
 * "nothing stored", not "nothing happened".
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import { as, DateTime, IdParams, page, responses } from '../schemas.ts';

const AuditEntry = z
  .object({
    id: z.string().describe("The audit log's log_id"),
    integrationId: z.string(),
    syncRunId: z.string().nullable().describe('The sync that first read it; null once that run is gone'),
    at: DateTime,
    actorType: z.string().describe('HUMAN, API_KEY or OTHER (as sent)'),
    actor: z
      .string()
      .nullable()
      .describe('Who did it: an email, else a name, else a key name, else an id; null when unsaid'),
    actorId: z.string().nullable(),
    eventType: z.string().describe('e.g. agent.update, api_key.create, library.share'),
    targetType: z.string().describe('e.g. AGENT, API_KEY, LIBRARY'),
    targetId: z.string().nullable(),
    targetName: z.string().nullable(),
    workspaceId: z.string().nullable(),
    details: z
      .record(z.string(), z.string())
      .describe(
        'The event metadata as sent, without credential-named keys, each value at most 500 characters',
      ),
  })
  .meta({ id: 'MistralAuditEntry' });

const AuditLogQuery = z.object({
  eventType: z.string().max(200).optional().describe('Only this audit event type, e.g. agent.update (exact)'),
  actor: z
    .string()
    .max(320)
    .optional()
    .describe('Only this actor: email, name or key name (case-insensitive), or actor id'),
  since: z.string().max(40).optional().describe('Only entries at or after this ISO date or time'),
  cursor: z.string().max(2000).optional().describe('The nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Items per page (default 50, max 500)'),
});

export const auditLogRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/integrations/:id/audit-log',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'The admin audit log entries the syncs read, newest first',
        description:
          'Stored by each sync of an integration with an admin key (GET /v1/admin/audit-logs, read incrementally). ' +
          'Whether the last sync could read the audit log is the auditLog row of the integration availability.',
        params: IdParams,
        querystring: AuditLogQuery,
        response: responses({ 200: page(AuditEntry) }),
      },
    },
    async (request) =>
      as(
        page(AuditEntry),
        await app.services.auditLog.list(actorOf(request), request.params.id, request.query),
      ),
  );
};
