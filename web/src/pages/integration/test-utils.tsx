/**
 * Component-test harness of the integration pages: the app's providers around a memory router, and an
 * API double plugged into the real client (an openapi-fetch middleware answering before any network),
 * which records every request so tests can check what was sent — and what never was.
 */
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { Middleware } from 'openapi-fetch';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { api, type Role, type Schemas } from '../../api/client';
import { SessionProvider } from '../../api/session';
import { makeQueryClient } from '../../App';
import type { Integration, SyncRun } from './helpers';

export interface Recorded {
  method: string;
  path: string;
  search: string;
  body: unknown;
}

type Handler = (
  req: Recorded,
) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;

/** Routes "METHOD /path" (path may contain :params) to handlers; every request is recorded. */
export function mockApi(role: Role, handlers: Record<string, Handler>) {
  const requests: Recorded[] = [];
  const routes = Object.entries(handlers).map(([key, handler]) => {
    const [method, pattern] = key.split(' ');
    const re = new RegExp(`^${pattern.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
    return { method, re, handler };
  });
  const middleware: Middleware = {
    async onRequest({ request }) {
      const url = new URL(request.url, 'http://localhost');
      const text = request.method === 'GET' ? '' : await request.clone().text();
      const rec: Recorded = {
        method: request.method,
        path: url.pathname,
        search: url.search,
        body: text ? JSON.parse(text) : undefined,
      };
      requests.push(rec);
      let answer: { status: number; body?: unknown };
      if (rec.method === 'GET' && rec.path === '/api/v1/session')
        answer = { status: 200, body: session(role) };
      else {
        const route = routes.find((r) => r.method === rec.method && r.re.test(rec.path));
        answer = route
          ? await route.handler(rec)
          : {
              status: 404,
              body: { error: { code: 'NOT_FOUND', message: `No route ${rec.path}`, remediation: '-' } },
            };
      }
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
  api.use(middleware);
  active.add(middleware);
  return {
    requests,
    restore: () => {
      api.eject(middleware);
      active.delete(middleware);
    },
  };
}

/** The doubles plugged in and not yet restored. */
const active = new Set<Middleware>();

/** Unplugs every double (the set-up file, after each test): none answers for a later test or file. */
export function restoreApiMocks() {
  for (const m of active) api.eject(m);
  active.clear();
}

export function session(role: Role): Schemas['Session'] {
  return {
    user: null,
    organization: { id: 'org1', name: 'Org' } as Schemas['Organization'],
    role,
    actor: { kind: 'user', label: `${role}@example.com`, role, organizationId: 'org1' },
    tokenId: null,
    csrfToken: 'csrf',
    expiresAt: null,
  };
}

export function renderAt(path: string, routes: { path: string; element: ReactNode }[]) {
  const client = makeQueryClient();
  const router = createMemoryRouter([...routes, { path: '*', element: <p>elsewhere</p> }], {
    initialEntries: [path],
  });
  const utils = render(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { ...utils, client, router };
}

export function integration(over: Partial<Integration> = {}): Integration {
  return {
    id: 'int1',
    organizationId: 'org1',
    name: 'production workspace',
    baseUrl: 'https://api.mistral.ai',
    syncIntervalMinutes: 360,
    keyHint: '••••abcd',
    keyFingerprint: '0123456789ab',
    keyUpdatedAt: '2025-01-01T00:00:00.000Z',
    adminKey: null,
    simulated: false,
    nextSyncAt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

export function run(over: Partial<SyncRun> = {}): SyncRun {
  return {
    id: 'run1',
    integrationId: 'int1',
    status: 'succeeded',
    trigger: 'manual',
    requestedBy: 'admin@example.com',
    startedAt: '2025-01-02T10:00:00.000Z',
    finishedAt: '2025-01-02T10:00:05.000Z',
    durationMs: 5000,
    countsByType: { agent: 3, model: 10, file: 2, library: 1 },
    requests: 42,
    availability: {
      models: { status: 'available' },
      files: { status: 'available' },
      agents: { status: 'available' },
      libraries: { status: 'available' },
      usage: { status: 'available' },
      versions: { status: 'available' },
    },
    errors: [],
    heartbeatAt: null,
    progress: null,
    ...over,
  };
}
