/**
 * The server logger's redaction list (src/server/logging.ts) censors every secret field name of the
 * API, the admin key included (audit finding 7): a body or headers logged by mistake never carry it.
 * Logged URLs keep only the values of the API's own harmless query parameters (cursor, limit, status…):
 * any other value is censored, whatever its parameter is called.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { REDACT, redactUrl, withRedaction } from '../src/server/logging.ts';

// Assembled at run time, so this file does not itself look like it holds a token.
const TLK = ['tlk', 'Qm9vYmFy-YmF6cXV4_cXV1eHl6enk0MjQyNDI'].join('_');

function logged(obj: Record<string, unknown>): string {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  pino({ redact: REDACT }, sink).info(obj, 'request');
  return out;
}

describe('server logger redaction', () => {
  const ADMIN = 'adm-SECRET-0123456789abcdef';
  const ORDINARY = 'ord-SECRET-0123456789abcdef';

  it('censors adminApiKey and apiKey at the top level and in a logged body or headers', () => {
    const out = logged({
      adminApiKey: ADMIN,
      body: { adminApiKey: ADMIN, apiKey: ORDINARY, name: 'Prod' },
      req: { body: { adminApiKey: ADMIN }, headers: { adminApiKey: ADMIN } },
    });
    assert.ok(!out.includes(ADMIN), `the admin key was logged: ${out}`);
    assert.ok(!out.includes(ORDINARY), 'the ordinary key was logged');
    assert.ok(out.includes('[REDACTED]'));
    assert.ok(out.includes('Prod'), 'other fields are kept');
  });

  it('censors the admin key in a logged URL query', () => {
    assert.equal(redactUrl(`/x?adminApiKey=${ADMIN}&limit=1`), '/x?adminApiKey=[REDACTED]&limit=1');
  });

  it('censors every query value but those of the API’s harmless parameters', () => {
    const cases: Array<[string, string]> = [
      [
        '/api/v1/integrations?cursor=x&access_token=SECRETQ2',
        '/api/v1/integrations?cursor=x&access_token=[REDACTED]',
      ],
      [
        '/x?ACCESS_TOKEN=S1&Api-Key=S2&jwt=S3&sig=S4&code=S5&session=S6',
        '/x?ACCESS_TOKEN=[REDACTED]&Api-Key=[REDACTED]&jwt=[REDACTED]&sig=[REDACTED]&code=[REDACTED]&session=[REDACTED]',
      ],
      // An encoded name is no way around it; a bare unknown parameter may be the secret itself.
      ['/x?%74oken=S7&limit=50', '/x?%74oken=[REDACTED]&limit=50'],
      ['/x?S8SECRET&status=open', '/x?[REDACTED]&status=open'],
      // Free text is not on the list; a credential-shaped value of a listed parameter is censored too.
      ['/api/v1/agents?q=hunter2&sort=name&order=asc', '/api/v1/agents?q=[REDACTED]&sort=name&order=asc'],
      ['/x?cursor=sk-proj-0123456789abcdefghij', '/x?cursor=[REDACTED]'],
      // A key pasted into the path, and a fragment.
      ['/api/v1/sk-proj-0123456789abcdefghij/x', '/api/v1/[REDACTED]/x'],
      ['/x#access_token=S9', '/x#[REDACTED]'],
      // TrustLens's own API tokens (tlk_…), in the path or as the value of a listed parameter.
      [`/api/v1/tokens/${TLK}/x`, '/api/v1/tokens/[REDACTED]/x'],
      [`/x?cursor=${TLK}`, '/x?cursor=[REDACTED]'],
      [
        '/api/v1/findings?status=open&severity=high&limit=20',
        '/api/v1/findings?status=open&severity=high&limit=20',
      ],
      [
        '/api/v1/integrations/6f1c2a9e-0b7d-4d3e-9a1f-2b3c4d5e6f70/agents',
        '/api/v1/integrations/6f1c2a9e-0b7d-4d3e-9a1f-2b3c4d5e6f70/agents',
      ],
    ];
    for (const [url, expected] of cases) assert.equal(redactUrl(url), expected, url);
  });

  it('the logger the server builds censors the URL of every request it logs', async () => {
    // The same wiring as buildServer({ logger }): fastify logs each request's URL through withRedaction.
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const server = Fastify({
      loggerInstance: withRedaction(pino({ level: 'info' }, sink)) as FastifyBaseLogger,
    });
    server.get('/api/v1/integrations', async () => ({ items: [] }));
    try {
      const secrets = ['SECRETQ2', 'SECRETJWT3', 'SECRETSIG4'];
      const r = await server.inject({
        method: 'GET',
        url: `/api/v1/integrations?cursor=x&access_token=${secrets[0]}&JWT=${secrets[1]}&X-Amz-Signature=${secrets[2]}&limit=5`,
      });
      assert.equal(r.statusCode, 200);
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { req?: { url?: string } });
      const logged = lines.filter((l) => l.req?.url).map((l) => l.req!.url);
      assert.deepEqual(logged, [
        '/api/v1/integrations?cursor=x&access_token=[REDACTED]&JWT=[REDACTED]&X-Amz-Signature=[REDACTED]&limit=5',
      ]);
      for (const s of secrets) assert.ok(!out.includes(s), `${s} reached the log: ${out}`);
    } finally {
      await server.close();
    }
  });
});
