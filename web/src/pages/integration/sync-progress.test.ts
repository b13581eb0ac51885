import { describe, expect, it } from 'vitest';
import { progressNote, progressSummary, progressText, type FeatureProgress } from './sync-progress';

const f = (over: Partial<FeatureProgress> & Pick<FeatureProgress, 'feature'>): FeatureProgress => ({
  state: 'pending',
  count: null,
  total: null,
  ...over,
});

describe('progressText', () => {
  it('says a pending feature has not started', () => {
    expect(progressText(f({ feature: 'models' }))).toBe('not started yet');
  });

  it('never shows a listing being read as 0: it is counted when it ends', () => {
    expect(progressText(f({ feature: 'agents', state: 'running' }))).toBe(
      'reading (counted when the listing ends)',
    );
    expect(progressText(f({ feature: 'agents', state: 'done', count: 1234 }))).toBe('1,234 agents read');
    expect(progressText(f({ feature: 'models', state: 'done', count: 1 }))).toBe('1 model read');
    expect(progressText(f({ feature: 'libraries', state: 'done', count: 0 }))).toBe('0 libraries read');
  });

  it('counts version history out of the agents listed', () => {
    expect(progressText(f({ feature: 'versions', state: 'running', count: 5, total: 24 }))).toBe(
      '5 of 24 agents read so far',
    );
    expect(progressText(f({ feature: 'versions', state: 'done', count: 24, total: 24 }))).toBe(
      '24 of 24 agents read',
    );
  });

  it('counts usage per conversation history, with its note', () => {
    const usage = f({ feature: 'usage', state: 'running', count: 1 });
    expect(progressText(usage)).toBe('1 conversation history read so far');
    expect(progressNote(usage)).toBe('only new or changed conversations are read again');
    expect(progressNote(f({ feature: 'usage', state: 'unavailable' }))).toBeNull();
    expect(progressNote(f({ feature: 'models', state: 'done', count: 3 }))).toBeNull();
  });

  it('says what failed or is unavailable, in words', () => {
    expect(progressText(f({ feature: 'files', state: 'failed' }))).toBe(
      'could not be read (the error shows when the sync ends)',
    );
    expect(progressText(f({ feature: 'versions', state: 'failed', count: 3, total: 10 }))).toBe(
      'could not all be read: 3 of 10 agents read before the error',
    );
    expect(progressText(f({ feature: 'agents', state: 'unavailable' }))).toBe(
      'not available with this key (Mistral beta access)',
    );
  });
});

describe('progressSummary', () => {
  it('counts the done features', () => {
    expect(
      progressSummary([
        f({ feature: 'models', state: 'done', count: 2 }),
        f({ feature: 'files', state: 'running' }),
        f({ feature: 'agents' }),
      ]),
    ).toBe('1 of 3 done');
  });

  it('names failed and unavailable ones as finished, not done', () => {
    expect(
      progressSummary([
        f({ feature: 'models', state: 'done', count: 2 }),
        f({ feature: 'files', state: 'failed' }),
        f({ feature: 'agents', state: 'unavailable' }),
        f({ feature: 'usage', state: 'running', count: 0 }),
      ]),
    ).toBe('3 of 4 finished (1 done, 1 failed, 1 unavailable)');
  });
});
