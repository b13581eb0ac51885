/**
 * The HTTP server: fastify with zod schemas on every route, one error shape, authentication and CSRF,
 * security headers, metrics, the OpenAPI document and the API routes under /api/v1. The CLI's
 * `trustlens serve` builds the App (src/app/root.ts), calls buildServer and listens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { App } from '../app/root.ts';
import { AppError } from '../errors/index.ts';
import { createServerLogger, withRedaction } from './logging.ts';
import { API_PREFIX, installAuth, type RouteEntry } from './plugins/auth.ts';
import { frameworkError, installErrorHandling } from './plugins/errors.ts';
import { installHttpMetrics, type FindingsBySeverity } from './plugins/metrics.ts';
import { installOpenApi } from './plugins/openapi.ts';
import { consoleCsp, installSecurityHeaders } from './plugins/security.ts';
import { accountRoutes } from './routes/accounts.ts';
import { alertRoutes } from './routes/alerts.ts';
import { authRoutes } from './routes/auth.ts';
import { exportRoutes } from './routes/exports.ts';
import { auditLogRoutes } from './routes/audit-log.ts';
import { findingRoutes } from './routes/findings.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { extrasRoutes } from './routes/workspace-extras.ts';
import { operationsRoutes } from './routes/operations.ts';
import { postureRoutes } from './routes/posture.ts';
import { syncRoutes } from './routes/syncs.ts';

export const BODY_LIMIT = 1024 * 1024;
export const API_VERSION = '1.0.0';

export interface BuildServerOptions {
  /** A pino logger (redaction is added to it), false for none; default: JSON on stdout at config.server.logLevel. */
  logger?: Logger | false;
  /** The web UI's built files, served at / (index.html for unknown non-API paths). */
  staticDir?: string;
  /** Open findings by severity over every organization, for the /metrics gauge (called on each scrape). */
  findingsBySeverity?: FindingsBySeverity;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api/v1 route with its method and declared minimum role (for the route × role tests). */
    apiRoutes: RouteEntry[];
  }
}

/** Fastify's trustProxy: false (no proxy), or the number of proxy hops to believe. */
function trustProxy(hops: number | false): boolean {
  // Typed as boolean for fastify's overloads (a number is also accepted at run time).
  return hops === false ? false : (hops as unknown as boolean);
}

/** The first string containing U+0000 in a request part, with its field path. */
function nulIn(root: unknown, part: string): { part: string; field: string } | null {
  // Iterative (a deeply nested body must not exhaust the stack), and bounded: JSON nested deeper than
  // MAX_DEPTH is refused as invalid input — no request of this API needs more than a few levels.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { part, field: path || part };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      throw new AppError('INVALID_INPUT', `The ${part} is nested more than ${MAX_DEPTH} levels deep.`, {
        details: { field: path || part, location: part },
        remediation: 'Send the documented shape (see /api/docs); no field nests this deep.',
      });
    }
    const entries: Array<[string, unknown]> = Array.isArray(value)
      ? value.map((v, i): [string, unknown] => [`[${i}]`, v])
      : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i];
      if (!Array.isArray(value) && k.includes('\u0000')) return { part, field: path ? `${path}.${k}` : k };
      const child = Array.isArray(value) ? `${path}${k}` : path ? `${path}.${k}` : k;
      stack.push({ value: v, path: child, depth: depth + 1 });
    }
  }
  return null;
}

/** How deep a request's JSON may nest. */
const MAX_DEPTH = 64;

/**
 * The console's index.html for every client-side route, with a fresh CSP nonce in its
 * <meta name="csp-nonce"> and in the response's style-src; never cached (the asset names change per
 * build). Re-read when the file changes, so a rebuilt console is served without a restart.
 */
function consoleIndex(
  staticDir: string,
  options: { tls: boolean },
): ((reply: FastifyReply) => FastifyReply) | undefined {
  const file = join(staticDir, 'index.html');
  if (!existsSync(file)) return undefined;
  let template = readFileSync(file, 'utf8');
  let mtimeMs = statSync(file).mtimeMs;
  return (reply) => {
    try {
      const now = statSync(file).mtimeMs;
      if (now !== mtimeMs) {
        template = readFileSync(file, 'utf8');
        mtimeMs = now;
      }
    } catch {
      // mid-rebuild: keep serving the last good copy
    }
    const nonce = randomBytes(16).toString('base64');
    return reply
      .status(200)
      .header('content-security-policy', consoleCsp(nonce, options))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(template.replaceAll('__CSP_NONCE__', nonce));
  };
}

