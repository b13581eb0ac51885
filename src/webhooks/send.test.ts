import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './send.ts';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const close = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

test('posts the body with its headers and reports the answer', async () => {
  let got = '';
  const { url, server } = await serve((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got = `${req.method} ${req.headers['x-test']} ${body}`;
      res.writeHead(204).end();
    });
  });
  try {
    const r = await sendWebhook(`${url}/h`, '{"a":1}', {
      'x-test': 'yes',
      'content-type': 'application/json',
    });
    assert.deepEqual(r, { ok: true, statusCode: 204, error: null, retryAfterMs: null });
    assert.equal(got, 'POST yes {"a":1}');
  } finally {
    await close(server);
  }
});

test('redirects are not followed, Retry-After is read, a silent receiver times out, a closed port is refused', async () => {
  const { url, server } = await serve((req, res) => {
    if (req.url === '/redirect') res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    else if (req.url === '/busy') res.writeHead(429, { 'retry-after': '12' }).end();
    else if (req.url === '/drip') {
      // Headers never complete: one header line every 100 ms.
      res.socket?.write('HTTP/1.1 200 OK\r\n');
      const t = setInterval(() => res.socket?.write('x-drip: 1\r\n'), 100);
      res.socket?.on('close', () => clearInterval(t));
    }
    // '/silent': never answers
  });
  try {
    const redirect = await sendWebhook(`${url}/redirect`, '{}', {});
    assert.equal(redirect.ok, false);
    assert.equal(redirect.statusCode, 302);
    assert.match(redirect.error!, /does not follow redirects/);
    const busy = await sendWebhook(`${url}/busy`, '{}', {});
    assert.equal(busy.retryAfterMs, 12_000);
    const silent = await sendWebhook(`${url}/silent`, '{}', {}, { timeoutMs: 300 });
    // A receiver that drips its answer a byte at a time is cut at the deadline, not kept alive by each byte.
    const drip = await sendWebhook(`${url}/drip`, '{}', {}, { timeoutMs: 400 });
    assert.equal(drip.statusCode, null);
    // Without the overall deadline the idle timer restarts with each line and this ends much later with a
    // header overflow instead.
    assert.equal(drip.error, 'no answer within 0.4 s');
    assert.deepEqual(silent, {
      ok: false,
      statusCode: null,
      error: 'no answer within 0.3 s',
      retryAfterMs: null,
    });
  } finally {
    await close(server);
  }
  const refused = await sendWebhook(url, '{}', {});
  assert.equal(refused.error, 'the connection was refused');
  assert.ok(!refused.error.includes('127.0.0.1'), 'the URL is not in the error');
});
