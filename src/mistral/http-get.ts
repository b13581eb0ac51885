/**
 * A lean GET over node:http/https with keep-alive, used by the transport instead of `fetch`
 * (undici's fetch costs several times more CPU per request, which matters at hundreds of
 * requests per second). Answers are decompressed (gzip, deflate, br) and read whole.
 *
 * Every connection is checked where it is made: each address the host name resolves to must not be
 * link-local, unspecified or a cloud metadata address (src/shared/network-address.ts), or nothing is
 * sent and the request fails with ADDRESS_REFUSED. base-url.ts refuses such literal addresses and the
 * metadata host names up front; this catches a public name whose DNS points at 169.254.169.254.
 * Loopback and private addresses stay allowed (the simulator, self-hosted proxies).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { forbiddenAddress } from '../shared/network-address.ts';

export interface GetAnswer {
  status: number;
  /** Built on first read (an undici Headers costs more than the rest of a small answer). */
  readonly headers: Headers;
  /** The content-type header as received (read without building `headers`). */
  contentType?: string;
  text: string;
}

export type HttpGet = (url: string, headers: Record<string, string>, timeoutMs: number) => Promise<GetAnswer>;

/** Thrown when no complete answer arrived within the per-attempt timeout. */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** The code of the error a request fails with when its host is or resolves to a refused address. */
export const ADDRESS_REFUSED = 'EADDRESSREFUSED';

/** Resolves a host name to all its addresses, as `dns.lookup` with `all: true` does. */
export type ResolveAll = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolve: ResolveAll = (hostname, options, callback) =>
  dnsLookup(hostname, { ...options, all: true }, callback);

function addressRefused(host: string, address: string): Error {
  const what = host === address ? `${host} is` : `${host} resolves to ${address},`;
  return Object.assign(
    new Error(
      `${what} a link-local, unspecified or cloud metadata address, which TrustLens never connects to`,
    ),
    { code: ADDRESS_REFUSED, host, address },
  );
}

/**
 * A `lookup` for net.connect that resolves every address of the host and fails the connection when
 * any of them is refused (not only the one that would be tried first: with several addresses, the
 * socket may try each in turn).
 */
export function guardedLookup(resolve: ResolveAll = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => forbiddenAddress(a.address));
      if (bad) return callback(addressRefused(hostname, bad.address), '', 0);
      if (addresses.length === 0) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to no address`), { code: 'ENOTFOUND' }),
          '',
          0,
        );
      }
      if (options.all) return (callback as never as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * `resolve` replaces the system resolver behind the connect-time address check (tests use it; the
 * check itself always runs).
 */
export function createHttpGet(
  maxSockets: number,
  options: { resolve?: ResolveAll } = {},
): { get: HttpGet; close(): void } {
  const lookup = guardedLookup(options.resolve);
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets, lookup }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets, lookup }),
  };

  const get: HttpGet = (url, headers, timeoutMs) =>
    new Promise<GetAnswer>((resolve, reject) => {
      const u = new URL(url);
      // A literal address is connected to without any lookup: checked here instead.
      const literal = u.hostname.replace(/^\[|\]$/g, '');
      if (isIP(literal) && forbiddenAddress(literal)) {
        reject(addressRefused(literal, literal));
        return;
      }
      const isHttps = u.protocol === 'https:';
      const out = { ...headers, 'accept-encoding': 'gzip, deflate, br' };
      const req = (isHttps ? httpsRequest : httpRequest)(u, {
        method: 'GET',
        headers: out,
        agent: agents[isHttps ? 'https:' : 'http:'],
      });
      const timer = setTimeout(() => req.destroy(new AttemptTimeoutError(timeoutMs)), timeoutMs);
      const fail = (e: unknown): void => {
        clearTimeout(timer);
        reject(e);
      };
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy();
            fail(tooLarge());
            return;
          }
          chunks.push(c);
        });
        res.on('error', fail);
        res.on('aborted', () =>
          fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })),
        );
        res.on('end', () => {
          clearTimeout(timer);
          if (!res.complete) {
            reject(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }));
            return;
          }
          try {
            const raw = res.headers;
            const body = decode(Buffer.concat(chunks), raw['content-encoding']);
            let built: Headers | undefined;
            resolve({
              status: res.statusCode ?? 0,
              contentType: raw['content-type'],
              text: body.toString('utf8'),
              get headers() {
                return (built ??= answerHeaders(raw));
              },
            });
          } catch (e) {
            if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
              reject(tooLarge());
              return;
            }
            reject(
              Object.assign(new Error('the answer could not be decompressed'), {
                code: 'EBADBODY',
                cause: e,
              }),
            );
          }
        });
      });
      req.end();
    });

  return {
    get,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** The answer's headers, without the framing ones (the body is whole and decoded). */
function answerHeaders(raw: IncomingMessage['headers']): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else h.set(k, v);
  }
  h.delete('content-encoding');
  h.delete('content-length');
  h.delete('transfer-encoding');
  return h;
}

/** No Mistral list page comes near this; a larger (or larger once decompressed) answer is refused. */
export const MAX_BODY_BYTES = 64 * 2 ** 20;
export const BODY_TOO_LARGE = 'EBODYTOOLARGE';

function tooLarge(): Error {
  return Object.assign(new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`), {
    code: BODY_TOO_LARGE,
  });
}

function decode(buf: Buffer, encoding: string | undefined): Buffer {
  const limit = { maxOutputLength: MAX_BODY_BYTES };
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(buf, limit);
    case 'deflate':
      return inflateSync(buf, limit);
    case 'br':
      return brotliDecompressSync(buf, limit);
    default:
      return buf;
  }
}
