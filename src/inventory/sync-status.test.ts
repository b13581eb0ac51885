import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncStatus } from './sync-status.ts';
import { FEATURE_KEYS, type Availability, type FeatureAvailability } from './types.ts';

const all = (a: FeatureAvailability, over: Partial<Availability> = {}): Availability =>
  ({ ...Object.fromEntries(FEATURE_KEYS.map((k) => [k, a])), ...over }) as Availability;

test('syncStatus: beta missing is a success, a failed feature is partial, nothing listed is failed', () => {
  assert.equal(syncStatus(all({ status: 'available' })), 'succeeded');
  const noBeta = { status: 'unavailable' } as const;
  assert.equal(
    syncStatus(all(noBeta, { models: { status: 'available' }, files: { status: 'available' } })),
    'succeeded',
  );
  assert.equal(syncStatus(all({ status: 'available' }, { usage: { status: 'error' } })), 'partial');
  assert.equal(syncStatus(all({ status: 'error' })), 'failed');
  assert.equal(
    syncStatus(all(noBeta, { usage: { status: 'available' } })),
    'failed',
    'usage alone lists no resource',
  );
});
