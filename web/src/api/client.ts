/**
 * The console's API client: openapi-fetch typed by schema.d.ts (generated from the server's OpenAPI
 * document by `npm run api:types`), so request and response types are never copied by hand.
 * Cookie-authenticated writes carry the session's CSRF token; every failure becomes an ApiError with
 * the server's code, message and remediation (the troubleshooting words shown to people).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Role = Schemas['Session']['role'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly remediation: string | null,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The CSRF token of the current session (set on sign-in and when the session is read). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended): the app returns to the sign-in page. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && csrfToken) {
      request.headers.set('x-csrf-token', csrfToken);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

interface ErrorBody {
  error?: { code?: string; message?: string; remediation?: string | null; details?: unknown };
}

/** The ApiError of a failed response (also for bodies that are not the API's error shape). */
export function toApiError(status: number, body: unknown): ApiError {
  const e = (body as ErrorBody | undefined)?.error;
  if (e?.message) return new ApiError(status, e.code ?? 'ERROR', e.message, e.remediation ?? null, e.details);
  if (status === 0) {
    return new ApiError(
      0,
      'NETWORK',
      'The TrustLens server could not be reached.',
      'Check that `trustlens serve` is running and reload the page.',
    );
  }
  return new ApiError(
    status,
    'ERROR',
    `The server answered ${status}.`,
    'Try again; if it persists, check the server log.',
  );
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError. A 401 also tells the app
 * that the session is gone (except for the sign-in call itself, which passes `quiet401`).
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
  options: { quiet401?: boolean } = {},
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw toApiError(0, undefined);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    if (response.status === 401 && !options.quiet401) for (const l of unauthorizedListeners) l();
    throw toApiError(response.status, error);
  }
  return data as T;
}
