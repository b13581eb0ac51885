/**
 * The HTTP layer under the SDK: the `fetcher` of the SDK's HTTPClient. It
 *  - refuses anything but GET before it leaves the process (READ_ONLY_VIOLATION);
 *  - takes a limiter slot and token for every attempt;
 *  - retries 429/500/502/503/504, connection errors, timeouts and unparsable 2xx JSON bodies with
 *    jittered backoff (Retry-After honoured) until `maxRetryElapsedMs`, then fails with a typed
 *    AppError (the SDK's own retries are disabled, so the limiter sees every attempt);
 *  - never retries what fails the same way every time: a 2xx web page where JSON is expected (a
 *    proxy's login page) and TLS handshake or certificate errors (both name the full URL asked);
 *  - keeps the final response's raw text and JSON for the SDK call that asked for it
 *    (correlated by a per-call header that is stripped before sending).
 */
import type { AppError } from '../errors/index.ts';
import { redactSecrets } from '../errors/index.ts';
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  parseRetryAfterMs,
  rateLimitExhausted,
  type BackoffPolicy,
} from './backoff.ts';
import {
  addressRefusedError,
  outOfScopeViolation,
  rateLimitedError,
  readOnlyViolation,
  tlsError,
  unexpectedResponseError,
  unreachableError,
  webPageError,
} from './errors.ts';
import { ADDRESS_REFUSED, BODY_TOO_LARGE, MAX_BODY_BYTES, type GetAnswer, type HttpGet } from './http-get.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { realSleep } from './rate-limiter.ts';
import type { ConnectorLogEvent } from './types.ts';

export const CALL_HEADER = 'x-trustlens-call';

/** A JSON `\u0000` escape (preceded by an even number of backslashes, so not an escaped backslash). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/;

/**
 * JSON text with every U+0000 (which JSON can only carry as the escape `\u0000`) replaced by U+FFFD:
 * PostgreSQL stores neither in text nor in jsonb. Escaped backslashes followed by "u0000" are kept.
 */
export function storableJsonText(text: string): string {
  return text.replace(new RegExp(NUL_ESCAPE.source, 'g'), '$1\\ufffd');
}
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/**
 * Network errors that say "nothing is listening there" rather than "a blip": retried only
 * HARD_NETWORK_RETRIES times (to ride out a restart), then UNREACHABLE at once.
 */
const HARD_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_FAIL']);
const HARD_NETWORK_RETRIES = 2;

export interface Capture {
  status: number;
  /** May be built on first read (see http-get.ts): read `contentType` when that is all you need. */
  readonly headers: Headers;
  contentType?: string;
  text: string;
  /** Parsed body for 2xx answers (always valid JSON there); undefined otherwise. */
  json: unknown;
}

export interface CallRecord {
  route: string;
  capture?: Capture;
  failure?: AppError;
  /** An answer already received (by `request`): the fetcher hands it to the SDK without sending. */
  replay?: Capture;
}

export type Fetcher = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  apiKey: string;
  limiter: RateLimiter;
  maxRetryElapsedMs: number;
  requestTimeoutMs: number;
  log?: (event: ConnectorLogEvent) => void;
  backoff?: BackoffPolicy;
  /** Sends one GET and reads the whole answer (see http-get.ts). */
  httpGet: HttpGet;
  /**
   * Which URL paths this key may be sent to (the ordinary key never to /v1/admin/, the admin key
   * only there); anything else is refused before it is sent (READ_ONLY_VIOLATION). Default: any.
   */
  allowPath?: (pathname: string) => boolean;
  /** Words for that refusal: what this connector may read, e.g. "GET /v1/admin/* only". */
  scope?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface TransportStats {
  requests: number;
  requestsByEndpoint: Record<string, number>;
  /** Attempts by the HTTP status answered, or "error" when no answer came (network, timeout). */
  requestsByStatus: Record<string, number>;
  retries: number;
  rateLimited: number;
}

export interface Transport {
  fetcher: Fetcher;
  /**
   * One GET without the SDK (the connector's fast path): the same scope check, pacing, retries
   * and error classes as the fetcher, and no Request/Response objects. Resolves with the final
   * answer (any status); rejects with the AppError the fetcher would have thrown.
   */
  request(route: string, url: string, headers: Record<string, string>): Promise<Capture>;
  /**
   * Registers one logical SDK call; pass `headers` to the SDK method's options. With `replay`,
   * the call's request is answered with that capture instead of being sent (the SDK validates
   * an answer `request` already received, exactly as if it had fetched it).
   */
  begin(route: string, replay?: Capture): { id: string; headers: Record<string, string> };
  get(id: string): CallRecord | undefined;
  end(id: string): void;
  stats(): TransportStats;
  /** The connector's log sink, redacting and never throwing. */
  log(event: ConnectorLogEvent): void;
}

