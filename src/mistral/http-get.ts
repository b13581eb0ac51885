/**
 * A lean GET over node:http/https with keep-alive, used by the transport instead of `fetch`
 * (undici's fetch costs several times more CPU per request, which matters at hundreds of
 * requests per second). Answers are decompressed (gzip, deflate, br) and read whole.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

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

export function createHttpGet(maxSockets: number): { get: HttpGet; close(): void } {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets }),
  };

  const get: HttpGet = (url, headers, timeoutMs) =>
    new Promise<GetAnswer>((resolve, reject) => {
      const u = new URL(url);
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
