/**
 * Operations: /healthz (the process is up), /readyz (database reachable and migrated: 200 or 503),
 * /metrics (Prometheus) and /api/v1/health. /metrics answers without credentials only to a client on
 * this machine that is not behind a proxy (loopback address, no X-Forwarded-For / Forwarded /
 * X-Real-IP header); anyone else needs the operator's metrics token (TRUSTLENS_METRICS_TOKEN): the figures
 * cover every organization, so no organization's credentials open them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { AppError } from '../../errors/index.ts';
import { registry } from '../plugins/metrics.ts';
import { ErrorBody } from '../schemas.ts';

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.literal('ready') });

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

export function isDirectLoopback(request: FastifyRequest): boolean {
  const address = request.socket?.remoteAddress ?? '';
  return LOOPBACK.has(address) && !PROXY_HEADERS.some((h) => request.headers[h] !== undefined);
}

export const operationsRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/healthz',
    {
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  server.get(
    '/api/v1/health',
    {
      config: { minRole: 'public' },
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  server.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and migrated',
        response: { 200: Ready, 503: ErrorBody },
      },
    },
    async (_request, reply) => {
      if (await app.ready()) return { status: 'ready' as const };
      return reply.status(503).send({
        error: {
          code: 'NOT_READY',
          message: 'The database is not reachable or its migrations are not applied.',
          remediation: 'Check the database (DATABASE_URL or the data folder) and the server log.',
        },
      });
    },
  );

  server.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Instance-wide figures (every organization): a direct loopback client, or the operator's metrics
    // token (TRUSTLENS_METRICS_TOKEN) — never an organization's session or API token.
    if (!isDirectLoopback(request)) {
      const expected = app.config.server.metricsToken;
      const given = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
      const digest = (v: string) => createHash('sha256').update(v).digest();
      if (!expected || !given || !timingSafeEqual(digest(given), digest(expected))) {
        throw new AppError('UNAUTHENTICATED', 'Metrics need the metrics token from outside this machine.', {
          remediation: expected
            ? 'Scrape with "Authorization: Bearer <TRUSTLENS_METRICS_TOKEN>", or from 127.0.0.1 directly.'
            : 'Set TRUSTLENS_METRICS_TOKEN on the server and scrape with "Authorization: Bearer <that token>", or scrape from 127.0.0.1 directly.',
        });
      }
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
