/**
 * MCP connectors and library sharing of a generated workspace (issue 11, mistral-api.md §24).
 *
 * Guarantees (so tests cannot pass vacuously), whatever the seed:
 * - one built-in connector (mistral: true, visibility shared_global) per name agents' connector
 *   tools use (CONNECTOR_IDS: gmail, github, …), so agents join to them by name; the ~20% of agent
 *   connector tools that carry a random uuid point at no connector (a deleted connector);
 * - gmail and slack have organization-wide credentials (valid); github's organization credentials
 *   are in error ("oauth expired"); jira has workspace credentials that are invalid; notion has only
 *   per-user credentials;
 * - custom connectors: one on a public HTTPS server (fine), one on plain HTTP at a private address,
 *   one whose server URL carries `user:password@`, one on localhost; the first has organization
 *   credentials;
 * - tools: notion's listing sends `tools: null` and warehouse_db's (the second custom connector) sends
 *   no `tools` field; both list their tools only through GET /v1/connectors/{id}/tools
 *   (SimConnector.toolsInListing). Every other connector's listing carries its tools;
 * - sharing: every library has its owner; every library at an odd index is shared with a workspace;
 *   the first library with documents is shared with the whole organization and its first document
 *   gets a sensitive-looking name (payroll_…).
 * Runs on its own RNG fork, after everything else: the rest of the workspace is unchanged.
 * A workspace without `connectors` (a scenario file) is served the built-in connectors only
 * (connectorsOf).
 */
import type {
  WireConnector,
  WireConnectorCredential,
  WireConnectorTool,
  WireSharing,
} from '../shared/mistral-wire-connectors.ts';
import { CONNECTOR_IDS } from './catalog.ts';
import { hostilePayload } from './hostile.ts';
import { createRng, type Rng } from './prng.ts';
import type { SimConnector, SimLibrary, SimWorkspace } from './types.ts';
import { DAY_MS, iso } from './time.ts';

const TOOL_NAMES: Record<string, string[]> = {
  gmail: ['search_messages', 'read_message', 'send_message'],
  github: ['search_code', 'create_issue', 'merge_pull_request'],
  google_drive: ['search_files', 'read_file'],
  slack: ['read_channel', 'send_message'],
  jira: ['search_issues', 'create_issue', 'delete_item'],
  notion: ['search_pages', 'update_page'],
};

/** Custom connectors: name, server, and whether TrustLens should flag where it points. */
export const CUSTOM_CONNECTOR_SERVERS: ReadonlyArray<{ name: string; server: string }> = [
  { name: 'crm_tools', server: 'https://mcp.crm-tools.example.com/mcp' },
  { name: 'warehouse_db', server: 'http://10.20.3.7:8080/mcp' },
  { name: 'deploy_bot', server: 'https://deploy:s3cr3t-pa55@mcp.deploy-bot.example.com/sse' },
  { name: 'local_notes', server: 'https://localhost:9000/mcp' },
];

function credential(
  name: string,
  scope: WireConnectorCredential['scope'],
  type: WireConnectorCredential['authentication_type'],
  status: 'valid' | 'invalid' | 'error',
  checkedAt: string,
  reason: string | null = null,
): WireConnectorCredential {
  return {
    name,
    title: null,
    authentication_type: type,
    scope,
    status: {
      status_type: status,
      last_checked_at: checkedAt,
      error_http_code: status === 'valid' ? null : 401,
      error_message: status === 'valid' ? null : reason,
    },
    is_default: true,
  };
}

function tools(rng: Rng, names: string[], createdMs: number, nowMs: number): WireConnectorTool[] {
  return names.map((name) => ({
    id: rng.uuid(),
    name,
    description: `${name.replace(/_/g, ' ')}`,
    system_prompt: null,
    jsonschema: { type: 'object', properties: {} },
    execution_config: { type: 'mcp' },
    visibility: 'shared_global',
    created_at: iso(createdMs),
    modified_at: iso(createdMs + rng.int(0, Math.max(0, nowMs - createdMs - 60_000))),
    active: true,
  }));
}

