/**
 * Posture (risk score now and its trend, per integration and organization), the two views no peer
 * offers (fix first: findings grouped by the one change that resolves them, with its PATCH body;
 * exposure by traffic), and the rule catalog.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import { as, Id, page, responses } from '../schemas.ts';

const Scope = z.object({ integrationId: Id.optional().describe('Only this integration') });

const PostureSummary = z
  .looseObject({ integrations: z.array(z.looseObject({})), organization: z.looseObject({}) })
  .meta({ id: 'PostureSummary' });
const FixFirst = z
  .looseObject({ groups: z.array(z.looseObject({})).describe('Ranked by the risk each change removes') })
  .meta({ id: 'FixFirst' });
const Exposure = z
  .looseObject({ integrations: z.array(z.looseObject({})), organization: z.looseObject({}) })
  .meta({ id: 'Exposure' });

const Rule = z
  .looseObject({
    id: z.string(),
    severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
    title: z.string(),
    resourceType: z.string(),
    description: z.string(),
    remediation: z.string(),
    patchAgentBody: z.record(z.string(), z.unknown()).nullable(),
    frameworks: z.array(z.looseObject({})),
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
