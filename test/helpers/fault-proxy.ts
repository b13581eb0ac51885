/**
 * A reverse proxy on 127.0.0.1 in front of the simulator that answers chosen requests itself (for
 * example one conversation's history with an HTTP 400) and forwards every other request unchanged.
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyReply {
  status: number;
  body: string;
  contentType?: string;
}

export interface FaultProxy {
  url: string;
  /** Requests answered by the proxy itself. */
  intercepted: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(
  targetUrl: string,
  intercept: (path: string) => ProxyReply | null,
): Promise<FaultProxy> {
  const upstream = new URL(targetUrl);
  const intercepted: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const own = intercept(new URL(path, 'http://x').pathname);
    if (own) {
      intercepted.push(path);
      res.writeHead(own.status, { 'content-type': own.contentType ?? 'application/json' });
      res.end(own.body);
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    intercepted,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
