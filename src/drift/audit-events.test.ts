import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntryRecord, AuditLogSection } from '../inventory/admin.ts';
import type { Snapshot } from '../inventory/types.ts';
import type { ChangeEvent } from '../findings/types.ts';
import { agent, guarded, policy, snapshot, UNGUARDED } from '../rules/testing/fixtures.ts';
import {
  attributeChangeEvents,
  auditEntriesOf,
  isSecurityEventType,
  SECURITY_AUDIT_EVENTS,
  SECURITY_EVENT_TYPES,
  securityEventsFromAudit,
  withAuditLog,
} from './audit-events.ts';
import { CHANGE_EVENT_TYPES, diffSnapshots } from './diff-snapshots.ts';

const PREV_AT = '2026-06-01T00:00:00.000Z';
const AT = '2026-06-01T16:00:00.000Z';
const WINDOW = { after: PREV_AT, until: AT };

let nextId = 100;
function entry(overrides: Partial<AuditEntryRecord> = {}): AuditEntryRecord {
  return {
    id: String(nextId++),
    at: '2026-06-01T14:02:00.000Z',
    actorType: 'HUMAN',
    actor: 'alice@example.com',
    actorId: 'u-alice',
    eventType: 'agent.update',
    targetType: 'AGENT',
    targetId: 'ag_1',
    targetName: 'Support bot',
    workspaceId: 'ws-1',
    details: {},
    ...overrides,
  };
}

function event(overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    type: 'guardrails_removed',
    resourceType: 'agent',
    resourceId: 'ag_1',
    resourceName: 'Support bot',
    at: AT,
    summary: 'Agent "Support bot" no longer has guardrails',
    ...overrides,
  };
}

function withAudit(s: Snapshot, entries: AuditEntryRecord[]): Snapshot {
  const auditLog: AuditLogSection = { entries, after: null, cursor: null, truncated: false };
  return {
    ...s,
    admin: {
      apiKeys: null,
      members: null,
      invites: null,
      workspaces: null,
      auditLog,
      rateLimit: null,
      usage: null,
    },
  };
}

const HOSTILE = '<script>alert(1)</script>\u202Eevil\u001b[31m\nnext line';

