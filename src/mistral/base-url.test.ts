import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveBaseUrl } from './base-url.ts';

test('named servers and default', () => {
  assert.equal(resolveBaseUrl(undefined), 'https://api.mistral.ai');
  assert.equal(resolveBaseUrl('global'), 'https://api.mistral.ai');
  assert.equal(resolveBaseUrl('eu'), 'https://api.eu.mistral.ai');
  assert.equal(resolveBaseUrl('us'), 'https://api.us.mistral.ai');
});

test('custom URLs keep their path prefix and lose a trailing slash', () => {
  assert.equal(resolveBaseUrl('http://127.0.0.1:8787/'), 'http://127.0.0.1:8787');
  assert.equal(resolveBaseUrl('http://localhost:8787/p'), 'http://localhost:8787/p');
  assert.equal(resolveBaseUrl('https://proxy.example.com/mistral/'), 'https://proxy.example.com/mistral');
});

test('non-http(s), malformed and credential-bearing URLs are INVALID_INPUT with a remediation', () => {
  for (const bad of [
    'ftp://x.example',
    'file:///etc/passwd',
    'not a url',
    'https://user:pw@api.mistral.ai',
    'http://proxy.example.com/mistral', // plain http off this machine would expose the key
    'http://10.0.0.5:8080',
  ]) {
    assert.throws(
      () => resolveBaseUrl(bad),
      (e: Error & { code?: string; remediation?: string }) => e.code === 'INVALID_INPUT' && !!e.remediation,
      bad,
    );
  }
});

test('link-local, unspecified and cloud metadata addresses are refused, over https too, with what to do', () => {
  for (const bad of [
    'https://169.254.169.254',
    'https://169.254.169.254/latest/meta-data',
    'http://169.254.169.254',
    'https://2852039166', // 169.254.169.254 as one number
    'https://0xa9fea9fe',
    'https://169.254.170.2:8080/v2',
    'https://100.100.100.200',
    'https://[fd00:ec2::254]',
    'https://[fe80::1]',
    'https://[::ffff:169.254.169.254]',
    'https://[::ffff:a9fe:a9fe]',
    'https://0.0.0.0:8787',
    'https://[::]',
    'https://metadata.google.internal/computeMetadata/v1',
    'https://METADATA.GOOGLE.INTERNAL./',
    'https://metadata.goog',
    'http://metadata',
    'https://instance-data.ec2.internal',
  ]) {
    assert.throws(
      () => resolveBaseUrl(bad),
      (e: Error & { code?: string; remediation?: string }) =>
        e.code === 'INVALID_INPUT' &&
        /link-local, unspecified or cloud metadata address/.test(e.message) &&
        /https:\/\/api\.mistral\.ai/.test(e.remediation ?? ''),
      bad,
    );
  }
});

test('loopback over http and public hosts over https still work', () => {
  assert.equal(resolveBaseUrl('http://127.0.0.1:8787'), 'http://127.0.0.1:8787');
  assert.equal(resolveBaseUrl('http://127.1.2.3:8787/x/'), 'http://127.1.2.3:8787/x');
  assert.equal(resolveBaseUrl('http://[::1]:8787'), 'http://[::1]:8787');
  assert.equal(resolveBaseUrl('http://LOCALHOST:8787'), 'http://localhost:8787');
  assert.equal(resolveBaseUrl('https://api.mistral.ai/'), 'https://api.mistral.ai');
  assert.equal(resolveBaseUrl('https://10.0.0.5:8443/mistral'), 'https://10.0.0.5:8443/mistral');
  assert.equal(resolveBaseUrl('https://metadata.example.com'), 'https://metadata.example.com');
  for (const bad of ['http://169.254.1.1.example.com', 'http://app.localhost:8787', 'http://192.168.1.5']) {
    assert.throws(() => resolveBaseUrl(bad), /plain http/, bad);
  }
});
