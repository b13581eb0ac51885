/**
 * What the read-side suites (read-services, read-cache, read-cache-shared) share: the connector they sync
 * the simulator with, and the analyst who reads.
 */
import { createMistralConnector } from '../../src/mistral/index.ts';
import type { Actor } from '../../src/services/context.ts';
import { DEFAULT_ORGANIZATION_ID } from '../../src/store/index.ts';
import type { ConnectorFactory } from '../../src/sync/run-sync.ts';

export const connectorFactory: ConnectorFactory = (o) =>
  createMistralConnector({ ...o, maxRetryElapsedMs: 2000, requestsPerSecond: 500, maxConcurrency: 8 });

export const analyst: Actor = {
  kind: 'user',
  id: 'u1',
  label: 'alice@example.com',
  organizationId: DEFAULT_ORGANIZATION_ID,
  role: 'analyst',
};
