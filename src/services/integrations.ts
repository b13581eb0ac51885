/**
 * Integrations as a use case: scoped to the actor's organization, admin-only writes, each change in
 * the audit log. Validation of the key before anything is stored stays in src/integrations.
 */
import { AppError } from '../errors/index.ts';
import { createIntegrationService } from '../integrations/integration-service.ts';
import {
  DEFAULT_ORGANIZATION_ID,
  type IntegrationView,
  type Store,
  type UpdateIntegrationInput,
} from '../store/index.ts';
import type { AuditService } from './audit.ts';
import type { ConnectorProvider } from './connectors.ts';
import { canSee, requireRole, type Actor } from './context.ts';

export interface CreateIntegrationRequest {
  name: string;
  apiKey: string;
  /** An admin API key (GET /v1/admin/* only), validated as one before anything is stored. */
  adminApiKey?: string;
  baseUrl?: string;
  syncIntervalMinutes?: number;
  /** The demo integration against the built-in simulator (set by the composition root only). */
  simulated?: boolean;
}

export interface IntegrationsService {
  list(actor: Actor): Promise<IntegrationView[]>;
  /** By id; NOT_FOUND when it belongs to another organization. */
  get(actor: Actor, id: string): Promise<IntegrationView>;
  /** By id or case-insensitive name (CLI). */
  find(actor: Actor, ref: string): Promise<IntegrationView>;
  create(actor: Actor, input: CreateIntegrationRequest): Promise<IntegrationView>;
  update(
    actor: Actor,
    id: string,
    /**
     * A new base URL needs `apiKey` too (and `adminApiKey` when one is stored): a stored key is never
     * sent to a new address. `adminApiKey` alone sets or replaces the admin key.
     */
    input: {
      name?: string;
      baseUrl?: string;
      syncIntervalMinutes?: number;
      apiKey?: string;
      adminApiKey?: string;
    },
  ): Promise<IntegrationView>;
  rotateKey(actor: Actor, id: string, apiKey: string): Promise<IntegrationView>;
  /** Sets the admin key, or rotates it when one is stored (validated first; audited without the key). */
  setAdminKey(actor: Actor, id: string, adminApiKey: string): Promise<IntegrationView>;
  /** Removes the admin key (NOT_FOUND when there is none); the ordinary key is untouched. */
  removeAdminKey(actor: Actor, id: string): Promise<IntegrationView>;
  delete(actor: Actor, id: string): Promise<void>;
}

export interface IntegrationsServiceDeps {
  store: Pick<Store, 'integrations' | 'transaction'> & Partial<Pick<Store, 'alerts'>>;
  audit: AuditService;
  connectors: ConnectorProvider;
  now?: () => Date;
}

function notFound(ref: string): AppError {
  return new AppError('NOT_FOUND', `No integration "${ref}".`, {
    remediation:
      'List the integrations (GET /api/v1/integrations, or `trustlens integration list`) to find the id.',
  });
}

