/**
 * MCP connectors and library sharing (issue 11): wire records → inventory records.
 *
 * No credential value ever reaches a record: the API's credential listings carry names, auth types
 * and status only, and a server URL keeps its scheme, host, port and ordinary path words only (see
 * cleanServerUrl): whatever may carry a credential is removed or replaced by "[REDACTED]", recording
 * that something was (`serverRedacted`), and whether it was a credential by its evidence
 * (`serverHadCredentials`).
 */
import type { WireTool } from '../shared/mistral-wire.ts';
import type {
  CredentialScope,
  WireConnector,
  WireConnectorCredential,
  WireSharing,
} from '../shared/mistral-wire-connectors.ts';
import { findSecrets } from '../rules/secret-scanner.ts';
import { REDACTED } from './redact.ts';
import type { AgentRecord, DataQualityWarning } from './types.ts';

export interface ConnectorCredentialRecord {
  /** Where the credentials were registered: for the whole organization, a workspace, or one user. */
  scope: CredentialScope;
  name: string;
  title: string | null;
  /** oauth2 | bearer | none | github_app | slack_app (as sent). */
  authType: string;
  /** valid | invalid | error, or null when the API gave no status. */
  status: string | null;
  lastCheckedAt: string | null;
  errorHttpCode: number | null;
  /** The API's reason ("oauth expired", "MCP server unreachable", …). */
  errorReason: string | null;
  isDefault: boolean;
}

export interface ConnectorToolRecord {
  name: string;
  description: string | null;
  active: boolean | null;
}

/** Whether the server's host is reachable from the internet: 'private' = loopback, private range, intranet name. */
export type ServerExposure = 'public' | 'private' | 'unknown';

export interface ConnectorRecord {
  id: string;
  name: string;
  title: string | null;
  description: string | null;
  /** Built by Mistral (`mistral: true`); false = a custom connector someone registered. */
  builtIn: boolean;
  /** The server URL without any credential in it; null when none was given. */
  server: string | null;
  /**
   * A credential was in the URL, by its evidence, and was removed: a `user:password@` part, a value the
   * secret scanner flags (sk-…, a JWT, a key, "token=…"), a value of a credential-named parameter
   * (token, key, secret, password, jwt, bearer, session, auth, signature, credential, code), or a path
   * segment or query name shaped like a random key (letters of both cases and digits).
   */
  serverHadCredentials: boolean;
  /**
   * Anything was removed or replaced in the URL, credential or not: every query value but a plain one
   * of a known harmless parameter, a fragment, a UUID or long token-like path segment are hidden as a
   * precaution (see cleanServerUrl). Absent in snapshots taken before it was recorded.
   */
  serverRedacted?: boolean;
  /** http, https, … (lower case), or null when the URL could not be parsed. */
  serverScheme: string | null;
  serverHost: string | null;
  serverExposure: ServerExposure;
  protocol: string | null;
  ownerId: string | null;
  ownerType: string | null;
  visibility: string | null;
  creatorId: string | null;
  active: boolean | null;
  authenticated: boolean | null;
  privateToolExecution: boolean | null;
  /**
   * The tools the connector exposes (from the listing, else from GET /v1/connectors/{id}/tools); null
   * when unknown (the listing sent `tools: null` or no `tools`, and that read failed or was not made).
   * [] = it has none: never conflate them.
   */
  tools: ConnectorToolRecord[] | null;
  /** Every scope's credentials, or null when they could not be read (never a value). */
  credentials: ConnectorCredentialRecord[] | null;
  /** Per scope: how many credentials, or null when that scope could not be read. */
  credentialCounts: Record<CredentialScope, number | null>;
  /** Agents whose current tools use this connector (by id or name), ascending. */
  usedByAgents: string[];
  createdAt: string | null;
  modifiedAt: string | null;
  dataQuality: DataQualityWarning[];
}

export interface LibraryShareRecord {
  /** User | Workspace | Org (as sent). */
  sharedWithType: string;
  sharedWithId: string | null;
  /** Owner | Editor | Viewer … (as sent). */
  role: string;
}

const REDACTED_IN_URL = encodeURIComponent(REDACTED);

/**
 * Query parameters whose plain value (see plainValue) is kept: transport, paging and format options of
 * MCP servers. Compared in lower case with `-` and `_` removed. Any other parameter keeps its name only.
 */
