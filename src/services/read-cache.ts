/**
 * A small bounded cache of read results (promises, so that concurrent misses share one computation).
 * Entries are dropped oldest first beyond `capacity`, and when their computation fails. With capacity 0
 * nothing is kept. Freshness is the caller's: key entries by what they depend on (a sync run id, a
 * mute sequence, a day), or keep the cache inside an object that is replaced when stale (an agent index).
 */
export class ReadCache {
  private readonly entries = new Map<string, { promise: Promise<unknown>; validUntil: number }>();

  constructor(private readonly capacity: number) {}

  /** The cached value of `key` while `nowMs` < its validUntil, else `compute()` (kept until `validUntil(value)`). */
  async get<T>(
    key: string,
    nowMs: number,
    compute: () => Promise<T>,
    validUntil: (value: T) => number = () => Infinity,
  ): Promise<T> {
    if (this.capacity <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit && nowMs < hit.validUntil) return hit.promise as Promise<T>;
    const entry = { promise: compute() as Promise<unknown>, validUntil: Infinity };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
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

  get size(): number {
    return this.entries.size;
  }
}