export function createIntegrationsService(deps: IntegrationsServiceDeps): IntegrationsService {
  const repo = deps.store.integrations;
  const core = createIntegrationService({
    store: deps.store,
    validateKey: async (apiKey, baseUrl) => (await deps.connectors.get())({ apiKey, baseUrl }).validateKey(),
    validateAdminKey: deps.connectors.getAdmin
      ? async (adminApiKey, baseUrl) =>
          (await deps.connectors.getAdmin!())({ adminApiKey, baseUrl }).validateAdminKey()
      : undefined,
  });

  async function get(actor: Actor, id: string): Promise<IntegrationView> {
    const view = await repo.get(id);
    if (!view || !canSee(actor, view.organizationId)) throw notFound(id);
    return view;
  }

  const target = (v: IntegrationView) => ({ type: 'integration', id: v.id });
  const inOrg = (v: IntegrationView) => ({ organizationId: v.organizationId });

  return {
    list: (actor) => repo.list(actor.organizationId ?? undefined),
    get,

    async find(actor, ref) {
      const byId = await repo.get(ref);
      if (byId && canSee(actor, byId.organizationId)) return byId;
      const byName = await repo.getByName(ref, actor.organizationId ?? undefined);
      if (!byName) throw notFound(ref);
      return byName;
    },

    async create(actor, input) {
      requireRole(actor, 'admin');
      const view = await core.create({
        name: input.name,
        apiKey: input.apiKey,
        ...(input.adminApiKey !== undefined ? { adminApiKey: input.adminApiKey } : {}),
        baseUrl: input.baseUrl,
        syncFrequencyMinutes: input.syncIntervalMinutes,
        organizationId: actor.organizationId ?? DEFAULT_ORGANIZATION_ID,
        simulated: input.simulated,
      });
      await deps.audit.record(
        actor,
        'integration.create',
        target(view),
        {
          name: view.name,
          baseUrl: view.baseUrl,
          ...(view.adminKey ? { adminKeyFingerprint: view.adminKey.fingerprint } : {}),
        },
        inOrg(view),
      );
      return view;
    },

    async update(actor, id, input) {
      requireRole(actor, 'admin');
      const current = await get(actor, id);
      const change: UpdateIntegrationInput & { apiKey?: string; adminApiKey?: string } = {
        name: input.name,
        baseUrl: input.baseUrl,
        syncFrequencyMinutes: input.syncIntervalMinutes,
        apiKey: input.apiKey,
        adminApiKey: input.adminApiKey,
      };
      const view = await core.update(current.id, change);
      if (view.syncFrequencyMinutes !== current.syncFrequencyMinutes) await repo.setNextSyncAt(view.id, null);
      await deps.audit.record(
        actor,
        'integration.update',
        target(view),
        {
          // What changed, never the key (its fingerprint is enough) nor a raw URL's query string.
          ...(input.name !== undefined ? { name: view.name } : {}),
          ...(input.baseUrl !== undefined ? { baseUrl: view.baseUrl } : {}),
          ...(input.syncIntervalMinutes !== undefined
            ? { syncIntervalMinutes: view.syncFrequencyMinutes }
            : {}),
          ...(view.keyFingerprint !== current.keyFingerprint ? { keyFingerprint: view.keyFingerprint } : {}),
          ...(view.adminKey && view.adminKey.fingerprint !== current.adminKey?.fingerprint
            ? { adminKeyFingerprint: view.adminKey.fingerprint }
            : {}),
        },
        inOrg(view),
      );
      return view;
    },

    async rotateKey(actor, id, apiKey) {
      requireRole(actor, 'admin');
      const current = await get(actor, id);
      const view = await core.rotateKey(current.id, apiKey);
      await deps.audit.record(
        actor,
        'integration.rotate_key',
        target(view),
        { from: current.keyFingerprint, to: view.keyFingerprint },
        inOrg(view),
      );
      return view;
    },

    async setAdminKey(actor, id, adminApiKey) {
      requireRole(actor, 'admin');
      const current = await get(actor, id);
      const view = await core.setAdminKey(current.id, adminApiKey);
      // Fingerprints only, never the key.
      await deps.audit.record(
        actor,
        current.adminKey ? 'integration.rotate_admin_key' : 'integration.set_admin_key',
        target(view),
        current.adminKey
          ? { from: current.adminKey.fingerprint, to: view.adminKey?.fingerprint ?? null }
          : { adminKeyFingerprint: view.adminKey?.fingerprint ?? null },
        inOrg(view),
      );
      return view;
    },

    async removeAdminKey(actor, id) {
      requireRole(actor, 'admin');
      const current = await get(actor, id);
      const view = await core.removeAdminKey(current.id);
      await deps.audit.record(
        actor,
        'integration.remove_admin_key',
        target(view),
        { adminKeyFingerprint: current.adminKey?.fingerprint ?? null },
        inOrg(view),
      );
      return view;
    },

    async delete(actor, id) {
      requireRole(actor, 'admin');
      const current = await get(actor, id);
      await core.delete(current.id);
      // Alert rules limited to it forget it; one limited to it alone is disabled (never widened to all).
      const disabledRules = (await deps.store.alerts?.forgetIntegration(current.id)) ?? [];
      await deps.audit.record(
        actor,
        'integration.delete',
        target(current),
        { name: current.name, ...(disabledRules.length ? { disabledAlertRules: disabledRules } : {}) },
        inOrg(current),
      );
    },
  };
}
