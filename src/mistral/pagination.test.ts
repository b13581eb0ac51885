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
});

const cutShort = (e: Error & { code?: string }) =>
  e.code === 'UNEXPECTED_RESPONSE' && /listing was cut short/.test(e.message);

test('nextPageNumber: an empty page that has_more or total says is not the end is an error, not the end', () => {
  // has_more: true on an empty page: the server says there is more but shows none.
  assert.throws(
    () => nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 30, hasMore: true }),
    (e: Error & { code?: string }) => cutShort(e) && /has_more: true/.test(e.message),
  );
  // Fewer records collected than the announced total.
  assert.throws(
    () => nextPageNumber({ page: 2, pageSize: 10, received: 0, collected: 15, total: 20 }),
    (e: Error & { code?: string }) => cutShort(e) && /15 of the 20/.test(e.message),
  );
  assert.throws(
    () => nextPageNumber({ page: 0, pageSize: 10, received: 0, collected: 0, total: 1 }),
    cutShort,
  );
  // Still the end: has_more false or absent without a total, or the total reached (or passed).
  assert.equal(nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 30, hasMore: false }), null);
  assert.equal(nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 30, hasMore: null }), null);
  assert.equal(nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 30, total: null }), null);
  assert.equal(nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 30, total: 30 }), null);
  assert.equal(nextPageNumber({ page: 3, pageSize: 10, received: 0, collected: 31, total: 30 }), null);
  assert.equal(nextPageNumber({ page: 0, pageSize: 10, received: 0, collected: 0, total: 0 }), null);
});

test('paginate: a listing cut short by an empty page fails naming its endpoint', async () => {
  const all = [rec('a'), rec('b'), rec('c'), rec('d'), rec('e')];
  const err = await paginate<number>({
    endpoint: 'GET /v1/batch/jobs',
    kind: FILE,
    first: 0,
    requestKey: (p) => `page ${p}`,
    // The server announces 5 records but answers page 1 empty after 2.
    fetch: async (page, before) => {
      const recs = page === 0 ? all.slice(0, 2) : [];
      return {
        records: recs,
        warnings: [],
        next: nextPageNumber({
          page,
          pageSize: 2,
          received: recs.length,
          collected: before + recs.length,
          total: all.length,
        }),
      };
    },
  }).catch((e: unknown) => e);
  assert.ok(err instanceof Error);
  const e = err as Error & { code?: string; details?: Record<string, unknown> };
  assert.ok(cutShort(e), e.message);
  assert.match(e.message, /GET \/v1\/batch\/jobs/);
  assert.match(e.message, /page 1 came back empty after 2 of the 5/);
  assert.equal(e.details?.endpoint, 'GET /v1/batch/jobs');
});

test('paginate: other errors of a page pass through unchanged', async () => {
  const boom = new Error('boom');
  const err = await paginate<number>({
    endpoint: 'GET /x',
    kind: FILE,
    first: 0,
    requestKey: String,
    fetch: async () => {
      throw boom;
    },
  }).catch((e: unknown) => e);
  assert.equal(err, boom);
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

test('paginate refuses a last page that repeats the page before (a server ignoring the page parameter ends on a total reached by counting repeats)', async () => {
  // The server caps pages at 2 records and ignores `page`; it announces 3 records. Page 1 repeats page 0,
  // so `collected` (counted from the page lengths) reaches the total and nextPageNumber says: the end.
  const err = await paginate<number>({
    endpoint: 'GET /x',
    kind: FILE,
    first: 0,
    requestKey: String,
    fetch: async (page, before) => ({
      records: [rec('a'), rec('b')],
      warnings: [],
      next: nextPageNumber({ page, pageSize: 10, received: 2, collected: before + 2, total: 3 }),
    }),
  }).catch((e: unknown) => e);
  assert.ok(err instanceof Error, 'c was never listed: not a complete listing');
  assert.equal((err as Error & { code?: string }).code, 'UNEXPECTED_RESPONSE');
  assert.match(err.message, /repeated records already listed.*last pages were never shown/);
});

test('paginate accepts a short last page of records already listed (records created while listing push the tail on)', async () => {
  // 4 records, pages of 2: after page 1 a record is created at the front, so page 2 shows d again.
  const pages: Record<number, Page<number>> = {
    0: { records: [rec('a'), rec('b')], warnings: [], next: 1 },
    1: { records: [rec('c'), rec('d')], warnings: [], next: 2 },
    2: { records: [rec('d')], warnings: [], next: null },
  };
  const out = await paginate<number>({
    endpoint: 'GET /x',
    kind: FILE,
    first: 0,
    requestKey: String,
    fetch: async (p) => pages[p],
  });
  assert.deepEqual(out.items, [rec('a'), rec('b'), rec('c'), rec('d')]);
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
