/**
 * The connector's error classes (codes in ./types.ts), with the product document's
 * troubleshooting words. No message or detail ever holds the API key or a whole body.
 */
import { AppError, redactSecrets } from '../errors/index.ts';
import { ADDRESS_REFUSED } from './http-get.ts';

export const REMEDIATION = {
  invalidKey:
    'Generate a new key in the Mistral Console (admin.mistral.ai → Organization → API Keys) and update the integration.',
  beta: 'Verify your workspace has beta API access enabled. Contact Mistral support if not.',
  rateLimited:
    'Mistral enforces organisation-level rate limits. If syncs are failing with rate limit errors, consider reducing sync frequency (or lower the connector request rate).',
  unreachable:
    'Check the configured Mistral base URL (global, eu, us or a custom URL) and that this host can reach it over the network (DNS, proxy, firewall).',
  unexpected:
    'Retry later. If it persists, check the Mistral status page and the configured base URL, and report the endpoint and status to support.',
  notFound: 'The resource was probably deleted while TrustLens was reading it; the next sync will catch up.',
  readOnly: 'This is a bug in TrustLens: it only ever reads from Mistral. Please report it.',
} as const;

const BODY_EXCERPT = 200;

/** A short, redacted excerpt of a response body, for error details only. */
export function bodyExcerpt(text: string, secrets: readonly string[]): string {
  const oneLine = redactSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return oneLine.length > BODY_EXCERPT
    ? `${oneLine.slice(0, BODY_EXCERPT)}… (${text.length} chars)`
    : oneLine;
}

export function invalidApiKeyError(endpoint: string): AppError {
  return new AppError('INVALID_API_KEY', 'The API key is invalid or has expired.', {
    remediation: REMEDIATION.invalidKey,
    details: { endpoint, status: 401 },
  });
}

export function betaAccessError(endpoint: string, status: number, feature: string): AppError {
  return new AppError(
    'BETA_ACCESS_REQUIRED',
    `${feature} requires Mistral beta API access, which this workspace does not have.`,
    { remediation: REMEDIATION.beta, details: { endpoint, status } },
  );
}

export function rateLimitedError(endpoint: string, attempts: number, elapsedMs: number): AppError {
  return new AppError(
    'RATE_LIMITED',
    `Mistral kept answering "rate limit exceeded" (HTTP 429) for ${endpoint}; gave up after ${attempts} attempts in ${Math.round(elapsedMs / 1000)} s.`,
    { remediation: REMEDIATION.rateLimited, details: { endpoint, status: 429, attempts, elapsedMs } },
  );
}

export function unreachableError(
  endpoint: string,
  reason: string,
  attempts: number,
  secrets: readonly string[],
): AppError {
  return new AppError(
    'UNREACHABLE',
    `Could not reach the Mistral API for ${endpoint} (${redactSecrets(reason, secrets)}) after ${attempts} attempts.`,
    { remediation: REMEDIATION.unreachable, details: { endpoint, attempts } },
  );
}

export function unexpectedResponseError(
  endpoint: string,
  what: string,
  extra: { status?: number; body?: string; attempts?: number },
  secrets: readonly string[],
): AppError {
  const details: Record<string, unknown> = { endpoint };
  if (extra.status !== undefined) details.status = extra.status;
  if (extra.attempts !== undefined) details.attempts = extra.attempts;
  if (extra.body !== undefined) details.bodyExcerpt = bodyExcerpt(extra.body, secrets);
  const status = extra.status !== undefined ? ` (HTTP ${extra.status})` : '';
  return new AppError(
    'UNEXPECTED_RESPONSE',
    `Unexpected response from Mistral for ${endpoint}${status}: ${redactSecrets(what, secrets)}`,
    { remediation: REMEDIATION.unexpected, details },
  );
}

export function notFoundError(endpoint: string, what: string): AppError {
  return new AppError('NOT_FOUND', `${what} was not found (HTTP 404 from ${endpoint}).`, {
    remediation: REMEDIATION.notFound,
    details: { endpoint, status: 404 },
  });
}

export function readOnlyViolation(method: string, endpoint: string): AppError {
  return new AppError(
    'READ_ONLY_VIOLATION',
    `Refused to send a ${method} request to ${endpoint}: the Mistral connector is read-only (GET only).`,
    { remediation: REMEDIATION.readOnly, details: { method, endpoint } },
  );
}

/** A request outside what this connector's key may be sent to (e.g. the admin key to a non-admin route). */
export function outOfScopeViolation(endpoint: string, scope: string): AppError {
  return new AppError(
    'READ_ONLY_VIOLATION',
    `Refused to send a request to ${endpoint}: this connector's key may only be sent to ${scope}.`,
    { remediation: REMEDIATION.readOnly, details: { endpoint } },
  );
}

/** A 2xx answer that is a web page where the API answers JSON: not retried. `url` is the full URL asked. */
export function webPageError(
  url: string,
  status: number,
  headers: Headers,
  secrets: readonly string[],
): AppError {
  const type = headers.get('content-type') ?? 'no content type';
  return new AppError(
    'UNEXPECTED_RESPONSE',
    `${redactSecrets(url, secrets)} answered with a web page (HTTP ${status}, ${type}) where the Mistral API answers JSON.`,
    {
      remediation:
        'Check the base URL (global, eu, us, or the URL of the Mistral API itself, not of a website) and any proxy between this host and the API: a proxy login page or a captive portal answers like this.',
      details: { url: redactSecrets(url, secrets), status, contentType: type },
    },
  );
}

/**
 * The host is, or resolves to, a link-local, unspecified or cloud metadata address (http-get.ts
 * checks at connect time): nothing was sent, and it is not retried. `url` is the full URL asked.
 */
export function addressRefusedError(url: string, e: unknown, secrets: readonly string[]): AppError {
  const text = e instanceof Error && e.message ? e.message : 'the host resolves to a refused address';
  return new AppError(
    'UNREACHABLE',
    `Refused to connect to ${redactSecrets(url, secrets)}: ${redactSecrets(text, secrets)}. Nothing was sent.`,
    {
      remediation:
        'Point the base URL at the Mistral API ("global", "eu", "us") or at the https URL of your proxy in front of it, on a host name whose DNS records give public or private addresses; if the name should not resolve there, check the DNS this host uses (resolver, /etc/hosts).',
      details: { url: redactSecrets(url, secrets), reason: ADDRESS_REFUSED },
    },
  );
}

/** A TLS handshake or certificate failure: not retried. `url` is the full URL asked. */
export function tlsError(url: string, e: unknown, reason: string, secrets: readonly string[]): AppError {
  const text = e instanceof Error && e.message ? e.message.replace(/\s+/g, ' ').slice(0, 160) : reason;
  const plainHttp = /wrong version number|packet length too long|http request/i.test(text);
  return new AppError(
    'UNREACHABLE',
    `The secure connection (TLS) to ${redactSecrets(url, secrets)} failed: ${redactSecrets(text, secrets)} (${reason}).`,
    {
      remediation: plainHttp
        ? 'The server probably speaks plain http, not https: check the scheme of the base URL (http:// vs https://) and any proxy in between.'
        : 'Check http:// vs https:// in the base URL, the server certificate (expired, self-signed or issued for another name; for a private authority set NODE_EXTRA_CA_CERTS), and any proxy that intercepts TLS.',
      details: { url: redactSecrets(url, secrets), reason },
    },
  );
}
