import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { AppError } from '../errors/index.ts';
import { ADDRESS_REFUSED, BODY_TOO_LARGE, createHttpGet, type ResolveAll } from './http-get.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createTransport } from './transport.ts';

const bomb = gzipSync(Buffer.alloc(80 * 2 ** 20));

const remotePorts: number[] = [];
const server = createServer((req, res) => {
  remotePorts.push(req.socket.remotePort ?? 0);
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

// A resolver standing in for DNS: no test depends on real DNS or the network.
const ZONE: Record<string, string[]> = {
  'proxy.test': ['127.0.0.1'],
  'metadata-alias.test': ['169.254.169.254'],
  'round-robin.test': ['127.0.0.1', '169.254.169.254'],
  'mapped.test': ['::ffff:169.254.169.254'],
  'aws-v6.test': ['fd00:ec2::254'],
  'unspecified.test': ['0.0.0.0'],
  'private.test': ['10.0.0.1', 'fd12::1'],
};
const asked: string[] = [];
const fakeResolve: ResolveAll = (hostname, _options, callback) => {
  asked.push(hostname);
  const list = ZONE[hostname];
  if (!list) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    return;
  }
  callback(
    null,
    list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  );
};
const port = (server.address() as AddressInfo).port;
const dnsHttp = createHttpGet(2, { resolve: fakeResolve });
after(() => dnsHttp.close());

type Coded = Error & { code?: string };

test('a host name resolving to a loopback address is reached, over one kept-alive connection', async () => {
  const before = remotePorts.length;
  for (let i = 0; i < 3; i++) {
    const a = await dnsHttp.get(`http://proxy.test:${port}/gzip`, {}, 2000);
    assert.equal(a.status, 200);
  }
  const used = new Set(remotePorts.slice(before));
  assert.equal(used.size, 1, 'keep-alive reuses the socket');
  assert.ok(asked.includes('proxy.test'));
});

test('a host name resolving to a link-local, metadata or unspecified address is refused before connecting', async () => {
  const before = remotePorts.length;
  for (const [host, address] of [
    ['metadata-alias.test', '169.254.169.254'],
    ['round-robin.test', '169.254.169.254'],
    ['mapped.test', '::ffff:169.254.169.254'],
    ['aws-v6.test', 'fd00:ec2::254'],
    ['unspecified.test', '0.0.0.0'],
  ]) {
    for (const scheme of ['http', 'https']) {
      const started = Date.now();
      await assert.rejects(dnsHttp.get(`${scheme}://${host}:${port}/gzip`, {}, 5000), (e: Coded) => {
        assert.equal(e.code, ADDRESS_REFUSED, `${scheme}://${host}: ${e.message}`);
        assert.ok(e.message.includes(host) && e.message.includes(address), e.message);
        assert.match(e.message, /link-local, unspecified or cloud metadata address/);
        return true;
      });
      assert.ok(Date.now() - started < 2000, 'refused at lookup, not after a connect timeout');
    }
  }
  assert.equal(remotePorts.length, before, 'nothing reached a server');
});

test('private addresses pass the check (only the connection fails); unknown names stay ENOTFOUND', async () => {
  // 10.0.0.1 is not routed here: what matters is that the error is not the address refusal.
  const e = (await dnsHttp.get(`http://private.test:${port}/`, {}, 300).catch((x: unknown) => x)) as Coded;
  assert.notEqual(e.code, ADDRESS_REFUSED, e.message);
  await assert.rejects(
    dnsHttp.get(`http://nowhere.test:${port}/`, {}, 2000),
    (x: Coded) => x.code === 'ENOTFOUND',
  );
});

test('a literal refused address in the URL is refused too (no lookup is made for it)', async () => {
  for (const url of [
    'http://169.254.169.254/latest/meta-data/',
    'https://[::ffff:a9fe:a9fe]/',
    'http://[fe80::1]/',
  ]) {
    await assert.rejects(dnsHttp.get(url, {}, 5000), (e: Coded) => e.code === ADDRESS_REFUSED, url);
  }
});

test('through the transport: UNREACHABLE at once, saying the address is refused and what to do, no retries', async () => {
  const transport = createTransport({
    apiKey: 'sk-test-key-000',
    limiter: createRateLimiter({ requestsPerSecond: 100, maxConcurrency: 2 }),
    maxRetryElapsedMs: 60_000,
    requestTimeoutMs: 5000,
    httpGet: dnsHttp.get,
  });
  const started = Date.now();
  const e = (await transport
    .request('GET /v1/models', `https://metadata-alias.test:${port}/v1/models`, {
      authorization: 'Bearer sk-test-key-000',
    })
    .catch((x: unknown) => x)) as AppError;
  assert.ok(e instanceof AppError);
  assert.equal(e.code, 'UNREACHABLE');
  assert.match(e.message, /^Refused to connect to https:\/\/metadata-alias\.test:\d+\/v1\/models: /);
  assert.match(
    e.message,
    /resolves to 169\.254\.169\.254, a link-local, unspecified or cloud metadata address/,
  );
  assert.doesNotMatch(e.message, /connection (was )?refused|ECONNREFUSED/i);
  assert.match(e.remediation ?? '', /base URL/);
  assert.match(e.remediation ?? '', /DNS/);
  assert.equal(transport.stats().requests, 1, 'one attempt');
  assert.equal(transport.stats().retries, 0);
  assert.ok(Date.now() - started < 2000, 'no backoff');
});
