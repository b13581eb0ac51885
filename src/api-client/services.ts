/**
 * The services the CLI uses, as one interface with two adapters: the local one (the composition
 * root's services on the data folder, src/cli/backend.ts) and this remote one, which does the same
 * through a running server's REST API (/api/v1). The shapes are the services' own: the API's
 * responses mirror them (field names of the scan JSON), so the CLI's renderers print either alike.
 *
 * The actor argument is kept for the shape only: remotely, who acts (organization, role, the audit
 * log's name) is the API token's.
 */
import { AppError } from '../errors/index.ts';
import type { AlertsService } from '../services/alerts.ts';
import type { EventsService } from '../services/events.ts';
import type { ExportsService } from '../services/exports.ts';
import type { FindingsService, ListFindingsQuery } from '../services/findings.ts';
import type { IntegrationsService } from '../services/integrations.ts';
import type { InventoryService } from '../services/inventory.ts';
import type { Page } from '../services/pagination.ts';
import type { PostureService } from '../services/posture.ts';
import type { SyncRun, SyncsService, TriggerResult } from '../services/syncs.ts';
import type { IntegrationView } from '../store/index.ts';
import type { ApiClient, QueryValue } from './http.ts';

/** What a finished sync changed, for the CLI's one-line report. */
export interface SyncReport {
  changeEvents: number;
  /** Open findings after the sync, muted ones included. */
  openFindings: number;
}

export interface ClientServices {
  /** Where the services run: this process on a data folder or database, or a server's API. */
  where: { kind: 'local' } | { kind: 'remote'; server: string };
  integrations: Pick<
    IntegrationsService,
    'list' | 'find' | 'create' | 'update' | 'rotateKey' | 'setAdminKey' | 'removeAdminKey' | 'delete'
  >;
  findings: Pick<FindingsService, 'list' | 'get' | 'mute' | 'unmute'>;
  events: Pick<EventsService, 'list'>;
  syncs: Pick<SyncsService, 'trigger' | 'listRuns' | 'getRun'> & {
    /** The change events and open findings of a finished run; null when nothing was stored. */
    report(run: SyncRun): Promise<SyncReport | null>;
  };
  posture: Pick<PostureService, 'summary' | 'fixFirst'>;
  inventory: Pick<InventoryService, 'listAgents'>;
  exports: Pick<ExportsService, 'render'>;
  alerts: Pick<AlertsService, 'evaluatePending' | 'dispatchDue'>;
}

/** The API's integration, in the service's words (syncIntervalMinutes → syncFrequencyMinutes). */
interface ApiIntegration extends Omit<IntegrationView, 'syncFrequencyMinutes'> {
  syncIntervalMinutes: number;
}

function toView(i: ApiIntegration): IntegrationView {
  return {
    id: i.id,
    name: i.name,
    baseUrl: i.baseUrl,
    syncFrequencyMinutes: i.syncIntervalMinutes,
    keyHint: i.keyHint,
    keyFingerprint: i.keyFingerprint,
    keyUpdatedAt: i.keyUpdatedAt,
    // A server older than the admin key (issue 11) does not send it.
    adminKey: i.adminKey ?? null,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    organizationId: i.organizationId,
    simulated: i.simulated,
    nextSyncAt: i.nextSyncAt,
  };
}

const enc = encodeURIComponent;

/** Every page of a list, following nextCursor. */
async function all<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}

export interface RemoteServicesOptions {
  /** Time between two reads of a running sync (default 500 ms). */
  pollMs?: number;
}

