/**
 * The integration pages' query keys and reads. Everything about one integration starts with
 * ['integration', id], so invalidating that key refreshes the integration, its runs and its availability.
 * No key or result here ever holds an API key (writes that carry one are plain calls, not cached).
 */
import type { QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export const integrationsKey = ['integrations'] as const;
export const integrationKey = (id: string) => ['integration', id] as const;
export const runsKey = (id: string) => ['integration', id, 'syncs'] as const;
export const latestRunKey = (id: string) => ['integration', id, 'syncs', 'latest'] as const;
export const runKey = (id: string, runId: string) => ['integration', id, 'sync', runId] as const;
export const availabilityKey = (id: string) => ['integration', id, 'availability'] as const;

export const RUNS_PAGE = 20;

/** The same read as the layout's (one request serves both). */
export const listIntegrations = () =>
  unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } }));

export const getIntegration = (id: string) =>
  unwrap(api.GET('/api/v1/integrations/{id}', { params: { path: { id } } }));

export const listRuns = (id: string, cursor?: string, limit = RUNS_PAGE) =>
  unwrap(
    api.GET('/api/v1/integrations/{id}/syncs', {
      params: { path: { id }, query: { limit, ...(cursor ? { cursor } : {}) } },
    }),
  );

export const getRun = (id: string, runId: string) =>
  unwrap(api.GET('/api/v1/integrations/{id}/syncs/{runId}', { params: { path: { id, runId } } }));

export const getAvailability = (id: string) =>
  unwrap(api.GET('/api/v1/integrations/{id}/availability', { params: { path: { id } } }));

/**
 * After a sync or a change of key/address: everything read from the workspace may have changed
 * (inventory, findings, posture), so every cached answer but the session is refreshed.
 */
export function invalidateWorkspaceData(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
}