type Outcome =
  | { kind: 'response'; status: number; answer: GetAnswer; text: string; json: unknown }
  /** Not worth retrying: the same request would fail the same way. */
  | { kind: 'fatal'; error: AppError }
  | {
      kind: 'retry';
      why: 'status' | 'network' | 'malformed';
      status?: number;
      headers?: Headers;
      reason: string;
      text?: string;
      hard?: boolean;
    };

export function createTransport(opts: TransportOptions): Transport {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const secrets = [opts.apiKey];
  const calls = new Map<string, CallRecord>();
  let nextId = 1;
  const stats: TransportStats = {
    requests: 0,
    requestsByEndpoint: {},
    requestsByStatus: {},
    retries: 0,
    rateLimited: 0,
  };

  const log = (event: ConnectorLogEvent): void => {
    if (!opts.log) return;
    const safe: ConnectorLogEvent = { ...event, msg: redactSecrets(event.msg, secrets) };
    for (const [k, v] of Object.entries(safe)) if (typeof v === 'string') safe[k] = redactSecrets(v, secrets);
    try {
      opts.log(safe);
    } catch {
      // A failing log sink must not break a sync.
    }
  };

  async function attempt(url: string, headers: Record<string, string>, route: string): Promise<Outcome> {
    const release = await opts.limiter.acquire();
    stats.requests++;
    stats.requestsByEndpoint[route] = (stats.requestsByEndpoint[route] ?? 0) + 1;
    let res: GetAnswer;
    let text: string;
    try {
      res = await opts.httpGet(url, headers, opts.requestTimeoutMs);
      text = res.text;
    } catch (e) {
      stats.requestsByStatus.error = (stats.requestsByStatus.error ?? 0) + 1;
      if ((e as { code?: unknown }).code === BODY_TOO_LARGE) {
        return {
          kind: 'fatal',
          error: unexpectedResponseError(
            route,
            `the answer is larger than ${MAX_BODY_BYTES / 2 ** 20} MiB`,
            {},
            secrets,
          ),
        };
      }
      // A refused address (link-local, metadata) is a policy, not a glitch: no retry, nothing sent.
      if ((e as { code?: unknown }).code === ADDRESS_REFUSED) {
        return { kind: 'fatal', error: addressRefusedError(url, e, secrets) };
      }
      const reason = networkReason(e, opts.requestTimeoutMs);
      // A TLS handshake or certificate failure fails the same way every time: no retry.
      if (isTlsFailure(e, reason)) return { kind: 'fatal', error: tlsError(url, e, reason, secrets) };
      return { kind: 'retry', why: 'network', reason, hard: HARD_NETWORK_CODES.has(reason) };
    } finally {
      release();
    }
    stats.requestsByStatus[res.status] = (stats.requestsByStatus[res.status] ?? 0) + 1;
    if (RETRYABLE_STATUS.has(res.status)) {
      return {
        kind: 'retry',
        why: 'status',
        status: res.status,
        headers: res.headers,
        reason: `HTTP ${res.status}`,
        text,
      };
    }
    if (res.status >= 200 && res.status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(text);
        if (text.includes('\\u0000') && NUL_ESCAPE.test(text)) {
          // PostgreSQL cannot store U+0000 (in text or jsonb): one NUL in a name would fail the whole
          // sync. It becomes U+FFFD (the replacement character) here, at the wire, for every reader.
          text = storableJsonText(text);
          json = JSON.parse(text);
        }
      } catch {
        // A web page (a proxy's login page, a website) is not a glitch: the same URL answers the
        // same page again. Only a JSON answer that is cut off or garbled is worth retrying.
        if (isWebPage(res.headers, text)) {
          return { kind: 'fatal', error: webPageError(url, res.status, res.headers, secrets) };
        }
        return {
          kind: 'retry',
          why: 'malformed',
          status: res.status,
          headers: res.headers,
          reason: `HTTP ${res.status} with a body that is not JSON (${text.length} chars)`,
          text,
        };
      }
      return { kind: 'response', status: res.status, answer: res, text, json };
    }
    return { kind: 'response', status: res.status, answer: res, text, json: undefined };
  }

  const fetcher: Fetcher = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const method = (init?.method ?? req.method).toUpperCase();
    const callId = req.headers.get(CALL_HEADER);
    const call = callId ? calls.get(callId) : undefined;
    const path = new URL(req.url).pathname;
    const route = call?.route ?? `${method} ${path}`;
    if (method !== 'GET' || req.body !== null || (init?.body !== undefined && init.body !== null)) {
      const err = readOnlyViolation(method, call?.route ?? path);
      if (call) call.failure = err;
      throw err;
    }
    if (opts.allowPath && !opts.allowPath(path)) {
      const err = outOfScopeViolation(call?.route ?? path, opts.scope ?? 'its own routes only');
      if (call) call.failure = err;
      throw err;
    }
    let capture: Capture;
    if (call?.replay) capture = call.replay;
    else {
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => {
        if (k === CALL_HEADER || (k === 'cookie' && v === '')) return;
        headers[k] = v;
      });
      try {
        capture = await send(req.url, headers, route);
      } catch (e) {
        if (call) call.failure = e as AppError;
        throw e;
      }
    }
    if (call) call.capture = capture;
    // http-get already dropped the framing headers (the body is whole and decoded).
    const nullBody = capture.status === 204 || capture.status === 205 || capture.status === 304;
    return new Response(nullBody ? null : capture.text, { status: capture.status, headers: capture.headers });
  };

  /** Attempts until an answer that is not retried, or throws the AppError of the last failure. */
  async function send(url: string, headers: Record<string, string>, route: string): Promise<Capture> {
    const started = now();
    for (let n = 0; ; n++) {
      const out = await attempt(url, headers, route);
      if (out.kind === 'fatal') {
        log({ level: 'warn', msg: `giving up: ${out.error.message}`, endpoint: route, code: out.error.code });
        throw out.error;
      }
      if (out.kind === 'response') {
        opts.limiter.onSuccess();
        const answer = out.answer;
        return {
          status: out.status,
          contentType: answer.contentType,
          text: out.text,
          json: out.json,
          get headers() {
            return answer.headers;
          },
        };
      }

      let delay: number;
      if (out.status === 429) {
        stats.rateLimited++;
        const serverWait = out.headers ? parseRetryAfterMs(out.headers, Date.now()) : undefined;
        delay =
          serverWait !== undefined
            ? serverWait + Math.round(random() * Math.min(250, serverWait / 10 + 20))
            : backoffDelayMs(n, backoff, random);
        opts.limiter.onRateLimited(delay);
        log({
          level: 'warn',
          msg: 'rate limited by Mistral (HTTP 429)',
          endpoint: route,
          waitMs: delay,
          serverGaveWait: serverWait !== undefined,
          quotaExhausted: out.headers ? rateLimitExhausted(out.headers) : false,
          currentRate: opts.limiter.currentRate,
        });
      } else {
        const serverWait =
          out.status === 503 && out.headers ? parseRetryAfterMs(out.headers, Date.now()) : undefined;
        delay = Math.max(serverWait ?? 0, backoffDelayMs(n, backoff, random));
      }

      const elapsed = now() - started;
      if (elapsed + delay > opts.maxRetryElapsedMs || (out.hard === true && n >= HARD_NETWORK_RETRIES)) {
        const attempts = n + 1;
        let err: AppError;
        if (out.status === 429) err = rateLimitedError(route, attempts, elapsed);
        else if (out.why === 'network') err = unreachableError(route, out.reason, attempts, secrets);
        else
          err = unexpectedResponseError(
            route,
            out.why === 'malformed'
              ? 'the body is not valid JSON'
              : `the server kept failing (${out.reason})`,
            { status: out.status, body: out.text, attempts },
            secrets,
          );
        log({ level: 'warn', msg: `giving up: ${err.message}`, endpoint: route, code: err.code });
        throw err;
      }
      stats.retries++;
      log({
        level: 'debug',
        msg: `retrying after ${out.reason}`,
        endpoint: route,
        attempt: n + 1,
        delayMs: delay,
      });
      await sleep(delay);
    }
  }

  return {
    fetcher,
    async request(route, url, headers) {
      const path = new URL(url).pathname;
      if (opts.allowPath && !opts.allowPath(path)) {
        throw outOfScopeViolation(route, opts.scope ?? 'its own routes only');
      }
      return send(url, headers, route);
    },
    begin(route, replay) {
      const id = String(nextId++);
      calls.set(id, replay ? { route, replay } : { route });
      return { id, headers: { [CALL_HEADER]: id } };
    },
    get: (id) => calls.get(id),
    end: (id) => void calls.delete(id),
    stats: () => ({ ...stats, requestsByEndpoint: { ...stats.requestsByEndpoint } }),
    log,
  };
}

function networkReason(e: unknown, timeoutMs: number): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const own = (e as { code?: unknown }).code;
    if (typeof own === 'string') return own;
    const cause = (e as { cause?: unknown }).cause;
    const code =
      cause && typeof cause === 'object' && 'code' in cause
        ? String((cause as { code: unknown }).code)
        : undefined;
    if (code) return code;
    return e.message.slice(0, 120);
  }
  return 'network error';
}

/** A 2xx answer that is a web page rather than (possibly broken) JSON. */
function isWebPage(headers: Headers, text: string): boolean {
  const type = (headers.get('content-type') ?? '').toLowerCase();
  if (type.includes('json')) return false;
  if (type.startsWith('text/html') || type.includes('xhtml')) return true;
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(text);
}

/** Certificate and handshake codes of node:tls / OpenSSL. */
const TLS_CODES = new Set([
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

function isTlsFailure(e: unknown, reason: string): boolean {
  if (TLS_CODES.has(reason) || reason.startsWith('ERR_SSL_')) return true;
  const message = e instanceof Error ? e.message : '';
  return /SSL routines|wrong version number/i.test(message);
}
