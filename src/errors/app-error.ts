/**
 * One error family for the whole product. Deep code throws an AppError with a stable code;
 * the edges (CLI, API, UI) render it once: `message` for the user, `remediation` for what to do next.
 * Invariant: no AppError text ever contains an API key (see `redactSecrets`).
 */

export type AppErrorCode =
  | 'INVALID_API_KEY' // 401 from Mistral
  | 'ADMIN_KEY_INVALID' // 401 from Mistral's Admin API: the admin key is unknown, revoked or expired
  | 'ADMIN_KEY_FORBIDDEN' // 403 from Mistral's Admin API: not an admin key, or the plan lacks the feature
  | 'BETA_ACCESS_REQUIRED' // 403/404 from a beta endpoint while non-beta endpoints work
  | 'RATE_LIMITED' // 429s kept coming past the configured budget
  | 'UNREACHABLE' // network error, DNS, connection refused, timeouts
  | 'UNEXPECTED_RESPONSE' // 5xx past retries, malformed body, unknown status
  | 'READ_ONLY_VIOLATION' // our code tried a non-GET request
  | 'INVALID_INPUT' // bad user input (flags, config, request bodies)
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED' // no valid session or API token
  | 'FORBIDDEN' // signed in, but the role does not allow it
  | 'TOO_MANY_REQUESTS' // our own throttling (login attempts)
  | 'PAYLOAD_TOO_LARGE'
  | 'STORAGE_ERROR'
  | 'CRYPTO_ERROR'
  | 'INTERNAL';

const HTTP_STATUS: Record<AppErrorCode, number> = {
  INVALID_API_KEY: 400,
  ADMIN_KEY_INVALID: 400,
  ADMIN_KEY_FORBIDDEN: 400,
  BETA_ACCESS_REQUIRED: 424,
  RATE_LIMITED: 503,
  UNREACHABLE: 502,
  UNEXPECTED_RESPONSE: 502,
  READ_ONLY_VIOLATION: 500,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
  STORAGE_ERROR: 500,
  CRYPTO_ERROR: 500,
  INTERNAL: 500,
};

export interface AppErrorOptions {
  remediation?: string;
  cause?: unknown;
  /** Extra machine-readable facts (status code, endpoint, …). Never secrets. */
  details?: Record<string, unknown>;
  httpStatus?: number;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly remediation: string | undefined;
  readonly details: Record<string, unknown>;
  readonly httpStatus: number;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.remediation = options.remediation;
    this.details = options.details ?? {};
    this.httpStatus = options.httpStatus ?? HTTP_STATUS[code];
  }

  toJSON(): { code: AppErrorCode; message: string; remediation?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.remediation ? { remediation: this.remediation } : {}),
      ...(Object.keys(this.details).length ? { details: this.details } : {}),
    };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Wraps anything thrown into an AppError (INTERNAL unless it already is one). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('INTERNAL', message, { cause: e });
}

/**
 * Removes secrets from any text before it is logged or shown: the given secrets verbatim,
 * and anything that looks like a bearer token.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  }
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{4,}/gi, '$1[REDACTED]');
}
