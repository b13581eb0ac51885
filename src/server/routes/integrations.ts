/**
 * Integrations (a Mistral workspace each): list, get, create (the key is validated, then stored
 * encrypted), update name / base URL / interval, rotate the key, delete; set, rotate and remove the
 * optional admin API key (issue 11: GET /v1/admin/* only, validated as an admin key first). Responses
 * show a key hint and fingerprint only, never a key.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import { DateTime, IdParams, ListQuery, NoContent, page, responses } from '../schemas.ts';

export const AdminKey = z
  .object({
    hint: z.string().describe('"••••" and the last 4 characters of the admin key'),
    fingerprint: z.string().describe('First 12 hex characters of the SHA-256 of the admin key'),
    updatedAt: DateTime.describe('When the admin key was set or last rotated'),
  })
  .meta({ id: 'IntegrationAdminKey' });

export const Integration = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    syncIntervalMinutes: z.number().int(),
    keyHint: z.string().describe('"••••" and the last 4 characters of the key'),
    keyFingerprint: z.string().describe('First 12 hex characters of the SHA-256 of the key'),
    keyUpdatedAt: DateTime,
    adminKey: AdminKey.nullable().describe(
      'The admin API key (Admin API reads only), shown like the key; null when the integration has none',
    ),
    simulated: z.boolean().describe('The demo integration against the built-in simulated workspace'),
    nextSyncAt: DateTime.nullable().describe('When the scheduler syncs it next (null: at its next tick)'),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .meta({ id: 'Integration' });

/** The service's view, in the API's words (the create body's syncIntervalMinutes). */
export function integrationView(v: {
  id: string;
  organizationId: string;
  name: string;
  baseUrl: string;
  syncFrequencyMinutes: number;
  keyHint: string;
  keyFingerprint: string;
  keyUpdatedAt: string;
  adminKey: { hint: string; fingerprint: string; updatedAt: string } | null;
  simulated: boolean;
  nextSyncAt: string | null;
  createdAt: string;
  updatedAt: string;
}): z.infer<typeof Integration> {
  return {
    id: v.id,
    organizationId: v.organizationId,
    name: v.name,
    baseUrl: v.baseUrl,
    syncIntervalMinutes: v.syncFrequencyMinutes,
    keyHint: v.keyHint,
    keyFingerprint: v.keyFingerprint,
    keyUpdatedAt: v.keyUpdatedAt,
    adminKey: v.adminKey
      ? { hint: v.adminKey.hint, fingerprint: v.adminKey.fingerprint, updatedAt: v.adminKey.updatedAt }
      : null,
    simulated: v.simulated,
    nextSyncAt: v.nextSyncAt,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

const Name = z.string().trim().min(1).max(100);
const BaseUrl = z.string().trim().min(1).max(2000).describe('global (default), eu, us, or a URL');
const Interval = z
  .number()
  .int()
  .min(15)
  .max(7 * 24 * 60)
  .describe('Minutes between scheduled syncs (15 to 10080; default 360)');
const ApiKey = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .describe('The Mistral API key (validated, stored encrypted)');

const AdminApiKey = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .describe(
    'An admin API key (created by a member with the Admin role of the organization): validated on GET /v1/admin/api-keys, stored encrypted, used for GET /v1/admin/* only',
  );

const Create = z.object({
  name: Name,
  apiKey: ApiKey,
  adminApiKey: AdminApiKey.optional(),
  baseUrl: BaseUrl.optional(),
  syncIntervalMinutes: Interval.optional(),
});
const Update = z
  .object({
    name: Name.optional(),
    baseUrl: BaseUrl.optional(),
    syncIntervalMinutes: Interval.optional(),
    apiKey: ApiKey.optional().describe(
      'Required when baseUrl changes: the key is validated at the new address (the stored key is never sent to a new address)',
    ),
    adminApiKey: AdminApiKey.optional().describe(
      'Sets or replaces the admin API key (validated first); required when baseUrl changes and an admin key is stored',
    ),
  })
  .strict();
const Rotate = z.object({ apiKey: ApiKey });
const SetAdminKey = z.object({ adminApiKey: AdminApiKey }).strict();

export const integrationRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const integrations = app.services.integrations;
  const tags = ['integrations'];

  server.get(
    '/integrations',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: "The organization's integrations",
        querystring: ListQuery,
        response: responses({ 200: page(Integration) }),
      },
    },
    async (request) => {
      const all = await integrations.list(actorOf(request));
      const { integrationId } = request.query;
      const items = all.filter((v) => !integrationId || v.id === integrationId).map(integrationView);
      return { items, nextCursor: null };
    },
  );

  server.post(
    '/integrations',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Add an integration (the key is validated against Mistral first)',
        body: Create,
        response: responses({ 201: Integration }),
      },
    },
    async (request, reply) => {
      const view = await integrations.create(actorOf(request), request.body);
      return reply.status(201).send(integrationView(view));
    },
  );

  server.get(
    '/integrations/:id',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'One integration',
        params: IdParams,
        response: responses({ 200: Integration }),
      },
    },
    async (request) => integrationView(await integrations.get(actorOf(request), request.params.id)),
  );

  server.patch(
    '/integrations/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Rename, change the base URL or the sync interval',
        params: IdParams,
        body: Update,
        response: responses({ 200: Integration }),
      },
    },
    async (request) =>
      integrationView(await integrations.update(actorOf(request), request.params.id, request.body)),
  );

  server.post(
    '/integrations/:id/rotate-key',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Replace the key (the new key is validated before it replaces the old one)',
        params: IdParams,
        body: Rotate,
        response: responses({ 200: Integration }),
      },
    },
    async (request) =>
      integrationView(await integrations.rotateKey(actorOf(request), request.params.id, request.body.apiKey)),
  );

  server.put(
    '/integrations/:id/admin-key',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary:
          'Set the admin API key, or rotate it (validated as an admin key first; the ordinary key is untouched)',
        params: IdParams,
        body: SetAdminKey,
        response: responses({ 200: Integration }),
      },
    },
    async (request) =>
      integrationView(
        await integrations.setAdminKey(actorOf(request), request.params.id, request.body.adminApiKey),
      ),
  );

  server.delete(
    '/integrations/:id/admin-key',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Remove the admin API key (the Admin API is no longer read; the ordinary key is untouched)',
        params: IdParams,
        response: responses({ 200: Integration }),
      },
    },
    async (request) =>
      integrationView(await integrations.removeAdminKey(actorOf(request), request.params.id)),
  );

  server.delete(
    '/integrations/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Delete the integration, its key, inventory, findings and history',
        params: IdParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await integrations.delete(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
