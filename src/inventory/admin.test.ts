import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WireApiKey, WireAuditLog, WireInvite, WireMember } from '../shared/mistral-wire-admin.ts';
import type { DataQualityWarning } from './types.ts';
import {
  AUDIT_DETAIL_MAX,
  isAdminRole,
  isCredentialName,
  roleNamesOf,
  toApiKeyRecord,
  toAuditEntryRecord,
  toInviteRecord,
  toMemberRecord,
  toRateLimitRecord,
  toUsageCostRecord,
  toWorkspaceRecord,
} from './admin.ts';

const key = (over: Partial<WireApiKey> = {}): WireApiKey => ({
  key_id: 'k1',
  name: 'CI',
  hidden_key: 'HQSx...Ug6Y',
  created_at: '2025-01-01T00:00:00Z',
  expiration_date: null,
  workspace_id: 'w1',
  workspace_name: 'Default',
  created_by: 'alice@example.com',
  product: 'API',
  last_used: '2026-11-01',
  can_delete: true,
  ...over,
});

test('an API key record: fields mapped, the plaintext key never carried, the integration key told by its mask', () => {
  const r = toApiKeyRecord(key({ key: 'PLAINTEXT-VALUE' }), { integrationKeyHidden: 'HQSx...Ug6Y' })!;
  assert.equal(r.id, 'k1');
  assert.equal(r.expiresOn, null);
  assert.equal(r.lastUsedOn, '2026-11-01');
  assert.equal(r.isIntegrationKey, true);
  assert.ok(!JSON.stringify(r).includes('PLAINTEXT-VALUE'));
  assert.equal(toApiKeyRecord(key(), { integrationKeyHidden: 'abcd...wxyz' })!.isIntegrationKey, false);
  assert.equal(toApiKeyRecord(key())!.isIntegrationKey, null, 'unknown without the ordinary key');
  assert.equal(toApiKeyRecord({ ...key(), key_id: '' }), null, 'no id: dropped');
});

test('members and invites: admin told by the role letter or a role UUID whose name says admin', () => {
  const roles = {
    organization_roles: [
      { uuid: 'r-admin', name: 'Organization Admin', description: '', is_custom_role: false },
    ],
    workspace_roles: [],
  };
  const names = roleNamesOf(roles);
  const member = (raw_roles: string[]): WireMember => ({
    uuid: 'u1',
    oid_id: null,
    name: 'Alice',
    email: 'alice@example.com',
    is_sso_outsider: true,
    workspaces: [{ uuid: 'w1', name: 'Default', is_default: true, raw_roles: ['r-ws'], raw_role: 'r-ws' }],
    raw_roles,
    raw_role: raw_roles[0] ?? '',
    created_at: '2025-01-01T00:00:00Z',
  });
  assert.equal(toMemberRecord(member(['A']))!.isAdmin, true);
  assert.equal(toMemberRecord(member(['r-admin']), names)!.isAdmin, true);
  assert.equal(toMemberRecord(member(['r-admin']))!.isAdmin, false, 'a UUID without its name does not count');
  assert.equal(toMemberRecord(member(['M']), names)!.isAdmin, false);
  const m = toMemberRecord(member(['M']))!;
  assert.equal(m.ssoOutsider, true);
  assert.deepEqual(m.workspaces, [{ id: 'w1', name: 'Default', isDefault: true, roles: ['r-ws'] }]);
  assert.equal(isAdminRole('B'), false);

  const invite: WireInvite = {
    uuid: 'i1',
    raw_roles: ['A'],
    raw_role: 'A',
    email: 'bob@example.com',
    expired: false,
    created_at: '2026-01-01T00:00:00Z',
    workspace_uuids: ['w1'],
  };
  assert.deepEqual(toInviteRecord(invite), {
    id: 'i1',
    email: 'bob@example.com',
    roles: ['A'],
    grantsAdmin: true,
    expired: false,
    createdAt: '2026-01-01T00:00:00Z',
    workspaceIds: ['w1'],
  });
  assert.deepEqual(
    toWorkspaceRecord({
      uuid: 'w1',
      name: 'W',
      description: null,
      icon: null,
      is_default: false,
      members_count: 3,
    }),
    { id: 'w1', name: 'W', isDefault: false, membersCount: 3 },
  );
});

