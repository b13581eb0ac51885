/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas (fastify-type-provider-zod), at
 * /api/openapi.json, and the interactive reference (@fastify/swagger-ui) at /api/docs. The docs pages
 * load swagger-ui's own files from 'self'; their policy allows inline styles (swagger-ui sets style
 * attributes) but still no inline script.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const DOCS_PREFIX = '/api/docs';

export async function installOpenApi(server: FastifyInstance, options: { version: string }) {
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TrustLens API',
        version: options.version,
        description:
          'Inventory, findings and posture of the AI agents of Mistral workspaces. Lists return `{ items, nextCursor }`; errors return `{ error: { code, message, remediation } }`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (POST /api/v1/tokens)' },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'trustlens_session',
            description: 'The browser session; writes also need the x-csrf-token header',
          },
        },
      },
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  server.get('/api/openapi.json', { schema: { hide: true }, config: {} }, async (_request, reply) =>
    reply.type('application/json').send(server.swagger()),
  );

  await server.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { deepLinking: true },
    staticCSP: {
      'default-src': ["'self'"],
      'base-uri': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
    },
  });
}
