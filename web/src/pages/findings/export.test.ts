import { describe, expect, it } from 'vitest';
import { csvCell, exportFileName, findingsToCsv, findingsToJson, toCsv } from './export';
import type { Finding } from './grouping';

describe('csvCell', () => {
  it('prefixes cells that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
  });

  it('leaves other text alone, quotes it and doubles quotes', () => {
    expect(csvCell('a "b", c')).toBe(`"a ""b"", c"`);
    expect(csvCell('x=1')).toBe('"x=1"');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
  });

  it('writes null as empty and other values as text or JSON', () => {
    expect(csvCell(null)).toBe('""');
    expect(csvCell(undefined)).toBe('""');
    expect(csvCell(3)).toBe('"3"');
    expect(csvCell(-3)).toBe(`"'-3"`);
    expect(csvCell(false)).toBe('"false"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
});

describe('findings export', () => {
  const f: Finding = {
    id: 'f1',
    integrationId: 'i1',
    ruleId: 'agent.no_guardrails',
    severity: 'high',
    resourceType: 'agent',
    resourceId: 'ag_1',
    resourceName: '=cmd|"/c calc"!A1',
    status: 'open',
    lastStatus: 'FAIL',
    title: 'No guardrails',
    detail: 'd',
    remediation: 'r',
    evidence: { policies: 0 },
    firstSeenAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: '2025-01-02T00:00:00.000Z',
    resolvedAt: null,
    reopenCount: 0,
    muted: true,
    mute: { reason: '@risk accepted', by: 'a@b.c', at: '2025-01-03T00:00:00.000Z', expiresAt: null },
  };

  it('writes a header and one neutralised row per finding', () => {
    const csv = findingsToCsv([f]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^"id","integrationId","ruleId","severity"/);
    expect(lines).toHaveLength(3); // header, row, trailing empty
    expect(lines[1]).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(lines[1]).toContain(`"'@risk accepted"`);
    expect(lines[1]).toContain('"{""policies"":0}"');
    expect(lines[1]).not.toMatch(/(^|,)"[=+\-@]/);
  });

  it('writes an empty list as the header only', () => {
    expect(toCsv(['a', 'b'], [])).toBe('"a","b"\r\n');
  });

  it('writes JSON with the query and the findings as they came', () => {
    const at = new Date('2025-06-01T10:20:30.456Z');
    const parsed = JSON.parse(findingsToJson([f], { status: 'open' }, at));
    expect(parsed).toEqual({
      exportedAt: at.toISOString(),
      query: { status: 'open' },
      count: 1,
      findings: [f],
    });
    expect(exportFileName('csv', at)).toBe('trustlens-findings-2025-06-01T10-20-30Z.csv');
  });
});
