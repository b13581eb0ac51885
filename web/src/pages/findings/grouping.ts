/**
 * Groups the loaded findings by rule or by resource (or keeps one group), worst groups first. Pure:
 * the page renders what this returns.
 */
import type { Schemas } from '../../api/client';
import { SEVERITIES, type Severity } from '../../components/badges';
import type { GroupBy } from './filters';

export type Finding = Schemas['Finding'];

export interface FindingGroup {
  /** Stable key: the rule id, the resource (integration, type, id), or "all". */
  key: string;
  /** What the group is called: the rule's title, the resource's name (its id when it has none). */
  label: string;
  kind: GroupBy;
  ruleId: string | null;
  resource: { integrationId: string; resourceType: Finding['resourceType']; resourceId: string } | null;
  /** The worst severity in the group. */
  severity: Severity;
  counts: Record<Severity, number>;
  findings: Finding[];
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Worst severity first, then the most recently seen, then the id (a stable order). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    rank(a.severity) - rank(b.severity) ||
    (b.lastSeenAt > a.lastSeenAt ? 1 : b.lastSeenAt < a.lastSeenAt ? -1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function emptyCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/**
 * `ruleTitles` names the rules (GET /api/v1/rules); a rule not in it is labelled by the first
 * finding's title, then its id.
 */
export function groupFindings(
  findings: readonly Finding[],
  by: GroupBy,
  ruleTitles: ReadonlyMap<string, string> = new Map(),
): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    let key: string;
    let make: () => Omit<FindingGroup, 'severity' | 'counts' | 'findings'>;
    if (by === 'rule') {
      key = f.ruleId;
      make = () => ({
        key,
        label: ruleTitles.get(f.ruleId) ?? f.ruleId,
        kind: by,
        ruleId: f.ruleId,
        resource: null,
      });
    } else if (by === 'resource') {
      key = JSON.stringify([f.integrationId, f.resourceType, f.resourceId]);
      make = () => ({
        key,
        label: f.resourceName ?? f.resourceId,
        kind: by,
        ruleId: null,
        resource: { integrationId: f.integrationId, resourceType: f.resourceType, resourceId: f.resourceId },
      });
    } else {
      key = 'all';
      make = () => ({ key, label: 'All findings', kind: by, ruleId: null, resource: null });
    }
    let g = groups.get(key);
    if (!g) {
      g = { ...make(), severity: f.severity, counts: emptyCounts(), findings: [] };
      groups.set(key, g);
    }
    // A later finding may carry the resource's name when an earlier one did not.
    if (by === 'resource' && g.label === f.resourceId && f.resourceName) g.label = f.resourceName;
    g.findings.push(f);
    g.counts[f.severity] += 1;
    if (rank(f.severity) < rank(g.severity)) g.severity = f.severity;
  }
  const out = [...groups.values()];
  for (const g of out) g.findings.sort(compareFindings);
  return out.sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      b.counts[b.severity] - a.counts[a.severity] ||
      b.findings.length - a.findings.length ||
      a.label.localeCompare(b.label) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
