/**
 * Issue 9 #7 and #8: answers that fail the same way every time are not retried. A 200 web page
 * where JSON is expected (a proxy's login page) and a TLS handshake against a plain-http server stop
 * at once, naming the full URL asked and what to check; also through `trustlens scan` as a process.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createMistralConnector } from '../src/mistral/index.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { startFixture, TEST_KEY, type Fixture } from './connector-fixture.ts';
import { runCli } from './helpers/run-cli.ts';

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy login</body></html>';
const open: Array<Fixture | SimulatorHandle> = [];
after(async () => {
  for (const x of open) await x.close();
});

async function loginPageServer(): Promise<Fixture> {
  const fx = await startFixture(() => ({
    status: 200,
    raw: LOGIN_PAGE,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  }));
  open.push(fx);
  return fx;
}

type Coded = Error & { code: string; remediation?: string };

test('a 200 text/html answer is not retried: one request, the full URL and what to check', async () => {
  const fx = await loginPageServer();
  const c = createMistralConnector({ apiKey: TEST_KEY, baseUrl: fx.url, maxRetryElapsedMs: 60_000 });
  const started = Date.now();
  const e = (await c.listModels().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNEXPECTED_RESPONSE');
  assert.equal(fx.requests.length, 1, 'asked once');
  assert.ok(Date.now() - started < 5_000);
  assert.ok(e.message.includes(`${fx.url}/v1/models`), e.message);
  assert.match(e.message, /web page/);
  assert.match(e.remediation ?? '', /base URL/);
  assert.match(e.remediation ?? '', /proxy/);
  assert.ok(!e.message.includes(TEST_KEY));
  assert.equal(c.stats().retries, 0);
});

test('an HTML body without a content type is a web page too; a garbled JSON answer is still retried', async () => {
  let n = 0;
  const fx = await startFixture(() =>
    n++ === 0 ? { raw: '{"object":"list","data":[' } : { raw: LOGIN_PAGE, headers: { 'content-type': '' } },
  );
  open.push(fx);
  const c = createMistralConnector({ apiKey: TEST_KEY, baseUrl: fx.url, maxRetryElapsedMs: 60_000 });
  const e = (await c.listModels().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNEXPECTED_RESPONSE');
  assert.match(e.message, /web page/);
  assert.equal(fx.requests.length, 2, 'the garbled JSON was retried once, the page not');
});

test('https:// against a plain-http server fails at once (no retries) and suggests http vs https', async () => {
  const sim = await startSimulator({ seed: 3, generator: { agents: 2, conversations: 5 } });
  open.push(sim);
  const httpsUrl = sim.url.replace(/^http:/, 'https:');
  const c = createMistralConnector({ apiKey: sim.apiKey, baseUrl: httpsUrl, maxRetryElapsedMs: 60_000 });
  const started = Date.now();
  const e = (await c.listModels().catch((x: unknown) => x)) as Coded;
  assert.equal(e.code, 'UNREACHABLE');
  assert.ok(Date.now() - started < 5_000, 'no backoff');
  assert.equal(c.stats().requests, 1, 'one attempt');
  assert.ok(e.message.includes(`${httpsUrl}/v1/models`), e.message);
  assert.match(e.message, /TLS/);
  assert.match(e.remediation ?? '', /http:\/\/ vs https:\/\/|plain http/);
});

test('trustlens scan against a login page exits 1 at once, naming the URL; against https-on-http exits 2 at once', async () => {
  const fx = await loginPageServer();
  let started = Date.now();
  const page = await runCli(['scan', '--base-url', fx.url], { MISTRAL_API_KEY: TEST_KEY }, 60_000);
  assert.equal(page.code, 1, page.stderr);
  assert.ok(Date.now() - started < 45_000);
  assert.ok(page.stderr.includes(`${fx.url}/v1/models`), page.stderr);
  assert.match(page.stderr, /answered with a web page/);
  assert.match(page.stderr, /What to do: .*proxy/);
  assert.equal(fx.requests.filter((r) => r.path === '/v1/models').length, 1);

  const sim = await startSimulator({ seed: 3, generator: { agents: 2, conversations: 5 } });
  open.push(sim);
  started = Date.now();
  const tls = await runCli(
    ['scan', '--base-url', sim.url.replace(/^http:/, 'https:')],
    { MISTRAL_API_KEY: sim.apiKey },
    60_000,
  );
  assert.equal(tls.code, 2, tls.stderr);
  assert.ok(Date.now() - started < 45_000);
  assert.match(tls.stderr, /TLS/);
  assert.match(tls.stderr, /What to do: .*http/);
  assert.equal(sim.stats().totalRequests, 0, 'no HTTP request reached the plain-http server');
});
