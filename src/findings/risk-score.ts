/**
 * Risk score, 0–100 (full definition with examples: docs/risk-score.md).
 *
 * Counted findings: status open, not muted at `now`, lastStatus FAIL (full weight) or UNKNOWN
 * (half weight: we could not check, so the risk is possible but not established). Resolved and
 * muted findings count for nothing.
 *
 * Unit score, for a set of counted findings:
 *
 *     score = 100 × (1 − Π_s (1 − w_s)^f_s × (1 − w_s/2)^u_s)
 *
 *   with f_s / u_s the FAIL / UNKNOWN counts of severity s and
 *   w_critical = 0.60, w_high = 0.35, w_medium = 0.15, w_low = 0.05, w_info = 0.
 *
 *   Read w_s as "the chance that one such finding alone is the way in"; the score is the chance
 *   that at least one is, treating findings as independent. It is bounded (0 with no findings, below
 *   100 for any finite set), monotonic (adding a finding never lowers it), and saturating (each extra
 *   finding adds less). One critical = 60, one high = 35, one medium = 15, one low = 5.
 *
 * Agent score: the unit score over the agent's own findings (resourceType 'agent', resourceId = id).
 *
 * Integration score: a blend of the worst unit and the average unit,
 *
 *     integration = 0.5 × max(units) + 0.5 × mean(units)
 *
 *   where the units are every agent (listed, or with a counted finding) plus ONE "workspace" unit
 *   scoring all findings that are not on an agent (models, files, libraries, the integration itself).
 *   The max keeps one very exposed agent visible; the mean makes fixing any agent move the score.
 *   The workspace unit is always counted (score 0 when clean), so adding a finding anywhere never
 *   lowers the integration score. With neither agents nor findings the score is 0.
 *
 * Scores are rounded to one decimal (round half up) after the whole computation.
 */
import { isMuted } from './mute.ts';
import type { FindingState, RiskScore, Severity } from './types.ts';
import { SEVERITIES } from './types.ts';

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 0.6,
  high: 0.35,
  medium: 0.15,
  low: 0.05,
  info: 0,
};

/** Multiplier applied to the weight of an UNKNOWN finding. */
export const UNKNOWN_WEIGHT_FACTOR = 0.5;

/** Blend of the worst and the mean unit score for an integration. */
export const INTEGRATION_MAX_SHARE = 0.5;

export interface SeverityCounts {
  fail: Record<Severity, number>;
  unknown: Record<Severity, number>;
}

/** Unrounded unit score (0–100) from FAIL and UNKNOWN counts per severity. */
export function unitScore(counts: SeverityCounts): number {
  let survive = 1;
  for (const s of SEVERITIES) {
    const w = SEVERITY_WEIGHTS[s];
    survive *= Math.pow(1 - w, counts.fail[s]) * Math.pow(1 - w * UNKNOWN_WEIGHT_FACTOR, counts.unknown[s]);
  }
  return 100 * (1 - survive);
}

/** True for findings that count towards a score at `now`. */
export function countsTowardsRisk(f: FindingState, now: Date | string): boolean {
  return f.status === 'open' && (f.lastStatus === 'FAIL' || f.lastStatus === 'UNKNOWN') && !isMuted(f, now);
}

/**
 * Scores for one integration: first the integration, then one per agent sorted by agent id.
 * `agents` are the agents of the current snapshot; an agent that is not listed but still has a
 * counted finding (e.g. agents could not be listed this sync) is scored as well.
 * Findings of other integrations are ignored.
 * `openBySeverity` counts the FAIL findings that were counted; `unknownBySeverity` the UNKNOWN ones.
 */
export function computeRiskScores(
  findings: readonly FindingState[],
  agents: ReadonlyArray<{ id: string }>,
  now: Date | string,
  integrationId: string,
): RiskScore[] {
  const perAgent = new Map<string, SeverityCounts>();
  for (const a of agents) perAgent.set(a.id, emptyCounts());
  const workspace = emptyCounts();
  const total = emptyCounts();

  for (const f of findings) {
    if (f.integrationId !== integrationId || !countsTowardsRisk(f, now)) continue;
    const bucket = f.lastStatus === 'FAIL' ? 'fail' : 'unknown';
    total[bucket][f.severity] += 1;
    if (f.resourceType === 'agent') {
      let c = perAgent.get(f.resourceId);
      if (!c) {
        c = emptyCounts();
        perAgent.set(f.resourceId, c);
      }
      c[bucket][f.severity] += 1;
    } else {
      workspace[bucket][f.severity] += 1;
    }
  }

  const agentIds = [...perAgent.keys()].sort();
  const agentScores: RiskScore[] = agentIds.map((id) => {
    const c = perAgent.get(id)!;
    return {
      scope: 'agent',
      resourceId: id,
      score: unitScore(c),
      openBySeverity: c.fail,
      unknownBySeverity: c.unknown,
    };
  });

  const units = [unitScore(workspace), ...agentScores.map((s) => s.score)];
  const max = Math.max(...units);
  const mean = units.reduce((a, b) => a + b, 0) / units.length;
  const integration: RiskScore = {
    scope: 'integration',
    resourceId: integrationId,
    score: round1(INTEGRATION_MAX_SHARE * max + (1 - INTEGRATION_MAX_SHARE) * mean),
    openBySeverity: total.fail,
    unknownBySeverity: total.unknown,
  };
  return [integration, ...agentScores.map((s) => ({ ...s, score: round1(s.score) }))];
}

function emptyCounts(): SeverityCounts {
  return { fail: zeroBySeverity(), unknown: zeroBySeverity() };
}

function zeroBySeverity(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/** Rounds to one decimal, half up; the epsilon absorbs binary noise such as 72.54999999. */
function round1(x: number): number {
  return Math.round(x * 10 + 1e-9) / 10;
}
