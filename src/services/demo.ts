/**
 * `npm start`'s demo: an organization with an admin and one integration, synced at once. Against the
 * built-in simulated workspace, everything is labelled simulated (organization, integration); with
 * MISTRAL_API_KEY the integration reads the real API instead. Idempotent across restarts: the same
 * organization, user and integration are reused (the simulator's address changes at each start; its
 * key is a fixed, meaningless demo value), so history and trends accumulate.
 */
import { keyFingerprint } from '../crypto/key-display.ts';
import { normalizeBaseUrl } from '../store/integration-input.ts';
import type { AccountsService } from './accounts.ts';
import type { Actor } from './context.ts';
import type { IntegrationsService } from './integrations.ts';
import type { SyncsService, TriggerResult } from './syncs.ts';

export const DEMO_EMAIL = 'demo@trustlens.example';

export interface DemoInput {
  baseUrl: string;
  apiKey: string;
  /** An admin key for the demo integration (the simulator's own), so the Organization page has data. */
  adminApiKey?: string;
  simulated: boolean;
  /** The demo admin's password (set anew at each start and printed once). */
  password: string;
}

export interface DemoResult {
  organizationId: string;
  integrationId: string;
  email: string;
  firstSync: TriggerResult;
}

export interface DemoService {
  ensure(input: DemoInput): Promise<DemoResult>;
}

export function createDemoService(deps: {
  accounts: AccountsService;
  integrations: IntegrationsService;
  syncs: SyncsService;
}): DemoService {
  return {
    async ensure(input) {
      const { organizationId, userId } = await deps.accounts.ensureOrganizationWithAdmin({
        organizationName: input.simulated ? 'Demo organization (simulated workspace)' : 'Demo organization',
        simulated: input.simulated,
        email: DEMO_EMAIL,
        password: input.password,
      });
      const actor: Actor = { kind: 'system', id: userId, label: 'demo', organizationId, role: 'admin' };
      const name = input.simulated ? 'Simulated workspace (demo)' : 'Mistral workspace';
      const baseUrl = normalizeBaseUrl(input.baseUrl);
      let integration = await deps.integrations.find(actor, name).catch(() => null);
      if (!integration) {
        integration = await deps.integrations.create(actor, {
          name,
          apiKey: input.apiKey,
          ...(input.adminApiKey ? { adminApiKey: input.adminApiKey } : {}),
          baseUrl,
          simulated: input.simulated,
        });
      } else {
        if (integration.baseUrl !== baseUrl && integration.keyFingerprint === keyFingerprint(input.apiKey)) {
          // A new address needs every stored key again; a stored admin key without one now is removed.
          if (integration.adminKey && !input.adminApiKey)
            integration = await deps.integrations.removeAdminKey(actor, integration.id);
          integration = await deps.integrations.update(actor, integration.id, {
            baseUrl,
            apiKey: input.apiKey,
            ...(input.adminApiKey && integration.adminKey ? { adminApiKey: input.adminApiKey } : {}),
          });
        } else if (integration.keyFingerprint !== keyFingerprint(input.apiKey)) {
          if (integration.baseUrl !== baseUrl) {
            // Neither the key nor the address still works together: start this integration afresh.
            await deps.integrations.delete(actor, integration.id);
            integration = await deps.integrations.create(actor, {
              name,
              apiKey: input.apiKey,
              ...(input.adminApiKey ? { adminApiKey: input.adminApiKey } : {}),
              baseUrl,
              simulated: input.simulated,
            });
          } else {
            integration = await deps.integrations.rotateKey(actor, integration.id, input.apiKey);
          }
        }
      }
      if (input.adminApiKey && integration.adminKey?.fingerprint !== keyFingerprint(input.adminApiKey))
        integration = await deps.integrations.setAdminKey(actor, integration.id, input.adminApiKey);
      const firstSync = await deps.syncs.trigger(actor, integration.id);
      return { organizationId, integrationId: integration.id, email: DEMO_EMAIL, firstSync };
    },
  };
}
