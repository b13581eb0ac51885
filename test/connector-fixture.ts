/**
 * A tiny loopback HTTP server serving literal replies, for connector tests that need exact
 * pages or faults (the simulator covers realistic workspaces). Only 127.0.0.1.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FixtureReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Answer after this delay (bounded; the server closes it on close()). */
  delayMs?: number;
}

export interface Fixture {
  url: string;
  requests: FixtureRequest[];
  close(): Promise<void>;
}

export const TEST_KEY = 'sk-test-SECRET-0123456789abcdef';

export async function startFixture(handler: (req: FixtureRequest) => FixtureReply): Promise<Fixture> {
  const requests: FixtureRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fr: FixtureRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(u.pathname),
      query: u.searchParams,
      headers: req.headers,
    };
    requests.push(fr);
    let reply: FixtureReply;
    if (req.headers.authorization !== `Bearer ${TEST_KEY}`) {
      reply = { status: 401, body: { message: 'Unauthorized', request_id: 'abc' } };
    } else {
      try {
        reply = handler(fr);
      } catch (e) {
        reply = { status: 599, raw: String(e) };
      }
    }
    const send = (): void => {
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      const raw = reply.raw ?? JSON.stringify(reply.body ?? null);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(raw);
    };
    if (reply.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, reply.delayMs);
      timers.add(t);
    } else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Valid wire records (SDK-parsable) for fixtures. */
export const T = '2025-01-01T00:00:00Z';
export const wireAgent = (id: string, extra: Record<string, unknown> = {}) => ({
  object: 'agent',
  id,
  version: 1,
  versions: [0, 1],
  name: `Agent ${id}`,
  model: 'mistral-small-latest',
  created_at: T,
  updated_at: T,
  deployment_chat: false,
  source: 'api',
  ...extra,
});
export const wireFile = (id: string) => ({
  id,
  object: 'file',
  bytes: 10,
  created_at: 1735689600,
  filename: `${id}.jsonl`,
  purpose: 'fine-tune',
  sample_type: 'instruct',
  source: 'upload',
});
export const wireLibrary = (id: string) => ({
  id,
  name: `Lib ${id}`,
  created_at: T,
  updated_at: T,
  owner_id: null,
  owner_type: 'Workspace',
  total_size: 1,
  nb_documents: 1,
  chunk_size: null,
});
export const wireDocument = (id: string, libraryId: string) => ({
  id,
  library_id: libraryId,
  hash: null,
  mime_type: 'application/pdf',
  extension: 'pdf',
  size: 1,
  name: `${id}.pdf`,
  created_at: T,
  process_status: 'done',
  uploaded_by_id: null,
  uploaded_by_type: 'User',
  processing_status: 'Completed',
  tokens_processing_total: 1,
});
export const wireConversation = (id: string) => ({
  object: 'conversation',
  id,
  created_at: T,
  updated_at: T,
  agent_id: 'ag_1',
});
export const wireModel = (id: string) => ({
  id,
  object: 'model',
  type: 'base',
  capabilities: { completion_chat: true },
});

/** Serves `all` in page/page_size pages (0-indexed) from the request's query. */
export function slicePage<X>(all: X[], q: URLSearchParams): X[] {
  const page = Number(q.get('page') ?? 0);
  const size = Number(q.get('page_size') ?? 20);
  return all.slice(page * size, page * size + size);
}

export const range = (n: number, prefix: string): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
