import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTERS,
  isFiltered,
  parseFindingFilters,
  parseSeverities,
  toFindingsQuery,
  writeFindingFilters,
} from './filters';

describe('findings filters', () => {
  it('reads defaults from an empty query string', () => {
    expect(parseFindingFilters(new URLSearchParams())).toEqual(DEFAULT_FILTERS);
    expect(isFiltered(DEFAULT_FILTERS)).toBe(false);
  });

  it('reads every filter and ignores values the API would refuse', () => {
    const f = parseFindingFilters(
      new URLSearchParams(
        'severity=low,CRITICAL,bogus,low&ruleId=agent.no_guardrails&status=all&muted=only&integrationId=i1&framework=owasp-llm-2025:LLM01&resourceType=agent&resourceId=ag_1&groupBy=resource',
      ),
    );
    expect(f).toEqual({
      severity: ['critical', 'low'],
      ruleId: 'agent.no_guardrails',
      status: 'all',
      muted: 'only',
      integrationId: 'i1',
      framework: 'owasp-llm-2025:LLM01',
      resourceType: 'agent',
      resourceId: 'ag_1',
      groupBy: 'resource',
    });
    const bad = parseFindingFilters(
      new URLSearchParams('status=closed&muted=yes&resourceType=x&groupBy=day&ruleId=%20'),
    );
    expect(bad).toEqual(DEFAULT_FILTERS);
    expect(parseFindingFilters(new URLSearchParams({ ruleId: 'x'.repeat(201) })).ruleId).toBeNull();
    expect(parseSeverities('')).toEqual([]);
  });

  it('writes only what differs from the defaults and keeps other parameters', () => {
    const current = new URLSearchParams('finding=f1&status=all');
    const next = writeFindingFilters(current, {
      ...DEFAULT_FILTERS,
      severity: ['low', 'high'],
      groupBy: 'none',
    });
    expect(next.get('finding')).toBe('f1');
    expect(next.get('status')).toBeNull();
    expect(next.get('severity')).toBe('high,low');
    expect(next.get('groupBy')).toBe('none');
    expect(parseFindingFilters(next)).toEqual({
      ...DEFAULT_FILTERS,
      severity: ['high', 'low'],
      groupBy: 'none',
    });
  });

  it('round-trips through the URL', () => {
    const f = { ...DEFAULT_FILTERS, ruleId: 'r', muted: 'include' as const, framework: 'nist-ai-rmf' };
    expect(parseFindingFilters(writeFindingFilters(new URLSearchParams(), f))).toEqual(f);
  });

  it('builds the API query (status and muted always explicit, no grouping)', () => {
    expect(toFindingsQuery(DEFAULT_FILTERS)).toEqual({ status: 'open', muted: 'exclude' });
    expect(
      toFindingsQuery({
        ...DEFAULT_FILTERS,
        severity: ['critical', 'high'],
        integrationId: 'i',
        resourceType: 'model',
      }),
    ).toEqual({
      status: 'open',
      muted: 'exclude',
      severity: 'critical,high',
      integrationId: 'i',
      resourceType: 'model',
    });
  });
});
