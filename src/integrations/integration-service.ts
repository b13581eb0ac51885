/**
 * Creating an integration and replacing its key: the key is validated against Mistral FIRST
 * (validateKey = the connector's GET /v1/models), and nothing is stored when it is refused.
 * Cheap input checks (name, URL, frequency, name already taken) run before the network call.
 */
import { keyFingerprint } from '../crypto/key-display.ts';
import { AppError } from '../errors/index.ts';
import {
  DEFAULT_ORGANIZATION_ID,
  normalizeApiKey,
  normalizeBaseUrl,
  normalizeIntegrationName,
  normalizeSyncFrequency,
  type CreateIntegrationInput,
  type IntegrationView,
  type Store,
  type UpdateIntegrationInput,
} from '../store/index.ts';

/** Throws AppError (INVALID_API_KEY on 401, UNREACHABLE, …) when the key cannot be used. */
export type ValidateKey = (apiKey: string, baseUrl: string) => Promise<void>;

export interface IntegrationServiceDeps {
  store: Pick<Store, 'integrations'>;
  validateKey: ValidateKey;
}

export interface IntegrationService {
  create(input: CreateIntegrationInput): Promise<IntegrationView>;
  rotateKey(id: string, newApiKey: string): Promise<IntegrationView>;
  update(id: string, input: UpdateIntegrationInput): Promise<IntegrationView>;
  get(id: string): Promise<IntegrationView>;
  list(): Promise<IntegrationView[]>;
  delete(id: string): Promise<void>;
}

export function createIntegrationService({ store, validateKey }: IntegrationServiceDeps): IntegrationService {
  const repo = store.integrations;
  return {
    async create(input) {
      const name = normalizeIntegrationName(input.name);
      const baseUrl = normalizeBaseUrl(input.baseUrl);
      const syncFrequencyMinutes = normalizeSyncFrequency(input.syncFrequencyMinutes);
      const apiKey = normalizeApiKey(input.apiKey);
      if (await repo.getByName(name, input.organizationId ?? DEFAULT_ORGANIZATION_ID)) {
        throw new AppError('CONFLICT', `An integration named "${name}" already exists.`, {
          remediation: 'Choose another name, or update the existing integration.',
        });
      }
      await validateKey(apiKey, baseUrl);
      return repo.create({
        name,
        apiKey,
        baseUrl,
        syncFrequencyMinutes,
        organizationId: input.organizationId,
        simulated: input.simulated,
      });
    },

    async rotateKey(id, newApiKey) {
      const current = await repo.require(id);
      const apiKey = normalizeApiKey(newApiKey);
      // Rotating to the same key would reset the key's age (mistral_integration_key_stale) without rotating.
      if (keyFingerprint(apiKey) === current.keyFingerprint) {
        throw new AppError('CONFLICT', 'This is already the key of this integration: nothing was rotated.', {
          remediation:
            'Create a new key in the Mistral Console (admin.mistral.ai → Organization → API Keys), then rotate to it.',
        });
      }
      await validateKey(apiKey, current.baseUrl);
      return repo.rotateKey(id, apiKey);
    },

    async update(id, input) {
      // A new base URL is validated with the stored key: the key must work where it will be used.
      if (input.baseUrl !== undefined) {
        const current = await repo.require(id);
        const baseUrl = normalizeBaseUrl(input.baseUrl);
        if (baseUrl !== current.baseUrl) await validateKey(await repo.revealApiKey(id), baseUrl);
      }
      return repo.update(id, input);
    },

    get: (id) => repo.require(id),
    list: () => repo.list(),
    delete: (id) => repo.delete(id),
  };
}
