import { describe, expect, it } from 'vitest';
import { parseFindingFilters } from '../findings/filters';
import { agentFindingsPath, agentPath } from './paths';

describe('agent addresses', () => {
  it('encode opaque ids', () => {
    expect(agentPath('i 1', 'ag/1')).toBe('/integrations/i%201/agents/ag%2F1');
  });
  it("the findings link uses the findings page's own filters", () => {
    const url = new URL(agentFindingsPath('int-1', 'ag_1'), 'http://x');
    const f = parseFindingFilters(url.searchParams);
    expect(f.integrationId).toBe('int-1');
    expect(f.resourceType).toBe('agent');
    expect(f.resourceId).toBe('ag_1');
  });
});
