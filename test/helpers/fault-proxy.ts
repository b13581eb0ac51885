/**
 * A reverse proxy on 127.0.0.1 in front of the simulator that answers chosen requests itself (for
 * example one conversation's history with an HTTP 400) and forwards every other request unchanged.
 *
 * Options for fault injection (test/reliability-faults.test.ts): `onRequest` sees every request with
 * its running count (answer it, reset its connection, or let it through: "401 after N requests");
 * `rewrite` changes the body of a forwarded answer (a list page that repeats or skips records);
 * `down()` stops listening and cuts every connection (the workspace is gone: connection refused) and
 * `up()` listens again on the same port; `setTarget()` points the proxy at another upstream (a
 * simulator restarted on a new port).
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyReply {
  status: number;
  body: string;
  contentType?: string;
}

export interface ProxyRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** 1 for the first request the proxy received, 2 for the next, … */
  n: number;
}

export interface FaultProxyOptions {
  /** Called first for every request: answer it, cut its connection ('reset'), or null to go on. */
  onRequest?: (req: ProxyRequest) => ProxyReply | 'reset' | null;
  /** A new body for a forwarded answer, or null to keep the upstream one. */
  rewrite?: (req: ProxyRequest, status: number, body: string) => string | null;
}

export interface FaultProxy {
  url: string;
  /** Requests answered by the proxy itself. */
  intercepted: string[];
  /** Requests received so far. */
  readonly requests: number;
  /** Forward to another upstream from now on. */
  setTarget(targetUrl: string): void;
  /** Stops listening and destroys every open connection: clients get connection refused. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(
  targetUrl: string,
  intercept: (path: string) => ProxyReply | null,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  let upstream = new URL(targetUrl);
  const intercepted: string[] = [];
  let requests = 0;
  const reply = (res: ServerResponse, own: ProxyReply) => {
    res.writeHead(own.status, { 'content-type': own.contentType ?? 'application/json' });
    res.end(own.body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const parsed = new URL(path, 'http://x');
    const info: ProxyRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query: parsed.searchParams,
      n: ++requests,
    };
    const first = options.onRequest?.(info) ?? null;
    if (first === 'reset') {
      intercepted.push(path);
      req.socket.destroy();
      return;
    }
    const own = first ?? intercept(parsed.pathname);
    if (own) {
      intercepted.push(path);
      reply(res, own);
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: req.headers },
      (up) => {
        if (!options.rewrite) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('error', () => res.destroy());
        up.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = up.statusCode ?? 502;
          const changed = options.rewrite!(info, status, body);
          const text = changed ?? body;
          const headers = { ...up.headers };
          delete headers['transfer-encoding'];
          headers['content-length'] = String(Buffer.byteLength(text));
          res.writeHead(status, headers);
          res.end(text);
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  const listen = (port: number) =>
    new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
  const stop = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    intercepted,
    get requests() {
      return requests;
    },
    setTarget(url) {
      upstream = new URL(url);
    },
    down: stop,
    up: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