const entry = (over: Partial<WireAuditLog> = {}): WireAuditLog => ({
  log_id: 7,
  created_at: '2026-11-30T14:02:00Z',
  actor_type: 'HUMAN',
  actor_metadata: { user_uuid: 'u1', email: 'alice@example.com', name: 'Alice' },
  event_type: 'agent.update',
  event_metadata: { updated_fields: 'guardrails' },
  target_type: 'AGENT',
  target_metadata: { id: 'ag_1', name: 'Support bot' },
  workspace_uuid: 'w1',
  ...over,
});

test('an audit entry: actor is email, else name, else key name, else id', () => {
  const e = toAuditEntryRecord(entry())!;
  assert.equal(e.id, '7');
  assert.equal(e.actor, 'alice@example.com');
  assert.equal(e.actorId, 'u1');
  assert.equal(e.targetId, 'ag_1');
  assert.equal(e.targetName, 'Support bot');
  assert.equal(
    toAuditEntryRecord(entry({ actor_metadata: { user_uuid: 'u1', name: 'Alice' } }))!.actor,
    'Alice',
  );
  const byKey = toAuditEntryRecord(
    entry({ actor_type: 'API_KEY', actor_metadata: { api_key_id: 'k9', api_key_name: 'deploy' } }),
  )!;
  assert.equal(byKey.actor, 'deploy');
  assert.equal(byKey.actorId, 'k9');
  assert.equal(toAuditEntryRecord(entry({ actor_metadata: { id: 'x1' } }))!.actor, 'x1');
  assert.equal(toAuditEntryRecord(entry({ actor_metadata: {} }))!.actor, null);
});

test('audit details: credential-named keys dropped, values cut to 500 characters', () => {
  const long = 'x'.repeat(2000);
  const e = toAuditEntryRecord(
    entry({
      event_metadata: {
        updated_fields: 'guardrails',
        api_key: 'sk-secret-1',
        key: 'sk-secret-2',
        bearer_token: 'sk-secret-3',
        client_secret: 'sk-secret-4',
        password: 'sk-secret-5',
        authorization: 'Bearer sk-secret-6',
        key_id: 'k1',
        api_key_name: 'deploy',
        note: long,
      },
    }),
  )!;
  assert.deepEqual(Object.keys(e.details).sort(), ['api_key_name', 'key_id', 'note', 'updated_fields']);
  assert.equal(e.details.note.length, AUDIT_DETAIL_MAX);
  assert.ok(!JSON.stringify(e).includes('sk-secret'));
  assert.equal(isCredentialName('private_key'), true);
  assert.equal(isCredentialName('agent_name'), false);
});

test('rate limit and usage', () => {
  const rl = toRateLimitRecord(
    {
      requests_per_second: 5,
      tokens_limits_by_model: { m: { tokens_per_minute: 10, tokens_per_month: 20 } },
    },
    2.5,
  );
  assert.deepEqual(rl, {
    requestsPerSecond: 5,
    tokensByModel: { m: { tokensPerMinute: 10, tokensPerMonth: 20 } },
    pacedRequestsPerSecond: 2.5,
  });
  const u = toUsageCostRecord(
    {
      completion: {
        models: { large: { input_tokens: [{ value: 100, cost: 1.5 }], output_tokens: [{ value: 50 }] } },
      },
      libraries_api: { pages: { models: { ocr: { pages: [{ value: 3, cost: 0.25 }] } } } },
      vibe_usage: 0,
      currency: 'EUR',
      start_date: '2026-11-01T00:00:00Z',
      end_date: '2026-11-30T23:59:59Z',
    },
    2026,
    11,
  );
  assert.equal(u.currency, 'EUR');
  assert.deepEqual(
    u.rows.map((r) => [r.product, r.model, r.metric, r.quantity, r.cost]),
    [
      ['completion', 'large', 'input_tokens', 100, 1.5],
      ['completion', 'large', 'output_tokens', 50, null],
      ['libraries_api.pages', 'ocr', 'pages', 3, 0.25],
    ],
  );
  assert.equal(u.totalCost, 1.75);
  assert.equal(toUsageCostRecord({}, 2026, 10).totalCost, null, 'no cost: null, never 0');
});

