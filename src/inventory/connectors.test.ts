/**
 * cleanServerUrl: no credential of a connector's server URL is ever kept — user:password@ parts (also
 * in URLs that do not parse, scheme-relative ones and passwords holding a "/"), every query value but
 * the plain value of a harmless parameter (page, transport, …), token-like path segments and query
 * names, fragments, and the whole query of a URL that cannot be taken apart — while the host and
 * ordinary path words stay for the rules and the reader.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectorTools } from '../rules/connector-helpers.ts';
import type { WireConnector } from '../shared/mistral-wire-connectors.ts';
import { cleanServerUrl, toConnectorRecord, tokenLike } from './connectors.ts';

const SECRETS = ['abc123', 'pw', 'pa/ss', 's3cr3t'];
const R = '%5BREDACTED%5D';

test('credentials never survive, in any shape of URL', () => {
  const cases: Array<[string, string | null, boolean]> = [
    ['https://ok.example.com/mcp', 'https://ok.example.com/mcp', false],
    ['https://user:s3cr3t@ok.example.com/mcp', 'https://ok.example.com/mcp', true],
    ['https://ok.example.com/mcp?api_key=s3cr3t&x=2', `https://ok.example.com/mcp?api_key=${R}&x=${R}`, true],
    ['https://h.example.com/mcp#access_token=abc123', 'https://h.example.com/mcp', true],
    ['mcp.example.com/sse?token=abc123', 'mcp.example.com/sse', true],
    ['ftp://h/x?password=abc123', 'ftp://h/x', true],
    ['//user:pw@host/x', '//host/x', true],
    ['https://user:pa/ss@host/mcp', 'https://host/mcp', true],
    ['https://h.example.com/users/@me', 'https://h.example.com/users/@me', false],
  ];
  for (const [raw, server, had] of cases) {
    const c = cleanServerUrl(raw);
    assert.equal(c.server, server, raw);
    assert.equal(c.hadCredentials, had, raw);
    for (const s of SECRETS)
      if (raw.includes(s)) assert.ok(!JSON.stringify(c).includes(s), `${raw} keeps ${s}`);
  }
});

test('query values are redacted whatever the parameter is named; only plain values of harmless ones stay', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl';
  const cases: Array<[string, string]> = [
    [`https://mcp.example.com/sse?jwt=${JWT}`, `https://mcp.example.com/sse?jwt=${R}`],
    ['https://mcp.example.com/sse?bearer=abcdef123456', `https://mcp.example.com/sse?bearer=${R}`],
    ['https://mcp.example.com/sse?session=s3cr3tSESSION', `https://mcp.example.com/sse?session=${R}`],
    ['https://mcp.example.com/mcp?code=AUTHCODE42', `https://mcp.example.com/mcp?code=${R}`],
    // Repeated names keep every occurrence; a known name with a token-like value loses it.
    ['https://h.example.com/x?a=HIDDEN1&a=HIDDEN2', `https://h.example.com/x?a=${R}&a=${R}`],
    [`https://h.example.com/x?page=${JWT}&limit=50`, `https://h.example.com/x?page=${R}&limit=50`],
    // A bare token as the parameter name is no better hidden than as its value.
    [`https://h.example.com/x?${JWT}`, `https://h.example.com/x?${R}=`],
  ];
  for (const [raw, server] of cases) {
    const c = cleanServerUrl(raw);
    assert.equal(c.server, server, raw);
    assert.equal(c.redacted, true, raw);
    // A value hidden as a precaution (an unknown parameter, a plain value) is no evidence of a credential.
    assert.equal(c.hadCredentials, !raw.includes('HIDDEN1'), raw);
    assert.equal(c.host, new URL(raw).hostname, 'the host is kept for the rules');
    for (const secret of [JWT, 'abcdef123456', 's3cr3tSESSION', 'AUTHCODE42', 'HIDDEN1', 'HIDDEN2'])
      assert.ok(!JSON.stringify(c).includes(secret), `${raw} keeps ${secret}`);
  }
});

test('a token in the path is redacted; ordinary path words, hosts and harmless options are kept', () => {
  const zapier = cleanServerUrl('https://actions.zapier.com/mcp/sk-ak-0a1B2c3D4e5F6g7H8i9J0k1L2m3N/sse');
  assert.equal(zapier.server, `https://actions.zapier.com/mcp/${R}/sse`);
  assert.equal(zapier.hadCredentials, true);
  assert.equal(zapier.host, 'actions.zapier.com');
  assert.equal(zapier.exposure, 'public');
  assert.equal(zapier.scheme, 'https');
  // Without a scheme the URL is not taken apart, but the key is still not kept.
  const bare = cleanServerUrl('actions.zapier.com/mcp/sk-ak-0a1B2c3D4e5F6g7H8i9J0k1L2m3N/sse');
  assert.equal(bare.server, `actions.zapier.com/mcp/${R}/sse`);
  assert.equal(bare.hadCredentials, true);
  for (const [raw, server, credential] of [
    // A UUID or a lower-case hex id is hidden as a precaution, but is no evidence of a credential.
    [
      'https://mcp.pipedream.net/3f2b6c1e-9a4d-4c2b-8e1f-0a1b2c3d4e5f/gmail',
      `https://mcp.pipedream.net/${R}/gmail`,
      false,
    ],
    [
      'https://h.example.com/hooks/0123456789abcdef0123456789abcdef/sse',
      `https://h.example.com/hooks/${R}/sse`,
      false,
    ],
    ['https://h.example.com/k/aB3dE5fG7hJ9kL1mN3pQ/sse', `https://h.example.com/k/${R}/sse`, true],
    [
      'https://h.example.com/k/ghp_0123456789abcdefghijABCDEFGHIJ012345',
      `https://h.example.com/k/${R}`,
      true,
    ],
  ] as const) {
    const c = cleanServerUrl(raw);
    assert.equal(c.server, server, raw);
    assert.equal(c.redacted, true, raw);
    assert.equal(c.hadCredentials, credential, raw);
  }
  for (const ordinary of [
    'https://mcp.example.com/mcp/sse',
    'https://mcp.example.com/v1/2025-03-26/my-crm-server/sse?transport=sse&page=2',
    'https://mcp.example.com/users/@me/tools',
    'wss://mcp.example.com:8443/ws',
  ]) {
    const c = cleanServerUrl(ordinary);
    assert.equal(c.server, ordinary, ordinary);
    assert.equal(c.hadCredentials, false, ordinary);
    assert.equal(c.redacted, false, ordinary);
  }
  // Options of other names lose their values, as a precaution only: no "credential in its URL".
  for (const raw of [
    'https://mcp.example.com/sse?tenant=contoso&env=prod',
    'https://mcp.example.com/sse?workspace=acme&debug=true&organization_id=org_123',
  ]) {
    const c = cleanServerUrl(raw);
    assert.equal(c.redacted, true, raw);
    assert.equal(c.hadCredentials, false, raw);
  }
  // Cleaning is idempotent: a cleaned URL is kept as it is (its markers are not "new" removals).
  const again = cleanServerUrl(zapier.server);
  assert.equal(again.server, zapier.server);
  const q = cleanServerUrl(`https://mcp.example.com/sse?jwt=${R}`);
  assert.equal(q.server, `https://mcp.example.com/sse?jwt=${R}`);
});

test('tokenLike tells generated tokens from path words', () => {
  for (const t of [
    'sk-ak-0a1B2c3D4e5F6g7H8i9J0k1L2m3N',
    '3f2b6c1e-9a4d-4c2b-8e1f-0a1b2c3d4e5f',
    'a1b2c3d4e5f6',
    'abcdefghijklmnopqrstuvwxyz',
    'aB3dE-5fG7h-J9kL1-mN3pQ',
  ])
    assert.ok(tokenLike(t), t);
  for (const w of ['mcp', 'sse', 'v1', '2025-03-26', 'my-crm-server', 'server-v2', 'gmail', '@me', ''])
    assert.ok(!tokenLike(w), w);
});

test("a connector's tools: null or absent on the wire stay null (unknown); [] stays [] (none)", () => {
  const wire = (over: Partial<WireConnector>): WireConnector => {
    const base: WireConnector = {
      id: 'c1',
      name: 'crm',
      description: 'CRM',
      created_at: '2026-01-01T00:00:00Z',
      modified_at: '2026-01-01T00:00:00Z',
      owner_type: 'org',
      visibility: 'shared_org',
      private_tool_execution: false,
      ...over,
    };
    return base;
  };
  const record = (c: WireConnector) =>
    toConnectorRecord({ connector: c, credentials: { organization: [], workspace: [], user: [] } }, []);
  const nulled = record(wire({ tools: null }));
  assert.equal(nulled.tools, null);
  assert.equal(connectorTools(nulled), null, 'the rules read it as unknown');
  const absent = wire({});
  delete absent.tools;
  assert.equal(record(absent).tools, null);
  assert.equal(record(wire({ tools: 'search' as never })).tools, null, 'not a list: unknown too');
  const empty = record(wire({ tools: [] }));
  assert.deepEqual(empty.tools, []);
  assert.deepEqual(connectorTools(empty), [], 'the rules read it as none');
  const listed = record(
    wire({
      tools: [
        {
          id: 't1',
          name: 'search_accounts',
          description: 'Search',
          execution_config: null,
          visibility: 'shared_org',
          created_at: '2026-01-01T00:00:00Z',
          modified_at: '2026-01-01T00:00:00Z',
          active: false,
        },
      ],
    }),
  );
  assert.deepEqual(listed.tools, [{ name: 'search_accounts', description: 'Search', active: false }]);
});
