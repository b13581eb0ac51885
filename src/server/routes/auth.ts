/**
 * Sign-in, sign-out, the current session and the one-time set-up. Sign-in and set-up set the
 * session cookie (HttpOnly, SameSite=Lax, Secure behind TLS) and return the CSRF token; they are
 * rate limited per client address here, on top of the accounts service's own throttling.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { AppError } from '../../errors/index.ts';
import type { Actor } from '../../services/context.ts';
import type { AccountsPort, SessionGrant } from '../accounts-port.ts';
import {
  actorOf,
  clearSessionCookie,
  requestMeta,
  setSessionCookie,
  type CookieSettings,
} from '../plugins/auth.ts';
import { NoContent, responses, SessionInfo } from '../schemas.ts';

export const LOGIN_RATE_LIMIT = { max: 10, timeWindow: '1 minute' };

const rateLimited = () =>
  new AppError('TOO_MANY_REQUESTS', 'Too many sign-in attempts from this address.', {
    remediation: 'Wait a minute, then try again.',
  });

const Login = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

const Setup = z.object({
  setupToken: z.string().min(1).max(512).describe('The token of the one-time set-up link'),
  organizationName: z.string().trim().min(1).max(200),
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
  name: z.string().trim().min(1).max(200).optional(),
});

function actorView(a: Actor) {
  return { kind: a.kind, label: a.label, role: a.role, organizationId: a.organizationId };
}

function grantView(grant: SessionGrant) {
  const u = grant.user;
  return {
    user: u,
    actor: { kind: 'user' as const, label: u.email, role: u.role, organizationId: u.organizationId },
    csrfToken: grant.csrfToken,
    expiresAt: new Date(grant.expiresAt).toISOString(),
  };
}

export const authRoutes: FastifyPluginAsyncZod<{
  app: App;
  cookies: CookieSettings;
  accounts: () => AccountsPort;
}> = async (server, { cookies, accounts }) => {
  const rateLimit = { ...LOGIN_RATE_LIMIT, errorResponseBuilder: rateLimited };

  server.post(
    '/auth/login',
    {
      config: { minRole: 'public', rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password (sets the session cookie)',
        security: [],
        body: Login,
        response: responses({ 200: SessionInfo }),
      },
    },
    async (request, reply) => {
      const grant = await accounts().login(request.body.email, request.body.password, requestMeta(request));
      setSessionCookie(reply, grant.sessionToken, grant.expiresAt, cookies);
      return grantView(grant);
    },
  );

  server.post(
    '/setup',
    {
      config: { minRole: 'public', rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Complete the one-time set-up: first organization and admin (sets the session cookie)',
        security: [],
        body: Setup,
        response: responses({ 201: SessionInfo }),
      },
    },
    async (request, reply) => {
      const { setupToken, ...input } = request.body;
      const grant = await accounts().completeSetup(setupToken, input, requestMeta(request));
      setSessionCookie(reply, grant.sessionToken, grant.expiresAt, cookies);
      return reply.status(201).send(grantView(grant));
    },
  );

  server.post(
    '/auth/logout',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out (ends the session; nothing to do for an API token)',
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      if (request.auth?.kind === 'session' && request.auth.sessionToken) {
        await accounts().logout(request.auth.sessionToken);
        clearSessionCookie(reply, cookies);
      }
      return reply.status(204).send(null);
    },
  );

  server.get(
    '/session',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, and the CSRF token of the session',
        response: responses({ 200: SessionInfo }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const auth = request.auth;
      return {
        user: auth?.kind === 'session' ? (auth.user as z.infer<typeof SessionInfo>['user']) : null,
        actor: actorView(actor),
        csrfToken: auth?.kind === 'session' ? (auth.csrfToken ?? null) : null,
        expiresAt: auth?.kind === 'session' ? (auth.expiresAt ?? null) : null,
      };
    },
  );
};
