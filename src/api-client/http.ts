/**
 * The TrustLens REST API (/api/v1) as seen from a client: one request function with the bearer token,
 * and every failure turned into an AppError that says what to do next (server down, 401, 403, 404,
 * 5xx, an answer that is not the API's). Node's own fetch: no runtime dependency for the CLI bundle.
 *
 * The token is sent in the Authorization header only; it never appears in a message, a detail or a
 * log line of this module (error texts are built from the status, the server's error body and the
 * server's address, and the server's text is redacted of the token once more).
 */
import { AppError, redactSecrets, type AppErrorCode } from '../errors/index.ts';

export interface ApiClientOptions {
  /** The server's address, e.g. http://127.0.0.1:8080 (a trailing /api/v1 or / is accepted). */
  server: string;
  token: string;
  /** For tests. */
  fetch?: typeof fetch;
}

export type QueryValue = string | number | boolean | string[] | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Answer as text (exports), not JSON. */
  text?: boolean;
}

export interface ApiClient {
  /** The normalised server address (no trailing slash, no /api/v1). */
  readonly server: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

/** Codes of the server's error body that the CLI knows (anything else: by status). */
const KNOWN_CODES = new Set<AppErrorCode>([
  'INVALID_API_KEY',
  'BETA_ACCESS_REQUIRED',
  'RATE_LIMITED',
  'UNREACHABLE',
  'UNEXPECTED_RESPONSE',
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOO_MANY_REQUESTS',
  'PAYLOAD_TOO_LARGE',
  'STORAGE_ERROR',
  'CRYPTO_ERROR',
  'INTERNAL',
]);

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks and normalises a --server address. Throws INVALID_INPUT for anything that is not an http(s)
 * address without credentials. Returns whether the token would travel in clear (http:// to a host
 * other than this machine), for the caller to warn.
 */
export function parseServerUrl(raw: string): { server: string; cleartext: boolean } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('INVALID_INPUT', `--server "${raw}" is not an address.`, {
      remediation:
        'Pass the address `trustlens serve` printed, for example --server http://127.0.0.1:8080 (or set TRUSTLENS_SERVER).',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError(
      'INVALID_INPUT',
      `--server must be an http:// or https:// address (got ${url.protocol}).`,
      {
        remediation:
          'Pass for example --server https://trustlens.example.com or --server http://127.0.0.1:8080.',
      },
    );
  }
  if (url.username || url.password) {
    throw new AppError('INVALID_INPUT', '--server must not contain a user name or password.', {
      remediation:
        'Give the address alone; the API token goes in TRUSTLENS_TOKEN or a file named by --token-file.',
    });
  }
  if (url.search || url.hash) {
    throw new AppError('INVALID_INPUT', '--server must not contain a query or a fragment.', {
      remediation: 'Pass only the scheme, host, port and (if the server is behind a prefix) its path.',
    });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  const server = `${url.protocol}//${url.host}${path}`;
  return { server, cleartext: url.protocol === 'http:' && !LOOPBACK.test(url.hostname) };
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** How the token is created, for the 401 message. */
function tokenHelp(server: string): string {
  return `Create an API token in the console (${server}/settings/tokens) or with POST /api/v1/tokens, then pass it in TRUSTLENS_TOKEN or a file named by --token-file.`;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { server } = parseServerUrl(options.server);
  const doFetch = options.fetch ?? fetch;
  const token = options.token;
  const clean = (text: string) => redactSecrets(text, [token]);

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = `${server}/api/v1${path}${queryString(opts.query)}`;
    const where = `${method} ${path}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: opts.text ? '*/*' : 'application/json',
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
      throw new AppError(
        'UNEXPECTED_RESPONSE',
        clean(`Cannot reach the TrustLens server at ${server} (${why}).`),
        {
          remediation:
            'Check that `trustlens serve` is running there and the address and port are right (the server prints its address when it starts, and writes it to server.json in its data folder).',
          details: { server, request: where },
        },
      );
    }
    const raw = await res.text().catch(() => '');
    if (res.ok) {
      if (opts.text) return raw as T;
      if (res.status === 204 || raw === '') return undefined as T;
      try {
        return JSON.parse(raw) as T;
      } catch {
        throw notTheApi(res.status, where);
      }
    }
    let body: { error?: { code?: string; message?: string; remediation?: string; details?: unknown } } = {};
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      // handled below: not the API's error body
    }
    const err = body.error;
    if (!err || typeof err.message !== 'string') {
      if (res.status >= 500) {
        throw new AppError(
          'UNEXPECTED_RESPONSE',
          `The server at ${server} answered ${res.status} to ${where}.`,
          {
            remediation:
              'The server failed: look at its log (it names the request), and try again once it is healthy (GET /readyz).',
            details: { server, status: res.status },
          },
        );
      }
      throw notTheApi(res.status, where);
    }
    const message = clean(err.message);
    const serverRemediation = typeof err.remediation === 'string' ? clean(err.remediation) : undefined;
    const details: Record<string, unknown> = {
      status: res.status,
      ...(err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : {}),
    };
    if (res.status === 401) {
      throw new AppError('UNAUTHENTICATED', `The server at ${server} refused the API token: ${message}`, {
        remediation: `The token is wrong, expired or revoked. ${tokenHelp(server)}`,
        details,
      });
    }
    if (res.status === 403) {
      throw new AppError('FORBIDDEN', message, {
        remediation: `${serverRemediation ?? 'Ask an admin of your organization.'} (The role is the API token's: an admin can create a token with a role that allows it.)`,
        details,
      });
    }
    const code: AppErrorCode =
      err.code && KNOWN_CODES.has(err.code as AppErrorCode)
        ? (err.code as AppErrorCode)
        : res.status === 404
          ? 'NOT_FOUND'
          : res.status === 409
            ? 'CONFLICT'
            : res.status >= 500
              ? 'UNEXPECTED_RESPONSE'
              : 'INVALID_INPUT';
    throw new AppError(code, message, {
      remediation:
        res.status >= 500
          ? `${serverRemediation ?? ''} The server failed: look at its log and try again.`.trim()
          : serverRemediation,
      details,
      httpStatus: res.status,
    });
  }

  function notTheApi(status: number, where: string): AppError {
    return new AppError(
      'UNEXPECTED_RESPONSE',
      `The answer from ${server} to ${where} (HTTP ${status}) is not the TrustLens API's.`,
      {
        remediation:
          'Check that --server names a TrustLens server (`trustlens serve`), not another service or a proxy page, and that its version matches this CLI.',
        details: { server, status },
      },
    );
  }

  return { server, request };
}
