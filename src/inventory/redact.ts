/**
 * Credentials that the Mistral API returns inside agent configuration are replaced by "[REDACTED]"
 * the moment a wire object becomes an inventory record: they are never stored, hashed, reported,
 * exported or diffed. This covers every free-form object kept from an agent: its tools, `metadata`,
 * `completion_args` and guardrail policies (of the current version and of every version kept), at
 * every level of nesting. (Instructions are kept: they are the configuration under review; the
 * secret-detection rule reports credentials in them by kind and location only.)
 *
 * A string is a credential when
 * - it sits under a key that names one (`api_key`, `db_password`, `client_secret`, `Authorization`,
 *   `x-api-key`, `privateKey`, `X-Auth`, `Cookie`, `Set-Cookie`, `X-Session-Id` …: credentialName),
 *   directly or as an element of an array under that key;
 * - it is a connector's `authorization.value`;
 * - or, whatever its key, it holds something shaped like a credential: the patterns of the
 *   instructions-secret rule (src/rules/secret-scanner.ts: sk-… keys, bearer tokens, JWTs, AWS, GitHub,
 *   Slack and Google keys, 32-character Mistral-style keys, private key blocks, "password=…"). The
 *   whole string is replaced: the scanner gives where a credential starts, not where it ends.
 * Numbers, booleans and null are kept (`max_tokens: 3` is a count, not a credential), and so is an
 * object under a credential-named key (a JSON schema's `password: { type: "string" }`): its own
 * strings are judged one by one. Redaction is deterministic and idempotent, so the same secret always
 * gives the same record and content hashes stay stable.
 */
import { findSecrets } from '../rules/secret-scanner.ts';
import type { WireTool } from '../shared/mistral-wire.ts';

export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /(api[_-]?key|secret|password|passwd|pwd|passphrase|token|credential|(private|secret|access|signing)[_-]?key|authorization)s?$/i;

/**
 * Words that name a credential when they end a key (`X-Auth`, `X-Api-Auth`, `basic_auth`, `Cookie`,
 * `Set-Cookie`, `X-Session`, `jwt`, `pass`). Whole words only, so `author`, `authority_url`, `oauth`,
 * `bypass` and `tokenizer` are not credentials; and only as the last word (the noun of the name), so
 * `auth_url`, `auth_type`, `cookie_name`, `cookie_domain` and `session_timeout` are kept.
 */
const CREDENTIAL_WORDS: ReadonlySet<string> = new Set([
  'auth',
  'authn',
  'authentication',
  'authorization',
  'cookie',
  'cookies',
  'session',
  'sessions',
  'jwt',
  'jwts',
  'bearer',
  'csrf',
  'xsrf',
  'token',
  'tokens',
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'credential',
  'credentials',
  'apikey',
]);
/** `… key` names a credential after these words (`X-Auth-Key`, `session_key`, `Ocp-Apim-Subscription-Key`). */
const KEY_OF: ReadonlySet<string> = new Set([
  'api',
  'auth',
  'access',
  'private',
  'secret',
  'signing',
  'session',
  'cookie',
  'subscription',
  'master',
  'client',
  'encryption',
  'app',
  'application',
  'license',
  'function',
  'functions',
]);
/** A last word that says the name is the credential itself: `X-Auth-Value`, `cookie_header`, `token_string`. */
const ITSELF: ReadonlySet<string> = new Set(['value', 'header', 'string', 'raw']);

/** The words of a key, lower case: `X-Api-Auth` → x api auth, `sessionId` → session id, `XAuthToken` → x auth token. */
function nameWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a key names a credential (see CREDENTIAL_WORDS and KEY_OF); any case, any separator. */
function credentialName(key: string): boolean {
  if (SECRET_KEY.test(key)) return true;
  const words = nameWords(key);
  let n = words.length - 1;
  if (n > 0 && ITSELF.has(words[n])) n--;
  const last = words[n];
  if (last === undefined) return false;
  // PHPSESSID, JSESSIONID: the session cookies of common servers, spelt as one word.
  if (CREDENTIAL_WORDS.has(last) || /(sessid|sessionid)$/.test(last)) return true;
  const before = n > 0 ? words[n - 1] : undefined;
  if (before === undefined) return false;
  if ((last === 'key' || last === 'keys') && KEY_OF.has(before)) return true;
  return (last === 'id' || last === 'ids') && before === 'session';
}

/**
 * Keys of a tool whose strings are identifiers the inventory joins on (tool type, connector id or
 * name, library ids, function name): they are judged by their key only, never by their shape, so an
 * id that happens to look like a 32-character key does not break the knowledge-base or connector join.
 */
const TOOL_ID_KEYS: ReadonlySet<string> = new Set(['type', 'connector_id', 'library_ids', 'name']);
const NO_ID_KEYS: ReadonlySet<string> = new Set();

/**
 * A copy of a tool with credentials replaced by "[REDACTED]" (see the module comment). A rotated
 * connector token is therefore not reported as a change (the event log must never hold it, not even
 * hashed).
 */
export function redactTool(tool: WireTool): WireTool {
  return redact(tool, null, TOOL_ID_KEYS) as WireTool;
}

/**
 * A copy of any free-form value (an agent's `metadata`, `completion_args`, guardrail policies) with
 * credentials replaced by "[REDACTED]" at every level of nesting; everything else is kept as is.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, null, NO_ID_KEYS) as T;
}

function redact(value: unknown, key: string | null, idKeys: ReadonlySet<string>): unknown {
  // An array's elements inherit its key: `tokens: ["…", "…"]` is a list of credentials.
  if (Array.isArray(value)) return value.map((v) => redact(v, key, idKeys));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (key === 'authorization' && k === 'value' && v !== null && v !== undefined) out[k] = REDACTED;
      else out[k] = redact(v, k, idKeys);
    }
    return out;
  }
  if (typeof value !== 'string') return value;
  if (key !== null && credentialName(key)) return REDACTED;
  if (key !== null && idKeys.has(key)) return value;
  return looksSecret(value) ? REDACTED : value;
}

/**
 * Strings already found clean (versions of an agent mostly repeat the same tool descriptions and
 * schemas): scanned once. Only clean strings are remembered, never a credential; bounded in count
 * and in length.
 */
const clean = new Set<string>();
const CLEAN_MAX = 10_000;
const CLEAN_MAX_LENGTH = 2_000;

function looksSecret(value: string): boolean {
  if (clean.has(value)) return false;
  if (findSecrets(value).length > 0) return true;
  if (value.length <= CLEAN_MAX_LENGTH) {
    if (clean.size >= CLEAN_MAX) clean.clear();
    clean.add(value);
  }
  return false;
}
