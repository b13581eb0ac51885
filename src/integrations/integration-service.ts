/**
 * Creating an integration and replacing its key: the key is validated against Mistral FIRST
 * (validateKey = the connector's GET /v1/models), and nothing is stored when it is refused.
 * Cheap input checks (name, URL, frequency, name already taken) run before the network call.
 *
 * The optional admin key (issue 11, GET /v1/admin/* only) is validated the same way before it is stored
 * (validateAdminKey = the admin connector's GET /v1/admin/api-keys?limit=1): a key Mistral refuses, or one
 * that is not admin-scoped, is never stored, and neither is a copy of the ordinary key.
 */
import { keyFingerprint } from '../crypto/key-display.ts';
import { AppError } from '../errors/index.ts';
import type {
  CreateIntegrationInput,
  IntegrationView,
  Store,
  UpdateIntegrationInput,
} from '../store/index.ts';
// The input checks alone, not the store (src/store/index.ts): a scan without a data folder loads this.
import {
  DEFAULT_ORGANIZATION_ID,
  normalizeApiKey,
  normalizeBaseUrl,
  normalizeIntegrationName,
  normalizeSyncFrequency,
} from '../store/integration-input.ts';

/** Throws AppError (INVALID_API_KEY on 401, UNREACHABLE, …) when the key cannot be used. */
export type ValidateKey = (apiKey: string, baseUrl: string) => Promise<void>;

/**
 * Throws when the admin key cannot be used for GET /v1/admin/*: the admin connector's ADMIN_KEY_INVALID
 * (401) or ADMIN_KEY_FORBIDDEN (403), or a transport error. Translated here into errors that say what to do.
 */
export type ValidateAdminKey = (adminApiKey: string, baseUrl: string) => Promise<void>;

export interface IntegrationServiceDeps {
  store: Pick<Store, 'integrations' | 'transaction'>;
  validateKey: ValidateKey;
  /** Absent: admin keys are refused (no admin connector in this process). */
  validateAdminKey?: ValidateAdminKey;
}

export interface IntegrationUpdate extends UpdateIntegrationInput {
  /** The ordinary key, required with a new base URL (validated there, then it replaces the stored one). */
  apiKey?: string;
  /**
   * Sets or replaces the admin key (validated at the integration's base URL, the new one when it changes).
   * Required with a new base URL when an admin key is stored: no stored key is sent to a new address.
   */
  adminApiKey?: string;
}

export interface IntegrationService {
  create(input: CreateIntegrationInput): Promise<IntegrationView>;
  rotateKey(id: string, newApiKey: string): Promise<IntegrationView>;
  /** A new base URL needs `apiKey` too (validated there; the stored key is never sent to a new address). */
  update(id: string, input: IntegrationUpdate): Promise<IntegrationView>;
  /** Sets or replaces (rotates) the admin key, validated first; the ordinary key is untouched. */
  setAdminKey(id: string, adminApiKey: string): Promise<IntegrationView>;
  /** Removes the admin key (NOT_FOUND when there is none); the ordinary key is untouched. */
  removeAdminKey(id: string): Promise<IntegrationView>;
  get(id: string): Promise<IntegrationView>;
  list(): Promise<IntegrationView[]>;
  delete(id: string): Promise<void>;
}

const CREATE_ADMIN_KEY =
  'create one as a member with the Admin role of the organization in the Mistral Console (admin.mistral.ai → Organization → API Keys, an admin-scoped key), then pass it with --admin-api-key-file FILE or MISTRAL_ADMIN_API_KEY (API: adminApiKey)';

/** The admin key equals the ordinary key: refused (the ordinary key is never sent to admin routes). */
function sameAsOrdinaryKey(): AppError {
  return new AppError(
    'INVALID_INPUT',
    'The admin API key is the same key as the integration’s ordinary API key: nothing was stored.',
    {
      details: { field: 'adminApiKey' },
      remediation: `An admin key is a separate key: ${CREATE_ADMIN_KEY}.`,
    },
  );
}

