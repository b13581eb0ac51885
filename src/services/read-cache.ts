/**
 * A small bounded cache of read results (promises, so that concurrent misses share one computation).
 * Entries are dropped oldest first beyond `capacity`, and when their computation fails. With capacity 0
 * nothing is kept. Freshness is the caller's: key entries by what they depend on (a sync run id, a
 * mute sequence, a day), or keep the cache inside an object that is replaced when stale (an agent index).
 */
export class ReadCache {
  private readonly entries = new Map<string, { promise: Promise<unknown>; validUntil: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The cached value of `key` while `nowMs` < its validUntil, else `compute()` (kept until `validUntil(value)`). */
  async get<T>(
    key: string,
    nowMs: number,
    compute: () => Promise<T>,
    validUntil: (value: T) => number = () => Infinity,
  ): Promise<T> {
    if (this.maxEntries <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && nowMs < hit.validUntil) return hit.promise as Promise<T>;
    const entry = { promise: compute() as Promise<unknown>, validUntil: Infinity };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    try {
      const value = (await entry.promise) as T;
      entry.validUntil = validUntil(value);
      return value;
    } catch (e) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw e;
    }
  }

  clear(): void {
    this.entries.clear();
  }

  /** How many entries are kept at most (0: nothing is cached). */
  get capacity(): number {
    return this.maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** How long the read services trust an integration lookup (see cachedIntegrationLookups). */
export const INTEGRATION_LOOKUP_TTL_MS = 2_000;

/**
 * The read services' integration lookups (`get`, `list`), each kept for `ttlMs`: saves the heaviest query
 * of a cached read (two tables joined) on every request. An integration's organization never changes,
 * and the actor's access (canSee) is checked on every call by the caller, so the cache cannot widen
 * access; what it delays, by at most the TTL, is a created, renamed or deleted integration showing in
 * reads (a deleted one's data is gone with it: its reads are empty meanwhile). Writes must not use it.
 */
export function cachedIntegrationLookups<
  R extends {
    get(id: string): Promise<unknown>;
    list(organizationId?: string): Promise<unknown[]>;
  },
>(integrations: R, options: { ttlMs?: number; nowMs?: () => number } = {}): R {
  const ttlMs = options.ttlMs ?? INTEGRATION_LOOKUP_TTL_MS;
  if (ttlMs <= 0) return integrations;
  const nowMs = options.nowMs ?? Date.now;
  const cache = new ReadCache(1000);
  return {
    ...integrations,
    get: (id: string) =>
      cache.get(
        `get\u0000${id}`,
        nowMs(),
        () => integrations.get(id),
        () => nowMs() + ttlMs,
      ),
    list: (organizationId?: string) =>
      cache.get(
        `list\u0000${organizationId ?? ''}`,
        nowMs(),
        () => integrations.list(organizationId),
        () => nowMs() + ttlMs,
      ),
  };
}
