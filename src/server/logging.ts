/**
 * The server's pino logger: JSON lines; credentials never written. Headers and bodies are not logged
 * at all (fastify logs method, URL, host and address); as a second line of defence the authorization
 * and cookie headers, set-cookie and any field named apiKey, adminApiKey, password, token, setupToken,
 * sessionToken or csrfToken are censored wherever they appear (up to three levels deep), and logged
 * URLs are censored by redactUrl.
 */
import { pino, type Logger } from 'pino';
import { findSecrets } from '../rules/secret-scanner.ts';

const CENSORED = '[REDACTED]';

const SECRET_FIELDS = [
  'apiKey',
  'adminApiKey',
  'password',
  'token',
  'setupToken',
  'sessionToken',
  'csrfToken',
  'newPassword',
];

/**
 * The API's query parameters whose values are logged: paging, sorting and filters on ids, kinds and
 * states (the querystring schemas of src/server/routes). Exact names only. Free text (`q`) and people
 * (`actor`) are not on it.
 */
const LOGGED_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'cursor',
  'limit',
  'page',
  'pageSize',
  'offset',
  'sort',
  'order',
  'from',
  'to',
  'since',
  'until',
  'at',
  'format',
  'kind',
  'type',
  'status',
  'severity',
  'framework',
  'muted',
  'includeDeleted',
  'hasOpenFindings',
  'guardrails',
  'model',
  'tool',
  'eventType',
  'resourceType',
  'resourceId',
  'ruleId',
  'integrationId',
  'agentId',
  'syncRunId',
  'destinationId',
]);

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const secretShaped = (text: string) => findSecrets(decoded(text)).length > 0;

function censorParam(part: string): string {
  if (part === '') return part;
  const eq = part.indexOf('=');
  if (eq < 0) return LOGGED_QUERY_PARAMS.has(decoded(part)) ? part : CENSORED;
  const name = part.slice(0, eq);
  const value = part.slice(eq + 1);
  if (!LOGGED_QUERY_PARAMS.has(decoded(name))) return `${secretShaped(name) ? CENSORED : name}=${CENSORED}`;
  return `${name}=${secretShaped(value) ? CENSORED : value}`;
}

/**
 * A URL as it may be logged. Every query value is censored except those of the API's own harmless
 * parameters (LOGGED_QUERY_PARAMS), and even those when the secret scanner sees a credential in them;
 * a parameter without a value that is not on the list, a path segment the scanner flags and any
 * fragment are censored whole. An allow-list rather than a list of credential words: a client can put
 * a credential under any name (`access_token`, `X-Amz-Signature`, `sig`, `code`, `jwt`, or an encoded
 * `%74oken`), while the parameters worth reading in a log are the API's own, a small known set.
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt);
  let out = path
    .split('/')
    .map((segment) => (secretShaped(segment) ? CENSORED : segment))
    .join('/');
  if (queryAt >= 0)
    out += `?${beforeHash
      .slice(queryAt + 1)
      .split('&')
      .map(censorParam)
      .join('&')}`;
  if (hashAt >= 0) out += hashAt === url.length - 1 ? '#' : `#${CENSORED}`;
  return out;
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'req.url',
  'url',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

function censor(value: unknown, path: string[]): unknown {
  const last = path[path.length - 1];
  if (last === 'url' && typeof value === 'string') return redactUrl(value);
  return CENSORED;
}

export const REDACT = { paths: REDACT_PATHS, censor };

export function createServerLogger(level: string): Logger {
  return pino({ level, redact: REDACT });
}

/** A child of the caller's logger with our redaction added. */
export function withRedaction(logger: Logger): Logger {
  return logger.child({}, { redact: REDACT });
}
