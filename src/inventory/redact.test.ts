import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toAgentRecord } from './agents.ts';
import { REDACTED, redactSecrets, redactTool } from './redact.ts';
import { canonicalJson } from '../drift/canonical.ts';
import { SAMPLES } from '../rules/testing/secret-samples.ts';
import type { WireAgent, WireTool } from '../shared/mistral-wire.ts';

// Test values are assembled at run time so this file does not itself look like it holds credentials.
const join = (...parts: string[]) => parts.join('');
/** One value of each shape the secret scanner knows (src/rules/secret-scanner.ts), and a few more. */
const SHAPED = {
  ...SAMPLES,
  bearer_token: join('Bearer ', 'abcdefghijklmnopqrstuvwxyz012345'),
  private_key: join('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----'),
  password_assignment: join('postgres://app@db:5432/crm?pass', 'word=S3cr3tPass!'),
};
/** Plain values under credential-named keys: only the key tells they are secret. */
const PLAIN = {
  password: join('hun', 'ter2'),
  apiKey: join('k-', '1'),
  token: join('tok', '-live'),
};

describe('redactSecrets', () => {
  it('redacts strings under credential-named keys, whatever their shape', () => {
    const input = {
      api_key: PLAIN.apiKey,
      apiKey: PLAIN.apiKey,
      'x-api-key': PLAIN.apiKey,
      db_password: PLAIN.password,
      pwd: PLAIN.password,
      client_secret: PLAIN.token,
      access_token: PLAIN.token,
      refresh_tokens: [PLAIN.token, PLAIN.token],
      Authorization: PLAIN.token,
      private_key: PLAIN.token,
      secretKey: PLAIN.token,
      aws_secret_access_key: PLAIN.token,
      credentials: PLAIN.token,
      passphrase: PLAIN.password,
    };
    const out = redactSecrets(input);
    for (const [k, v] of Object.entries(out)) {
      assert.deepEqual(v, Array.isArray(v) ? [REDACTED, REDACTED] : REDACTED, k);
    }
  });

  it('redacts auth, cookie and session names: any case or separator, as the last word of the name', () => {
    const names = [
      'X-Auth',
      'x-auth',
      'X_AUTH',
      'xAuth',
      'XAuth',
      'X-Api-Auth',
      'basic_auth',
      'proxyAuth',
      'X-Auth-Key',
      'X-Auth-Value',
      'auth_header',
      'Proxy-Authorization',
      'Authentication',
      'Cookie',
      'cookies',
      'Set-Cookie',
      'SET_COOKIE',
      'X-Session',
      'session',
      'X-Session-Id',
      'sessionId',
      'session_key',
      'PHPSESSID',
      'JSESSIONID',
      'ASP.NET_SessionId',
      'X-CSRF',
      'jwt',
      'bearer',
      'pass',
      'Ocp-Apim-Subscription-Key',
      'X-Token-Value',
      'client_secret_value',
      'api_key_value',
    ];
    const out = redactSecrets({ headers: Object.fromEntries(names.map((n) => [n, PLAIN.token])) });
    for (const n of names) assert.equal(out.headers[n], REDACTED, n);
  });

  it('keeps names that only look like those: other words, or the credential word not ending the name', () => {
    const names = [
      'author',
      'authors',
      'author_name',
      'authority',
      'authority_url',
      'authorityUrl',
      'authorized',
      'authorization_url',
      'oauth',
      'oauth_provider',
      'auth_url',
      'authUrl',
      'auth_type',
      'auth_mode',
      'auth_header_name',
      'authentication_method',
      'cookie_name',
      'cookie_domain',
      'cookieMaxAge',
      'session_timeout',
      'sessionTtl',
      'session_name',
      'bypass',
      'compass',
      'passenger',
      'tokenizer',
      'keyboard',
      'key',
      'key_id',
      'monkey',
      'value',
      'header',
    ];
    const input = { settings: Object.fromEntries(names.map((n) => [n, `plain-${n}`])) };
    assert.deepEqual(redactSecrets(input), input);
  });

  it('in a tool: credential headers are redacted, the rest kept; numbers and booleans stay', () => {
    const tool = {
      type: 'connector',
      connector_id: 'crm',
      tool_configuration: {
        headers: {
          'X-Auth': PLAIN.token,
          'X-Api-Auth': PLAIN.apiKey,
          'Proxy-Authorization': PLAIN.token,
          Cookie: `sid=${PLAIN.token}`,
          'Set-Cookie': `sid=${PLAIN.token}; Path=/`,
          'X-Session': PLAIN.token,
          'X-Author': 'jane',
          'X-Authority-Url': 'https://login.example.com',
          Accept: 'application/json',
        },
        auth_type: 'api-key',
        session: 3,
        cookies: true,
      },
    } as unknown as WireTool;
    assert.deepEqual(redactTool(tool), {
      type: 'connector',
      connector_id: 'crm',
      tool_configuration: {
        headers: {
          'X-Auth': REDACTED,
          'X-Api-Auth': REDACTED,
          'Proxy-Authorization': REDACTED,
          Cookie: REDACTED,
          'Set-Cookie': REDACTED,
          'X-Session': REDACTED,
          'X-Author': 'jane',
          'X-Authority-Url': 'https://login.example.com',
          Accept: 'application/json',
        },
        auth_type: 'api-key',
        session: 3,
        cookies: true,
      },
    });
  });

  for (const [kind, value] of Object.entries(SHAPED)) {
    it(`redacts a ${kind} under an innocent key, alone or inside text`, () => {
      const out = redactSecrets({ note: value, link: `see ${value} here`, owner: 'team-x' });
      assert.deepEqual(out, { note: REDACTED, link: REDACTED, owner: 'team-x' });
    });
  }

  it('redacts at every level of nesting, in objects and arrays, and keeps everything else', () => {
    const input = {
      owner: 'team-x',
      cost_center: 4711,
      pii: false,
      retired: null,
      tags: ['support', 'eu', SHAPED.github_token],
      integrations: [
        { name: 'crm', base_url: 'https://crm.example.com/api', auth: { client_secret: PLAIN.token } },
        { name: 'db', dsn: SHAPED.password_assignment, settings: { pool: 5, password: PLAIN.password } },
        [[{ deep: { deeper: [SHAPED.jwt, 'fine'] } }]],
      ],
      max_tokens: 512,
      schema: { properties: { password: { type: 'string', description: 'The user password' } } },
      hint: 'token: <your token here>',
    };
    assert.deepEqual(redactSecrets(input), {
      owner: 'team-x',
      cost_center: 4711,
      pii: false,
      retired: null,
      tags: ['support', 'eu', REDACTED],
      integrations: [
        { name: 'crm', base_url: 'https://crm.example.com/api', auth: { client_secret: REDACTED } },
        { name: 'db', dsn: REDACTED, settings: { pool: 5, password: REDACTED } },
        [[{ deep: { deeper: [REDACTED, 'fine'] } }]],
      ],
      // A count under a credential-like name and a JSON schema describing a password are not secrets.
      max_tokens: 512,
      schema: { properties: { password: { type: 'string', description: 'The user password' } } },
      // A placeholder is not a credential.
      hint: 'token: <your token here>',
    });
  });

  it('does not change its input, is idempotent, and gives the same record for any value of the secret', () => {
    const input = { owner: 'team-x', api_key: PLAIN.apiKey, nested: { note: SHAPED.openai_style_key } };
    const before = JSON.stringify(input);
    const once = redactSecrets(input);
    assert.equal(JSON.stringify(input), before);
    assert.deepEqual(redactSecrets(once), once);
    const rotated = redactSecrets({
      owner: 'team-x',
      api_key: join('k-', '2'),
      nested: { note: join('sk-', 'proj-Zz98Yy76Xx54Ww32Vv10Uu') },
    });
    assert.equal(canonicalJson(rotated), canonicalJson(once));
  });

  it('keeps non-objects as they are', () => {
    assert.equal(redactSecrets(null), null);
    assert.equal(redactSecrets(3), 3);
    assert.equal(redactSecrets('team-x'), 'team-x');
    assert.deepEqual(redactSecrets([]), []);
  });
});

