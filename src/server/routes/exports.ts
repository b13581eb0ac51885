/**
 * Exports of an integration's latest sync: the scan JSON, OCSF, SARIF, CSV, CycloneDX or the HTML
 * report (src/exports), always as a download (Content-Disposition: attachment) so that a report's
 * HTML is never rendered in the console's origin.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app/root.ts';
import { EXPORT_FORMATS } from '../../services/exports.ts';
import { actorOf } from '../plugins/auth.ts';
import { IdParams, responses } from '../schemas.ts';

const ExportQuery = z.object({
  format: z
    .enum(EXPORT_FORMATS)
    .default('json')
    .describe(
      'json (the scan JSON), ocsf (OCSF 1.8 Detection Findings), sarif (SARIF 2.1.0), csv, cyclonedx (CycloneDX 1.6 AI-BOM) or html',
    ),
});

export const exportRoutes: FastifyPluginAsyncZod<{ app: App }> = async (server, { app }) => {
  server.get(
    '/integrations/:id/export',
    {
      config: { minRole: 'viewer' },
      schema: {
        tags: ['exports'],
        summary: "The integration's latest sync as a file in the chosen format",
        params: IdParams,
        querystring: ExportQuery,
        response: responses({
          200: z.string().describe('The file (its Content-Type depends on the format)'),
        }),
      },
    },
    async (request, reply) => {
      const file = await app.services.exports.render(
        actorOf(request),
        request.params.id,
        request.query.format,
      );
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .serializer((body: unknown) => body as string)
        .send(file.body);
    },
  );
};
