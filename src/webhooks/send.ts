/**
 * Posts one webhook delivery: no redirects followed, a timeout, the response body read (at most 4 KiB)
 * and dropped, and every address the host resolves to checked against the URL policy at connect time.
 * The URL never appears in an error (it can hold a secret, as Slack's do).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { forbiddenAddress } from './url-policy.ts';

export interface SendResult {
  ok: boolean;
  /** null when no HTTP answer came (network error, timeout, refused address). */
  statusCode: number | null;
  /** Why it failed, in words safe to store and show (never the URL). */
  error: string | null;
  /** Retry-After of a 429/503, in ms. */
  retryAfterMs: number | null;
}

export type WebhookSender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  options?: { timeoutMs?: number },
) => Promise<SendResult>;

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const bad = list.find((a) => forbiddenAddress(a.address));
    if (bad) {
      return callback(
        Object.assign(new Error('the host resolves to a link-local or unspecified address'), {
          code: 'EFORBIDDEN',
        }),
        '',
        0,
      );
    }
    if ((options as { all?: boolean }).all)
      return (callback as never as (e: null, a: LookupAddress[]) => void)(null, list);
    return callback(null, list[0].address, list[0].family);
  });
};

function retryAfter(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export const sendWebhook: WebhookSender = (url, body, headers, options = {}) =>
  new Promise((resolve) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const timeoutMs = options.timeoutMs ?? 10_000;
    // One deadline for the whole exchange (connect, headers, body): a receiver that drips bytes never
    // holds the dispatcher longer than this (the socket's idle timeout alone would restart with each byte).
    const deadline = setTimeout(() => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    const done = (r: SendResult) => {
      clearTimeout(deadline);
      resolve(r);
    };
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup,
        timeout: timeoutMs,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 4096) res.destroy();
        });
        const finish = () => {
          const code = res.statusCode ?? 0;
          const ok = code >= 200 && code < 300;
          done({
            ok,
            statusCode: code,
            error: ok
              ? null
              : code >= 300 && code < 400
                ? `the receiver answered ${code} (a redirect; TrustLens does not follow redirects: configure the final URL)`
                : `the receiver answered ${code}`,
            retryAfterMs: retryAfter(res.headers['retry-after']),
          });
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    req.on('timeout', () => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ETIMEDOUT'
          ? `no answer within ${(timeoutMs / 1000).toFixed(timeoutMs % 1000 ? 1 : 0)} s`
          : e.code === 'EFORBIDDEN'
            ? e.message
            : e.code === 'ECONNREFUSED'
              ? 'the connection was refused'
              : e.code === 'ENOTFOUND'
                ? 'the host name does not resolve'
                : `network error (${e.code ?? 'unknown'})`;
      done({ ok: false, statusCode: null, error: why, retryAfterMs: null });
    });
    req.end(body);
  });
