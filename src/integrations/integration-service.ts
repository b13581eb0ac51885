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
  store: Pick<Store, 'integrations' | 'transaction'>;
  validateKey: ValidateKey;
}

export interface IntegrationService {
  create(input: CreateIntegrationInput): Promise<IntegrationView>;
  rotateKey(id: string, newApiKey: string): Promise<IntegrationView>;
  /** A new base URL needs `apiKey` too (validated there; the stored key is never sent to a new address). */
  update(id: string, input: UpdateIntegrationInput & { apiKey?: string }): Promise<IntegrationView>;
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
      // The stored key is never sent to a new address: whoever changes the base URL gives the key again
      // (it is validated there, then replaces the stored one). Otherwise an admin could point the
      // integration at a server of theirs and read the stored key off the validation request.
      if (input.baseUrl !== undefined) {
        const current = await repo.require(id);
        const baseUrl = normalizeBaseUrl(input.baseUrl);
        if (baseUrl !== current.baseUrl) {
          if (input.apiKey === undefined) {
            throw new AppError('INVALID_INPUT', 'Changing the base URL needs the API key again.', {
              details: { field: 'apiKey' },
              remediation:
                'Send apiKey together with baseUrl: the stored key is never sent to a new address. It is validated against the new base URL before anything changes.',
            });
          }
          const apiKey = normalizeApiKey(input.apiKey);
          await validateKey(apiKey, baseUrl);
          const { apiKey: _key, ...rest } = input;
          return store.transaction(async (tx) => {
            if (keyFingerprint(apiKey) !== current.keyFingerprint)
              await tx.integrations.rotateKey(id, apiKey);
            return tx.integrations.update(id, rest);
          });
        }
      }
      const { apiKey: _ignored, ...rest } = input;
      return repo.update(id, rest);
    },

    get: (id) => repo.require(id),
    list: () => repo.list(),
    delete: (id) => repo.delete(id),
  };
}
