/**
 * Syncs of an integration: start one now (202 with the run; while one runs, that one with
 * started=false), the history, one run with its per-feature errors and remediation, and the feature
 * availability matrix filled with this workspace's state.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import { ADMIN_FEATURE_KEYS } from '../../inventory/admin.ts';
import { REGISTRY_FEATURE_KEYS } from '../../inventory/prompts-skills.ts';
import { DateTime, Id, IdParams, page, responses } from '../schemas.ts';
import { ExtraAvailabilityRow } from './workspace-extras.ts';

const Feature = z.enum(['models', 'files', 'agents', 'libraries', 'usage', 'versions']);
/**
 * A run's errors also name what is read beyond the availability matrix (connectors, library
 * sharing, the admin-key features, prompts, skills and batch jobs).
 */
const ErrorFeature = z.enum([
  ...Feature.options,
  'connectors',
  'librarySharing',
  ...ADMIN_FEATURE_KEYS,
  ...REGISTRY_FEATURE_KEYS,
]);
const FeatureAvailability = z.object({
  status: z.enum(['available', 'unavailable', 'error']),
  message: z.string().optional(),
  remediation: z.string().optional(),
  code: z.string().optional(),
});

const FeatureProgress = z
  .object({
    feature: Feature,
    state: z
      .enum(['pending', 'running', 'done', 'failed', 'unavailable'])
      .describe(
        'pending: not started yet; running: being read; done: read; failed: could not be read (its error is in the run when it ends); unavailable: refused by Mistral (beta access not enabled)',
      ),
    count: z
      .number()
      .int()
      .nullable()
      .describe(
        'Read so far. models, files, libraries, agents: records listed, null until the listing ends (then the figure countsByType records); versions: agents whose version history and aliases were read; usage: conversation histories read (only new or changed conversations are read again). null when nothing could be read',
      ),
    total: z
      .number()
      .int()
      .nullable()
      .describe('How many there are to read, when known (versions: the agents listed); otherwise null'),
  })
  .meta({ id: 'SyncFeatureProgress' });

export const SyncRun = z
  .object({
    id: z.string(),
    integrationId: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted']),
    trigger: z.enum(['manual', 'scheduled', 'scan']),
    requestedBy: z.string().nullable(),
    startedAt: DateTime,
    finishedAt: DateTime.nullable(),
    durationMs: z.number().nullable(),
    countsByType: z.record(z.string(), z.number()).nullable().describe('agent, model, file, library'),
    requests: z.number().nullable().describe('Requests sent to Mistral'),
    availability: z.record(Feature, FeatureAvailability).nullable(),
    errors: z.array(
      z.object({ feature: ErrorFeature, code: z.string(), message: z.string(), remediation: z.string() }),
    ),
    heartbeatAt: DateTime.nullable(),
    progress: z
      .object({
        requests: z.number(),
        rateLimited: z.number(),
        retries: z.number(),
        elapsedMs: z.number(),
        phase: z
          .enum(['reading', 'storing'])
          .describe(
            'reading: the workspace is being read; storing: findings are computed and everything read is stored in one transaction',
          ),
        features: z
          .array(FeatureProgress)
          .describe('Per feature, in the order the sync reads them: its state and the count read so far'),
      })
      .nullable()
      .describe('Live figures while this server runs it'),
  })
  .meta({ id: 'SyncRun' });

const Triggered = z.object({
  run: SyncRun,
  started: z.boolean().describe('false when a sync was already running: run is that one'),
});

const Availability = z
  .object({
    integrationId: z.string(),
    syncRunId: z.string().nullable(),
    checkedAt: DateTime.nullable(),
    betaAccess: z.boolean().nullable(),
    features: z.array(
      z.object({
        feature: Feature,
        label: z.string(),
        endpoints: z.array(z.string()),
        apiKeyOnly: z.boolean(),
        withBetaAccess: z.boolean(),
        status: z.enum(['available', 'unavailable', 'error']).nullable(),
        message: z.string().nullable(),
        remediation: z.string().nullable(),
      }),
    ),
    extraFeatures: z
      .array(ExtraAvailabilityRow)
      .describe(
        "Rows beyond the product document's matrix (connectors, library sharing, and what the optional admin key reads), as the latest stored snapshot saw them",
      ),
    extraCheckedAt: DateTime.nullable().describe('When the snapshot the extra rows come from was taken'),
  })
  .meta({ id: 'FeatureAvailability' });

const RunsQuery = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const syncRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const syncs = app.services.syncs;
  const tags = ['syncs'];

  server.post(
    '/integrations/:id/syncs',
    {
      config: { minRole: 'analyst' },
      schema: {
        tags,
        summary: 'Sync now (202 with the run; the running one when a sync is already under way)',
        params: IdParams,
        response: responses({ 202: Triggered }),
      },
    },
    async (request, reply) => {
      const { run, started } = await syncs.trigger(actorOf(request), request.params.id);
      return reply.status(202).send({ run, started });
    },
  );

  server.get(
    '/integrations/:id/syncs',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'Sync runs, most recent first',
        params: IdParams,
        querystring: RunsQuery,
        response: responses({ 200: page(SyncRun) }),
      },
    },
    async (request) => syncs.listRuns(actorOf(request), request.params.id, request.query),
  );

  server.get(
    '/integrations/:id/syncs/:runId',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'One sync run, with per-feature errors and remediation',
        params: z.object({ id: Id, runId: Id }),
        response: responses({ 200: SyncRun }),
      },
    },
    async (request) => syncs.getRun(actorOf(request), request.params.id, request.params.runId),
  );

  server.get(
    '/integrations/:id/availability',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: "Feature availability: the product's matrix filled with this workspace's state",
        params: IdParams,
        response: responses({ 200: Availability }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const matrix = await syncs.availability(actor, request.params.id);
      const extra = await app.services.extras.availability(actor, request.params.id);
      return { ...matrix, extraFeatures: extra.rows, extraCheckedAt: extra.takenAt };
    },
  );
};
