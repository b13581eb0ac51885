/**
 * Runs `fn` over `items` with at most `limit` calls in flight, preserving order in the result.
 * Never starts more than `limit` promises at once (safe for 100,000 items).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Like Promise.allSettled over mapWithConcurrency: one failure does not stop the others. */
export async function settleWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  return mapWithConcurrency(items, limit, async (item, i) => {
    try {
      return { status: 'fulfilled', value: await fn(item, i) } as const;
    } catch (reason) {
      return { status: 'rejected', reason } as const;
    }
  });
}