/**
 * Why Mistral refused an admin key, in words that say what to do. The admin connector's 401
 * (ADMIN_KEY_INVALID) and 403 (ADMIN_KEY_FORBIDDEN) become INVALID_API_KEY (exit 2, HTTP 400) naming the
 * admin key; anything else (unreachable, rate limited) passes unchanged.
 */
export function adminKeyRefused(e: unknown, stored = true): unknown {
  const outcome = stored ? ' Nothing was stored.' : '';
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ADMIN_KEY_FORBIDDEN') {
    return new AppError(
      'INVALID_API_KEY',
      `This key is not an admin key: Mistral refused it on the Admin API (403).${outcome}`,
      {
        cause: e,
        details: { field: 'adminApiKey', reason: 'not_admin' },
        remediation: `Use a key of a member with the Admin role: ${CREATE_ADMIN_KEY}. An ordinary workspace key never works there.`,
      },
    );
  }
  if (code === 'ADMIN_KEY_INVALID' || code === 'INVALID_API_KEY') {
    return new AppError(
      'INVALID_API_KEY',
      `Mistral refused the admin API key (401: unknown, revoked or expired).${outcome}`,
      {
        cause: e,
        details: { field: 'adminApiKey', reason: 'invalid' },
        remediation: `Check that the key was copied whole and belongs to this region (base URL), or ${CREATE_ADMIN_KEY}.`,
      },
    );
  }
  return e;
}

