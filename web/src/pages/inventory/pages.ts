/** Reading every page of a cursor-paginated list (exports, small inventories). */

export interface ApiPage<T> {
  items: T[];
  nextCursor: string | null;
}

export class TooManyPagesError extends Error {
  constructor(readonly maxPages: number) {
    super(`The list has more than ${maxPages} pages; narrow the filters.`);
    this.name = 'TooManyPagesError';
  }
}

/**
 * Calls `fetchPage` with each nextCursor until the last page and returns every item in order. Stops
 * with TooManyPagesError after `maxPages` (never returns a silently truncated list), and on a cursor
 * that repeats (a server bug would otherwise loop forever).
 */
export async function collectPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<ApiPage<T>>,
  maxPages = 200,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    if (seen.has(page.nextCursor)) throw new Error('The server returned the same page cursor twice.');
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
  throw new TooManyPagesError(maxPages);
}
