import {
  EXTRA_FEATURE_KEYS,
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
 * (a feature that is unavailable without beta access is a known state, not a failure). What is read
 * beyond the matrix (connectors, library sharing: `extra`) counts the same way: when reading it failed,
 * the sync is partial, never succeeded.
 */
export function syncStatus(availability: Availability, extra?: ExtraAvailability): SyncStatus {
  const listed = (['models', 'files', 'libraries', 'agents'] as const).some(
    (k) => availability[k].status === 'available',
  );
  if (!listed) return 'failed';
  const failed =
    FEATURE_KEYS.some((k) => failedInPart(availability[k])) ||
    EXTRA_FEATURE_KEYS.some((k) => extra?.[k] !== undefined && failedInPart(extra[k]));
  return failed ? 'partial' : 'succeeded';
}

function failedInPart(a: FeatureAvailability): boolean {
  return a.status === 'error' || (a.status === 'available' && a.code !== undefined);
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
