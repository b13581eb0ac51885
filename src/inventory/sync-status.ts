import {
  FEATURE_KEYS,
  type Availability,
  type ExtraAvailability,
  type FeatureAvailability,
  type FeatureKey,
} from './types.ts';

export type SyncStatus = 'succeeded' | 'partial' | 'failed';

/**
 * The outcome of a sync or scan, derived from feature availability: failed when no resource type
 * could be listed; partial when some feature failed ('error') or was read only in part because of a
 * failure (available with an error code: usage of some conversations unknown); succeeded otherwise
 * (a feature that is unavailable without beta access is a known state, not a failure). Everything read
 * beyond the matrix (`extra`: connectors, library sharing, the admin-key features, prompts, skills and
 * batch jobs) counts the same way: when reading it failed, the sync is partial, never succeeded; an
 * extra that is unavailable (no admin key configured, no beta access) is a known state too.
 */
export function syncStatus(availability: Availability, extra?: ExtraAvailability): SyncStatus {
  const listed = (['models', 'files', 'libraries', 'agents'] as const).some(
    (k) => availability[k].status === 'available',
  );
  if (!listed) return 'failed';
  const failed = FEATURE_KEYS.some((k) => failedInPart(availability[k])) || failedExtras(extra).length > 0;
  return failed ? 'partial' : 'succeeded';
}

/** Whether reading a feature failed, wholly ('error') or in part (available with an error code). */
export function failedInPart(a: FeatureAvailability | undefined): boolean {
  if (a === undefined) return false;
  return a.status === 'error' || (a.status === 'available' && a.code !== undefined);
}

/** The features beyond the matrix (connectors, library sharing, admin, registries) whose read failed. */
export function failedExtras(extra?: ExtraAvailability): string[] {
  if (!extra) return [];
  return Object.entries(extra as Record<string, FeatureAvailability | undefined>)
    .filter(([, av]) => failedInPart(av))
    .map(([k]) => k)
    .sort();
}

/**
 * Features whose data is missing or incomplete for whatever reason, beta access included: what a CI
 * gate (`--fail-on`) must not read as "no finding". Empty when the whole workspace was read.
 */
export function incompleteFeatures(availability: Availability): FeatureKey[] {
  return FEATURE_KEYS.filter(
    (k) => availability[k].status !== 'available' || availability[k].code !== undefined,
  );
}
