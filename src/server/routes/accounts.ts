/**
 * Users, API tokens, the organization and the audit log. Admins manage users and tokens; a user may
 * change their own name and password (PATCH /users/{id}: the service decides). A new API token is
 * returned once, in the creation response, and never again.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { actorOf } from '../plugins/auth.ts';
import {
  ApiToken,
  DateTime,
  IdParams,
  ListQuery,
  NoContent,
  Organization,
  page,
  responses,
  Role,
  User,
} from '../schemas.ts';

const CreateUser = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024).describe('At least 12 characters'),
  role: Role,
  name: z.string().trim().min(1).max(200).optional(),
});

const UpdateUser = z
  .object({
    role: Role.optional().describe('Admin only'),
    disabled: z.boolean().optional().describe('Admin only; signs the user out everywhere'),
    name: z.string().trim().min(1).max(200).optional(),
    password: z.string().min(1).max(1024).optional().describe('Signs the user out everywhere'),
    currentPassword: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .describe('Required to change your own password: your present password'),
  })
  .strict();

const CreateToken = z.object({
  name: z.string().trim().min(1).max(100),
  role: Role,
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const CreatedToken = z.object({
  token: z.string().describe('The API token: shown this once, store it now'),
  apiToken: ApiToken,
});

const AuditEntry = z
  .object({
    id: z.string(),
    organizationId: z.string().nullable(),
    at: DateTime,
    actorType: z.enum(['user', 'token', 'cli', 'system']),
    actorId: z.string().nullable(),
    actorLabel: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    outcome: z.enum(['success', 'failure']),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

const whole = <T>(items: T[]) => ({ items, nextCursor: null });

export const accountRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  const accounts = app.services.accounts;

  server.get(
    '/users',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['users'],
        summary: "The organization's users",
        querystring: ListQuery,
        response: responses({ 200: page(User) }),
      },
    },
    async (request) => whole(await accounts.listUsers(actorOf(request))),
  );

  server.post(
    '/users',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Add a user',
        body: CreateUser,
        response: responses({ 201: User }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.createUser(actorOf(request), request.body)),
  );

  server.patch(
    '/users/:id',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['users'],
        summary: 'Change role, disable (admin), or name and password (admin or the user)',
        params: IdParams,
        body: UpdateUser,
        response: responses({ 200: User }),
      },
    },
    async (request) => accounts.updateUser(actorOf(request), request.params.id, request.body),
  );

  server.delete(
    '/users/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Delete a user (never the last admin)',
        params: IdParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await accounts.deleteUser(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  server.get(
    '/tokens',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: "The organization's API tokens (never their values)",
        querystring: ListQuery,
        response: responses({ 200: page(ApiToken) }),
      },
    },
    async (request) => whole(await accounts.listTokens(actorOf(request))),
  );

  server.post(
    '/tokens',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token (its value is in this response only)',
        body: CreateToken,
        response: responses({ 201: CreatedToken }),
      },
    },
    async (request, reply) => {
      const { token, view } = await accounts.createToken(actorOf(request), request.body);
      return reply.status(201).send({ token, apiToken: view });
    },
  );

  server.delete(
    '/tokens/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: IdParams,
        response: responses({ 200: ApiToken }),
      },
    },
    async (request) => accounts.revokeToken(actorOf(request), request.params.id),
  );

  server.get(
    '/organization',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['organization'],
        summary: 'Your organization',
        response: responses({ 200: Organization }),
      },
    },
    async (request) => accounts.getOrganization(actorOf(request)),
  );

  server.get(
    '/audit-log',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Who created, changed, rotated, deleted, synced, muted or signed in; newest first',
        querystring: ListQuery,
        response: responses({ 200: page(AuditEntry) }),
      },
    },
    async (request) =>
      app.services.audit.list(actorOf(request), { cursor: request.query.cursor, limit: request.query.limit }),
  );
};
