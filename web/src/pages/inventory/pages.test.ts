import { describe, expect, it } from 'vitest';
import { collectPages, TooManyPagesError } from './pages';

describe('collectPages', () => {
  it('follows nextCursor to the last page, in order', async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
      start: { items: [1, 2], nextCursor: 'c2' },
      c2: { items: [3], nextCursor: 'c3' },
      c3: { items: [], nextCursor: null },
    };
    const asked: (string | undefined)[] = [];
    const all = await collectPages(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'start']!;
    });
    expect(all).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
  });

  it('refuses to return a truncated list', async () => {
    let i = 0;
    await expect(collectPages(async () => ({ items: [i], nextCursor: `c${++i}` }), 3)).rejects.toBeInstanceOf(
      TooManyPagesError,
    );
  });

  it('stops on a repeated cursor', async () => {
    await expect(collectPages(async () => ({ items: [1], nextCursor: 'same' }))).rejects.toThrow(
      /same page cursor/,
    );
  });
});
