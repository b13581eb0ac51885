/**
 * The master key of the stored Mistral API keys (envelope encryption, src/crypto): which master key is
 * current, how many stored data keys each master key wraps, and re-wrapping every data key with the
 * current one (rotation). Only master-key ids are ever returned; no key material, no API key.
 *
 * The master key is installation-wide (it protects every organization's keys), so only the local
 * operator (an admin actor without an organization: the CLI on the machine that holds the key) may
 * use this service. The keyring itself is loaded by the composition root and handed in.
 */
import { AppError } from '../errors/index.ts';
import type { Keyring } from '../crypto/index.ts';
import type { Store } from '../store/index.ts';
import type { AuditService } from './audit.ts';
import { requireRole, type Actor } from './context.ts';

export type MasterKeyState = 'current' | 'previous' | 'unknown';

export interface MasterKeyUsage {
  masterKeyId: string;
  /** Stored integration keys (ordinary and admin API keys) whose data key this master key wraps. */
  integrations: number;
  /** Alert destination secrets (webhook URLs and signing secrets) this master key wraps. */
  alertSecrets: number;
  /** current: TRUSTLENS_MASTER_KEY; previous: TRUSTLENS_MASTER_KEY_PREVIOUS; unknown: neither (unreadable). */
  state: MasterKeyState;
}

export interface MasterKeyStatus {
  currentKeyId: string;
  previousKeyIds: string[];
  /** Most used first; empty when no API key is stored. */
  usage: MasterKeyUsage[];
}

export interface RewrapResult {
  /** The master key that now wraps every data key. */
  masterKeyId: string;
  rewrapped: number;
  alreadyCurrent: number;
}

export interface KeysService {
  status(actor: Actor): Promise<MasterKeyStatus>;
  /** Re-wraps every stored data key with the current master key (audited as keys.rewrap). */
  rewrap(actor: Actor): Promise<RewrapResult>;
}

export interface KeysServiceDeps {
  keyring: Pick<Keyring, 'current' | 'previous'>;
  store: {
    integrations: Pick<Store['integrations'], 'masterKeyUsage' | 'rewrapAll'>;
    alerts?: Pick<Store['alerts'], 'masterKeyUsage' | 'rewrapAll'>;
  };
  audit: Pick<AuditService, 'record'>;
}

function requireOperator(actor: Actor): void {
  requireRole(actor, 'admin');
  if (actor.organizationId !== null) {
    throw new AppError('FORBIDDEN', 'The master key is managed on the machine that holds it.', {
      remediation:
        'Run `trustlens keys status` or `trustlens keys rewrap` where TrustLens runs, with TRUSTLENS_MASTER_KEY set.',
    });
  }
}

export function createKeysService(deps: KeysServiceDeps): KeysService {
  const { keyring } = deps;
  return {
    async status(actor) {
      requireOperator(actor);
      const currentKeyId = keyring.current.id;
      const previousKeyIds = keyring.previous.map((k) => k.id);
      const counts = new Map<string, { integrations: number; alertSecrets: number }>();
      for (const u of await deps.store.integrations.masterKeyUsage())
        counts.set(u.masterKeyId, { integrations: u.integrations, alertSecrets: 0 });
      for (const u of (await deps.store.alerts?.masterKeyUsage()) ?? []) {
        const c = counts.get(u.masterKeyId) ?? { integrations: 0, alertSecrets: 0 };
        c.alertSecrets += u.secrets;
        counts.set(u.masterKeyId, c);
      }
      const usage = [...counts.entries()].map(([masterKeyId, u]) => ({
        masterKeyId,
        integrations: u.integrations,
        alertSecrets: u.alertSecrets,
        state: (masterKeyId === currentKeyId
          ? 'current'
          : previousKeyIds.includes(masterKeyId)
            ? 'previous'
            : 'unknown') as MasterKeyState,
      }));
      return { currentKeyId, previousKeyIds, usage };
    },

    async rewrap(actor) {
      requireOperator(actor);
      const r = await deps.store.integrations.rewrapAll();
      const a = (await deps.store.alerts?.rewrapAll()) ?? { rewrapped: 0, alreadyCurrent: 0 };
      const result = {
        masterKeyId: keyring.current.id,
        rewrapped: r.rewrapped + a.rewrapped,
        alreadyCurrent: r.alreadyCurrent + a.alreadyCurrent,
      };
      await deps.audit.record(actor, 'keys.rewrap', null, result, { organizationId: null });
      return result;
    },
  };
}