export function createRemoteServices(api: ApiClient, options: RemoteServicesOptions = {}): ClientServices {
  const pollMs = options.pollMs ?? 500;
  const get = <T>(path: string, query?: Record<string, QueryValue>) => api.request<T>('GET', path, { query });

  async function listIntegrations(): Promise<IntegrationView[]> {
    const page = await get<Page<ApiIntegration>>('/integrations');
    return page.items.map(toView);
  }

  const integrations: ClientServices['integrations'] = {
    list: () => listIntegrations(),
    async find(_actor, ref) {
      const list = await listIntegrations();
      const wanted = ref.trim().toLowerCase();
      const found = list.find((i) => i.id === ref) ?? list.find((i) => i.name.toLowerCase() === wanted);
      if (!found) {
        throw new AppError('NOT_FOUND', `No integration "${ref}" on the server ${api.server}.`, {
          remediation:
            'List the integrations with `trustlens integration list --server URL` (the API token sees its own organization only).',
        });
      }
      return found;
    },
    async create(_actor, input) {
      return toView(await api.request<ApiIntegration>('POST', '/integrations', { body: input }));
    },
    async update(_actor, id, input) {
      return toView(await api.request<ApiIntegration>('PATCH', `/integrations/${enc(id)}`, { body: input }));
    },
    async rotateKey(_actor, id, apiKey) {
      return toView(
        await api.request<ApiIntegration>('POST', `/integrations/${enc(id)}/rotate-key`, {
          body: { apiKey },
        }),
      );
    },
    async setAdminKey(_actor, id, adminApiKey) {
      return toView(
        await api.request<ApiIntegration>('PUT', `/integrations/${enc(id)}/admin-key`, {
          body: { adminApiKey },
        }),
      );
    },
    async removeAdminKey(_actor, id) {
      return toView(await api.request<ApiIntegration>('DELETE', `/integrations/${enc(id)}/admin-key`));
    },
    async delete(_actor, id) {
      await api.request<void>('DELETE', `/integrations/${enc(id)}`);
    },
  };

  const findings: ClientServices['findings'] = {
    list: (_actor, query: ListFindingsQuery = {}) =>
      get('/findings', { ...query, severity: query.severity } as Record<string, QueryValue>),
    get: (_actor, id) => get(`/findings/${enc(id)}`),
    mute: (_actor, id, input) => api.request('POST', `/findings/${enc(id)}/mute`, { body: input }),
    unmute: (_actor, id) => api.request('POST', `/findings/${enc(id)}/unmute`),
  };

  const getRun = (integrationId: string, runId: string) =>
    get<SyncRun>(`/integrations/${enc(integrationId)}/syncs/${enc(runId)}`);

  const syncs: ClientServices['syncs'] = {
    async trigger(_actor, integrationId, opts = {}): Promise<TriggerResult> {
      const { run, started } = await api.request<{ run: SyncRun; started: boolean }>(
        'POST',
        `/integrations/${enc(integrationId)}/syncs`,
      );
      if (!started) return { run, started, done: null };
      // Follow the run until it ends, telling its live figures to the progress display.
      const done = (async () => {
        let current = run;
        for (;;) {
          if (current.progress) opts.onProgress?.(current.progress);
          // queued: waiting for a worker of the server; running: being read. Anything else is the end.
          if (current.status !== 'running' && current.status !== 'queued') return current;
          await new Promise((r) => setTimeout(r, pollMs));
          current = await getRun(integrationId, run.id);
        }
      })();
      return { run, started, done };
    },
    listRuns: (_actor, integrationId, query = {}) =>
      get(`/integrations/${enc(integrationId)}/syncs`, { ...query }),
    getRun: (_actor, integrationId, runId) => getRun(integrationId, runId),
    async report(run) {
      if (run.status === 'failed' || run.status === 'interrupted') return null;
      const events = await all(
        (cursor) =>
          get<Page<{ syncRunId: string | null }>>('/events', {
            integrationId: run.integrationId,
            since: run.startedAt,
            limit: 500,
            cursor,
          }),
        10_000,
      );
      const open = await all((cursor) =>
        get<Page<unknown>>('/findings', {
          integrationId: run.integrationId,
          status: 'open',
          muted: 'include',
          limit: 500,
          cursor,
        }),
      );
      return { changeEvents: events.filter((e) => e.syncRunId === run.id).length, openFindings: open.length };
    },
  };

  return {
    where: { kind: 'remote', server: api.server },
    integrations,
    findings,
    events: { list: (_actor, query = {}) => get('/events', { ...query }) },
    syncs,
    posture: {
      summary: (_actor, query = {}) => get('/posture', { ...query }),
      fixFirst: (_actor, query = {}) => get('/posture/fix-first', { ...query }),
    },
    inventory: {
      listAgents: (_actor, query = {}) => get('/agents', { ...query } as Record<string, QueryValue>),
    },
    exports: {
      async render(_actor, integrationId, format) {
        const body = await api.request<string>('GET', `/integrations/${enc(integrationId)}/export`, {
          query: { format },
          text: true,
        });
        return { format, contentType: '', filename: '', body };
      },
    },
    // The server evaluates and sends alerts by itself.
    alerts: { evaluatePending: () => Promise.resolve(0), dispatchDue: () => Promise.resolve([]) },
  };
}
