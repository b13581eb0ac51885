/**
 * Mistral's Admin API (mistral-api.md §24; OpenAPI document 2026-08-13, security scheme
 * `AdminApiKey`) in the simulator: the generated organization (`buildAdmin`), the GET routes of
 * /v1/admin/* (`ADMIN_ROUTES`, answered to the admin key only: see server.ts), and the mutation
 * helper tests use mid-run (`appendAuditEntry`).
 *
 * Guarantees of a generated organization (so tests cannot pass vacuously), whatever the seed:
 * - API keys: one whose `hidden_key` is the integration's ordinary key masked (first 4 + "..." +
 *   last 4); two that never expire (`expiration_date` null); one unused for more than 90 days; one
 *   never used; two created more than a year ago; one expiring within 30 days; products API,
 *   Mistral Code and Vibe. `key` is always null.
 * - Members: four organization admins — three with the "A" letter (one of them `is_sso_outsider`
 *   true) and one with the admin role's UUID (StaticOrganizationRoles, named by /v1/admin/roles) —
 *   plus members, a billing member and a non-admin outsider. Invites: a fresh one, one 45 days old
 *   (stale, not expired), one expired, and one granting admin.
 * - Workspaces: a default one, three more, and one archived (served only with is_archived=true).
 * - Audit log over the last ~60 days (ascending log_id in created_at order), with at least:
 *   `agent.update` by a HUMAN removing the guardrails of an existing agent (target_metadata
 *   {id, name} of the agent; event_metadata agent_id, agent_name, updated_fields "guardrails",
 *   guardrails "removed"), `api_key.create`, `api_key.delete`, `library.share`,
 *   `integration.credentials.created_or_updated`, `la_plateforme.training.enabled`,
 *   `le_chat.conversation.public_sharing.enabled`, `organization.saml_authentication.disable`,
 *   `workspace.member.role.update`, `integration.shared`, `organization.domain_verification.disable`,
 *   `le_chat.localisation_sharing.enabled`, and two entries sharing one created_at.
 *   actor_metadata: HUMAN {user_uuid, email, name}; API_KEY {api_key_id, api_key_name}.
 *   target_metadata: {id, name} of the target.
 * - Usage: completion and chat rows per model for the current and the previous month.
 * Runs on its own RNG fork: the rest of the workspace is unchanged.
 */
import type { IsoDateTime, WireAgent } from '../shared/mistral-wire.ts';
import type {
  WireApiKey,
  WireAuditLog,
  WireInvite,
  WireMember,
  WireMemberWorkspace,
  WireRoles,
  WireWorkspace,
} from '../shared/mistral-wire-admin.ts';
import { hostilePayload } from './hostile.ts';
import type { Rng } from './prng.ts';
import { QueryError, type Reply, type RouteContext, type RouteDef } from './http.ts';
import { DAY_MS, iso } from './time.ts';
import type {
  AuditEntryInput,
  SimAdmin,
  SimAgent,
  SimConnector,
  SimLibrary,
  SimUsageRow,
  SimUserGroup,
  SimWorkspace,
} from './types.ts';

/** `StaticOrganizationRoles` of the OpenAPI document, and the names /v1/admin/roles gives them. */
export const ORG_ROLE_ADMIN = '0d48f530-095c-43fe-8aea-6673bcacabe6';
export const ORG_ROLE_MEMBER = 'c955f4e1-9477-43f0-8349-6fbc629fccc9';
export const ORG_ROLE_BILLING = '7bde5959-d676-47d2-b779-35b64323d278';
/** `StaticWorkspaceRoles` used here. */
const WS_ROLE_ADMIN = 'd7ea77c5-9260-41d0-ab26-52b5add3ee56';
const WS_ROLE_MEMBER = '48436751-ee56-44bd-8a2d-712233977821';

export const ROLES: WireRoles = {
  organization_roles: [
    {
      name: 'organization_admin',
      uuid: ORG_ROLE_ADMIN,
      description: 'Can manage the organization, its members, keys and billing',
      is_custom_role: false,
    },
    {
      name: 'organization_member',
      uuid: ORG_ROLE_MEMBER,
      description: 'Can use the organization resources',
      is_custom_role: false,
    },
    {
      name: 'organization_billing',
      uuid: ORG_ROLE_BILLING,
      description: 'Can manage billing',
      is_custom_role: false,
    },
    {
      name: 'security_auditor',
      uuid: '5c1e7a52-3f0b-4d8e-9a61-2b7f4c9d0e13',
      description: 'Can read audit logs',
      is_custom_role: true,
    },
  ],
  workspace_roles: [
    {
      name: 'workspace_admin',
      uuid: WS_ROLE_ADMIN,
      description: 'Can manage workspace members and settings',
      is_custom_role: false,
    },
    {
      name: 'workspace_member',
      uuid: WS_ROLE_MEMBER,
      description: 'Can use the workspace',
      is_custom_role: false,
    },
  ],
};

/** How Mistral masks a key for display: first 4 + "..." + last 4. */
export function maskKey(key: string): string {
  return `${key.slice(0, 4)}...${key.slice(-4)}`;
}

/** The fake ordinary key a generated organization's integration key is masked from by default. */
export const DEFAULT_INTEGRATION_KEY = 'sim-integration-key-0000000000000000';

