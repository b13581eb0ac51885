/**
 * A reverse proxy on 127.0.0.1 in front of a simulated workspace that accepts several API keys: a
 * request whose `Authorization: Bearer <key>` carries an accepted key is forwarded with the
 * simulator's own key; any other request is forwarded unchanged (so the simulator refuses it with its
 * real 401). Tests that rotate an integration's key need a workspace that takes the old and the new key.
 *
 *   const proxy = await startKeyProxy(sim, ['sk-old…', 'sk-new…']);
 *   create({ apiKey: 'sk-old…', baseUrl: proxy.url }); rotateKey('sk-new…');
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KeyProxy {
  url: string;
  /** Accept one more key. */
  accept(key: string): void;
  close(): Promise<void>;
}

export async function startKeyProxy(
  target: { url: string; apiKey: string },
  keys: Iterable<string> = [],
): Promise<KeyProxy> {
  const accepted = new Set(keys);
  const upstream = new URL(target.url);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const headers = { ...req.headers, host: upstream.host };
    const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (m && accepted.has(m[1])) headers.authorization = `Bearer ${target.apiKey}`;
    const forward = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accept: (key) => void accepted.add(key),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
