/** Persistence: PGlite or PostgreSQL, one set of migrations, one repository per table group. */
export * from './database.ts';
export {
  loadMigrations,
  migrate,
  MIGRATION_LOCK_KEY,
  type Migration,
  type MigrateResult,
} from './migrate.ts';
export * from './store.ts';
export * from './integration-input.ts';
export type * from './integrations-repository.ts';
export type * from './sync-runs-repository.ts';
export type * from './inventory-repository.ts';
export type * from './snapshots-repository.ts';
export type * from './findings-repository.ts';
export type * from './events-repository.ts';
export type * from './risk-scores-repository.ts';
export { createIntegrationsRepository, DEFAULT_ORGANIZATION_ID } from './integrations-repository.ts';
export { createSyncRunsRepository } from './sync-runs-repository.ts';
export { createInventoryRepository } from './inventory-repository.ts';
export { createSnapshotsRepository, DEFAULT_SNAPSHOTS_KEPT } from './snapshots-repository.ts';
export { createFindingsRepository } from './findings-repository.ts';
export { createEventsRepository } from './events-repository.ts';
export { createRiskScoresRepository } from './risk-scores-repository.ts';
export { createSqlUsageStateStore } from './usage-state-store.ts';
export type * from './audit-repository.ts';
export type * from './audit-log-repository.ts';
export { createAuditLogRepository } from './audit-log-repository.ts';
export type * from './accounts-repository.ts';
export { createAccountsRepository } from './accounts-repository.ts';
export type * from './queries-repository.ts';
export type * from './alerts-repository.ts';