const HARMLESS_PARAMS: ReadonlySet<string> = new Set([
  'transport',
  'version',
  'v',
  'apiversion',
  'format',
  'lang',
  'locale',
  'region',
  'page',
  'pagesize',
  'perpage',
  'limit',
  'offset',
  'sort',
  'order',
]);

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * A path segment, query name or fragment that looks like a credential or a generated token, which MCP
 * hosts often put in the path (`/mcp/<key>/sse`, `/<uuid>/gmail`): what the secret scanner flags (sk-…,
 * JWTs, GitHub, Slack, Google, AWS keys, 32-character keys, "token=…"), a UUID, a run of 24 or more
 * letters and digits, a run of 12 or more mixing letters and digits, or 20 or more letters and digits in
 * all holding lower case, upper case and digits. Words such as `mcp`, `sse`, `v1`, `2025-03-26` or
 * `my-crm-server` are none of these.
 */
export function tokenLike(text: string): boolean {
  if (text === '') return false;
  if (UUID.test(text)) return true;
  const runs = text.split(/[^A-Za-z0-9]+/);
  if (runs.some((r) => r.length >= 24)) return true;
  if (runs.some((r) => r.length >= 12 && /[0-9]/.test(r) && /[A-Za-z]/.test(r))) return true;
  const alnum = runs.join('');
  if (alnum.length >= 20 && /[a-z]/.test(alnum) && /[A-Z]/.test(alnum) && /[0-9]/.test(alnum)) return true;
  return findSecrets(text).length > 0;
}