describe('attributeChangeEvents', () => {
  it('attributes a change to the one matching entry and says so in the summary', () => {
    const e = entry();
    const [out] = attributeChangeEvents([event()], [e], WINDOW);
    assert.deepEqual(out.attribution, {
      actor: 'alice@example.com',
      actorType: 'HUMAN',
      at: e.at,
      eventType: 'agent.update',
      auditLogId: e.id,
      candidates: 1,
    });
    assert.equal(
      out.summary,
      'Agent "Support bot" no longer has guardrails (by alice@example.com at 14:02 UTC)',
    );
  });

  it('takes the latest of several candidates and says "probably"', () => {
    const early = entry({ at: '2026-06-01T09:00:00.000Z', actor: 'bob@example.com' });
    const late = entry({ at: '2026-06-01T15:30:00.000Z', actor: 'carol@example.com' });
    const [out] = attributeChangeEvents([event()], [late, early], WINDOW);
    assert.equal(out.attribution?.actor, 'carol@example.com');
    assert.equal(out.attribution?.candidates, 2);
    assert.match(out.summary, /\(probably by carol@example\.com at 15:30 UTC \(2 audit entries match\)\)$/);
  });

  it('leaves an event without a matching entry unchanged', () => {
    const ev = event();
    const others = [
      entry({ targetId: 'ag_other' }), // another agent
      entry({ eventType: 'agent.create' }), // another event type
      entry({ eventType: 'library.update', targetType: 'LIBRARY' }),
    ];
    const [out] = attributeChangeEvents([ev], others, WINDOW);
    assert.deepEqual(out, ev);
    assert.deepEqual(attributeChangeEvents([ev], [], WINDOW), [ev]);
  });

  it('ignores entries outside (previous takenAt, this takenAt]', () => {
    const ev = event();
    const before = entry({ at: '2026-05-31T23:59:59.000Z' });
    const atPrev = entry({ at: PREV_AT }); // exclusive lower bound
    const after = entry({ at: '2026-06-01T16:00:01.000Z' });
    assert.deepEqual(attributeChangeEvents([ev], [before, atPrev, after], WINDOW)[0], ev);
    const atCur = entry({ at: AT }); // inclusive upper bound
    assert.equal(attributeChangeEvents([ev], [atCur], WINDOW)[0].attribution?.auditLogId, atCur.id);
  });

  it('finds the agent id under event metadata keys when the target has none, and by name only without any id', () => {
    const byMeta = entry({ targetId: null, details: { agent_id: 'ag_1' } });
    assert.equal(attributeChangeEvents([event()], [byMeta], WINDOW)[0].attribution?.auditLogId, byMeta.id);
    const byResourceId = entry({ targetId: null, details: { resource_id: 'ag_1' } });
    assert.equal(
      attributeChangeEvents([event()], [byResourceId], WINDOW)[0].attribution?.auditLogId,
      byResourceId.id,
    );
    const byName = entry({ targetId: null, targetName: 'Support bot' });
    assert.equal(attributeChangeEvents([event()], [byName], WINDOW)[0].attribution?.auditLogId, byName.id);
    // An id that names another agent wins over a matching name.
    const otherId = entry({ targetId: 'ag_2', targetName: 'Support bot' });
    assert.equal(attributeChangeEvents([event()], [otherId], WINDOW)[0].attribution, undefined);
  });

  it('maps creation and deletion to agent.create / agent.delete, library ones to library.*', () => {
    const created = entry({ eventType: 'agent.create', actor: 'dan@example.com' });
    const update = entry({ eventType: 'agent.update' });
    const [c] = attributeChangeEvents([event({ type: 'resource_created' })], [update, created], WINDOW);
    assert.equal(c.attribution?.eventType, 'agent.create');
    assert.equal(c.attribution?.candidates, 1);
    const libDeleted = entry({ eventType: 'library.delete', targetType: 'LIBRARY', targetId: 'lib_1' });
    const [d] = attributeChangeEvents(
      [event({ type: 'resource_deleted', resourceType: 'library', resourceId: 'lib_1' })],
      [libDeleted],
      WINDOW,
    );
    assert.equal(d.attribution?.auditLogId, libDeleted.id);
    // Models are not in the audit log: never attributed.
    const [m] = attributeChangeEvents(
      [event({ type: 'model_newly_deprecated', resourceType: 'model', resourceId: 'ag_1' })],
      [update],
      WINDOW,
    );
    assert.equal(m.attribution, undefined);
  });

  it('keeps hostile actor names to one safe line and names API keys and unnamed actors', () => {
    const [out] = attributeChangeEvents([event()], [entry({ actor: HOSTILE })], WINDOW);
    assert.equal(out.attribution?.actor, HOSTILE, 'the record keeps what was sent');
    assert.doesNotMatch(out.summary, /[\p{Cc}\u202e]/u);
    assert.doesNotMatch(out.summary, /\n/);
    const [key] = attributeChangeEvents([event()], [entry({ actorType: 'API_KEY', actor: 'ci' })], WINDOW);
    assert.match(key.summary, /by API key "ci" at/);
    const [none] = attributeChangeEvents([event()], [entry({ actor: null })], WINDOW);
    assert.match(none.summary, /by an unnamed actor at/);
  });

  it('gives the date when the entry is from another day than the event', () => {
    const [out] = attributeChangeEvents([event()], [entry({ at: '2026-05-31T22:10:00.000Z' })], {
      after: null,
      until: AT,
    });
    assert.match(out.summary, /at 2026-05-31 22:10 UTC\)$/);
  });

  it('reads entries of both snapshots once, so an entry read by the previous sync still attributes', () => {
    const prevAgent = agent({ id: 'ag_1', name: 'Support bot', ...guarded([policy()]) });
    const curAgent = { ...prevAgent, ...UNGUARDED };
    const e = entry({ at: '2026-06-01T00:00:30.000Z' });
    const prev = withAudit(snapshot({ takenAt: PREV_AT, agents: [prevAgent] }), [e]);
    const cur = withAudit(snapshot({ takenAt: AT, agents: [curAgent] }), [e]);
    assert.equal(auditEntriesOf(prev, cur).length, 1);
    const events = withAuditLog(diffSnapshots(prev, cur, AT), prev, cur, { integrationId: 'int_1' });
    const removed = events.find((x) => x.type === 'guardrails_removed');
    assert.equal(removed?.attribution?.actor, 'alice@example.com');
    assert.match(removed?.summary ?? '', /no longer has guardrails \(by alice@example\.com at 00:00 UTC\)$/);
    // Every event on the agent is attributed (agent_changed too).
    assert.ok(events.filter((x) => x.resourceId === 'ag_1').every((x) => x.attribution?.auditLogId === e.id));
  });
});

