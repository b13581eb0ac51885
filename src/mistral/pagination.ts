/**
 * Pagination to the end, whatever the endpoint's style (mistral-api.md §3, §5–§13):
 *  - page numbers (files, versions, documents, conversations, the deprecated /v1/agents): stop on
 *    an empty page; else on `has_more: false` when the body has it; else when a known `total` is
 *    reached; else on a short page. A full page is always followed by one more request, so exact
 *    multiples of the page size are handled (the last request returns an empty page). An empty page
 *    while the server says `has_more: true`, or before its `total` is reached, is an error (the
 *    listing was cut short), never its end.
 *  - cursors (agents/pages, libraries): stop when `next_page_token` is missing, null or blank.
 *    A short page WITH a token is followed (the token is the server's word that there is more;
 *    sharing filters can make pages short), unlike the SDK's iterator, which stops there.
 * Guards: a request that repeats an earlier one (same cursor), or a non-empty page made only of
 * records already seen (the server ignores the page parameter), is an error, not a silent loop.
 * On the last page (no next request) only an exact repeat of the page before is an error: a
 * server that ignores the page parameter can still end a listing there (a `total` reached by
 * counting the repeated records), having never shown the real last pages; a short last page of a
 * few repeats is what records created while listing leave (they push the tail one page on).
 * Records seen twice (items shifting between pages while listing) are kept once.
 */
import type { AppError } from '../errors/index.ts';
import type { DataQualityWarning } from '../inventory/types.ts';
import { unexpectedResponseError } from './errors.ts';
import type { RecordKind } from './record-validation.ts';

export interface Page<Req> {
  records: unknown[];
  warnings: DataQualityWarning[];
  /** The next request, or null at the end. */
  next: Req | null;
}

export interface PaginateOptions<Req> {
  endpoint: string;
  kind: RecordKind;
  first: Req;
  /** Identity of a request, for loop detection (e.g. the cursor or the page number). */
  requestKey(req: Req): string;
  /** `collectedBefore`: records collected before this page (for `total`-based stops). */
  fetch(req: Req, collectedBefore: number): Promise<Page<Req>>;
  maxPages?: number;
  /** Identity of a record for dedupe; defaults to kind.idOf. */
  recordKey?(record: unknown): string | null;
  /**
   * Called with each page's new records (those not seen on an earlier page) as soon as the page is read,
   * before the next one is asked for; the result still holds every record.
   */
  onPage?(fresh: unknown[]): void;
}

export const DEFAULT_MAX_PAGES = 100_000;

export async function paginate<Req>(
  opts: PaginateOptions<Req>,
): Promise<{ items: unknown[]; warnings: DataQualityWarning[] }> {
  const keyOf = opts.recordKey ?? ((r: unknown) => opts.kind.idOf(r));
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  const items: unknown[] = [];
  const warnings: DataQualityWarning[] = [];
  const seenRecords = new Set<string>();
  const seenRequests = new Set<string>();
  /** The record keys of the page before, when all its records had one (for the last-page guard). */
  let previousKeys: Set<string> | null = null;
  let req: Req | null = opts.first;
  for (let pages = 0; req !== null; pages++) {
    if (pages >= maxPages) {
      throw unexpectedResponseError(opts.endpoint, `pagination did not end after ${maxPages} pages`, {}, []);
    }
    const rk = opts.requestKey(req);
    if (seenRequests.has(rk)) {
      throw unexpectedResponseError(
        opts.endpoint,
        `pagination loop: the server sent the same cursor/page again (${truncate(rk)})`,
        {},
        [],
      );
    }
    seenRequests.add(rk);
    let page: Page<Req>;
    try {
      page = await opts.fetch(req, items.length);
    } catch (e) {
      // nextPageNumber does not know the endpoint: name it here.
      const what = typeof e === 'object' && e !== null ? cutShort.get(e) : undefined;
      if (what !== undefined) {
        const named = unexpectedResponseError(opts.endpoint, what, {}, []);
        cutShort.set(named, what);
        throw named;
      }
      throw e;
    }
    let fresh = 0;
    let keyed = 0;
    const start = items.length;
    const pageKeys = new Set<string>();
    for (const r of page.records) {
      const k = keyOf(r);
      if (k === null) {
        items.push(r);
        fresh++;
        continue;
      }
      keyed++;
      pageKeys.add(k);
      if (seenRecords.has(k)) continue;
      seenRecords.add(k);
      items.push(r);
      fresh++;
    }
    warnings.push(...page.warnings);
    const onlyRepeats = page.records.length > 0 && fresh === 0 && keyed === page.records.length;
    if (onlyRepeats && (page.next !== null || sameKeys(pageKeys, previousKeys))) {
      throw unexpectedResponseError(
        opts.endpoint,
        `pagination loop: page ${truncate(rk)} repeated records already listed` +
          (page.next === null
            ? ' (the same records as the page before, so the last pages were never shown)'
            : ''),
        {},
        [],
      );
    }
    previousKeys = keyed === page.records.length ? pageKeys : null;
    if (fresh > 0) opts.onPage?.(items.slice(start));
    req = page.next;
  }
  return { items, warnings };
}

/** The `what` of the errors nextPageNumber throws; paginate throws them again naming its endpoint. */
const cutShort = new WeakMap<object, string>();
const PAGED_LISTING = 'a page/page_size listing';

/** Whether an error says a page listing was cut short (an empty page before its end): a caller may read it again. */
export function isListingCutShort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && cutShort.has(e);
}

function listingCutShort(what: string): AppError {
  const err = unexpectedResponseError(PAGED_LISTING, what, {}, []);
  cutShort.set(err, what);
  return err;
}

/**
 * Next page number for page/page_size endpoints, or null at the end (see the module comment).
 * Throws UNEXPECTED_RESPONSE for an empty page that the server's own `has_more` or `total` says is
 * not the end: the listing was cut short, and reporting it complete would be a false pass.
 */
export function nextPageNumber(p: {
  page: number;
  pageSize: number;
  received: number;
  /** Distinct records collected so far, this page included. */
  collected: number;
  total?: number | null;
  hasMore?: boolean | null;
}): number | null {
  if (p.received === 0) {
    if (p.hasMore === true) {
      throw listingCutShort(
        `the listing was cut short: page ${p.page} came back empty while the server said has_more: true (${p.collected} records listed)`,
      );
    }
    if (typeof p.total === 'number' && p.collected < p.total) {
      throw listingCutShort(
        `the listing was cut short: page ${p.page} came back empty after ${p.collected} of the ${p.total} records the server announced`,
      );
    }
    return null;
  }
  if (typeof p.hasMore === 'boolean') return p.hasMore ? p.page + 1 : null;
  if (typeof p.total === 'number') return p.collected >= p.total ? null : p.page + 1;
  return p.received < p.pageSize ? null : p.page + 1;
}

/** The next cursor, or null when the token is missing, null, not a string, or blank. */
export function nextCursor(token: unknown): string | null {
  return typeof token === 'string' && token.trim() !== '' ? token : null;
}

function sameKeys(a: Set<string>, b: Set<string> | null): boolean {
  if (b === null || a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
