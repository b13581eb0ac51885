/**
 * The audit cursor of a stored sync (security review finding 5): one failed audit read must not send
 * the next read back to the 30-day look-back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '../src/inventory/types.ts';
import { adminDiscoveryOptions, auditCursorOf } from '../src/sync/admin-options.ts';
import type { MistralAdminConnector } from '../src/mistral/types.ts';

const snapshotWith = (cursor: string | null, read = true): Snapshot =>
  ({
    admin: {
      auditLog: read ? { entries: [], after: null, cursor, truncated: false } : null,
    },
  }) as unknown as Snapshot;

test("the audit cursor: the previous snapshot's, else just before the newest stored entry, else none", () => {
  assert.equal(
    auditCursorOf(snapshotWith('2026-11-30T10:00:00.123456Z'), '2026-11-29T00:00:00.000Z'),
    '2026-11-30T10:00:00.123456Z',
  );
  // The previous sync's audit read failed: its snapshot has no audit log, the stored entries say where to go on.
  assert.equal(
    auditCursorOf(snapshotWith(null, false), '2026-11-29T08:00:00.000Z'),
    '2026-11-29T07:59:59.999Z',
  );
  assert.equal(auditCursorOf(snapshotWith(null), '2026-11-29T08:00:00.000Z'), '2026-11-29T07:59:59.999Z');
  assert.equal(auditCursorOf(null, '2026-11-29T08:00:00.000Z'), '2026-11-29T07:59:59.999Z');
  assert.equal(auditCursorOf(snapshotWith(null, false), null), null);
  assert.equal(auditCursorOf(null, 'not a time'), null);
  const o = adminDiscoveryOptions({
    connector: {} as MistralAdminConnector,
    apiKey: 'abcdEFGH1234567890ijklmnopqrWXYZ',
    previous: snapshotWith(null, false),
    lastStoredAuditAt: '2026-11-29T08:00:00.000Z',
  });
  assert.equal(o.auditAfter, '2026-11-29T07:59:59.999Z');
  assert.ok(!JSON.stringify(o).includes('EFGH1234'), 'the key itself is not in the options');
});