export function buildConnectors(
  rng: Rng,
  nowMs: number,
  customs = CUSTOM_CONNECTOR_SERVERS.length,
): SimConnector[] {
  const out: SimConnector[] = [];
  const checked = iso(nowMs - rng.int(1, 48) * 3_600_000);
  for (const name of CONNECTOR_IDS) {
    const createdMs = nowMs - rng.int(100, 400) * DAY_MS;
    const creds: SimConnector['credentials'] = { organization: [], workspace: [], user: [] };
    if (name === 'gmail' || name === 'slack')
      creds.organization.push(credential(`${name}_org`, 'org', 'oauth2', 'valid', checked));
    if (name === 'github')
      creds.organization.push(
        credential('github_org', 'org', 'github_app', 'error', checked, 'oauth expired'),
      );
    if (name === 'jira')
      creds.workspace.push(
        credential('jira_team', 'workspace', 'bearer', 'invalid', checked, 'you need to reconnect'),
      );
    if (name === 'notion' || name === 'google_drive')
      creds.user.push(credential(`${name}_me`, 'user', 'oauth2', 'valid', checked));
    const connector: WireConnector = {
      id: rng.uuid(),
      name,
      title: name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      description: `Built-in ${name} connector`,
      created_at: iso(createdMs),
      modified_at: iso(createdMs + DAY_MS),
      server: `https://mcp.mistral.ai/${name}`,
      protocol: 'mcp',
      owner_id: null,
      owner_type: 'system',
      visibility: 'shared_global',
      creator_id: null,
      system_prompt: null,
      supported_auth_methods: [{ method_type: 'oauth2', has_default_credentials: false }],
      connection_credentials: null,
      active: true,
      private_tool_execution: false,
      mistral: true,
      is_authenticated: creds.organization.length + creds.workspace.length + creds.user.length > 0,
      tools: tools(rng, TOOL_NAMES[name] ?? ['run'], createdMs, nowMs),
    };
    out.push({ connector, credentials: creds, ...(name === 'notion' ? { toolsInListing: 'null' } : {}) });
  }
  const owner = rng.uuid();
  for (let i = 0; i < customs; i++) {
    const spec = CUSTOM_CONNECTOR_SERVERS[i % CUSTOM_CONNECTOR_SERVERS.length];
    const name = i < CUSTOM_CONNECTOR_SERVERS.length ? spec.name : `${spec.name}_${i}`;
    const createdMs = nowMs - rng.int(5, 200) * DAY_MS;
    const creds: SimConnector['credentials'] = { organization: [], workspace: [], user: [] };
    if (i === 0) creds.organization.push(credential('crm_service', 'org', 'bearer', 'valid', checked));
    else if (i % 2 === 1)
      creds.workspace.push(credential(`${name}_ws`, 'workspace', 'bearer', 'valid', checked));
    const connector: WireConnector = {
      id: rng.uuid(),
      name,
      title: null,
      description: `Custom MCP server ${name}`,
      created_at: iso(createdMs),
      modified_at: iso(createdMs + rng.int(0, 4) * DAY_MS),
      server: spec.server,
      protocol: 'mcp',
      owner_id: owner,
      owner_type: i % 2 === 0 ? 'org' : 'workspace',
      visibility: i % 2 === 0 ? 'shared_org' : 'shared_workspace',
      creator_id: owner,
      system_prompt: null,
      supported_auth_methods: [{ method_type: 'bearer', has_default_credentials: false }],
      connection_credentials: null,
      active: i !== 3,
      private_tool_execution: i === 1,
      mistral: false,
      is_authenticated: creds.organization.length + creds.workspace.length > 0,
      tools: tools(rng, ['query', 'update_record'], createdMs, nowMs),
    };
    out.push({ connector, credentials: creds, ...(i === 1 ? { toolsInListing: 'omitted' } : {}) });
  }
  return out;
}

/** Sharing of every library (see the guarantees above). Renames one document (sensitive-looking). */
export function shareLibraries(rng: Rng, libraries: SimLibrary[]): void {
  const orgId = rng.uuid();
  const orgWide = libraries.find((l) => l.documents.length > 0) ?? null;
  libraries.forEach((lib, i) => {
    const id = lib.library.id;
    const entry = (role: string, type: string, uuid: string | null): WireSharing => ({
      library_id: id,
      user_id: null,
      org_id: orgId,
      role,
      share_with_type: type,
      share_with_uuid: uuid,
    });
    const sharing: WireSharing[] = [entry('Owner', 'User', lib.library.owner_id ?? rng.uuid())];
    if (i % 2 === 1) sharing.push(entry('Viewer', 'Workspace', rng.uuid()));
    if (rng.chance(0.5)) sharing.push(entry('Editor', 'User', rng.uuid()));
    if (lib === orgWide) {
      sharing.push(entry('Viewer', 'Org', orgId));
      lib.documents[0].name = `payroll_${lib.documents[0].name}`;
    }
    lib.sharing = sharing;
  });
}

/** Hostile texts in every owner-written connector field (names, titles, descriptions, tools, credential names). */
export function makeConnectorsHostile(connectors: SimConnector[]): void {
  connectors.forEach((c, k) => {
    const w = c.connector;
    w.title = hostilePayload(k);
    w.description = hostilePayload(k + 1);
    w.system_prompt = hostilePayload(k + 2);
    if (!w.mistral) w.name = `${hostilePayload(k + 3)}${w.name}`;
    (w.tools ?? []).forEach((t, j) => {
      t.description = hostilePayload(k + j);
    });
    for (const list of [c.credentials.organization, c.credentials.workspace, c.credentials.user])
      for (const cred of list) cred.title = hostilePayload(k + 4);
  });
}

const DEFAULTS = new WeakMap<object, SimConnector[]>();

/**
 * The connectors served for a workspace that lists none (`connectors` absent, e.g. a scenario file
 * written before connectors existed): Mistral's built-in connectors, which every real workspace has,
 * with no credentials. Deterministic, computed once per workspace.
 */
export function connectorsOf(ws: SimWorkspace): SimConnector[] {
  if (ws.connectors) return ws.connectors;
  let list = DEFAULTS.get(ws);
  if (!list) {
    const nowMs = Number.isNaN(Date.parse(ws.now))
      ? Date.parse('2026-06-01T12:00:00.000Z')
      : Date.parse(ws.now);
    list = buildConnectors(createRng(0xc0ec7), nowMs, 0);
    for (const c of list) {
      c.credentials = { organization: [], workspace: [], user: [] };
      c.connector.is_authenticated = false;
    }
    DEFAULTS.set(ws, list);
  }
  return list;
}
