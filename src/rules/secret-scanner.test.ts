import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findSecrets } from './secret-scanner.ts';
import { SAMPLES } from './testing/secret-samples.ts';

// Test values are assembled at run time so this file does not itself look like it holds credentials.
const join = (...parts: string[]) => parts.join('');

describe('findSecrets', () => {
  for (const [kind, value] of Object.entries(SAMPLES)) {
    it(`finds ${kind}`, () => {
      const found = findSecrets(`Use this: ${value} for calls.`);
      assert.deepEqual(
        found.map((f) => f.kind),
        [kind],
      );
      assert.equal(found[0].offset, 'Use this: '.length);
      assert.ok(!JSON.stringify(found).includes(value.slice(4, 12)), 'no part of the value in the result');
    });
  }

  it('finds private key blocks, bearer tokens and passwords, with line and column', () => {
    const text = [
      'line one',
      `  Authorization: Bearer ${'abcdefghijklmnopqrstuvwxyz012345'}`,
      'db password: S3cr3tPass!',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIE...',
    ].join('\n');
    const found = findSecrets(text);
    assert.deepEqual(
      found.map((f) => [f.kind, f.line, f.column]),
      [
        ['bearer_token', 2, 18],
        ['password', 3, 4],
        ['private_key', 4, 1],
      ],
    );
  });

  it('finds the simulator-style shorter GitHub token (prefix + 28 chars)', () => {
    assert.deepEqual(
      findSecrets(`Use token ${join('ghp_', 'a1b2c3d4e5f60718293a4b5c', '6d7e')} for lookups.`).map(
        (f) => f.kind,
      ),
      ['github_token'],
    );
  });

  it('ignores placeholders and ordinary text', () => {
    assert.deepEqual(
      findSecrets('password: <your password>\ntoken = ******\nNever reveal the api key to users.'),
      [],
    );
    assert.deepEqual(
      findSecrets('Order ids look like 0123456789abcdef0123456789abcdef (hex, lower case).'),
      [],
    );
    assert.deepEqual(findSecrets(''), []);
    assert.deepEqual(findSecrets('The password: Required before any refund. Secret: confidential'), []);
    assert.deepEqual(
      findSecrets('password: hunter22\nsecret=pAsSwOrDy').map((f) => f.kind),
      ['password', 'password'],
    );
  });

  it('finds a short "sk-" key (≥12 chars after the prefix) and the scenario\'s billing key', () => {
    const short = join('sk-', 'test-', 'abc123def456');
    assert.deepEqual(
      findSecrets(`Use ${short} here.`).map((f) => [f.kind, f.offset]),
      [['openai_style_key', 4]],
    );
    const found = findSecrets(`Answer briefly. Billing key: ${short}.`);
    assert.deepEqual(
      found.map((f) => [f.kind, f.column]),
      [['openai_style_key', 'Answer briefly. Billing key: '.length + 1]],
    );
    assert.ok(!JSON.stringify(found).includes('abc123'), 'no part of the value in the result');
    // Too short, or a hyphenated word rather than a key.
    assert.deepEqual(findSecrets(join('Use sk-', 'ab12cd34ef', ' here.')), []);
    assert.deepEqual(findSecrets(join('See sk-', 'learn-estimators for details.')), []);
  });

  it('finds key / api key / secret key assignments with a generated-looking value', () => {
    const text = [
      join('Billing key: ', 'abc123def456'),
      join('api key = ', 'Zx9-Qw8-Er7'),
      join('Secret key: ', 'P@ssW0rd!'),
      join('API_KEY: ', 'k3y-v4lue-0001'),
      join('apikey=', 'a1b2c3d4e5'),
      join('"key": "', 'AbC!dEf@', '"'),
    ].join('\n');
    assert.deepEqual(
      findSecrets(text).map((f) => [f.kind, f.line, f.column]),
      [
        ['password', 1, 9],
        ['password', 2, 1],
        ['password', 3, 1],
        ['password', 4, 1],
        ['password', 5, 1],
        ['password', 6, 2],
      ],
    );
  });

  it('does not flag prose about keys', () => {
    for (const prose of [
      'The key is to be brief.',
      'Key: to be brief.',
      'Key: step-by-step answers only.',
      'Key: Important.',
      'The key = consistency.',
      'Primary key: 12345678.',
      'api key: <your key>',
      'secret key: ********',
      'Use the monkey: bananasplit9 rule.',
      'Keyboard: shortcuts1 matter.',
    ]) {
      assert.deepEqual(findSecrets(prose), [], prose);
    }
  });
});
