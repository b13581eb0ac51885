import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCursor, nextPageNumber, paginate, type Page } from './pagination.ts';
import { FILE } from './record-validation.ts';

test('nextPageNumber: empty page ends, short page ends, full page continues', () => {
  assert.equal(nextPageNumber({ page: 0, pageSize: 10, received: 0, collected: 0 }), null);
  assert.equal(nextPageNumber({ page: 0, pageSize: 10, received: 9, collected: 9 }), null);
  assert.equal(nextPageNumber({ page: 2, pageSize: 10, received: 10, collected: 30 }), 3);
});

test('nextPageNumber: total and has_more take precedence over the page length', () => {
  // exact multiple with a total: no extra request
  assert.equal(nextPageNumber({ page: 1, pageSize: 10, received: 10, collected: 20, total: 20 }), null);
  // server capped the page size: short page but total not reached
  assert.equal(nextPageNumber({ page: 0, pageSize: 100, received: 50, collected: 50, total: 120 }), 1);
  assert.equal(nextPageNumber({ page: 0, pageSize: 10, received: 10, collected: 10, hasMore: false }), null);
  assert.equal(nextPageNumber({ page: 0, pageSize: 10, received: 5, collected: 5, hasMore: true }), 1);
  assert.equal(nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 30, hasMore: true }), null);
});

test('nextCursor: missing, null, empty and blank tokens end the listing', () => {
  for (const t of [undefined, null, '', '   ', 42]) assert.equal(nextCursor(t), null);
  assert.equal(nextCursor('abc'), 'abc');
});

const rec = (id: string) => ({ id });

test('paginate follows pages to the end and dedupes shifted records', async () => {
  const pages: Record<number, Page<number>> = {
    0: { records: [rec('a'), rec('b')], warnings: [], next: 1 },
    1: { records: [rec('b'), rec('c')], warnings: [], next: 2 },
    2: { records: [], warnings: [], next: null },
  };
  const out = await paginate<number>({
    endpoint: 'GET /x',
    kind: FILE,
    first: 0,
    requestKey: String,
    fetch: async (p) => pages[p],
  });
  assert.deepEqual(out.items, [rec('a'), rec('b'), rec('c')]);
});

test('paginate refuses a repeated cursor', async () => {
  await assert.rejects(
    paginate<string>({
      endpoint: 'GET /x',
      kind: FILE,
      first: 't0',
      requestKey: (t) => t,
      fetch: async (t) => ({ records: [rec(`r-${t}`)], warnings: [], next: t === 't0' ? 't1' : 't0' }),
    }),
    (e: Error & { code?: string }) => e.code === 'UNEXPECTED_RESPONSE' && /loop/.test(e.message),
  );
});

test('paginate refuses a server that ignores the page parameter', async () => {
  await assert.rejects(
    paginate<number>({
      endpoint: 'GET /x',
      kind: FILE,
      first: 0,
      requestKey: String,
      fetch: async (p) => ({ records: [rec('a'), rec('b')], warnings: [], next: p + 1 }),
    }),
    (e: Error & { code?: string }) => e.code === 'UNEXPECTED_RESPONSE' && /repeated records/.test(e.message),
  );
});

test('paginate stops at maxPages with an error', async () => {
  await assert.rejects(
    paginate<number>({
      endpoint: 'GET /x',
      kind: FILE,
      first: 0,
      maxPages: 5,
      requestKey: String,
      fetch: async (p) => ({ records: [rec(`r${p}`)], warnings: [], next: p + 1 }),
    }),
    (e: Error & { code?: string }) => e.code === 'UNEXPECTED_RESPONSE',
  );
});

test('paginate: onPage gets each page’s new records before the next page is asked for', async () => {
  const pages: Record<number, Page<number>> = {
    0: { records: [rec('a'), rec('b')], warnings: [], next: 1 },
    1: { records: [rec('b'), rec('c')], warnings: [], next: 2 },
    2: { records: [rec('c')], warnings: [], next: 3 },
    3: { records: [], warnings: [], next: null },
  };
  const log: string[] = [];
  const out = await paginate<number>({
    endpoint: 'GET /x',
    kind: FILE,
    first: 0,
    requestKey: String,
    fetch: async (p) => {
      log.push(`fetch ${p}`);
      return pages[p];
    },
    onPage: (fresh) => log.push(`page ${fresh.map((r) => (r as { id: string }).id).join(',')}`),
  }).catch((e: unknown) => e);
  // Page 2 repeats only records already listed while saying there is more: the loop guard throws, and
  // its records were never handed out as new.
  assert.ok(out instanceof Error && /repeated records already listed/.test(out.message));
  assert.deepEqual(log, ['fetch 0', 'page a,b', 'fetch 1', 'page c', 'fetch 2']);
});
