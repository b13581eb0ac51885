/**
 * The server's pino logger: JSON lines; credentials never written. Headers and bodies are not logged
 * at all (fastify logs method, URL, host and address); as a second line of defence the authorization
 * and cookie headers, set-cookie and any field named apiKey, adminApiKey, password, token, setupToken,
 * sessionToken or csrfToken are censored wherever they appear (up to three levels deep), and secret
 * query parameters are censored inside logged URLs.
 */
import { pino, type Logger } from 'pino';

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
const SECRET_QUERY =
  /([?&](?:token|setupToken|setup_token|apiKey|api_key|adminApiKey|admin_api_key|password|key|sessionToken)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]');
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
  return '[REDACTED]';
}

export const REDACT = { paths: REDACT_PATHS, censor };

export function createServerLogger(level: string): Logger {
  return pino({ level, redact: REDACT });
}

/** A child of the caller's logger with our redaction added. */
export function withRedaction(logger: Logger): Logger {
  return logger.child({}, { redact: REDACT });
}
