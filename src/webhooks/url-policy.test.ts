import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWebhookUrl, forbiddenAddress, localAddress, urlHint } from './url-policy.ts';

test('link-local, unspecified and their mapped forms are never reached', () => {
  for (const a of [
    '169.254.169.254',
    '0.0.0.0',
    '::',
    'fe80::1',
    '[fe80::1]',
    '::ffff:169.254.169.254',
    'febf::1',
  ])
    assert.ok(forbiddenAddress(a), a);
  for (const a of ['127.0.0.1', '10.0.0.1', '8.8.8.8', '::1', 'hooks.slack.com'])
    assert.ok(!forbiddenAddress(a), a);
});

test('plain http only to loopback and private addresses', () => {
  for (const h of [
    '127.0.0.1',
    'localhost',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '[::1]',
    'fd00::1',
  ])
    assert.ok(localAddress(h), h);
  for (const h of ['172.32.0.1', '8.8.8.8', 'example.com', '2001:db8::1']) assert.ok(!localAddress(h), h);
  assert.equal(checkWebhookUrl('http://127.0.0.1:9000/x').host, '127.0.0.1:9000');
  assert.equal(checkWebhookUrl('https://hooks.slack.com/services/T/B/X').hostname, 'hooks.slack.com');
  assert.throws(
    () => checkWebhookUrl('http://hooks.slack.com/services/T/B/X'),
    /plain http to a public host/,
  );
  assert.throws(() => checkWebhookUrl('https://x.example/a#b'), /fragment/);
  assert.throws(() => checkWebhookUrl('gopher://x.example/'), /uses gopher/);
});

test('errors and hints never repeat the secret part of a URL', () => {
  const secret = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXXabcd';
  assert.equal(urlHint(new URL(secret)), 'https://hooks.slack.com/…abcd');
  assert.equal(
    urlHint(new URL('https://x.example/t0k')),
    'https://x.example/…',
    'a short path is not shown at all',
  );
  try {
    checkWebhookUrl(secret.replace('https', 'http'));
    assert.fail('refused');
  } catch (e) {
    assert.ok(!(e as Error).message.includes('SECRET'));
  }
});
