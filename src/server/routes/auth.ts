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

const Email = z.string().trim().min(3).max(320);
const Password = z.string().min(1).max(1024);

const Login = z.object({ email: Email, password: Password });

const Setup = z.object({
  setupToken: z.string().min(1).max(512).describe('The token of the one-time set-up link'),
  organizationName: z.string().trim().min(1).max(200),
  email: Email,
  password: Password.describe('At least 12 characters'),
  name: z.string().trim().min(1).max(200).optional(),
});

type Session = z.infer<typeof SessionInfo>;

export const authRoutes: FastifyPluginAsyncZod<{ app: App; cookies: CookieSettings }> = async (
  server,
  { app, cookies },
) => {
  const accounts = app.services.accounts;
  const tags = ['auth'];
  const rateLimit = { ...LOGIN_RATE_LIMIT, errorResponseBuilder: rateLimited };

  async function sessionInfo(
    actor: Actor,
    session: { csrfToken: string; expiresAt: string } | null,
  ): Promise<Session> {
    const me = await accounts.me(actor);
    return {
      user: me.user,
      organization: me.organization,
      role: me.role,
      actor: { kind: actor.kind, label: actor.label, role: actor.role, organizationId: actor.organizationId },
      tokenId: me.tokenId,
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session ? new Date(session.expiresAt).toISOString() : null,
    };
  }

  /** The actor of a session just created (sign-in, set-up). */
  function userActor(
    user: { id: string; email: string; organizationId: string; role: Actor['role'] },
    ip: string,
  ) {
    return {
      kind: 'user' as const,
      id: user.id,
      label: user.email,
      organizationId: user.organizationId,
      role: user.role,
      ip,
    };
  }

  server.post(
    '/auth/login',
    {
      config: { minRole: 'public', rateLimit },
      schema: {
        tags,
        summary: 'Sign in with email and password (sets the session cookie)',
        security: [],
        body: Login,
        response: responses({ 200: SessionInfo }),
      },
    },
    async (request, reply) => {
      const signedIn = await accounts.login(request.body.email, request.body.password, requestMeta(request));
      setSessionCookie(reply, signedIn.sessionToken, signedIn.expiresAt, cookies);
      return sessionInfo(userActor(signedIn.user, request.ip), signedIn);
    },
  );

  server.post(
    '/setup',
    {
      config: { minRole: 'public', rateLimit },
      schema: {
        tags,
        summary: 'Complete the one-time set-up: first organization and admin (sets the session cookie)',
        security: [],
        body: Setup,
        response: responses({ 201: SessionInfo }),
      },
    },
    async (request, reply) => {
      const { setupToken, ...input } = request.body;
      const signedIn = await accounts.completeSetup(setupToken, input, requestMeta(request));
      setSessionCookie(reply, signedIn.sessionToken, signedIn.expiresAt, cookies);
      return reply.status(201).send(await sessionInfo(userActor(signedIn.user, request.ip), signedIn));
    },
  );

  server.post(
    '/auth/logout',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags,
        summary: 'Sign out (ends the session; nothing to do for an API token)',
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      if (request.auth?.kind === 'session' && request.auth.sessionToken) {
        await accounts.logout(request.auth.sessionToken);
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
        tags,
        summary: 'Who is signed in, their organization, and the CSRF token of the session',
        response: responses({ 200: SessionInfo }),
      },
    },
    async (request) => {
      const auth = request.auth;
      const session =
        auth?.kind === 'session' && auth.csrfToken && auth.expiresAt
          ? { csrfToken: auth.csrfToken, expiresAt: auth.expiresAt }
          : null;
      return sessionInfo(actorOf(request), session);
    },
  );
};