const DOMAIN = 'acme.example';
const OUTSIDER_DOMAIN = 'partner-consulting.example.net';

const PEOPLE: ReadonlyArray<{ first: string; last: string }> = [
  { first: 'Alice', last: 'Martin' },
  { first: 'Bruno', last: 'Lefèvre' },
  { first: 'Chloé', last: 'Durand' },
  { first: 'Dmitri', last: 'Ivanov' },
  { first: 'Emma', last: 'Rossi' },
  { first: 'Farid', last: 'Benali' },
  { first: 'Greta', last: 'Nilsson' },
  { first: 'Hugo', last: 'Moreau' },
  { first: 'Ines', last: 'Garcia' },
  { first: 'Jonas', last: 'Weber' },
];

const date = (ms: number): string => iso(ms).slice(0, 10);
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function fakeKey(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += KEY_CHARS[Math.floor(rng.next() * KEY_CHARS.length)];
  return s;
}

export interface BuildAdminInput {
  nowMs: number;
  agents: readonly SimAgent[];
  libraries: readonly SimLibrary[];
  connectors: readonly SimConnector[];
  integrationApiKey?: string;
  chatModels: readonly string[];
}

export function buildAdmin(rng: Rng, o: BuildAdminInput): SimAdmin {
  const { nowMs } = o;
  const ago = (days: number): number => nowMs - Math.round(days * DAY_MS) - rng.int(0, 3_600_000);
  const organizationId = rng.uuid();

  // Workspaces.
  const wsSpecs = [
    { name: 'Default Workspace', description: null, icon: null, is_default: true },
    {
      name: 'Product Team',
      description: 'Workspace for product and design teams',
      icon: '★',
      is_default: false,
    },
    {
      name: 'Data Science',
      description: 'Models, evaluations and fine-tuning',
      icon: null,
      is_default: false,
    },
    { name: 'Customer Support', description: 'Support assistants', icon: null, is_default: false },
  ];
  const workspaces: WireWorkspace[] = wsSpecs.map((w) => ({ uuid: rng.uuid(), ...w, members_count: 0 }));
  const archived: WireWorkspace = {
    uuid: rng.uuid(),
    name: 'Legacy Pilot',
    description: 'Archived pilot workspace',
    icon: null,
    is_default: false,
    members_count: 0,
  };
  const allWorkspaces = [...workspaces, archived];

  // Members: [role letters or uuid, outsider].
  const memberSpecs: Array<{ roles: string[]; outsider: boolean; days: number }> = [
    { roles: ['A'], outsider: false, days: 420 },
    { roles: ['A'], outsider: false, days: 380 },
    { roles: ['A'], outsider: true, days: 75 },
    { roles: [ORG_ROLE_ADMIN], outsider: false, days: 200 },
    { roles: ['M'], outsider: false, days: 300 },
    { roles: ['M'], outsider: false, days: 150 },
    { roles: ['B'], outsider: false, days: 260 },
    { roles: ['M'], outsider: true, days: 40 },
    { roles: [ORG_ROLE_MEMBER], outsider: false, days: 90 },
    { roles: ['M'], outsider: false, days: 10 },
  ];
  const membership = (w: WireWorkspace, admin: boolean, uuidRoles: boolean): WireMemberWorkspace => {
    const role = uuidRoles ? (admin ? WS_ROLE_ADMIN : WS_ROLE_MEMBER) : admin ? 'A' : 'M';
    return { uuid: w.uuid, name: w.name, is_default: w.is_default, raw_roles: [role], raw_role: role };
  };
  const members: WireMember[] = memberSpecs.map((m, i) => {
    const p = PEOPLE[i % PEOPLE.length];
    const local = `${p.first}.${p.last}`
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    const admin = m.roles[0] === 'A' || m.roles[0] === ORG_ROLE_ADMIN;
    const uuidRoles = m.roles[0].length > 1;
    const joined = [workspaces[0], ...rng.sample(workspaces.slice(1), rng.int(0, 2))];
    return {
      uuid: rng.uuid(),
      oid_id: m.outsider ? null : rng.uuid(),
      name: `${p.first} ${p.last}`,
      email: `${local}@${m.outsider ? OUTSIDER_DOMAIN : DOMAIN}`,
      is_sso_outsider: m.outsider,
      workspaces: joined.map((w, k) => membership(w, admin && k === 0, uuidRoles)),
      subscriptions: [],
      raw_roles: m.roles,
      raw_role: m.roles[0],
      subscription_types: ['CHAT'],
      created_at: iso(ago(m.days)),
    };
  });
  for (const w of workspaces)
    w.members_count = members.filter((m) => m.workspaces?.some((x) => x.uuid === w.uuid)).length;

  const invites: WireInvite[] = [
    { days: 2, expired: false, roles: ['M'], email: `new.hire@${DOMAIN}` },
    { days: 45, expired: false, roles: ['M'], email: `pending.contractor@${OUTSIDER_DOMAIN}` },
    { days: 40, expired: true, roles: ['M'], email: `old.invite@${DOMAIN}` },
    { days: 10, expired: false, roles: ['A'], email: `future.admin@${OUTSIDER_DOMAIN}` },
  ].map((x) => ({
    uuid: rng.uuid(),
    raw_roles: x.roles,
    raw_role: x.roles[0],
    email: x.email,
    expired: x.expired,
    created_at: iso(ago(x.days)),
    workspace_uuids: [workspaces[0].uuid],
  }));

  // API keys.
  const admins = members.filter((m) => m.raw_roles[0] === 'A' || m.raw_roles[0] === ORG_ROLE_ADMIN);
  const keySpecs: Array<{
    name: string;
    created: number;
    expires: number | null;
    lastUsed: number | null;
    product: 'API' | 'Mistral Code' | 'Vibe';
    ws: number;
    hidden?: string;
  }> = [
    {
      name: 'TrustLens integration',
      created: 40,
      expires: 320,
      lastUsed: 0,
      product: 'API',
      ws: 0,
      hidden: maskKey(o.integrationApiKey ?? DEFAULT_INTEGRATION_KEY),
    },
    { name: 'prod-backend', created: 200, expires: null, lastUsed: 1, product: 'API', ws: 1 },
    { name: 'old-batch-job', created: 500, expires: null, lastUsed: 120, product: 'API', ws: 2 },
    { name: 'ci-pipeline', created: 100, expires: 20, lastUsed: 3, product: 'API', ws: 1 },
    { name: 'experiment', created: 95, expires: 60, lastUsed: null, product: 'API', ws: 2 },
    { name: 'analytics-export', created: 400, expires: 200, lastUsed: 5, product: 'API', ws: 3 },
    { name: 'ide', created: 30, expires: 150, lastUsed: 2, product: 'Mistral Code', ws: 0 },
    { name: 'vibe-cli', created: 12, expires: 80, lastUsed: 1, product: 'Vibe', ws: 0 },
  ];
  const apiKeys: WireApiKey[] = keySpecs.map((k) => {
    const w = workspaces[k.ws];
    return {
      key_id: rng.uuid(),
      key: null,
      name: k.name,
      hidden_key: k.hidden ?? maskKey(fakeKey(rng)),
      created_at: iso(ago(k.created)),
      expiration_date: k.expires === null ? null : date(nowMs + k.expires * DAY_MS),
      actions: { rotate: { status: 'available' }, delete: { status: 'available' } },
      workspace_id: w.uuid,
      workspace_name: w.name,
      created_by: rng.pick(admins).email,
      product: k.product,
      last_used: k.lastUsed === null ? null : date(nowMs - k.lastUsed * DAY_MS),
      can_delete: true,
    };
  });

  const userGroups: SimUserGroup[] = [
    {
      uuid: rng.uuid(),
      name: 'Engineering',
      description: 'Platform and product engineers',
      externally_managed: false,
      target_type: 'W',
      organization_role: null,
      parent_group_ids: [],
    },
    {
      uuid: rng.uuid(),
      name: 'Security',
      description: null,
      externally_managed: true,
      target_type: 'O',
      organization_role: ORG_ROLE_ADMIN,
      parent_group_ids: [],
    },
  ];
  userGroups.push({
    uuid: rng.uuid(),
    name: 'Contractors',
    description: 'External contractors',
    externally_managed: false,
    target_type: 'W',
    organization_role: null,
    parent_group_ids: [userGroups[0].uuid],
  });

  const admin: SimAdmin = {
    organizationId,
    apiKeys,
    members,
    invites,
    workspaces: allWorkspaces,
    archivedWorkspaceIds: [archived.uuid],
    roles: structuredClone(ROLES),
    userGroups,
    auditLog: [],
    rateLimit: {
      // A paid workspace's budget: TrustLens paces to half of it (20/s, its default without an admin
      // key), so a scan with the admin key is not slower than one without.
      requests_per_second: 40,
      tokens_limits_by_model: Object.fromEntries(
        o.chatModels
          .slice(0, 6)
          .map((m) => [m, { tokens_per_minute: 2_000_000, tokens_per_month: 10_000_000_000 }]),
      ),
    },
    usage: buildUsage(rng, nowMs, o.chatModels, workspaces),
    currency: 'EUR',
    currencySymbol: '€',
    monthlySpendLimit: 1500,
  };
  admin.auditLog = buildAuditLog(rng, admin, o);
  return admin;
}

