/**
 * A stored sync of one integration: the shared pipeline (discovery + usage + rules), then, in one
 * transaction, the inventory listings, the snapshot (staged before, published in it), the findings
 * lifecycle (only what changed), change events and risk scores, and the run's outcome. Used by `trustlens scan --data-dir` and (later) the server's worker.
 *
 * Safety: only complete listings mark records deleted (the inventory repository enforces it);
 * findings on resource types that were not listed are left as they were; a failed run records its
 * errors and leaves earlier inventory untouched.
 */
import { isSecurityEventType, withAuditLog } from '../drift/audit-events.ts';
import { diffSnapshots } from '../drift/diff-snapshots.ts';
import { toAppError } from '../errors/index.ts';
import { findingChangesOf, reconcileFindings } from '../findings/lifecycle.ts';
import { resourceCoverage } from '../findings/resource-coverage.ts';
import { computeRiskScores } from '../findings/risk-score.ts';
import type { ChangeEvent, RiskScore } from '../findings/types.ts';
import { FEATURE_KEYS, type Availability, type ResourceType, type Snapshot } from '../inventory/types.ts';
import type {
  AdminConnectorOptions,
  ConnectorOptions,
  MistralAdminConnector,
  MistralConnector,
} from '../mistral/types.ts';
import { getRule } from '../rules/catalog.ts';
import type { Store } from '../store/store.ts';
import type { ListingRecord, LiveInventory } from '../store/inventory-repository.ts';
import type { ClaimOptions } from '../store/sync-runs-repository.ts';
import { driftBaseline, keepLastKnownVersions } from './last-known.ts';
import { runPipeline, type PipelineResult } from './pipeline.ts';
import { adminDiscoveryOptions } from './admin-options.ts';
import type { SyncProgressTracker } from './progress.ts';