/** A short word that cannot hold a credential: `sse`, `2`, `2025-03-26`, `json`. */
function plainValue(value: string): boolean {
  return /^[A-Za-z0-9._-]{0,24}$/.test(value) && !tokenLike(value);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether a text removed from a URL is, by its evidence, a credential (not merely hidden as a
 * precaution): what the secret scanner flags, or 20+ letters and digits mixing both cases and digits
 * (the shape of a generated key). A UUID, an id of lower-case letters and digits, or a word is not.
 */
function credentialShaped(text: string): boolean {
  if (findSecrets(text).length > 0) return true;
  return text
    .split(/[^A-Za-z0-9]+/)
    .some((r) => r.length >= 20 && /[a-z]/.test(r) && /[A-Z]/.test(r) && /[0-9]/.test(r));
}

/** A query parameter (or fragment) name that says its value is a credential. */
const CREDENTIAL_NAME =
  /(token|apikey|(^|[^a-z])key$|secret|passw|pwd|jwt|bearer|session|auth|signature|^sig$|credential|^code$)/;

function credentialNamed(name: string): boolean {
  return CREDENTIAL_NAME.test(name.toLowerCase().replace(/[-_ ]/g, ''));
}

/**
 * A path with every token-like segment replaced by the (encoded) marker, whether one was, and whether
 * one was credential-shaped.
 */
function cleanPath(path: string): { path: string; removed: boolean; credential: boolean } {
  let removed = false;
  let credential = false;
  const segments = path.split('/').map((segment) => {
    if (segment === REDACTED_IN_URL || !tokenLike(decoded(segment))) return segment;
    removed = true;
    if (credentialShaped(decoded(segment))) credential = true;
    return REDACTED_IN_URL;
  });
  return { path: segments.join('/'), removed, credential };
}

/** Whether a query string or fragment (without its leading ? or #) holds a credential by its evidence. */
function credentialInParams(text: string): boolean {
  for (const [name, value] of new URLSearchParams(text)) {
    if (credentialShaped(name) || credentialShaped(value)) return true;
    if (value !== '' && credentialNamed(name)) return true;
  }
  return false;
}

export interface CleanServer {
  server: string | null;
  /** A credential, by its evidence, was removed (see ConnectorRecord.serverHadCredentials). */
  hadCredentials: boolean;
  /** Anything was removed or replaced, credential or precaution (ConnectorRecord.serverRedacted). */
  redacted: boolean;
  scheme: string | null;
  host: string | null;
  exposure: ServerExposure;
}

/**
 * A server URL with no credential left in it, and where it points. Kept: the scheme, host and port
 * (the rules judge them), path segments that are ordinary words, query parameter names, and the values
 * of a few harmless parameters (HARMLESS_PARAMS) when they are plain words. Removed: a `user:password@`
 * part and the fragment. Replaced by "[REDACTED]": every other query value, a query name and a path
 * segment that look like a token (tokenLike). A server URL is where MCP hosts put credentials (a
 * `?token=`, `?jwt=`, `?session=`, `?code=` or a key in the path), and a list of credential words always
 * misses one, so a value is kept only when it is known to be harmless. `hadCredentials` is true whenever
 * anything was removed or replaced (an empty fragment or value holds nothing and does not count).
 */
export function cleanServerUrl(raw: unknown): CleanServer {
  if (typeof raw !== 'string' || raw.trim() === '')
    return {
      server: null,
      hadCredentials: false,
      redacted: false,
      scheme: null,
      host: null,
      exposure: 'unknown',
    };
  // A userinfo part (`user:password@`) is removed before anything else, parsable URL or not.
  let text = raw.trim();
  let had = false;
  let hidden = false;
  const userinfo = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)?([^/?#\s]*@)/i.exec(text);
  if (userinfo) {
    had = true;
    text = `${userinfo[1] ?? ''}${text.slice(userinfo[0].length)}`;
  }
  let url: URL;
  try {
    url = new URL(text);
    if (!/^(https?|wss?):$/.test(url.protocol)) throw new TypeError('not a web URL');
  } catch {
    // Not a web URL we can take apart: keep only what comes before its query or fragment, nothing up
    // to an `@` (a password holding a `/` defeats the userinfo match above), and no token-like segment.
    // Where any of them was there, a credential may have been: said, never kept.
    const cut = text.search(/[?#]/);
    let kept = cut < 0 ? text : text.slice(0, cut);
    const at = kept.lastIndexOf('@');
    if (at >= 0) {
      const scheme = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)/i.exec(kept)?.[1] ?? '';
      kept = scheme + kept.slice(at + 1);
    }
    const path = cleanPath(kept);
    const dropped = cut >= 0 ? text.slice(cut + 1) : '';
    return {
      server: path.path === '' ? null : path.path,
      hadCredentials: had || at >= 0 || path.credential || (dropped !== '' && credentialInParams(dropped)),
      redacted: had || cut >= 0 || at >= 0 || path.removed,
      scheme: null,
      host: null,
      exposure: 'unknown',
    };
  }
  if (url.hash !== '') {
    // A fragment can carry a token (`#access_token=…`) and means nothing to a server: never kept.
    const fragment = url.hash.slice(1);
    if (!plainValue(decoded(fragment))) hidden = true;
    if (credentialInParams(fragment)) had = true;
    url.hash = '';
  }
  if (url.username !== '' || url.password !== '') {
    had = true;
    url.username = '';
    url.password = '';
  }
  const path = cleanPath(url.pathname);
  if (path.removed) {
    hidden = true;
    if (path.credential) had = true;
    url.pathname = path.path;
  }
  if (url.search !== '') {
    const params = new URLSearchParams();
    let changed = false;
    for (const [name, value] of url.searchParams) {
      const keptName = tokenLike(name) ? REDACTED : name;
      const harmless = HARMLESS_PARAMS.has(name.toLowerCase().replace(/[-_]/g, ''));
      const keptValue = value === '' || (harmless && plainValue(value)) ? value : REDACTED;
      if (keptName !== name || keptValue !== value) changed = true;
      if (credentialShaped(name) || credentialShaped(value) || (value !== '' && credentialNamed(name)))
        had = true;
      params.append(keptName, keptValue);
    }
    if (changed) {
      hidden = true;
      url.search = params.toString();
    }
  }
  const host = url.hostname.toLowerCase();
  return {
    server: url.toString(),
    hadCredentials: had,
    redacted: had || hidden,
    scheme: url.protocol.replace(/:$/, '').toLowerCase(),
    host,
    exposure: hostExposure(host),
  };
}

const PRIVATE_SUFFIXES = [
  '.localhost',
  '.local',
  '.internal',
  '.intranet',
  '.lan',
  '.corp',
  '.home',
  '.home.arpa',
];

/** 'private' for loopback, RFC 1918/6598/link-local addresses, IPv6 ULA/link-local, intranet names. */
export function hostExposure(hostname: string): ServerExposure {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === '') return 'unknown';
  if (h === 'localhost' || PRIVATE_SUFFIXES.some((s) => h.endsWith(s))) return 'private';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 10 || a === 127 || a === 0) return 'private';
    if (a === 172 && b >= 16 && b <= 31) return 'private';
    if (a === 192 && b === 168) return 'private';
    if (a === 169 && b === 254) return 'private';
    if (a === 100 && b >= 64 && b <= 127) return 'private';
    return 'public';
  }
  if (h.includes(':')) {
    if (h === '::1' || h === '::') return 'private';
    if (/^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h)) return 'private';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return hostExposure(mapped[1]);
    return 'public';
  }
  // A single-label name (no dot) only resolves inside a network.
  if (!h.includes('.')) return 'private';
  return 'public';
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