function monthKey(ms: number, back = 0): string {
  const d = new Date(ms);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Price per token (EUR) of a model family: per-million prices divided by 1e6. */
function unitPrices(model: string): { input: number; output: number } {
  if (/large|medium|pixtral-large/.test(model)) return { input: 2 / 1e6, output: 6 / 1e6 };
  if (/codestral/.test(model)) return { input: 0.3 / 1e6, output: 0.9 / 1e6 };
  return { input: 0.1 / 1e6, output: 0.3 / 1e6 };
}

function buildUsage(
  rng: Rng,
  nowMs: number,
  chatModels: readonly string[],
  workspaces: readonly WireWorkspace[],
): SimUsageRow[] {
  const models = chatModels.length ? chatModels.slice(0, 4) : ['mistral-small-latest'];
  const rows: SimUsageRow[] = [];
  for (const back of [1, 0]) {
    const month = monthKey(nowMs, back);
    for (const product of ['completion', 'chat'] as const) {
      for (const model of models) {
        for (const w of workspaces.slice(0, 2)) {
          const input = rng.int(50_000, 5_000_000) * (back === 1 ? 3 : 1);
          const output = Math.floor(input * (0.2 + rng.next() * 0.4));
          const p = unitPrices(model);
          const apiZone = rng.chance(0.8) ? 'eu' : 'global';
          rows.push(
            {
              month,
              product,
              model,
              metric: 'input_tokens',
              workspaceId: w.uuid,
              apiZone,
              quantity: input,
              unitPrice: p.input,
            },
            {
              month,
              product,
              model,
              metric: 'output_tokens',
              workspaceId: w.uuid,
              apiZone,
              quantity: output,
              unitPrice: p.output,
            },
          );
        }
      }
    }
  }
  return rows;
}

function human(m: WireMember): Record<string, string> {
  return { user_uuid: m.uuid, email: m.email ?? '', name: m.name ?? '' };
}

function removedGuardrails(a: WireAgent): boolean {
  return !Array.isArray(a.guardrails) || a.guardrails.length === 0;
}

function buildAuditLog(rng: Rng, admin: SimAdmin, o: BuildAdminInput): WireAuditLog[] {
  const { nowMs } = o;
  const admins = admin.members.filter((m) => m.raw_roles[0] === 'A' || m.raw_roles[0] === ORG_ROLE_ADMIN);
  const alice = admin.members[0];
  const outsiderAdmin = admin.members.find((m) => m.is_sso_outsider && m.raw_roles[0] === 'A') ?? alice;
  const at = (days: number): number => nowMs - Math.round(days * DAY_MS) + rng.int(0, 6 * 3_600_000);
  const out: Array<Omit<WireAuditLog, 'log_id'> & { ms: number }> = [];
  const push = (
    ms: number,
    actor: WireMember | { api_key_id: string; api_key_name: string },
    event_type: string,
    target_type: string,
    target_metadata: Record<string, string>,
    event_metadata: Record<string, string> = {},
    workspace_uuid: string | null = admin.workspaces[0].uuid,
  ): void => {
    const isHuman = 'uuid' in actor;
    out.push({
      ms,
      created_at: iso(ms),
      actor_type: isHuman ? 'HUMAN' : 'API_KEY',
      actor_metadata: isHuman ? human(actor) : { ...actor },
      event_type,
      event_metadata,
      target_type,
      target_metadata,
      organization_uuid: admin.organizationId,
      workspace_uuid,
    });
  };
  const keyActor = (k: WireApiKey) => ({ api_key_id: k.key_id, api_key_name: k.name ?? '' });

  // Logins spread over the window.
  for (let d = 58; d > 0; d -= 7) {
    const m = rng.pick(admin.members);
    push(at(d), m, 'user.log_in', 'USER', { id: m.uuid, name: m.name ?? '' }, {}, null);
  }
  // Agents.
  const agents = o.agents.map((a) => a.current);
  const stripped = agents.find(removedGuardrails) ?? agents[0];
  if (stripped) {
    const updated = Date.parse(stripped.updated_at);
    const ms = updated > nowMs - 59 * DAY_MS && updated <= nowMs ? updated : at(12);
    push(
      ms,
      outsiderAdmin,
      'agent.update',
      'AGENT',
      { id: stripped.id, name: stripped.name },
      {
        agent_id: stripped.id,
        agent_name: stripped.name,
        agent_version: String(stripped.version),
        updated_fields: 'guardrails',
        guardrails: 'removed',
      },
    );
  }
  for (const a of agents.slice(0, 3)) {
    if (a === stripped) continue;
    push(
      at(rng.int(5, 55)),
      rng.pick(admins),
      'agent.update',
      'AGENT',
      { id: a.id, name: a.name },
      {
        agent_id: a.id,
        agent_name: a.name,
        agent_version: String(a.version),
        updated_fields: 'instructions',
      },
    );
  }
  // API keys: created (the newest key), deleted (a key no longer listed), rotated.
  const newest = admin.apiKeys[admin.apiKeys.length - 1];
  const created = newest.created_at ? Date.parse(newest.created_at) : at(12);
  push(
    created,
    alice,
    'api_key.create',
    'API_KEY',
    { id: newest.key_id, name: newest.name ?? '' },
    {
      product: newest.product ?? 'API',
    },
  );
  // Two entries with one created_at (a client paging with `after` must not lose or repeat one).
  const member = admin.members[5];
  push(
    created,
    alice,
    'workspace.member.add',
    'WORKSPACE',
    { id: admin.workspaces[0].uuid, name: admin.workspaces[0].name },
    {
      user_uuid: member.uuid,
      email: member.email ?? '',
    },
  );
  push(at(33), keyActor(admin.apiKeys[1]), 'api_key.delete', 'API_KEY', {
    id: rng.uuid(),
    name: 'temp-debug-key',
  });
  push(at(21), alice, 'api_key.rotate', 'API_KEY', {
    id: admin.apiKeys[3].key_id,
    name: admin.apiKeys[3].name ?? '',
  });
  // Libraries: the one shared with the whole organization, else the first.
  const lib = o.libraries.find((l) => l.sharing?.some((s) => s.share_with_type === 'Org')) ?? o.libraries[0];
  if (lib)
    push(
      at(26),
      admin.members[4],
      'library.share',
      'LIBRARY',
      { id: lib.library.id, name: lib.library.name },
      {
        share_with_type: 'Org',
        share_with_uuid: admin.organizationId,
        role: 'Viewer',
      },
    );
  // Connector credentials.
  const conn = o.connectors.find((c) => c.credentials.organization.length) ?? o.connectors[0];
  if (conn)
    push(
      at(17),
      admins[1] ?? alice,
      'integration.credentials.created_or_updated',
      'INTEGRATION',
      {
        id: conn.connector.id,
        name: conn.connector.name,
      },
      { scope: 'organization', credentials_name: conn.credentials.organization[0]?.name ?? 'default' },
    );
  // Organization settings.
  const org = { id: admin.organizationId, name: 'Acme' };
  push(at(44), alice, 'la_plateforme.training.enabled', 'ORGANIZATION', org, {}, null);
  push(at(29), outsiderAdmin, 'le_chat.conversation.public_sharing.enabled', 'ORGANIZATION', org, {}, null);
  push(at(8), outsiderAdmin, 'organization.saml_authentication.disable', 'ORGANIZATION', org, {}, null);
  const promoted = admin.members[3];
  const ws1 = admin.workspaces[1];
  push(
    at(15),
    alice,
    'workspace.member.role.update',
    'WORKSPACE',
    { id: ws1.uuid, name: ws1.name },
    {
      user_uuid: promoted.uuid,
      email: promoted.email ?? '',
      old_role: 'M',
      new_role: 'A',
    },
    ws1.uuid,
  );
  push(
    at(45),
    alice,
    'organization.invite.send',
    'USER',
    { id: admin.invites[1].uuid, name: admin.invites[1].email },
    {
      email: admin.invites[1].email,
      role: 'M',
    },
    null,
  );
  // Security events of src/drift/audit-events.ts added later (drawn last, so the entries above keep
  // their times): a connector shared, domain verification disabled, location sharing enabled.
  if (conn)
    push(
      at(11),
      admins[1] ?? alice,
      'integration.shared',
      'INTEGRATION',
      { id: conn.connector.id, name: conn.connector.name },
      { share_with_type: 'Org', share_with_uuid: admin.organizationId },
    );
  push(
    at(6),
    outsiderAdmin,
    'organization.domain_verification.disable',
    'ORGANIZATION',
    org,
    { domain: DOMAIN },
    null,
  );
  push(at(3), alice, 'le_chat.localisation_sharing.enabled', 'ORGANIZATION', org, {}, null);

  out.sort((a, b) => a.ms - b.ms);
  return out.map(({ ms: _ms, ...e }, i) => ({ log_id: 1001 + i, ...e }));
}

/** Hostile texts (HOSTILE_PAYLOADS) in the owner-written admin texts: key, member, workspace, group names. */
export function makeAdminHostile(admin: SimAdmin): void {
  admin.apiKeys.forEach((k, i) => {
    if (i > 0) k.name = hostilePayload(i);
  });
  admin.members.forEach((m, i) => {
    m.name = hostilePayload(i + 3);
  });
  admin.workspaces.forEach((w, i) => {
    w.name = hostilePayload(i + 5).slice(0, 255);
    w.description = hostilePayload(i + 6);
  });
  const names = new Map(admin.workspaces.map((w) => [w.uuid, w.name]));
  for (const k of admin.apiKeys) if (k.workspace_id) k.workspace_name = names.get(k.workspace_id) ?? null;
  for (const m of admin.members) for (const w of m.workspaces ?? []) w.name = names.get(w.uuid) ?? w.name;
  admin.userGroups.forEach((g, i) => {
    g.name = hostilePayload(i + 7).slice(0, 255);
  });
  const people = new Map(admin.members.map((m) => [m.uuid, m.name ?? '']));
  const groups = new Map([...names, ...people]);
  for (const e of admin.auditLog) {
    const actor = people.get(e.actor_metadata.user_uuid);
    if (actor !== undefined) e.actor_metadata.name = actor;
    const target = groups.get(e.target_metadata.id);
    if (target !== undefined) e.target_metadata.name = target;
  }
}

/** The Admin API view of a workspace; a workspace without one (a scenario file) gets an empty organization. */
export function adminOf(ws: SimWorkspace): SimAdmin {
  ws.admin ??= {
    organizationId: '00000000-0000-4000-8000-000000000000',
    apiKeys: [],
    members: [],
    invites: [],
    workspaces: [],
    archivedWorkspaceIds: [],
    roles: structuredClone(ROLES),
    userGroups: [],
    auditLog: [],
    rateLimit: { requests_per_second: 40, tokens_limits_by_model: {} },
    usage: [],
    currency: 'EUR',
    currencySymbol: '€',
    monthlySpendLimit: null,
  };
  return ws.admin;
}

/**
 * Appends an audit entry (log_id = last + 1; created_at default = the workspace clock). Entries are
 * kept sorted by created_at then log_id, so an entry back-dated by a test lands in its place.
 */
export function appendAuditEntry(ws: SimWorkspace, e: AuditEntryInput): WireAuditLog {
  const admin = adminOf(ws);
  const logId = admin.auditLog.reduce((max, x) => Math.max(max, x.log_id), 1000) + 1;
  const entry: WireAuditLog = {
    log_id: logId,
    created_at: e.created_at ?? ws.now,
    actor_type: e.actor_type,
    actor_metadata: e.actor_metadata ?? {},
    event_type: e.event_type,
    event_metadata: e.event_metadata ?? {},
    target_type: e.target_type,
    target_metadata: e.target_metadata ?? {},
    organization_uuid: e.organization_uuid === undefined ? admin.organizationId : e.organization_uuid,
    workspace_uuid: e.workspace_uuid === undefined ? (admin.workspaces[0]?.uuid ?? null) : e.workspace_uuid,
  };
  const t = Date.parse(entry.created_at);
  let i = admin.auditLog.length;
  while (i > 0 && Date.parse(admin.auditLog[i - 1].created_at) > t) i--;
  admin.auditLog.splice(i, 0, entry);
  return entry;
}

/** A human organization admin to attribute simulated changes to (the first non-outsider one). */
export function humanAdmin(ws: SimWorkspace): WireMember | undefined {
  const members = ws.admin?.members ?? [];
  const admins = members.filter((m) => m.raw_roles?.[0] === 'A' || m.raw_roles?.[0] === ORG_ROLE_ADMIN);
  return admins.find((m) => !m.is_sso_outsider) ?? admins[0] ?? members[0];
}

export function humanActor(m: WireMember | undefined): Record<string, string> {
  return m ? human(m) : {};
}

// ----------------------------------------------------------------------------------------------
// Routes. Query validation follows FastAPI: a bad value → 422 with a `detail` array.

function int(q: URLSearchParams, name: string, def: number, min: number, max?: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw new QueryError(name, 'Input should be a valid integer');
  const n = Number(raw);
  if (n < min)
    throw new QueryError(
      name,
      min === 1 ? 'Input should be greater than 0' : `Input should be greater than or equal to ${min}`,
    );
  if (max !== undefined && n > max)
    throw new QueryError(name, `Input should be less than or equal to ${max}`);
  return n;
}

function bool(q: URLSearchParams, name: string, def: boolean): boolean {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new QueryError(name, 'Input should be a valid boolean');
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A date-time query value in ms (a value without offset is UTC), or null when absent. */
function dateTime(q: URLSearchParams, name: string): number | null {
  const raw = q.get(name);
  if (raw === null || raw === '') return null;
  if (!DATE_TIME.test(raw)) throw new QueryError(name, 'Input should be a valid datetime');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw);
  const ms = Date.parse(hasZone ? raw : `${raw.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new QueryError(name, 'Input should be a valid datetime');
  return ms;
}

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

const detailNotFound = (what: string): Reply => ({ status: 404, body: { detail: `${what} not found` } });

const ACTOR_TYPES = new Set(['HUMAN', 'API_KEY', 'OTHER']);

/** Values of a list query parameter (repeated, or comma-separated). */
function list(q: URLSearchParams, name: string, shape: RegExp, allowed?: Set<string>): string[] {
  const vals = q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of vals)
    if (!shape.test(v) || (allowed && !allowed.has(v)))
      throw new QueryError(name, `Input should be a valid enumeration member, got '${v}'`);
  return vals;
}

function auditLogs(ctx: RouteContext): Reply {
  const q = ctx.query;
  const admin = adminOf(ctx.ws);
  const actorTypes = list(q, 'actor_type', /^[A-Z_]+$/, ACTOR_TYPES);
  const eventTypes = list(q, 'event_type', /^[a-z_]+(\.[a-z_]+)+$/);
  const targetTypes = list(q, 'target_type', /^[A-Z_]+$/);
  const actorUser = q.get('actor_user_uuid');
  const sort = q.get('sort') ?? 'descending';
  if (sort !== 'ascending' && sort !== 'descending')
    throw new QueryError('sort', "Input should be 'ascending' or 'descending'");
  const after = dateTime(q, 'after');
  const before = dateTime(q, 'before');
  const limit = Math.min(int(q, 'limit', 20, 1), ctx.maxPageSize);
  let entries = admin.auditLog.map((e, i) => ({ e, i, t: Date.parse(e.created_at) }));
  entries = entries.filter(
    ({ e, t }) =>
      (!actorTypes.length || actorTypes.includes(e.actor_type)) &&
      (!eventTypes.length || eventTypes.includes(e.event_type)) &&
      (!targetTypes.length || targetTypes.includes(e.target_type)) &&
      (!actorUser || e.actor_metadata?.user_uuid === actorUser) &&
      (after === null || t > after) &&
      (before === null || t < before),
  );
  entries.sort((a, b) => a.t - b.t || a.e.log_id - b.e.log_id || a.i - b.i);
  if (sort === 'descending') entries.reverse();
  return { status: 200, body: entries.slice(0, limit).map((x) => x.e) };
}

/** AdminUserOUT: the member plus first/last names. */
function userOut(m: WireMember): Record<string, unknown> {
  const [first, ...rest] = String(m.name ?? '').split(' ');
  return {
    ...m,
    first_name: m.name ? first : null,
    last_name: m.name && rest.length ? rest.join(' ') : null,
  };
}

function usage(ctx: RouteContext): Reply {
  const q = ctx.query;
  const admin = adminOf(ctx.ws);
  const now = new Date(Date.parse(ctx.ws.now));
  const monthRaw = q.get('month');
  const yearRaw = q.get('year');
  let month = now.getUTCMonth() + 1;
  let year = now.getUTCFullYear();
  if (monthRaw !== null && monthRaw !== '') {
    if (!/^\d{1,2}$/.test(monthRaw) || Number(monthRaw) < 1 || Number(monthRaw) > 12)
      throw new QueryError('month', 'month must be an integer between 1 and 12');
    month = Number(monthRaw);
  }
  if (yearRaw !== null && yearRaw !== '') {
    if (!/^\d{4}$/.test(yearRaw)) throw new QueryError('year', 'year must be a four-digit year');
    year = Number(yearRaw);
  }
  const workspaceId = q.get('workspace_id');
  if (workspaceId && !UUID.test(workspaceId))
    throw new QueryError('workspace_id', 'Input should be a valid UUID');
  const zone = q.get('api_zone');
  if (zone && !['global', 'us', 'eu'].includes(zone))
    throw new QueryError('api_zone', "Input should be 'global', 'us' or 'eu'");
  const key = `${year}-${String(month).padStart(2, '0')}`;
  const rows = admin.usage.filter(
    (r) =>
      r.month === key &&
      (!workspaceId || r.workspaceId.toLowerCase() === workspaceId.toLowerCase()) &&
      (!zone || r.apiZone === zone),
  );
  const start = Date.UTC(year, month - 1, 1);
  const end = Date.UTC(year, month, 1) - 1;
  const group = (product: SimUsageRow['product']) => {
    const models: Record<string, Record<string, Array<Record<string, unknown>>>> = {};
    const sums = new Map<string, { r: SimUsageRow; quantity: number }>();
    for (const r of rows) {
      if (r.product !== product) continue;
      const k = `${r.model}\u0000${r.metric}\u0000${r.apiZone}`;
      const s = sums.get(k);
      if (s) s.quantity += r.quantity;
      else sums.set(k, { r, quantity: r.quantity });
    }
    for (const { r, quantity } of sums.values()) {
      const metrics = (models[r.model] ??= {});
      (metrics[r.metric] ??= []).push({
        usage_type: r.metric,
        event_type: 'api_tokens',
        billing_metric: r.model,
        billing_group: r.metric === 'input_tokens' ? 'input' : 'output',
        api_zone: r.apiZone,
        service_tier: 'standard',
        timestamp: iso(start),
        value: quantity,
        value_paid: quantity,
        price: r.unitPrice,
        cost: Math.round(quantity * r.unitPrice * 1e6) / 1e6,
      });
    }
    return { models };
  };
  const empty = () => ({ models: {} });
  const seen = new Set<string>();
  const prices = rows
    .filter((r) => {
      const k = `${r.model}\u0000${r.metric}\u0000${r.apiZone}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((r) => ({
      event_type: 'api_tokens',
      billing_metric: r.model,
      billing_group: r.metric === 'input_tokens' ? 'input' : 'output',
      api_zone: r.apiZone,
      service_tier: 'standard',
      price: String(r.unitPrice),
    }));
  const prev = new Date(Date.UTC(year, month - 2, 1));
  const next = new Date(Date.UTC(year, month, 1));
  const label = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  const isCurrent = year === now.getUTCFullYear() && month === now.getUTCMonth() + 1;
  return {
    status: 200,
    body: {
      completion: group('completion'),
      ocr: empty(),
      connectors: empty(),
      libraries_api: { pages: empty(), tokens: empty(), audio_seconds: empty() },
      fine_tuning: { training: {}, storage: {} },
      audio: empty(),
      audio_characters: empty(),
      vibe_usage: 0,
      vibe_code: {
        completion: empty(),
        ocr: empty(),
        connectors: empty(),
        audio: empty(),
        audio_characters: empty(),
      },
      chat: group('chat'),
      date: iso(start),
      previous_month: label(prev),
      next_month: isCurrent ? null : label(next),
      start_date: iso(start),
      end_date: iso(end),
      currency: admin.currency,
      currency_symbol: admin.currencySymbol,
      prices,
    },
  };
}

function monthCost(admin: SimAdmin, month: string): number {
  return (
    Math.round(
      admin.usage.filter((r) => r.month === month).reduce((s, r) => s + r.quantity * r.unitPrice, 0) * 100,
    ) / 100
  );
}

/**
 * GET /v1/admin/* (mistral-api.md §24). `admin: true` routes are answered to the admin key only
 * (server.ts); `feature: 'auditLog'` is the Enterprise-only audit log.
 */
export const ADMIN_ROUTES: readonly RouteDef[] = [
  {
    pattern: '/v1/admin/api-keys',
    beta: false,
    admin: true,
    handle: (ctx) => {
      const q = ctx.query;
      const limit = Math.min(int(q, 'limit', 100, 1), ctx.maxPageSize);
      const offset = int(q, 'offset', 0, 0);
      let keys = adminOf(ctx.ws).apiKeys;
      const name = q.get('name');
      if (name) {
        const needle = fold(name);
        keys = keys.filter(
          (k) =>
            fold(String(k.name ?? '')).includes(needle) || fold(String(k.hidden_key).slice(-4)) === needle,
        );
      }
      return { status: 200, body: { keys: keys.slice(offset, offset + limit) } };
    },
  },
  {
    pattern: '/v1/admin/users',
    beta: false,
    admin: true,
    handle: (ctx) => {
      const q = ctx.query;
      const page = int(q, 'page', 1, 1);
      const size = Math.min(int(q, 'page_size', 25, 1), ctx.maxPageSize);
      const admin = adminOf(ctx.ws);
      const email = q.get('email');
      const match = (e: string | null | undefined) => !email || fold(String(e ?? '')).includes(fold(email));
      const members = admin.members.filter((m) => match(m.email));
      const invites = admin.invites.filter((i) => match(i.email));
      const all: Array<{ m?: WireMember; i?: WireInvite }> = [
        ...members.map((m) => ({ m })),
        ...invites.map((i) => ({ i })),
      ];
      const slice = all.slice((page - 1) * size, page * size);
      return {
        status: 200,
        body: {
          members: slice.flatMap((x) => (x.m ? [x.m] : [])),
          invites: slice.flatMap((x) => (x.i ? [x.i] : [])),
          total: all.length,
          page,
          page_size: size,
        },
      };
    },
  },
  {
    pattern: '/v1/admin/users/{user_id}',
    beta: false,
    admin: true,
    handle: ({ ws, params }) => {
      if (!UUID.test(params.user_id)) throw new QueryError('user_id', 'Input should be a valid UUID', 'path');
      const m = adminOf(ws).members.find((x) => x.uuid.toLowerCase() === params.user_id.toLowerCase());
      return m ? { status: 200, body: userOut(m) } : detailNotFound('User');
    },
  },
  {
    pattern: '/v1/admin/roles',
    beta: false,
    admin: true,
    handle: ({ ws }) => ({ status: 200, body: adminOf(ws).roles }),
  },
  {
    pattern: '/v1/admin/workspaces',
    beta: false,
    admin: true,
    handle: (ctx) => {
      const q = ctx.query;
      const page = int(q, 'page', 1, 1);
      const size = Math.min(int(q, 'page_size', 25, 1), ctx.maxPageSize);
      const archived = bool(q, 'is_archived', false);
      const admin = adminOf(ctx.ws);
      let items = admin.workspaces;
      if (!archived) items = items.filter((w) => !admin.archivedWorkspaceIds.includes(w.uuid));
      const search = q.get('search');
      if (search) items = items.filter((w) => fold(String(w.name)).includes(fold(search)));
      return {
        status: 200,
        body: {
          total: items.length,
          items: items.slice((page - 1) * size, page * size),
          object: 'list',
          page,
          page_size: size,
        },
      };
    },
  },
  {
    pattern: '/v1/admin/user-groups',
    beta: false,
    admin: true,
    handle: (ctx) => {
      const q = ctx.query;
      const page = int(q, 'page', 1, 1);
      const size = int(q, 'page_size', 25, 1, 100);
      let items = adminOf(ctx.ws).userGroups;
      const search = q.get('search');
      if (search) items = items.filter((g) => fold(String(g.name)).includes(fold(search)));
      return {
        status: 200,
        body: {
          total: items.length,
          items: items.slice((page - 1) * size, page * size),
          page,
          page_size: size,
        },
      };
    },
  },
  {
    pattern: '/v1/admin/audit-logs',
    beta: false,
    admin: true,
    feature: 'auditLog',
    handle: auditLogs,
  },
  {
    pattern: '/v1/admin/rate-limit',
    beta: false,
    admin: true,
    handle: (ctx) => {
      const rl = adminOf(ctx.ws).rateLimit;
      const rps = ctx.adminRequestsPerSecond ?? rl.requests_per_second;
      return { status: 200, body: { ...rl, requests_per_second: rps } };
    },
  },
  {
    pattern: '/v1/admin/usage',
    beta: false,
    admin: true,
    handle: usage,
  },
  {
    pattern: '/v1/admin/spend-limit',
    beta: false,
    admin: true,
    handle: ({ ws }) => {
      const admin = adminOf(ws);
      const spent = monthCost(admin, monthKey(Date.parse(ws.now)));
      const limit = admin.monthlySpendLimit;
      return {
        status: 200,
        body: {
          limits: {
            completion: {
              no_monthly_limit: limit === null,
              monthly_limit_reached: limit !== null && spent >= limit,
              usage: spent,
              vibe_usage: 0,
              total_usage: spent,
              usage_limit: limit,
            },
            last_payment_failure: false,
            last_payment_failure_protection: null,
            currency: admin.currency,
          },
        },
      };
    },
  },
];

/** Used by evolve(): the audit trail of a step's agent changes. */
export function auditAgentChange(
  ws: SimWorkspace,
  actor: WireMember | undefined,
  event: 'agent.create' | 'agent.update' | 'agent.delete',
  agent: Pick<WireAgent, 'id' | 'name' | 'version'>,
  at: IsoDateTime,
  details: Record<string, string> = {},
): WireAuditLog {
  return appendAuditEntry(ws, {
    created_at: at,
    actor_type: 'HUMAN',
    actor_metadata: humanActor(actor),
    event_type: event,
    event_metadata: {
      agent_id: String(agent.id),
      agent_name: String(agent.name ?? ''),
      agent_version: String(agent.version ?? 0),
      ...details,
    },
    target_type: 'AGENT',
    target_metadata: { id: String(agent.id), name: String(agent.name ?? '') },
  });
}
