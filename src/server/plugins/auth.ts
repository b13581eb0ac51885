/**
 * Who is asking, for every /api/v1 request:
 *  - `Authorization: Bearer <token>` → an API token (accounts.authenticateToken); no CSRF check;
 *  - otherwise the session cookie `trustlens_session` → accounts.authenticateSession; writes (any
 *    method but GET/HEAD/OPTIONS) must carry `x-csrf-token` equal to the session's CSRF token.
 * Every /api/v1 route declares its minimum role in `config.minRole` ('public' for sign-in, set-up and
 * health); anonymous requests to the others get 401, a lower role 403 (the services check again).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/index.ts';
import { requireRole, type Actor, type Role } from '../../services/context.ts';
import type { AccountsService, SessionMeta } from '../../services/accounts.ts';

export type RouteAccess = Role | 'public';

export interface AuthState {
  kind: 'token' | 'session';
  /** The session cookie's value (kind 'session'), for sign-out. */
  sessionToken?: string;
  csrfToken?: string;
  expiresAt?: string;
  user?: unknown;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role that may call this route; 'public' needs no sign-in. Required under /api/v1. */
    minRole?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
    auth: AuthState | null;
  }
}

export const SESSION_COOKIE = 'trustlens_session';
export const CSRF_HEADER = 'x-csrf-token';
export const API_PREFIX = '/api/v1';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RouteEntry {
  method: string;
  url: string;
  minRole: RouteAccess;
}

export function requestMeta(request: FastifyRequest): SessionMeta {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null };
}

/** The signed-in actor; UNAUTHENTICATED when there is none (routes marked public only). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated('This needs you to be signed in.');
  return request.actor;
}

function unauthenticated(message: string): AppError {
  return new AppError('UNAUTHENTICATED', message, {
    remediation:
      'Sign in (POST /api/v1/auth/login) or send an API token in the Authorization header: "Bearer <token>".',
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface CookieSettings {
  secure: boolean;
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: string | Date,
  settings: CookieSettings,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: settings.secure,
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, settings: CookieSettings): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: settings.secure });
}

/**
 * Resolves the caller from the request's credentials (sets request.actor and request.auth).
 * Invalid credentials throw 401 unless `lenient` (public routes ignore stale credentials).
 */
export async function authenticate(
  request: FastifyRequest,
  accounts: Pick<AccountsService, 'authenticateToken' | 'authenticateSession'>,
  lenient: boolean,
): Promise<void> {
  const meta = requestMeta(request);
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.trim() !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
    if (!m) {
      if (lenient) return;
      throw unauthenticated('The Authorization header must be "Bearer <API token>".');
    }
    const actor = await accounts.authenticateToken(m[1], meta);
    if (!actor) {
      if (lenient) return;
      throw unauthenticated('The API token is not valid: it is unknown, expired or revoked.');
    }
    request.actor = actor;
    request.auth = { kind: 'token' };
    return;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (typeof cookie === 'string' && cookie !== '') {
    const session = await accounts.authenticateSession(cookie, meta);
    if (!session) {
      if (lenient) return;
      throw unauthenticated('Your session has expired or was signed out.');
    }
    request.actor = session.actor;
    request.auth = {
      kind: 'session',
      sessionToken: cookie,
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
      user: session.user,
    };
  }
}

/** Cookie-authenticated writes must carry the session's CSRF token. */
export function checkCsrf(request: FastifyRequest): void {
  if (request.auth?.kind !== 'session' || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  const expected = request.auth.csrfToken ?? '';
  if (typeof sent !== 'string' || expected === '' || !sameSecret(sent, expected)) {
    throw new AppError('FORBIDDEN', 'The request is missing a valid CSRF token (x-csrf-token header).', {
      details: { reason: 'CSRF_FAILED' },
      remediation:
        'Send the csrfToken returned by sign-in or GET /api/v1/session in the x-csrf-token header, or use an API token (Authorization: Bearer) instead of the session cookie.',
    });
  }
}

export interface AuthOptions {
  accounts: AccountsService;
}

/** Installs the request decorations, the route table and the /api/v1 guard on the root instance. */
export function installAuth(server: FastifyInstance, options: AuthOptions): RouteEntry[] {
  const table: RouteEntry[] = [];
  server.decorateRequest('actor', null);
  server.decorateRequest('auth', null);

  server.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    const minRole = route.config?.minRole;
    if (!minRole)
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.minRole`);
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      table.push({ method, url: route.url, minRole });
    }
  });

  server.addHook('onRequest', async (request) => {
    // Decide on the matched route, never on the raw URL: the router decodes the path (/%61pi/v1/… is
    // /api/v1/…), so a check of request.url could be walked around.
    const routeUrl = request.routeOptions.url;
    if (request.is404 || routeUrl === undefined || !routeUrl.startsWith(API_PREFIX)) return;
    const minRole = request.routeOptions.config.minRole ?? 'admin';
    const isPublic = minRole === 'public';
    await authenticate(request, options.accounts, isPublic);
    if (isPublic) return;
    if (!request.actor) throw unauthenticated('This needs you to be signed in.');
    checkCsrf(request);
    requireRole(request.actor, minRole);
  });
  return table;
}
