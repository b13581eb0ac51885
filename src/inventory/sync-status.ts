import { FEATURE_KEYS, type Availability } from './types.ts';

export type SyncStatus = 'succeeded' | 'partial' | 'failed';

/**
 * The outcome of a sync or scan, derived from feature availability: failed when no resource type
 * could be listed; partial when some feature failed ('error'); succeeded otherwise (a feature that
 * is unavailable without beta access is a known state, not a failure).
 */
export function syncStatus(availability: Availability): SyncStatus {
  const listed = (['models', 'files', 'libraries', 'agents'] as const).some(
    (k) => availability[k].status === 'available',
  );
  if (!listed) return 'failed';
  return FEATURE_KEYS.some((k) => availability[k].status === 'error') ? 'partial' : 'succeeded';
}
