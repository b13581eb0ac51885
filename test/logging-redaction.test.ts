/**
 * The server logger's redaction list (src/server/logging.ts) censors every secret field name of the
 * API, the admin key included (audit finding 7): a body or headers logged by mistake never carry it.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { REDACT, redactUrl } from '../src/server/logging.ts';

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
    assert.equal(redactUrl(`/x?adminApiKey=${ADMIN}&a=1`), '/x?adminApiKey=[REDACTED]&a=1');
  });
});
