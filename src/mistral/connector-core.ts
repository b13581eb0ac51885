/**
 * What the ordinary connector (connector.ts) and the admin connector (admin-connector.ts) share:
 * option checks, the paced transport (rate limiter, concurrency, retries, GET-only and path
 * scope), body shape checks, and the page-size fallback. One place, so both keep the same
 * pacing, retries and error classes.
 */
import { AppError } from '../errors/index.ts';
import { resolveBaseUrl } from './base-url.ts';
import { unexpectedResponseError } from './errors.ts';
import { createHttpGet } from './http-get.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createTransport, type Transport } from './transport.ts';
import type { ConnectorLogEvent, ConnectorOptions } from './types.ts';

export const CONNECTOR_DEFAULTS = {
  requestsPerSecond: 20,
  maxConcurrency: 16,
  maxRetryElapsedMs: 60_000,
  requestTimeoutMs: 30_000,
  pageSize: 100,
} as const;

/** The SDK's own default page size, used when a server refuses ours. */
export const FALLBACK_PAGE_SIZE = 20;

export interface ConnectorSettings {
  baseUrl: string;
  requestsPerSecond: number;
  maxConcurrency: number;
  maxRetryElapsedMs: number;
  requestTimeoutMs: number;
  pageSize: number;
}

/** Checks a key's text: present, printable ASCII without spaces (a pasted newline fails here, clearly). */
export function checkKeyText(key: unknown, what: { label: string; create: string }): asserts key is string {
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AppError('INVALID_INPUT', `A ${what.label} is required.`, { remediation: what.create });
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError(
      'INVALID_INPUT',
      `The ${what.label} contains characters a Mistral API key cannot have (spaces, control or invisible characters).`,
      {
        remediation:
          'Copy the key again from the Mistral Console (it is only shown once; create a new key if needed).',
      },
    );
  }
}

/** Every connector option but the key, validated, with defaults. */
export function resolveSettings(opts: Omit<ConnectorOptions, 'apiKey' | 'log'>): ConnectorSettings {
  const d = CONNECTOR_DEFAULTS;
  return {
    baseUrl: resolveBaseUrl(opts.baseUrl),
    requestsPerSecond: positive('requestsPerSecond', opts.requestsPerSecond, d.requestsPerSecond),
    maxConcurrency: Math.floor(positive('maxConcurrency', opts.maxConcurrency, d.maxConcurrency)),
    maxRetryElapsedMs: positive('maxRetryElapsedMs', opts.maxRetryElapsedMs, d.maxRetryElapsedMs),
    requestTimeoutMs: positive('requestTimeoutMs', opts.requestTimeoutMs, d.requestTimeoutMs),
    pageSize: Math.floor(positive('pageSize', opts.pageSize, d.pageSize)),
  };
}

export interface PacedTransport {
  limiter: RateLimiter;
  transport: Transport;
  /** Sets the request rate (requests per second); 429s still halve it and successes restore it. */
  setRequestRate(requestsPerSecond: number): void;
}

/**
 * The limiter and transport of one connector. `allowPath` scopes which URL paths the key may be
 * sent to (anything else is refused before it leaves the process: READ_ONLY_VIOLATION).
 */
export function createPacedTransport(
  settings: ConnectorSettings,
  apiKey: string,
  log: ((event: ConnectorLogEvent) => void) | undefined,
  allowPath: (pathname: string) => boolean,
  scope: string,
): PacedTransport {
  // A burst of 100 ms worth of requests lets the client catch up after an event-loop stall
  // without ever exceeding the configured rate over any window longer than that.
  const limiter = createRateLimiter({
    requestsPerSecond: settings.requestsPerSecond,
    maxConcurrency: settings.maxConcurrency,
    burstMs: 100,
  });
  const http = createHttpGet(settings.maxConcurrency);
  const transport = createTransport({
    apiKey,
    limiter,
    maxRetryElapsedMs: settings.maxRetryElapsedMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    log,
    httpGet: http.get,
    allowPath,
    scope,
  });
  return {
    limiter,
    transport,
    setRequestRate(rps) {
      limiter.setRate(positive('requestsPerSecond', rps, settings.requestsPerSecond));
      transport.log({ level: 'info', msg: `request rate set to ${rps} requests per second` });
    },
  };
}

/** The path of the base URL ('' for https://api.mistral.ai, '/prefix' for a prefixed one). */
export function basePathOf(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, '');
}

/** The records of a body: the body itself (field null) or one of its fields, which must be an array. */
export function bodyRecords(
  endpoint: string,
  json: unknown,
  field: string | null,
  secrets: readonly string[],
): unknown[] {
  const v =
    field === null
      ? json
      : json && typeof json === 'object'
        ? (json as Record<string, unknown>)[field]
        : undefined;
  if (!Array.isArray(v)) {
    const want = field === null ? 'a JSON array' : `an object with a "${field}" array`;
    throw unexpectedResponseError(endpoint, `the body is not ${want}`, { status: 200 }, secrets);
  }
  return v;
}

export function bodyObject(
  endpoint: string,
  json: unknown,
  secrets: readonly string[],
): Record<string, unknown> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw unexpectedResponseError(endpoint, 'the body is not a JSON object', { status: 200 }, secrets);
  }
  return json as Record<string, unknown>;
}

/**
 * Runs a listing with our (large) page size; if the server refuses it (422), runs it again with
 * the SDK's default page size, and remembers that for the endpoint.
 */
export function createPageSizer(
  pageSize: number,
  transport: Pick<Transport, 'log'>,
): <T>(endpoint: string, run: (size: number) => Promise<T>) => Promise<T> {
  const pageSizeByRoute = new Map<string, number>();
  return async function sized<T>(endpoint: string, run: (size: number) => Promise<T>): Promise<T> {
    const size = pageSizeByRoute.get(endpoint) ?? pageSize;
    try {
      return await run(size);
    } catch (e) {
      const refused = e instanceof AppError && e.code === 'UNEXPECTED_RESPONSE' && e.details.status === 422;
      if (!refused || size <= FALLBACK_PAGE_SIZE) throw e;
      pageSizeByRoute.set(endpoint, FALLBACK_PAGE_SIZE);
      transport.log({
        level: 'info',
        msg: `${endpoint} refused page_size=${size} (HTTP 422); listing with page_size=${FALLBACK_PAGE_SIZE}`,
      });
      return run(FALLBACK_PAGE_SIZE);
    }
  };
}

export function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new AppError('INVALID_INPUT', `Connector option ${name} must be a positive number.`, {
      remediation: `Set ${name} to a number above 0, or leave it unset for the default (${dflt}).`,
    });
  }
  return v;
}