describe('securityEventsFromAudit', () => {
  const OPTS = { integrationId: 'int_1' };

  it('raises one event per security-relevant audit entry, oldest first, on the integration or the library', () => {
    const entries = [
      entry({
        eventType: 'library.share',
        targetType: 'LIBRARY',
        targetId: 'lib_9',
        targetName: 'HR docs',
        at: '2026-06-01T10:00:00.000Z',
      }),
      entry({
        eventType: 'la_plateforme.training.enabled',
        targetType: 'ORGANIZATION',
        targetId: 'org',
        targetName: null,
        at: '2026-06-01T09:00:00.000Z',
      }),
      entry({ eventType: 'agent.update' }), // not a security event
      entry({
        eventType: 'api_key.create',
        targetType: 'API_KEY',
        targetId: 'key_1',
        targetName: 'ci',
        actorType: 'API_KEY',
        actor: 'bootstrap',
      }),
      entry({
        eventType: 'organization.saml_authentication.disable',
        targetType: 'ORGANIZATION',
        targetId: null,
        targetName: null,
      }),
      entry({
        eventType: 'integration.credentials.created_or_updated',
        targetType: 'INTEGRATION',
        targetId: 'gmail',
        targetName: 'Gmail',
      }),
      entry({
        eventType: 'le_chat.conversation.public_sharing.enabled',
        targetType: 'CONVERSATION',
        targetId: 'c1',
        targetName: null,
      }),
      entry({ eventType: 'api_key.delete', targetType: 'API_KEY', targetId: 'key_2', targetName: null }),
      entry({ eventType: 'le_chat.data.training_enabled', at: 'not a date' }), // skipped
    ];
    const events = securityEventsFromAudit(entries, OPTS);
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.resourceType}:${e.resourceId}`),
      [
        'training_enabled:integration:int_1',
        'library_shared:library:lib_9',
        'api_key_created:integration:int_1',
        'sso_disabled:integration:int_1',
        'connector_credentials_changed:integration:int_1',
        'public_sharing_enabled:integration:int_1',
        'api_key_deleted:integration:int_1',
      ],
    );
    const [training, library, key, sso, creds, sharing, deleted] = events;
    assert.equal(
      training.summary,
      'Training on La Plateforme data was enabled by alice@example.com at 09:00 UTC',
    );
    assert.equal(training.at, '2026-06-01T09:00:00.000Z');
    assert.equal(library.summary, 'Library "HR docs" was shared by alice@example.com at 10:00 UTC');
    assert.equal(library.resourceName, 'HR docs');
    assert.equal(key.summary, 'API key "ci" was created by API key "bootstrap" at 14:02 UTC');
    assert.deepEqual(key.target, { type: 'API_KEY', id: 'key_1', name: 'ci' });
    assert.deepEqual(key.attribution, {
      actor: 'bootstrap',
      actorType: 'API_KEY',
      at: '2026-06-01T14:02:00.000Z',
      eventType: 'api_key.create',
      auditLogId: entries[3].id,
      candidates: 1,
    });
    assert.match(sso.summary, /^SAML single sign-on was disabled for the organization by alice@/);
    assert.match(creds.summary, /^Credentials of connector "Gmail" were created or updated by/);
    assert.match(
      sharing.summary,
      /^Public sharing of Le Chat conversation "c1"|^Public sharing of a Le Chat conversation/,
    );
    assert.match(deleted.summary, /^An API key was deleted by/);
  });

  it('keeps hostile target and actor names safe in summaries', () => {
    const events = securityEventsFromAudit(
      Object.keys(SECURITY_AUDIT_EVENTS).map((eventType) =>
        entry({ eventType, targetName: HOSTILE, actor: HOSTILE, targetId: HOSTILE }),
      ),
      OPTS,
    );
    assert.equal(events.length, Object.keys(SECURITY_AUDIT_EVENTS).length);
    for (const e of events) {
      assert.doesNotMatch(e.summary, /[\p{Cc}\u202e\n]/u, e.type);
      assert.ok(e.summary.length < 400, e.type);
    }
  });

  it('never treats an inherited property name as an audit event type', () => {
    assert.deepEqual(
      securityEventsFromAudit([entry({ eventType: 'constructor' }), entry({ eventType: 'toString' })], OPTS),
      [],
    );
  });

  it('only uses audit event types that the vendored AuditLogEventType enum has', async () => {
    const { readFile } = await import('node:fs/promises');
    const yaml = await readFile(
      new URL('../../schemas/mistral-openapi-2026-08-13/openapi.yaml', import.meta.url),
      'utf8',
    );
    const start = yaml.indexOf('title: AuditLogEventType');
    assert.ok(start > 0);
    const enumText = yaml.slice(start, yaml.indexOf('\n    V', start));
    for (const t of [
      ...Object.keys(SECURITY_AUDIT_EVENTS),
      'agent.update',
      'agent.create',
      'agent.delete',
      'library.create',
      'library.delete',
    ]) {
      assert.ok(enumText.includes(`- ${t}\n`), t);
    }
  });

  it('registers every security event type as a change event type', () => {
    for (const t of SECURITY_EVENT_TYPES) {
      assert.ok(CHANGE_EVENT_TYPES.includes(t), t);
      assert.ok(isSecurityEventType(t));
    }
    assert.equal(isSecurityEventType('agent_changed'), false);
  });

  it('only adds security event types, never renames or reorders the earlier ones', () => {
    assert.deepEqual(SECURITY_EVENT_TYPES.slice(0, 8), [
      'training_enabled',
      'public_sharing_enabled',
      'sso_disabled',
      'api_key_created',
      'api_key_rotated',
      'api_key_deleted',
      'connector_credentials_changed',
      'library_shared',
    ]);
    // Every type is raised by at least one audit event type, and every rule's type is listed.
    const raised = new Set(Object.values(SECURITY_AUDIT_EVENTS).map((r) => r.type));
    assert.deepEqual([...raised].sort(), [...SECURITY_EVENT_TYPES].sort());
  });

  it('withAuditLog adds them after the attributed drift, and nothing without an audit log', () => {
    const plain = snapshot({ takenAt: AT });
    assert.deepEqual(withAuditLog([event()], null, plain, OPTS), [event()]);
    const cur = withAudit(plain, [entry({ eventType: 'api_key.rotate', targetName: 'prod' })]);
    const out = withAuditLog([], null, cur, OPTS);
    assert.deepEqual(
      out.map((e) => e.type),
      ['api_key_rotated'],
    );
    assert.match(out[0].summary, /^API key "prod" was rotated by alice@example\.com at 14:02 UTC$/);
  });
});

describe('securityEventsFromAudit: roles, domains, shares and location sharing', () => {
  const OPTS = { integrationId: 'int_1' };
  const one = (overrides: Partial<AuditEntryRecord>) => {
    const events = securityEventsFromAudit([entry(overrides)], OPTS);
    assert.equal(events.length, 1, overrides.eventType);
    return events[0];
  };

  it("a member's role changed in a workspace: role_changed, naming the member, the workspace and the actor", () => {
    // The simulator's shape: the target is the workspace, the member is in the event metadata.
    const e = one({
      eventType: 'workspace.member.role.update',
      targetType: 'WORKSPACE',
      targetId: 'ws-2',
      targetName: 'Research',
      details: { user_uuid: 'u-dan', email: 'dan@example.com', old_role: 'M', new_role: 'A' },
    });
    assert.equal(e.type, 'role_changed');
    assert.equal(e.resourceType, 'integration');
    assert.equal(e.resourceId, 'int_1');
    assert.equal(
      e.summary,
      'Workspace role of member "dan@example.com" in workspace "Research" was changed by alice@example.com at 14:02 UTC',
    );
    assert.deepEqual(e.target, { type: 'WORKSPACE', id: 'ws-2', name: 'Research' });
    assert.equal(e.attribution?.eventType, 'workspace.member.role.update');
    // The member as the target, the workspace in the metadata.
    const asUser = one({
      eventType: 'workspace.member.role.update',
      targetType: 'USER',
      targetId: 'u-dan',
      targetName: 'Dan',
      details: { workspace_name: 'Research' },
    });
    assert.match(
      asUser.summary,
      /^Workspace role of member "Dan" in workspace "Research" was changed by alice@/,
    );
    // Nothing named.
    const bare = one({
      eventType: 'workspace.member.role.update',
      targetType: 'USER',
      targetId: null,
      targetName: null,
    });
    assert.match(bare.summary, /^Workspace role of a member was changed by alice@example\.com at 14:02 UTC$/);
  });

  it("a user's organization role changed, and a service account's roles set: role_changed", () => {
    const org = one({
      eventType: 'user.organization.role.update',
      targetType: 'USER',
      targetId: 'u-bob',
      targetName: 'Bob',
      actor: 'carol@example.com',
    });
    assert.equal(org.type, 'role_changed');
    assert.equal(
      org.summary,
      'Organization role of user "Bob" was changed by carol@example.com at 14:02 UTC',
    );
    const byEmail = one({
      eventType: 'user.organization.role.update',
      targetType: 'ORGANIZATION',
      targetId: 'org',
      targetName: 'Acme',
      details: { email: 'bob@example.com' },
    });
    assert.match(byEmail.summary, /^Organization role of user "bob@example\.com" was changed by/);
    const noOne = one({
      eventType: 'user.organization.role.update',
      targetType: 'ORGANIZATION',
      targetId: 'org',
      targetName: 'Acme',
    });
    assert.match(noOne.summary, /^Organization role of a user was changed by alice@/);
    const sa = one({
      eventType: 'service_account.roles.set',
      targetType: 'SERVICE_ACCOUNT',
      targetId: 'sa_1',
      targetName: 'ci-bot',
      actorType: 'API_KEY',
      actor: 'bootstrap',
    });
    assert.equal(sa.type, 'role_changed');
    assert.equal(
      sa.summary,
      'Roles of service account "ci-bot" were set by API key "bootstrap" at 14:02 UTC',
    );
    const saBare = one({
      eventType: 'service_account.roles.set',
      targetType: 'SERVICE_ACCOUNT',
      targetId: null,
      targetName: null,
    });
    assert.match(saBare.summary, /^Roles of a service account were set by alice@/);
  });

  it('domain verification or email domain authentication disabled: domain_authentication_disabled', () => {
    const verification = one({
      eventType: 'organization.domain_verification.disable',
      targetType: 'ORGANIZATION',
      targetId: 'org',
      targetName: 'Acme',
      details: { domain: 'acme.example' },
    });
    assert.equal(verification.type, 'domain_authentication_disabled');
    assert.equal(verification.resourceId, 'int_1');
    assert.equal(
      verification.summary,
      'Domain verification of "acme.example" was disabled for the organization by alice@example.com at 14:02 UTC',
    );
    const auth = one({
      eventType: 'organization.email_domain_authentication.disable',
      targetType: 'ORGANIZATION',
      targetId: 'org',
      targetName: 'Acme',
    });
    assert.equal(auth.type, 'domain_authentication_disabled');
    assert.equal(
      auth.summary,
      'Email domain authentication was disabled for the organization by alice@example.com at 14:02 UTC',
    );
    assert.match(
      one({
        eventType: 'organization.email_domain_authentication.disable',
        details: { email_domain: 'acme.example' },
      }).summary,
      /^Email domain authentication for "acme\.example" was disabled for the organization by/,
    );
  });

  it('a connector, a skill or another resource shared: resource_shared on the integration', () => {
    const connector = one({
      eventType: 'integration.shared',
      targetType: 'INTEGRATION',
      targetId: 'conn_1',
      targetName: 'Gmail',
    });
    assert.equal(connector.type, 'resource_shared');
    assert.equal(connector.resourceType, 'integration');
    assert.equal(connector.resourceId, 'int_1');
    assert.equal(connector.summary, 'Connector "Gmail" was shared by alice@example.com at 14:02 UTC');
    assert.deepEqual(connector.target, { type: 'INTEGRATION', id: 'conn_1', name: 'Gmail' });
    const skill = one({
      eventType: 'skill.share',
      targetType: 'SKILL',
      targetId: 'sk_1',
      targetName: 'triage',
    });
    assert.equal(skill.type, 'resource_shared');
    assert.equal(skill.summary, 'Skill "triage" was shared by alice@example.com at 14:02 UTC');
    const kinds: Array<[string, string | null, RegExp]> = [
      ['AGENT', 'Support bot', /^Agent "Support bot" was shared by/],
      ['KNOWLEDGE_BASE', 'HR', /^Knowledge base "HR" was shared by/],
      ['AGENT', null, /^An agent was shared by/],
      ['PROMPT', null, /^A prompt was shared by/],
      ['SOMETHING_ELSE', 'x', /^Resource "x" was shared by/],
      ['toString', null, /^A resource was shared by/],
    ];
    for (const [targetType, targetName, expected] of kinds) {
      const e = one({ eventType: 'resource.share', targetType, targetId: null, targetName });
      assert.equal(e.type, 'resource_shared');
      assert.match(e.summary, expected, targetType);
    }
    // Skill and resource shares with no name.
    assert.match(
      one({ eventType: 'skill.share', targetType: 'SKILL', targetId: null, targetName: null }).summary,
      /^A skill was shared by/,
    );
    assert.match(
      one({ eventType: 'integration.shared', targetType: 'INTEGRATION', targetId: null, targetName: null })
        .summary,
      /^A connector was shared by/,
    );
  });

  it('location sharing in Le Chat enabled: location_sharing_enabled', () => {
    const org = one({
      eventType: 'le_chat.localisation_sharing.enabled',
      targetType: 'ORGANIZATION',
      targetId: 'org',
      targetName: 'Acme',
    });
    assert.equal(org.type, 'location_sharing_enabled');
    assert.equal(org.summary, 'Location sharing in Le Chat was enabled by alice@example.com at 14:02 UTC');
    const ws = one({
      eventType: 'le_chat.localisation_sharing.enabled',
      targetType: 'WORKSPACE',
      targetId: 'ws-1',
      targetName: 'Research',
    });
    assert.match(ws.summary, /^Location sharing in Le Chat was enabled for workspace "Research" by alice@/);
    const user = one({
      eventType: 'le_chat.localisation_sharing.enabled',
      targetType: 'USER',
      targetId: 'u-1',
      targetName: 'Bob',
    });
    assert.match(user.summary, /^Location sharing in Le Chat was enabled for user "Bob" by alice@/);
  });

  it('public sharing enabled on the organization does not take its name for a conversation', () => {
    const e = one({
      eventType: 'le_chat.conversation.public_sharing.enabled',
      targetType: 'ORGANIZATION',
      targetId: 'org',
      targetName: 'Acme',
    });
    assert.equal(e.type, 'public_sharing_enabled');
    assert.equal(
      e.summary,
      'Public sharing of Le Chat conversations was enabled for the organization by alice@example.com at 14:02 UTC',
    );
    assert.match(
      one({
        eventType: 'le_chat.conversation.public_sharing.enabled',
        targetType: 'LE_CHAT_CONVERSATION',
        targetId: 'c1',
        targetName: 'Q3 plan',
      }).summary,
      /^Public sharing of Le Chat conversation "Q3 plan" was enabled by/,
    );
  });

  it('the disabling and revoking counterparts raise nothing', () => {
    for (const eventType of [
      'organization.domain_verification.enable',
      'organization.email_domain_authentication.enable',
      'integration.unshared',
      'skill.unshare',
      'resource.unshare',
      'le_chat.localisation_sharing.disabled',
    ])
      assert.deepEqual(securityEventsFromAudit([entry({ eventType })], OPTS), [], eventType);
  });

  it('keeps hostile names from the event metadata safe in summaries', () => {
    const hostile = {
      email: HOSTILE,
      user_email: HOSTILE,
      user_name: HOSTILE,
      workspace_name: HOSTILE,
      service_account_name: HOSTILE,
      domain: HOSTILE,
      email_domain: HOSTILE,
    };
    const events = securityEventsFromAudit(
      [
        'user.organization.role.update',
        'workspace.member.role.update',
        'service_account.roles.set',
        'organization.domain_verification.disable',
        'organization.email_domain_authentication.disable',
      ].map((eventType) => entry({ eventType, targetType: 'ORGANIZATION', details: hostile })),
      OPTS,
    );
    assert.equal(events.length, 5);
    for (const e of events) {
      assert.doesNotMatch(e.summary, /[\p{Cc}\u202e\n]/u, e.attribution?.eventType);
      assert.ok(e.summary.length < 400, e.attribution?.eventType);
      assert.match(e.summary, /"<script>alert\(1\)<\/script>/, e.attribution?.eventType);
    }
  });
});