export async function buildServer(app: App, options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const loggerInstance =
    options.logger === false
      ? undefined
      : options.logger
        ? withRedaction(options.logger)
        : createServerLogger(app.config.server.logLevel);
  const server: FastifyInstance = Fastify({
    ...(loggerInstance ? { loggerInstance: loggerInstance as FastifyBaseLogger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    exposeHeadRoutes: false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: trustProxy(app.config.server.trustProxyHops),
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkError,
  });

  // An empty body with `content-type: application/json` (curl -H … -X POST on a route without a body) is
  // no body, not an error; anything else must be valid JSON.
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const raw = String(text);
    if (raw.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(raw));
    } catch {
      done(
        Object.assign(new Error('The request body is not valid JSON.'), {
          statusCode: 400,
          code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        }),
        undefined,
      );
    }
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
  });

  // NUL characters are never meaningful in TrustLens input and PostgreSQL cannot store them: refuse them in
  // the path, the query and the body before any handler (a 400 naming where, never a 500).
  server.addHook('preValidation', async (request) => {
    const where =
      nulIn(request.params, 'path') ?? nulIn(request.query, 'query') ?? nulIn(request.body, 'body');
    if (where) {
      throw new AppError(
        'INVALID_INPUT',
        `The ${where.part} contains a NUL character (in "${where.field}").`,
        {
          details: { field: where.field, location: where.part },
          remediation: 'Remove control characters from the request and send it again.',
        },
      );
    }
  });

  const tls = app.config.server.secureCookies;
  const spaIndex = options.staticDir ? consoleIndex(options.staticDir, { tls }) : undefined;
  installErrorHandling(server, spaIndex ? { spaIndex } : {});
  await installSecurityHeaders(server, { tls });
  await server.register(cookie);
  await server.register(rateLimit, { global: false });
  const table = installAuth(server, { accounts: app.services.accounts });
  server.decorate('apiRoutes', table);
  installHttpMetrics(server, { findingsBySeverity: options.findingsBySeverity });
  await installOpenApi(server, { version: API_VERSION });

  const cookies = { secure: tls };
  await server.register(operationsRoutes, { app });
  await server.register(
    async (api) => {
      await api.register(authRoutes, { app, cookies });
      await api.register(accountRoutes, { app });
      await api.register(integrationRoutes, { app });
      await api.register(syncRoutes, { app });
      await api.register(inventoryRoutes, { app });
      await api.register(extrasRoutes, { app });
      await api.register(findingRoutes, { app });
      await api.register(auditLogRoutes, { app });
      await api.register(postureRoutes, { app });
      await api.register(alertRoutes, { app });
      await api.register(exportRoutes, { app });
    },
    { prefix: API_PREFIX },
  );

  if (!options.staticDir || !existsSync(options.staticDir)) {
    // No web console installed: the address people open leads to the API's interactive docs.
    server.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/api/docs', 302));
  }
  if (spaIndex) {
    server.get('/', { schema: { hide: true } }, async (_request, reply) => spaIndex(reply));
    server.get('/index.html', { schema: { hide: true } }, async (_request, reply) =>
      reply.redirect('/', 301),
    );
  }
  if (options.staticDir && existsSync(options.staticDir)) {
    await server.register(fastifyStatic, {
      root: options.staticDir,
      prefix: '/',
      // Files are looked up per request (a rebuilt console's new asset names work without a restart).
      wildcard: true,
      index: false,
      // index.html is only sent with its nonce (consoleIndex), through the not-found handler.
      allowedPath: (pathName) => pathName !== '/index.html',
      // Vite names assets by their content hash: they never change under the same name.
      setHeaders: (reply, path) => {
        if (path.includes(`${sep}assets${sep}`))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  return server;
}