export type ConnectorFactory = (opts: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => MistralConnector;
export type AdminConnectorFactory = (
  opts: Pick<AdminConnectorOptions, 'adminApiKey' | 'baseUrl'>,
) => MistralAdminConnector;

export interface StoredSyncOptions {
  store: Store;
  integrationId: string;
  connectorFactory: ConnectorFactory;
  /** The admin connector, used when the integration holds an admin key (GET /v1/admin/* only). */
  adminConnectorFactory?: AdminConnectorFactory;
  /** Share of the workspace's real rate limit to pace to (TRUSTLENS_RATE_LIMIT_SHARE). */
  rateLimitShare?: number;
  now?: Date;
  /** A run already claimed (src/services/syncs.ts); otherwise one is started here. */
  runId?: string;
  /** How a run started here is recorded. */
  claim?: ClaimOptions;
  /** Told what is read as it is read (src/sync/progress.ts): a running sync's progress per feature. */
  progress?: SyncProgressTracker;
  /** The run's owner (`host:pid`): its outcome is recorded only while the run is still this owner's. */
  owner?: string;
}

export interface StoredSyncResult {
  runId: string;
  pipeline: PipelineResult;
  events: ChangeEvent[];
  riskScores: RiskScore[];
  requests: number;
  durationMs: number;
  /** Open findings after this sync, muted ones included. */
  openFindings: number;
}

export async function runStoredSync(opts: StoredSyncOptions): Promise<StoredSyncResult> {
  const { store, integrationId } = opts;
  const now = opts.now ?? new Date();
  const at = now.toISOString();
  const started = Date.now();
  const integration = await store.integrations.info(integrationId);
  const apiKey = await store.integrations.revealApiKey(integrationId);
  const connector = opts.connectorFactory({ apiKey, baseUrl: integration.baseUrl });
  // The admin key goes to the admin connector only (GET /v1/admin/*); the ordinary key never does.
  const adminApiKey = opts.adminConnectorFactory
    ? await store.integrations.revealAdminApiKey(integrationId)
    : null;
  const runId = opts.runId ?? (await store.syncRuns.start(integrationId, at, opts.claim));
  let previous = (await store.snapshots.loadLatest(integrationId))?.snapshot ?? null;
  const admin =
    adminApiKey !== null && opts.adminConnectorFactory
      ? adminDiscoveryOptions({
          connector: opts.adminConnectorFactory({ adminApiKey, baseUrl: integration.baseUrl }),
          apiKey,
          previous,
          lastStoredAuditAt:
            (await store.auditLog.list({ integrationIds: [integrationId], limit: 1 }))[0]?.at ?? null,
          rateLimitShare: opts.rateLimitShare,
        })
      : null;

  let pipeline: PipelineResult;
  try {
    pipeline = await runPipeline({
      connector,
      now,
      integration,
      usageState: store.usage(integrationId),
      previous,
      progress: opts.progress,
      admin,
    });
  } catch (e) {
    // A fatal error (invalid key, API unreachable) means nothing was read: every feature failed.
    const err = toAppError(e);
    const errors = FEATURE_KEYS.map((feature) => ({
      feature,
      code: err.code,
      message: err.message,
      remediation: err.remediation ?? '',
    }));
    const availability = Object.fromEntries(
      errors.map((x) => [
        x.feature,
        { status: 'error', message: x.message, remediation: x.remediation, code: x.code },
      ]),
    ) as Availability;
    await store.syncRuns
      .finish(runId, {
        status: 'failed',
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - started,
        countsByType: { agent: 0, model: 0, file: 0, library: 0 },
        requests: connector.stats().requests + (admin?.connector.stats().requests ?? 0),
        availability,
        errors,
        ...(opts.owner ? { owner: opts.owner } : {}),
      })
      .catch(() => undefined); // interrupted meanwhile: the run already says so
    throw err;
  }

  opts.progress?.setPhase('storing');
  // What is no longer needed is let go before the largest writes (src/store: the memory peak of a
  // large sync is at its end): the previous snapshot's resources (the drift baseline takes the stored
  // inventory's instead), then the stored inventory once the baseline and the drift are computed.
  const previousRest: Snapshot | null = previous && {
    ...previous,
    agents: [],
    models: [],
    files: [],
    libraries: [],
  };
  previous = null;
  const adminConnector = admin?.connector;
  const requestCount = () => connector.stats().requests + (adminConnector?.stats().requests ?? 0);
  const { complete } = pipeline;
  let stored: LiveInventory | null = await store.inventory.loadLive(integrationId);
  const snapshot = keepLastKnownVersions(pipeline.snapshot, stored);
  const listings: Record<ResourceType, ListingRecord[]> = {
    agent: snapshot.agents.map((r) => ({ id: r.id, name: r.name, data: r })),
    model: snapshot.models.map((r) => ({ id: r.id, name: r.name, data: r })),
    file: snapshot.files.map((r) => ({ id: r.id, name: r.filename, data: r })),
    library: snapshot.libraries.map((r) => ({ id: r.id, name: r.name, data: r })),
  };

  // Everything that is read or computed from what this sync read is prepared before the final
  // transaction, which only writes: on PGlite a transaction holds the only connection, so every API
  // request waits for it. Reading the findings outside it is safe: one sync per integration runs at a
  // time (the claim), and saveChanges never overwrites a mute made meanwhile.
  const existing = await store.findings.list(integrationId, { status: 'all', includeMuted: true }, now);
  const reconciled = reconcileFindings({
    integrationId,
    existing,
    results: pipeline.results,
    at,
    ruleMeta: (id) => {
      const m = getRule(id)?.meta;
      return { severity: m?.severity ?? 'info', title: m?.title ?? id };
    },
    ...resourceCoverage(snapshot, integrationId),
    skippedRuleIds: new Set(pipeline.erroredRuleIds),
  });
  let baseline = driftBaseline(previousRest, stored);
  stored = null;
  // Who made each change, and the security events, from the audit log an admin key read (issue 11).
  const drift = withAuditLog(diffSnapshots(baseline, snapshot, at), baseline, snapshot, { integrationId });
  baseline = null;
  const riskScores = computeRiskScores(reconciled.findings, snapshot.agents, now, integrationId);

  // The snapshot (the largest single write) is staged before the final transaction, invisible until
  // that transaction publishes it (src/store/snapshots-repository.ts).
  const stagedSnapshot = await store.snapshots.stage(integrationId, runId, snapshot);
  const result = await store.transaction(async (s) => {
    for (const type of Object.keys(listings) as ResourceType[]) {
      await s.inventory.applyListing(integrationId, type, listings[type], {
        complete: complete[type],
        syncRunId: runId,
        at,
      });
    }
    await s.snapshots.publish(integrationId, stagedSnapshot, snapshot.takenAt);
    // Only what changed: most findings of a sync differ from their stored state by lastSeenAt alone.
    await s.findings.saveChanges(reconciled.findings, existing);
    // Audit entries are stored once; a security event is kept only for an entry stored now, so an
    // entry read again never raises its event twice.
    const auditStored = await s.auditLog.insert(
      integrationId,
      runId,
      snapshot.admin?.auditLog?.entries ?? [],
    );
    const events = drift.filter(
      (e) => !isSecurityEventType(e.type) || auditStored.has(e.attribution?.auditLogId ?? ''),
    );
    await s.events.append(integrationId, runId, events);
    await s.riskScores.save(integrationId, runId, at, riskScores);
    const requests = requestCount();
    const durationMs = Date.now() - started;
    await s.syncRuns.finish(runId, {
      status: pipeline.status,
      finishedAt: new Date().toISOString(),
      durationMs,
      countsByType: {
        agent: snapshot.agents.length,
        model: snapshot.models.length,
        file: snapshot.files.length,
        library: snapshot.libraries.length,
      },
      requests,
      availability: snapshot.availability,
      errors: snapshot.errors,
      findingChanges: findingChangesOf(reconciled.transitions),
      ...(opts.owner ? { owner: opts.owner } : {}),
    });
    const openFindings = reconciled.findings.filter((f) => f.status === 'open').length;
    return { runId, pipeline, events, riskScores, requests, durationMs, openFindings };
  });
  // Fresh planner statistics for the read side (PGlite has no autovacuum); never fails the sync.
  await store.queries.analyze().catch(() => undefined);
  return result;
}
