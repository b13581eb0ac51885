/**
 * The audit cursor across a failed audit read (security review finding 5), on stored syncs of a simulated
 * workspace with an admin key: sync 1 reads and stores the audit log; sync 2's audit read fails (its
 * snapshot has no audit cursor); sync 3 reads from where the stored entries end, not from the 30-day
 * look-back.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { AppError } from '../src/errors/index.ts';
import { createMistralAdminConnector, createMistralConnector } from '../src/mistral/index.ts';
import type { MistralAdminConnector } from '../src/mistral/types.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { createStore } from '../src/store/store.ts';
import { testBackends } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';

const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({ ...o, maxRetryElapsedMs: 5_000, requestsPerSecond: 300, maxConcurrency: 8 });

const MINUTE = 60_000;

for (const backend of testBackends()) {
  test(
    `one failed audit read does not reset the audit cursor (${backend.kind})`,
    { skip: backend.skip },
    async () => {
      const sim = await startSimulator({
        seed: 12,
        generator: { agents: 3, conversations: 3, files: 2, libraries: 1 },
        adminRequestsPerSecond: 1000,
      });
      const t = await backend.open();
      try {
        const store = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
        const start = Date.parse(sim.workspace.now);
        const integ = await store.integrations.create(
          { name: 'audit cursor', apiKey: sim.apiKey, baseUrl: sim.url },
          new Date(start - MINUTE),
        );
        await store.integrations.setAdminKey(integ.id, sim.adminApiKey, new Date(start - MINUTE));
        const afters: Array<string | null> = [];
        let failAudit = false;
        const adminConnectorFactory = (o: {
          adminApiKey: string;
          baseUrl?: string;
        }): MistralAdminConnector => {
          const c = createMistralAdminConnector({
            ...o,
            maxRetryElapsedMs: 5_000,
            requestsPerSecond: 300,
            maxConcurrency: 8,
          });
          return {
            ...c,
            async listAuditLogs(q) {
              afters.push(q.after);
              if (failAudit) throw new AppError('UNREACHABLE', 'audit read failed (test)');
              return c.listAuditLogs(q);
            },
          };
        };
        const sync = (at: number) =>
          runStoredSync({
            store,
            integrationId: integ.id,
            connectorFactory,
            adminConnectorFactory,
            now: new Date(at),
          });

        const r1 = await sync(start + MINUTE);
        assert.equal(r1.pipeline.snapshot.extraAvailability?.auditLog?.status, 'available');
        const stored = await store.auditLog.list({ integrationIds: [integ.id], limit: 1 });
        assert.equal(stored.length, 1, 'the first sync stored audit entries');
        assert.equal(afters[0], null, 'the first read starts at the look-back window');

        failAudit = true;
        const r2 = await sync(start + 2 * MINUTE);
        assert.notEqual(r2.pipeline.snapshot.extraAvailability?.auditLog?.status, 'available');
        assert.equal(r2.pipeline.snapshot.admin?.auditLog ?? null, null, 'no audit log, so no cursor');

        failAudit = false;
        await sync(start + 3 * MINUTE);
        const third = afters[2];
        assert.ok(third !== null, 'the third read starts from the stored entries, not the look-back');
        assert.equal(Date.parse(third), Date.parse(stored[0].at) - 1);
      } finally {
        await t.cleanup();
        await sim.close();
      }
    },
  );
}