test('audit details: only plain strings, credential names in any case style, secret-looking values redacted, capped', () => {
  const warnings: DataQualityWarning[] = [];
  const meta: Record<string, unknown> = {
    connector: { auth: { token: 'SECRET123' } },
    changes: [{ field: 'api_key', new: 'sk-LEAK' }],
    json_text: '{"auth":{"token":"SECRET-JSON"}}',
    url: 'https://u:pw-LEAK@h.example/x?sig=QUERY-LEAK',
    plain_url: 'https://h.example/docs',
    note: 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123',
    shaped: 'ABCDefgh1234ABCDefgh1234ABCDefgh',
    count: 3,
    newApiKey: 'v1',
    accessKey: 'v2',
    rawKey: 'v3',
    keyPlaintext: 'v4',
    plaintext: 'v5',
    auth: 'v6',
    pwd: 'v7',
    dsn: 'v8',
    connection_string: 'v9',
    jwt: 'v10',
    pat: 'v11',
    headers: 'v12',
    sessionId: 'v13',
    userPassword: 'v14',
    passphrase: 'v15',
    keyboard_layout: 'fr',
    key_id: 'k1',
    api_key_name: 'deploy',
    ['n'.repeat(101)]: 'too long a name',
  };
  const e = toAuditEntryRecord(entry({ event_metadata: meta as Record<string, string> }), warnings)!;
  assert.deepEqual(Object.keys(e.details).sort(), [
    'api_key_name',
    'key_id',
    'keyboard_layout',
    'note',
    'plain_url',
    'shaped',
    'url',
  ]);
  assert.ok(e.details.url.startsWith('https://h.example/x'), e.details.url);
  assert.equal(e.details.plain_url, 'https://h.example/docs');
  assert.equal(e.details.note, '[REDACTED]');
  assert.equal(e.details.shaped, '[REDACTED]');
  const text = JSON.stringify(e);
  for (const leak of ['SECRET', 'LEAK', 'abcdefghijklmnop', 'pw-', /v\d+"/.source])
    assert.ok(!new RegExp(leak).test(text), `${leak} kept`);
  const many: Record<string, string> = {};
  for (let i = 0; i < 80; i++) many[`field_${i}`] = 'x';
  assert.equal(Object.keys(toAuditEntryRecord(entry({ event_metadata: many }))!.details).length, 50);
  assert.equal(isCredentialName('keyboard'), false);
  assert.equal(isCredentialName('author_email'), false);
  assert.equal(warnings.length, 0);
});

test('an audit entry whose time does not parse is dropped with a warning; a kept time is ISO', () => {
  const warnings: DataQualityWarning[] = [];
  assert.equal(toAuditEntryRecord(entry({ created_at: 'yesterday-ish' }), warnings), null);
  assert.equal(toAuditEntryRecord(entry({ created_at: '+275760-09-13T00:00:00Z' }), warnings), null);
  assert.equal(warnings.length, 2);
  assert.equal(warnings[0].resourceType, 'auditEntry');
  assert.equal(warnings[0].resourceId, '7');
  assert.equal(
    toAuditEntryRecord(entry({ created_at: '2026-11-30T15:02:00+01:00' }))!.at,
    '2026-11-30T14:02:00.000Z',
  );
});

test('an API key whose hidden_key is not masked keeps none of it, with a warning', () => {
  const sink: DataQualityWarning[] = [];
  const full = 'HQSxAbCdEfGh1234IjKlMnOp5678Ug6Y';
  const r = toApiKeyRecord(key({ hidden_key: full }), { integrationKeyHidden: 'HQSx...Ug6Y', sink })!;
  assert.equal(r.hiddenKey, '');
  assert.equal(r.isIntegrationKey, false);
  assert.ok(!JSON.stringify(r).includes(full));
  assert.equal(sink.length, 1);
  assert.equal(sink[0].resourceId, 'k1');
  assert.equal(toApiKeyRecord(key(), { sink })!.hiddenKey, 'HQSx...Ug6Y');
  assert.equal(sink.length, 1, 'a masked key: no warning');
});
