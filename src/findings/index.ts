export * from './types.ts';
export { findingId, resourceKey, FINDING_ID_LENGTH } from './finding-id.ts';
export { reconcileFindings } from './lifecycle.ts';
export type { ReconcileInput, ReconcileOutput, FindingTransition, TransitionReason } from './lifecycle.ts';
export { muteFinding, unmuteFinding, isMuted, MUTE_REASON_MAX_LENGTH } from './mute.ts';
export type { MuteRequest } from './mute.ts';
export { filterFindings } from './filter.ts';
export type { FindingFilter } from './filter.ts';
export { resourceCoverage, LISTING_FEATURE } from './resource-coverage.ts';
export type { ResourceCoverage } from './resource-coverage.ts';
export {
  computeRiskScores,
  unitScore,
  countsTowardsRisk,
  SEVERITY_WEIGHTS,
  UNKNOWN_WEIGHT_FACTOR,
  INTEGRATION_MAX_SHARE,
} from './risk-score.ts';
export type { SeverityCounts } from './risk-score.ts';
