import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedExtras, incompleteFeatures, syncStatus } from './sync-status.ts';
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

test('syncStatus: usage read only in part because of a failure (available with a code) is partial', () => {
  const partialUsage = {
    status: 'available',
    code: 'UNEXPECTED_RESPONSE',
    message: 'Usage is partial',
  } as const;
  assert.equal(syncStatus(all({ status: 'available' }, { usage: partialUsage })), 'partial');
});

test('incompleteFeatures: beta missing, errors and partial usage all count; a full read is empty', () => {
  assert.deepEqual(incompleteFeatures(all({ status: 'available' })), []);
  assert.deepEqual(
    incompleteFeatures(
      all({ status: 'available' }, { agents: { status: 'unavailable', code: 'BETA_ACCESS_REQUIRED' } }),
    ),
    ['agents'],
  );
  assert.deepEqual(
    incompleteFeatures(all({ status: 'available' }, { usage: { status: 'available', code: 'X' } })),
    ['usage'],
  );
});

test('syncStatus: connectors or library sharing that failed to read make the sync partial; unavailable does not', () => {
  const ok = all({ status: 'available' });
  const available = { status: 'available' } as const;
  assert.equal(syncStatus(ok, { connectors: available, librarySharing: available }), 'succeeded');
  assert.equal(
    syncStatus(ok, {
      connectors: { status: 'unavailable', code: 'BETA_ACCESS_REQUIRED' },
      librarySharing: available,
    }),
    'succeeded',
    'not offered to this key: a known state',
  );
  assert.equal(
    syncStatus(ok, {
      connectors: { status: 'error', code: 'UNEXPECTED_RESPONSE' },
      librarySharing: available,
    }),
    'partial',
  );
  assert.equal(
    syncStatus(ok, {
      connectors: available,
      librarySharing: { status: 'available', code: 'UNEXPECTED_RESPONSE', message: 'two libraries unread' },
    }),
    'partial',
    'read in part because of a failure',
  );
  assert.equal(syncStatus(ok), 'succeeded', 'older snapshots have no extra availability');
});

test('syncStatus and failedExtras: the admin-key and registry features count like connectors', () => {
  const ok = all({ status: 'available' });
  const available = { status: 'available' } as const;
  const base = { connectors: available, librarySharing: available };
  const notConfigured = { status: 'unavailable', code: 'ADMIN_KEY_NOT_CONFIGURED' } as const;
  const extra = { ...base, adminApiKeys: notConfigured, prompts: available };
  assert.equal(syncStatus(ok, extra), 'succeeded', 'no admin key is a known state');
  assert.deepEqual(failedExtras(extra), []);
  const failed = {
    ...extra,
    adminMembers: { status: 'error', code: 'UNEXPECTED_RESPONSE' } as const,
    batchJobs: { status: 'available', code: 'UNEXPECTED_RESPONSE', message: 'one page failed' } as const,
  };
  assert.equal(syncStatus(ok, failed), 'partial');
  assert.deepEqual(failedExtras(failed), ['adminMembers', 'batchJobs']);
  assert.deepEqual(failedExtras(undefined), []);
});
