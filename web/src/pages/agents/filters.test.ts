import { describe, expect, it } from 'vitest';
import {
  agentFiltersToParams,
  agentsApiQuery,
  DEFAULT_FILTERS,
  isFiltered,
  parseAgentFilters,
  resetFilters,
} from './filters';

describe('agent filters in the URL', () => {
  it('reads every filter and writes it back unchanged', () => {
    const qs =
      'q=support&integrationId=int_1&guardrails=none&model=mistral-large-latest&tool=web_search&hasOpenFindings=true&status=idle&includeDeleted=true&sort=runs&order=desc';
    const f = parseAgentFilters(new URLSearchParams(qs));
    expect(f).toEqual({
      q: 'support',
      integrationId: 'int_1',
      guardrails: 'none',
      model: 'mistral-large-latest',
      tool: 'web_search',
      hasOpenFindings: true,
      status: 'idle',
      includeDeleted: true,
      sort: 'runs',
      order: 'desc',
    });
    expect(agentFiltersToParams(f).toString()).toBe(qs);
  });

  it('drops values the API would refuse and writes no defaults', () => {
    const f = parseAgentFilters(
      new URLSearchParams(
        'guardrails=maybe&status=dead&sort=colour&order=up&hasOpenFindings=yes&model=%20%20',
      ),
    );
    expect(f).toEqual(DEFAULT_FILTERS);
    expect(agentFiltersToParams(f).toString()).toBe('');
    expect(isFiltered(f)).toBe(false);
  });

  it('keeps hasOpenFindings=false apart from "either"', () => {
    const f = parseAgentFilters(new URLSearchParams('hasOpenFindings=false'));
    expect(f.hasOpenFindings).toBe(false);
    expect(isFiltered(f)).toBe(true);
    expect(agentsApiQuery(f).hasOpenFindings).toBe('false');
  });

  it('builds the API query: trimmed search, sort always explicit', () => {
    const f = parseAgentFilters(new URLSearchParams('q=%20bot%20&guardrails=non_blocking'));
    expect(agentsApiQuery(f)).toEqual({ q: 'bot', guardrails: 'non_blocking', sort: 'name', order: 'asc' });
    expect(agentsApiQuery(DEFAULT_FILTERS)).toEqual({ sort: 'name', order: 'asc' });
  });

  it('a long search is cut at the API limit of 200 characters', () => {
    const f = parseAgentFilters(new URLSearchParams({ q: 'x'.repeat(500) }));
    expect(f.q).toHaveLength(200);
  });

  it('reset clears the filters and keeps the sort', () => {
    const f = parseAgentFilters(
      new URLSearchParams('q=a&tool=function&includeDeleted=true&sort=model&order=desc'),
    );
    expect(resetFilters(f)).toEqual({ ...DEFAULT_FILTERS, sort: 'model', order: 'desc' });
  });
});
