import { describe, expect, it } from 'vitest';
import { groupFindings, type Finding } from './grouping';

let n = 0;
function finding(p: Partial<Finding>): Finding {
  n++;
  return {
    id: `f${n}`,
    integrationId: 'i1',
    ruleId: 'rule.a',
    severity: 'medium',
    resourceType: 'agent',
    resourceId: 'ag_1',
    resourceName: 'Support bot',
    status: 'open',
    lastStatus: 'FAIL',
    title: 'Title',
    detail: '',
    remediation: '',
    evidence: {},
    firstSeenAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: '2025-01-02T00:00:00.000Z',
    resolvedAt: null,
    reopenCount: 0,
    muted: false,
    mute: null,
    ...p,
  };
}

describe('groupFindings', () => {
  const a1 = finding({ ruleId: 'rule.a', severity: 'low', resourceId: 'ag_1' });
  const a2 = finding({ ruleId: 'rule.a', severity: 'high', resourceId: 'ag_2', resourceName: null });
  const b1 = finding({ ruleId: 'rule.b', severity: 'critical', resourceId: 'ag_1' });
  const c1 = finding({ ruleId: 'rule.c', severity: 'high', resourceId: 'ag_2', resourceName: 'Sales bot' });
  const other = finding({ ruleId: 'rule.c', severity: 'high', integrationId: 'i2', resourceId: 'ag_1' });

  it('groups by rule, names groups from the catalog, worst group first, worst finding first', () => {
    const groups = groupFindings([a1, a2, b1, c1, other], 'rule', new Map([['rule.a', 'Rule A']]));
    expect(groups.map((g) => g.key)).toEqual(['rule.b', 'rule.c', 'rule.a']);
    const a = groups[2]!;
    expect(a.label).toBe('Rule A');
    expect(a.severity).toBe('high');
    expect(a.findings.map((f) => f.id)).toEqual([a2.id, a1.id]);
    expect(a.counts).toEqual({ critical: 0, high: 1, medium: 0, low: 1, info: 0 });
    expect(groups[0]!.label).toBe('rule.b'); // not in the catalog: its id
    // two high findings in rule.c beat one high in rule.a
    expect(groups[1]!.findings).toHaveLength(2);
  });

  it('groups by resource per integration (same id in two integrations = two resources)', () => {
    const groups = groupFindings([a1, a2, b1, c1, other], 'resource');
    expect(groups).toHaveLength(3);
    const first = groups[0]!;
    expect(first.resource).toEqual({ integrationId: 'i1', resourceType: 'agent', resourceId: 'ag_1' });
    expect(first.findings.map((f) => f.id)).toEqual([b1.id, a1.id]);
    const ag2 = groups.find((g) => g.resource?.resourceId === 'ag_2' && g.resource.integrationId === 'i1')!;
    // the first finding had no name; a later one had it
    expect(ag2.label).toBe('Sales bot');
    expect(ag2.findings).toHaveLength(2);
  });

  it('keeps one group with everything when not grouping, and nothing for no findings', () => {
    const groups = groupFindings([a1, b1], 'none');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.findings.map((f) => f.id)).toEqual([b1.id, a1.id]);
    expect(groupFindings([], 'rule')).toEqual([]);
  });

  it('does not change the list it was given', () => {
    const list = [a1, b1];
    groupFindings(list, 'none');
    expect(list).toEqual([a1, b1]);
  });
});
