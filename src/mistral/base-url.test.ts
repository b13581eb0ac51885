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