export function createIntegrationService({
  store,
  validateKey,
  validateAdminKey,
}: IntegrationServiceDeps): IntegrationService {
  const repo = store.integrations;

  /** Validates an admin key (already normalized) at baseUrl, after the cheap checks. */
  async function checkAdminKey(adminApiKey: string, ordinaryFingerprint: string, baseUrl: string) {
    if (keyFingerprint(adminApiKey) === ordinaryFingerprint) throw sameAsOrdinaryKey();
    if (!validateAdminKey) {
      throw new AppError('INTERNAL', 'This process cannot validate an admin key.', {
        remediation: 'Report this: the admin connector was not wired into this TrustLens process.',
      });
    }
    try {
      await validateAdminKey(adminApiKey, baseUrl);
    } catch (e) {
      throw adminKeyRefused(e);
    }
  }

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
      const adminApiKey = input.adminApiKey === undefined ? undefined : normalizeAdminKey(input.adminApiKey);
      if (adminApiKey !== undefined && keyFingerprint(adminApiKey) === keyFingerprint(apiKey)) {
        throw sameAsOrdinaryKey();
      }
      await validateKey(apiKey, baseUrl);
      if (adminApiKey !== undefined) await checkAdminKey(adminApiKey, keyFingerprint(apiKey), baseUrl);
      return repo.create({
        name,
        apiKey,
        ...(adminApiKey !== undefined ? { adminApiKey } : {}),
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
      // The ordinary key is never the admin key: it would be sent to admin routes, and the other way round.
      if (current.adminKey && keyFingerprint(apiKey) === current.adminKey.fingerprint) {
        throw new AppError(
          'INVALID_INPUT',
          'This is the integration’s admin API key: it cannot be its ordinary key too. Nothing was rotated.',
          {
            details: { field: 'apiKey' },
            remediation:
              'Rotate to an ordinary workspace key (admin.mistral.ai → Organization → API Keys); the admin key is rotated on its own (--admin-api-key-file).',
          },
        );
      }
      await validateKey(apiKey, current.baseUrl);
      // Stored only while the base URL is still the one the key was validated against.
      return repo.rotateKey(id, apiKey, undefined, current.baseUrl);
    },

    async setAdminKey(id, newAdminApiKey) {
      const current = await repo.require(id);
      const adminApiKey = normalizeAdminKey(newAdminApiKey);
      if (keyFingerprint(adminApiKey) === current.keyFingerprint) throw sameAsOrdinaryKey();
      if (current.adminKey && keyFingerprint(adminApiKey) === current.adminKey.fingerprint) {
        throw new AppError(
          'CONFLICT',
          'This is already the admin key of this integration: nothing was rotated.',
          {
            remediation: `To rotate it, ${CREATE_ADMIN_KEY}.`,
          },
        );
      }
      await checkAdminKey(adminApiKey, current.keyFingerprint, current.baseUrl);
      return repo.setAdminKey(id, adminApiKey, undefined, current.baseUrl);
    },

    async removeAdminKey(id) {
      const current = await repo.require(id);
      if (!current.adminKey || !(await repo.removeAdminKey(id))) {
        throw new AppError('NOT_FOUND', `The integration "${current.name}" has no admin API key.`, {
          remediation:
            'Nothing to remove. An admin key is added with `trustlens integration update NAME --admin-api-key-file FILE` (API: PUT /api/v1/integrations/{id}/admin-key).',
        });
      }
      return repo.require(id);
    },

    async update(id, input) {
      const { apiKey: rawApiKey, adminApiKey: rawAdminApiKey, ...rest } = input;
      const current = await repo.require(id);
      const baseUrl = input.baseUrl === undefined ? current.baseUrl : normalizeBaseUrl(input.baseUrl);
      const moved = baseUrl !== current.baseUrl;
      const adminApiKey = rawAdminApiKey === undefined ? undefined : normalizeAdminKey(rawAdminApiKey);
      // The stored key is never sent to a new address: whoever changes the base URL gives the key again
      // (it is validated there, then replaces the stored one). Otherwise an admin could point the
      // integration at a server of theirs and read the stored key off the validation request. The same
      // holds for a stored admin key: it is given again with the new base URL, or removed first.
      let apiKey: string | undefined;
      if (moved) {
        if (rawApiKey === undefined) {
          throw new AppError('INVALID_INPUT', 'Changing the base URL needs the API key again.', {
            details: { field: 'apiKey' },
            remediation:
              'Send apiKey together with baseUrl: the stored key is never sent to a new address. It is validated against the new base URL before anything changes.',
          });
        }
        if (current.adminKey && adminApiKey === undefined) {
          throw new AppError('INVALID_INPUT', 'Changing the base URL needs the admin API key again.', {
            details: { field: 'adminApiKey' },
            remediation:
              'Send adminApiKey (CLI: --admin-api-key-file FILE) together with baseUrl and apiKey: the stored admin key is never sent to a new address. Or remove the admin key first (`trustlens integration update NAME --remove-admin-key`).',
          });
        }
        apiKey = normalizeApiKey(rawApiKey);
      }
      const ordinaryFingerprint = apiKey === undefined ? current.keyFingerprint : keyFingerprint(apiKey);
      if (adminApiKey !== undefined && keyFingerprint(adminApiKey) === ordinaryFingerprint) {
        throw sameAsOrdinaryKey();
      }
      if (apiKey !== undefined) await validateKey(apiKey, baseUrl);
      const adminChanged =
        adminApiKey !== undefined && (moved || keyFingerprint(adminApiKey) !== current.adminKey?.fingerprint);
      if (adminChanged) await checkAdminKey(adminApiKey!, ordinaryFingerprint, baseUrl);
      if (apiKey === undefined && !adminChanged) return repo.update(id, rest);
      return store.transaction(async (tx) => {
        if (apiKey !== undefined && ordinaryFingerprint !== current.keyFingerprint)
          await tx.integrations.rotateKey(id, apiKey, undefined, current.baseUrl);
        // Both keys only while the integration is still as read (its base URL not changed meanwhile).
        if (adminChanged) await tx.integrations.setAdminKey(id, adminApiKey!, undefined, current.baseUrl);
        return tx.integrations.update(id, rest);
      });
    },

    get: (id) => repo.require(id),
    list: () => repo.list(),
    delete: (id) => repo.delete(id),
  };
}

/** An admin key's input checks: those of the ordinary key, naming the admin key. */
function normalizeAdminKey(adminApiKey: unknown): string {
  try {
    return normalizeApiKey(adminApiKey);
  } catch {
    throw new AppError('INVALID_INPUT', 'The admin API key is empty or malformed.', {
      details: { field: 'adminApiKey' },
      remediation: `Copy the admin key again, whole and without spaces; or ${CREATE_ADMIN_KEY}.`,
    });
  }
}
