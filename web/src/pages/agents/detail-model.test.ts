import { describe, expect, it } from 'vitest';
import {
  fillDays,
  isLongText,
  lineDiffTexts,
  toolDescription,
  toolLabel,
  valueText,
  type UsageDay,
} from './detail-model';

const day = (d: string, runs: number, conversations: number): UsageDay => ({
  day: d,
  runs,
  conversations,
  latencySumMs: 0,
  latencyCount: 0,
  codeInterpreterCalls: 0,
  fileSearchCalls: 0,
  webSearchCalls: 0,
  imageGenerationCalls: 0,
  functionCalls: 0,
  functionCallsByName: {},
  toolExecutionsByName: {},
});

describe('agent page helpers', () => {
  it('labels tools as the server does', () => {
    expect(toolLabel({ type: 'web_search' })).toBe('web_search');
    expect(toolLabel({ type: 'function', function: { name: 'lookup_order', description: 'Finds' } })).toBe(
      'function lookup_order',
    );
    expect(toolLabel({ type: 'function' })).toBe('function (unnamed)');
    expect(toolLabel({ type: 'connector', connector_id: 'github' })).toBe('connector github');
    expect(toolLabel({})).toBe('unknown tool');
    expect(toolDescription({ type: 'function', function: { description: 'Finds an order' } })).toBe(
      'Finds an order',
    );
    expect(toolDescription({ type: 'web_search' })).toBeNull();
  });

  it('fills the days without activity with zeros, ending today (UTC)', () => {
    const s = fillDays(
      [day('2025-03-01', 4, 2), day('2025-03-03', 1, 1)],
      new Date('2025-03-03T23:59:00Z'),
      4,
    );
    expect(s).toEqual([
      { day: '2025-02-28', runs: 0, conversations: 0 },
      { day: '2025-03-01', runs: 4, conversations: 2 },
      { day: '2025-03-02', runs: 0, conversations: 0 },
      { day: '2025-03-03', runs: 1, conversations: 1 },
    ]);
    expect(fillDays([], new Date('2025-03-03T00:00:00Z'))).toHaveLength(90);
  });

  it('long or multi-line text is diffed by line; short values and JSON are not', () => {
    expect(isLongText('a\nb', 'a')).toBe(true);
    expect(isLongText('x'.repeat(81), null)).toBe(true);
    expect(isLongText('short', 'other')).toBe(false);
    expect(isLongText({ a: 1 }, 'a\nb')).toBe(false);
    expect(isLongText(null, undefined)).toBe(false);
  });

  it('shows values as text: absent, empty, strings, JSON', () => {
    expect(valueText(null)).toBe('(none)');
    expect(valueText(undefined)).toBe('(none)');
    expect(valueText('')).toBe('(empty)');
    expect(valueText('<b>x</b>')).toBe('<b>x</b>');
    expect(valueText(0.7)).toBe('0.7');
    expect(valueText(['a'])).toBe('[\n  "a"\n]');
  });

  it('diffs long text and multi-line JSON by line, short values side by side', () => {
    expect(lineDiffTexts('a\nb', null)).toEqual({ before: 'a\nb', after: '' });
    expect(lineDiffTexts([{ type: 'web_search' }], [])).toEqual({
      before: '[\n  {\n    "type": "web_search"\n  }\n]',
      after: '[]',
    });
    expect(lineDiffTexts(1, 2)).toBeNull();
    expect(lineDiffTexts([], {})).toBeNull();
    expect(lineDiffTexts({ a: 1 }, null)).toBeNull();
  });
});
