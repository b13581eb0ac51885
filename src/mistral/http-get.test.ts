import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BODY_TOO_LARGE, createHttpGet } from './http-get.ts';

const bomb = gzipSync(Buffer.alloc(80 * 2 ** 20));

const server = createServer((req, res) => {
  if (req.url === '/gzip') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify({ ok: true, echo: req.headers['x-a'] })));
  } else if (req.url === '/bomb') {
    // 80 MiB of zeros compress to ~80 KB: refused once decompressed past the cap.
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(bomb);
  } else if (req.url === '/huge') {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(2 ** 20, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < 80 && res.write(chunk)) sent++;
      if (sent < 80) res.once('drain', pump);
      else res.end();
    };
    res.on('close', () => (sent = 80));
    pump();
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('{}'), 1000).unref();
  } else if (req.url === '/cut') {
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"partial":');
    setTimeout(() => res.destroy(), 10).unref();
  } else {
    res.writeHead(404, { 'set-cookie': ['a=1', 'b=2'] });
    res.end('nope');
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const http = createHttpGet(2);
after(() => {
  http.close();
  server.closeAllConnections();
  server.close();
});

test('decompresses gzip, sends the given headers, drops encoding headers', async () => {
  const a = await http.get(`${base}/gzip`, { 'x-a': 'hello' }, 2000);
  assert.equal(a.status, 200);
  assert.deepEqual(JSON.parse(a.text), { ok: true, echo: 'hello' });
  assert.equal(a.headers.get('content-encoding'), null);
});

test('non-2xx answers are returned, repeated headers kept', async () => {
  const a = await http.get(`${base}/other`, {}, 2000);
  assert.equal(a.status, 404);
  assert.equal(a.text, 'nope');
  assert.match(a.headers.get('set-cookie') ?? '', /a=1/);
});

test('a slow answer times out; a cut-off answer is a reset', async () => {
  await assert.rejects(http.get(`${base}/slow`, {}, 100), (e: Error) => e.name === 'TimeoutError');
  await assert.rejects(
    http.get(`${base}/cut`, {}, 2000),
    (e: Error & { code?: string }) => e.code === 'ECONNRESET',
  );
});

test('an answer larger than the cap (raw or decompressed) is refused, not buffered', async () => {
  for (const path of ['/bomb', '/huge']) {
    await assert.rejects(
      http.get(`${base}${path}`, {}, 20_000),
      (e: Error & { code?: string }) => e.code === BODY_TOO_LARGE,
      path,
    );
  }
});
