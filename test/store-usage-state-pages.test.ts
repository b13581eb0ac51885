/**
 * The SQL UsageStateStore reads the conversation states in pages (so that 100,000 conversations never
 * sit in one query result beside the map built from it): on both back ends, more conversations than
 * two pages — ids that sort in surprising ways included — come back all, once each, as written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqlUsageStateStore, createStore, type Database, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import type { ConversationContribution, ConversationState } from '../src/usage/types.ts';
import { testKeyring } from './store-fixtures.ts';

const COUNT = 12_345; // more than two pages of 5,000

function state(i: number): ConversationState {
  // Ids of varied length and case, a few sharing prefixes, so that page boundaries fall anywhere.
  const id = i % 7 === 0 ? `conv_${i}` : i % 7 === 1 ? `Conv-${i}-x` : `c${String(i).padStart(6, '0')}`;
  return {
    conversationId: id,
    updatedAt: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`,
    createdAt: '2026-01-01T00:00:00.000Z',
    agentId: i % 3 === 0 ? null : `ag_${i % 50}`,
    model: i % 3 === 0 ? 'mistral-large-latest' : null,
  };
}

for (const backend of testBackends()) {
  describe(`SQL usage state store, states read in pages (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
    });
    after(() => t?.cleanup());

    it(`returns all ${COUNT} conversation states, each once, as written`, async () => {
      const id = (await store.integrations.create({ name: 'pages', apiKey: 'sk-usage-pages-000000' })).id;
      const other = (await store.integrations.create({ name: 'other', apiKey: 'sk-usage-other-000000' })).id;
      const written = Array.from({ length: COUNT }, (_, i) => state(i));
      const upserts: ConversationContribution[] = written.map((s) => ({ state: s, rows: [] }));
      await store.usage(id).applyChanges({ upserts, removals: [] });
      // Another integration's conversations (same ids) never appear.
      await store.usage(other).applyChanges({ upserts: upserts.slice(0, 10), removals: [] });

      // Count the reads, to see the pages.
      let reads = 0;
      const counting: Database = {
        ...t.db,
        query: (sql, params) => {
          if (/FROM usage_conversations/.test(sql)) reads++;
          return t.db.query(sql, params);
        },
      };
      const loaded = await createSqlUsageStateStore(counting, id).loadConversationStates();
      assert.equal(reads, Math.ceil(COUNT / 5000), 'one query per page of 5,000');
      assert.equal(loaded.size, COUNT);
      for (const s of written) assert.deepEqual(loaded.get(s.conversationId), s);
      assert.equal((await store.usage(other).loadConversationStates()).size, 10);
    });
  });
}