export function toCredentialRecord(
  c: WireConnectorCredential,
  scope: CredentialScope,
): ConnectorCredentialRecord {
  const st = c.status && typeof c.status === 'object' ? c.status : null;
  return {
    scope,
    name: String(c.name),
    title: str(c.title),
    authType: String(c.authentication_type),
    status: str(st?.status_type),
    lastCheckedAt: str(st?.last_checked_at),
    errorHttpCode: typeof st?.error_http_code === 'number' ? st.error_http_code : null,
    errorReason: str(st?.error_message),
    isDefault: c.is_default === true,
  };
}

/** The connector a connector tool of an agent refers to (its connector_id is an id or a name). */
export function connectorOfTool(
  connectors: readonly ConnectorRecord[],
  tool: WireTool,
): ConnectorRecord | undefined {
  if (tool.type !== 'connector') return undefined;
  const ref = (tool as { connector_id?: unknown }).connector_id;
  if (typeof ref !== 'string') return undefined;
  return connectors.find((c) => c.id === ref) ?? connectors.find((c) => c.name === ref);
}

export interface ConnectorInput {
  connector: WireConnector;
  /** Per scope: the credentials read, or null when that listing failed. */
  credentials: Record<CredentialScope, WireConnectorCredential[] | null>;
  /**
   * The tools read with GET /v1/connectors/{id}/tools (MCPTool records) when the listing gave no tool
   * list; null or absent when they were not read or the read failed. A list the listing gave wins.
   */
  tools?: readonly unknown[] | null;
}

/** A connector's tools as records (a tool without a string name keeps `String(name)`). */
function toToolRecords(tools: readonly unknown[]): ConnectorToolRecord[] {
  return tools.map((t) => {
    const o = t && typeof t === 'object' ? (t as Record<string, unknown>) : {};
    return { name: String(o.name), description: str(o.description), active: bool(o.active) };
  });
}

export function toConnectorRecord(
  input: ConnectorInput,
  agents: readonly AgentRecord[],
  warnings: DataQualityWarning[] = [],
): ConnectorRecord {
  const c = input.connector;
  const server = cleanServerUrl(c.server);
  const scopes: CredentialScope[] = ['organization', 'workspace', 'user'];
  const readable = scopes.every((s) => input.credentials[s] !== null);
  const credentials = readable
    ? scopes.flatMap((s) => (input.credentials[s] ?? []).map((x) => toCredentialRecord(x, s)))
    : null;
  const credentialCounts = Object.fromEntries(
    scopes.map((s) => [s, input.credentials[s]?.length ?? null]),
  ) as Record<CredentialScope, number | null>;
  const record: ConnectorRecord = {
    id: String(c.id),
    name: String(c.name),
    title: str(c.title),
    description: str(c.description),
    builtIn: c.mistral === true,
    server: server.server,
    serverHadCredentials: server.hadCredentials,
    serverRedacted: server.redacted,
    serverScheme: server.scheme,
    serverHost: server.host,
    serverExposure: server.exposure,
    protocol: str(c.protocol),
    ownerId: str(c.owner_id),
    ownerType: str(c.owner_type),
    visibility: str(c.visibility),
    creatorId: str(c.creator_id),
    active: bool(c.active),
    authenticated: bool(c.is_authenticated),
    privateToolExecution: bool(c.private_tool_execution),
    tools: Array.isArray(c.tools)
      ? toToolRecords(c.tools)
      : Array.isArray(input.tools)
        ? toToolRecords(input.tools)
        : null,
    credentials,
    credentialCounts,
    usedByAgents: [],
    createdAt: str(c.created_at),
    modifiedAt: str(c.modified_at),
    dataQuality: warnings.filter((w) => w.resourceType === 'connector' && w.resourceId === c.id),
  };
  record.usedByAgents = agents
    .filter((a) => a.tools.some((t) => connectorOfTool([record], t) === record))
    .map((a) => a.id)
    .sort();
  return record;
}

export function toLibraryShareRecords(sharing: readonly WireSharing[]): LibraryShareRecord[] {
  return sharing
    .map((s) => ({
      sharedWithType: String(s.share_with_type),
      sharedWithId: str(s.share_with_uuid),
      role: String(s.role),
    }))
    .sort(
      (a, b) =>
        a.sharedWithType.localeCompare(b.sharedWithType) ||
        String(a.sharedWithId).localeCompare(String(b.sharedWithId)) ||
        a.role.localeCompare(b.role),
    );
}

/** Shared with the whole organization: a share of type Org (any role). */
export function sharedOrgWide(shares: readonly LibraryShareRecord[]): boolean {
  return shares.some((s) => /^org(anization)?$/i.test(s.sharedWithType));
}
