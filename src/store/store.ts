/** All repositories over one Database. Use inside `db.transaction(tx => createStore(tx, …))` to compose them. */
import type { Keyring } from '../crypto/index.ts';
import type { UsageStateStore } from '../usage/types.ts';
import type { Database } from './database.ts';
import { createAlertsRepository, type AlertsRepository } from './alerts-repository.ts';
import { createAccountsRepository, type AccountsRepository } from './accounts-repository.ts';
import { createAuditRepository, type AuditRepository } from './audit-repository.ts';
import { createAuditLogRepository, type AuditLogRepository } from './audit-log-repository.ts';
import { createEventsRepository, type EventsRepository } from './events-repository.ts';
import { createFindingsRepository, type FindingsRepository } from './findings-repository.ts';
import { createIntegrationsRepository, type IntegrationsRepository } from './integrations-repository.ts';
import { createInventoryRepository, type InventoryRepository } from './inventory-repository.ts';
import { createQueriesRepository, type QueriesRepository } from './queries-repository.ts';
import { createRiskScoresRepository, type RiskScoresRepository } from './risk-scores-repository.ts';
import {
  createSnapshotsRepository,
  DEFAULT_SNAPSHOTS_KEPT,
  type SnapshotsRepository,
} from './snapshots-repository.ts';
import { createSyncRunsRepository, type SyncRunsRepository } from './sync-runs-repository.ts';
import { createSqlUsageStateStore } from './usage-state-store.ts';

export interface StoreOptions {
  /** Wraps and unwraps API keys (src/crypto loadKeyring). */
  keyring: Keyring;
  /** Snapshots kept per integration (default 30). */
  snapshotsKept?: number;
}

export interface Store {
  readonly db: Database;
  readonly keyring: Keyring;
  integrations: IntegrationsRepository;
  syncRuns: SyncRunsRepository;
  inventory: InventoryRepository;
  snapshots: SnapshotsRepository;
  findings: FindingsRepository;
  events: EventsRepository;
  riskScores: RiskScoresRepository;
  audit: AuditRepository;
  /** The admin audit log entries the syncs read (issue 11). */
  auditLog: AuditLogRepository;
  accounts: AccountsRepository;
  /** Alert destinations, alert rules, deliveries, and the sync runs' alert outbox. */
  alerts: AlertsRepository;
  /** Read-side queries for the API (lists, views) and the mute history. */
  queries: QueriesRepository;
  /** The incremental-usage state of one integration. */
  usage(integrationId: string): UsageStateStore;
  /**
   * Runs `fn` with a store bound to one transaction (same options); joined when already in one.
   * With PGlite, use only the store given to `fn` inside it: the outer one waits for the transaction.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
}

export function createStore(db: Database, options: StoreOptions): Store {
  return {
    db,
    keyring: options.keyring,
    integrations: createIntegrationsRepository(db, options.keyring),
    syncRuns: createSyncRunsRepository(db),
    inventory: createInventoryRepository(db),
    snapshots: createSnapshotsRepository(db, options.snapshotsKept ?? DEFAULT_SNAPSHOTS_KEPT),
    findings: createFindingsRepository(db),
    events: createEventsRepository(db),
    riskScores: createRiskScoresRepository(db),
    audit: createAuditRepository(db),
    auditLog: createAuditLogRepository(db),
    queries: createQueriesRepository(db),
    accounts: createAccountsRepository(db),
    alerts: createAlertsRepository(db, options.keyring),
    usage: (integrationId) => createSqlUsageStateStore(db, integrationId),
    transaction: (fn) => db.transaction((tx) => fn(createStore(tx, options))),
  };
}