describe('redactTool', () => {
  it('redacts credential-shaped values in tool configuration, keeps the identifiers the inventory joins on', () => {
    const idLikeKey = join('Zk3dE5gH7jK9mN1p', 'Q2sT4vW6xY8zA0bC'); // 32 characters, looks like a key
    const tool = {
      type: 'connector',
      connector_id: idLikeKey,
      authorization: { type: 'api-key', value: PLAIN.apiKey },
      tool_configuration: { headers: { 'X-Trace': SHAPED.bearer_token, Accept: 'application/json' } },
    } as unknown as WireTool;
    assert.deepEqual(redactTool(tool), {
      type: 'connector',
      connector_id: idLikeKey,
      authorization: { type: 'api-key', value: REDACTED },
      tool_configuration: { headers: { 'X-Trace': REDACTED, Accept: 'application/json' } },
    });
    const library = { type: 'document_library', library_ids: [idLikeKey, 'lib-1'] } as WireTool;
    assert.deepEqual(redactTool(library), library);
  });
});

describe('agent records', () => {
  const secrets = [...Object.values(SHAPED), ...Object.values(PLAIN)];
  const wire = (version: number, extra: Partial<WireAgent> = {}): WireAgent => ({
    id: 'ag_1',
    version,
    versions: [1, 2],
    name: 'Support',
    model: 'mistral-medium-latest',
    instructions: 'Answer briefly.',
    tools: [
      { type: 'web_search' },
      {
        type: 'connector',
        connector_id: 'crm',
        authorization: { type: 'oauth2-token', value: PLAIN.token },
        tool_configuration: { headers: { 'X-Upstream': SHAPED.slack_token } },
      } as unknown as WireTool,
      { type: 'document_library', library_ids: ['lib1'] },
    ],
    completion_args: {
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 800,
      extra_headers: { Authorization: SHAPED.bearer_token, 'X-Client': 'trustlens' },
      prediction: { type: 'content', content: `call with ${SHAPED.google_api_key}` },
      stop: ['END', SHAPED.aws_access_key_id],
    },
    guardrails: [
      {
        block_on_error: true,
        moderation_llm_v2: { action: 'block', custom_category_thresholds: { pii: 0.2 } },
        webhook: { url: 'https://hooks.example.com/x', signing_key: PLAIN.apiKey, note: SHAPED.jwt },
      },
    ],
    metadata: {
      owner: 'team-x',
      api_key: PLAIN.apiKey,
      db_password: PLAIN.password,
      callback: SHAPED.openai_style_key,
      routing: { region: 'eu', fallback: [{ key_id: 'k1', blob: SHAPED.private_key }] },
      dsn: SHAPED.password_assignment,
      ids: [SHAPED.mistral_style_key, SHAPED.github_token],
    },
    created_at: '2025-05-01T09:00:00Z',
    updated_at: '2025-06-01T09:00:00Z',
    deployment_chat: false,
    source: 'api',
    ...extra,
  });

  const build = () =>
    toAgentRecord(
      { current: wire(2), versions: [wire(1), wire(2)], aliases: [], usage: null, warnings: [] },
      null,
      new Date('2026-11-28T12:00:00Z'),
    );

  it('an agent with secrets in metadata, completion args, guardrails and tools has none in its record', () => {
    const record = build();
    const text = JSON.stringify(record);
    for (const s of secrets) assert.ok(!text.includes(s), `secret not in the record: ${s.slice(0, 4)}…`);
    for (const part of ['hunter2', 'S3cr3tPass', 'IOSFODNN7', 'abcdefghijklmnop'])
      assert.ok(!text.includes(part));
  });

  it('keeps what is not secret and what the inventory derives', () => {
    const record = build();
    assert.deepEqual(record.metadata, {
      owner: 'team-x',
      api_key: REDACTED,
      db_password: REDACTED,
      callback: REDACTED,
      routing: { region: 'eu', fallback: [{ key_id: 'k1', blob: REDACTED }] },
      dsn: REDACTED,
      ids: [REDACTED, REDACTED],
    });
    for (const config of [record, ...record.versionHistory]) {
      assert.equal(config.temperature, 0.2);
      assert.equal(config.topP, 0.9);
      assert.deepEqual(config.completionArgs, {
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 800,
        extra_headers: { Authorization: REDACTED, 'X-Client': 'trustlens' },
        prediction: { type: 'content', content: REDACTED },
        stop: ['END', REDACTED],
      });
      assert.deepEqual(config.guardrails?.policies[0].webhook, {
        url: 'https://hooks.example.com/x',
        signing_key: REDACTED,
        note: REDACTED,
      });
      assert.equal(config.guardrailPolicies.length, 1);
      assert.equal(config.guardrailPolicies[0].format, 'v2');
      assert.deepEqual(
        config.knowledgeBases.map((k) => k.id),
        ['lib1'],
      );
      assert.equal((config.tools[1] as { connector_id: string }).connector_id, 'crm');
    }
    assert.equal(record.instructions, 'Answer briefly.');
  });

  it('the same secrets give the same record, and so do rotated ones', () => {
    assert.equal(canonicalJson(build()), canonicalJson(build()));
    const rotated = toAgentRecord(
      {
        current: wire(2, { metadata: { ...wire(2).metadata, api_key: join('k-', 'rotated') } }),
        versions: [wire(1), wire(2)],
        aliases: [],
        usage: null,
        warnings: [],
      },
      null,
      new Date('2026-11-28T12:00:00Z'),
    );
    assert.equal(canonicalJson(rotated), canonicalJson(build()));
  });
});
