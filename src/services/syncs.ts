/**
 * Syncs as a use case: start one (manual, scheduled, or a scan kept in the store), at most one at a
 * time per integration (the database's unique index decides, across processes), follow it while it
 * runs, read the history and the feature availability, and clean up after processes that died.
 *
 * A run is claimed first (a `running` row), then the pipeline runs; inventory, snapshot, findings, events,
 * risk scores and the outcome are written in one transaction at the end (src/sync/run-sync.ts), so an
 * interrupted run leaves nothing half-written. Usage is committed per conversation as it is read (its
 * state is replaced wholesale per conversation, so a resumed sync never counts it twice).
 *
 * With a job queue (`trustlens serve`, `serve --no-worker`, `trustlens worker`: docs/adr/0008), a trigger
 * records the run `queued` and enqueues a job; a worker's `runJob` takes the run (queued → running, by
 * compare-and-set) and executes it. The lease of a run is its heartbeat: a slow sync whose worker lives
 * keeps its job, and a duplicate delivery finds the run held and ends at once. When the worker stops
 * giving signs of life, the take-over pass (`recoverInterrupted`, run at every start, on each scheduler
 * tick and by every worker each check interval) marks the run interrupted, puts it back to `queued` and
 * delivers its job again by compare-and-set (clients keep waiting; taken by no worker, the queued sweep
 * ends it NO_WORKER); a worker takes the same run over, which then ends with the outcome. A graceful stop
 * (`shutdown`) hands its runs of jobs back the same way, straight from running to queued.
 */
import { hostname } from 'node:os';
import { AppError, toAppError } from '../errors/index.ts';
import { FEATURE_KEYS, type FeatureKey, type FeatureAvailability } from '../inventory/types.ts';
import type { ConnectorStats } from '../mistral/types.ts';
import type { IntegrationView, Store } from '../store/index.ts';
import type { SyncRunView, SyncTrigger } from '../store/sync-runs-repository.ts';
import {
  createSyncProgress,
  followProgress,
  type FeatureProgress,
  type SyncPhase,
} from '../sync/progress.ts';
import { runStoredSync, type StoredSyncResult } from '../sync/run-sync.ts';
import type { AuditService } from './audit.ts';
import type { ConnectorProvider } from './connectors.ts';
import { canSee, requireRole, type Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';
import { processAlive } from '../shared/process.ts';
import {
  claimQueued,
  clearRequeuedMark,
  failQueued,
  failUntaken,
  handBack,
  interruptedJobRuns,
  lastWorkerSign,
  markRedelivered,
  markRequeued,
  queuedRunOf,
  queuedRuns,
  runState,
  takeRun,
  type RunState,
} from '../jobs/run-rows.ts';
import {
  DEFAULT_JOB_SETTINGS,
  queuedRunBounds,
  RetryLater,
  type JobQueue,
  type SyncJob,
} from '../jobs/types.ts';

/** Live figures of a run this process is executing. */
export interface SyncProgress {
  requests: number;
  rateLimited: number;
  retries: number;
  elapsedMs: number;
  /** Reading the workspace, or storing what was read (findings, inventory, snapshot) at the end. */
  phase: SyncPhase;
  /** Per feature, in the order the sync reads them: its state and how many records it has read so far. */
  features: FeatureProgress[];
}

export type SyncRun = SyncRunView & { progress: SyncProgress | null };

/** Told a running sync's progress as it changes, and at least every PROGRESS_TICK_MS while it runs (src/sync/progress.ts). */
export type ProgressListener = (progress: SyncProgress) => void;

export interface TriggerResult {
  run: SyncRun;
  /** false when a sync of this integration was already running: `run` is that one. */
  started: boolean;
  /** Settles when the run this call started ends (never rejects); null when not started here. */
  done: Promise<SyncRun> | null;
}

/** One row of the product document's feature matrix, filled with this workspace's state. */
export interface FeatureRow {
  feature: FeatureKey;
  label: string;
  /** Endpoint(s) behind it. */
  endpoints: string[];
  /** Available with an API key only (no beta access)? */
  apiKeyOnly: boolean;
  /** Available with beta access? */
  withBetaAccess: boolean;
  /** What the last finished sync saw: available, unavailable (no beta access), error; null before any sync. */
  status: FeatureAvailability['status'] | null;
  message: string | null;
  remediation: string | null;
}

export interface AvailabilityMatrix {
  integrationId: string;
  /** The finished run the statuses come from. */
  syncRunId: string | null;
  checkedAt: string | null;
  /** true/false once a sync has tried a beta endpoint; null when unknown. */
  betaAccess: boolean | null;
  features: FeatureRow[];
}

export interface SyncsService {
  /** Starts a sync (analyst or admin), or returns the one already running. */
  trigger(
    actor: Actor,
    integrationId: string,
    options?: {
      trigger?: SyncTrigger;
      /** Told the run's progress while this process executes it (the CLI's live display). */
      onProgress?: ProgressListener;
    },
  ): Promise<TriggerResult>;
  listRuns(
    actor: Actor,
    integrationId: string,
    query?: { cursor?: string; limit?: number },
  ): Promise<Page<SyncRun>>;
  getRun(actor: Actor, integrationId: string, runId: string): Promise<SyncRun>;
  availability(actor: Actor, integrationId: string): Promise<AvailabilityMatrix>;
  /** The result of a run this process executed (the CLI prints the report from it). */
  result(runId: string): StoredSyncResult | undefined;
  /**
   * Marks interrupted the runs left `running` by processes that no longer exist (same host, pid gone)
   * or that stopped giving signs of life. Returns how many.
   *
   * With a queue, this is also the take-over pass of runs of jobs (docs/adr/0008): a run of a job so
   * interrupted has its job delivered again at once, by the process whose compare-and-set won; a run of
   * a job left `interrupted` (a worker's stop) that no worker took again within the first bound below is
   * delivered again too. Workers run it every check interval (`startWorker`).
   *
   * The same sweep clears runs left `queued` that no worker took (docs/adr/0008, bounds in
   * src/jobs/types.ts queuedRunBounds): enqueued once more past the first bound (with a queue), ended
   * `failed` (NO_WORKER) past the second, so they never block their integration. Not counted in the result.
   */
  recoverInterrupted(): Promise<number>;
  /** Runs executing in this process. */
  active(): string[];
  /**
   * What a stop now would do with this process's running syncs (the command line's Ctrl-C message): how
   * many would be handed back to the queue (runs of jobs taken fewer than maxAttempts times, resumed
   * later) and how many would end interrupted (the command line's own syncs, or taken too many times).
   */
  onStop(): { handedBack: number; interrupted: number };
  /**
   * Works one job of the queue (the workers' handler): takes its run and executes it, or does nothing
   * when the run already ended, a later run superseded it, or a live worker holds it (that worker ends it;
   * if it goes silent, the take-over pass delivers the job again). Throws `RetryLater` when this process
   * is stopping or stopped before the run ended (another worker takes it over).
   */
  runJob(job: SyncJob): Promise<void>;
  /**
   * Stops: waits up to `graceMs` for this process's runs to end. A run of a job still running then is
   * handed back (running → queued by compare-and-set, its job delivered again: another worker or the next
   * start resumes it; docs/adr/0008), unless it was already taken `maxAttempts` times; the rest are marked
   * interrupted. After it, trigger refuses.
   */
  shutdown(graceMs: number): Promise<void>;
}

export interface SyncsServiceDeps {
  store: Store;
  audit: AuditService;
  connectors: ConnectorProvider;
  now?: () => Date;
  /** How often a running sync proves it is alive, and after how long without it a run counts as dead. */
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** Called when a run ends (metrics, scheduler), with the connector's request figures when it got that far. */
  onRunFinished?: (run: SyncRunView, integration: IntegrationView, requests: ConnectorStats | null) => void;
  /** The job queue: when set, triggers record the run `queued` and enqueue it instead of running it here. */
  queue?: Pick<JobQueue, 'enqueue' | 'redeliver' | 'settings'>;
  /**
   * With the queue: this process works jobs and takes a run it queued at once (the in-process runner of
   * the embedded database, where the asking process is the only worker). The run is still a job's
   * (resumed after a crash or a stop); the 202 answer shows it running, as before workers existed.
   */
  takeAtOnce?: boolean;
  /** This process as a run's owner ("host:pid"; tests pass others). */
  owner?: string;
  /** How many times a queued run may be taken (again after its worker died) before it is left interrupted. */
  maxAttempts?: number;
  /** What goes wrong outside any request (a hand-back that failed): the app's background-error listeners. */
  onBackgroundError?: (e: unknown, where: string) => void;
}

const FEATURES: Record<FeatureKey, { label: string; endpoints: string[]; beta: boolean }> = {
  models: { label: 'Model discovery', endpoints: ['GET /v1/models'], beta: false },
  files: { label: 'File discovery', endpoints: ['GET /v1/files'], beta: false },
  agents: { label: 'Agent discovery', endpoints: ['GET /v1/agents'], beta: true },
  libraries: { label: 'Document library discovery', endpoints: ['GET /v1/libraries'], beta: true },
  usage: { label: 'Usage metrics', endpoints: ['GET /v1/conversations'], beta: true },
  versions: {
    label: 'Version history and aliases',
    endpoints: ['GET /v1/agents/{id}/versions', 'GET /v1/agents/{id}/aliases'],
    beta: true,
  },
};

const OWNER = `${hostname()}:${process.pid}`;

/** How long a stopping process waits for the syncs it handed back to wind down (each fails its next request). */
const HAND_BACK_WIND_DOWN_MS = 5000;
/**
 * Other workers' signs of life postpone a queued run's NO_WORKER ending by at most this many second
 * bounds past its mark (review finding 1: a busy fleet that never takes the run must not keep it forever).
 */
const NO_WORKER_SIGNS_CAP = 2;

/** The run's owner was a process of this host that no longer exists. */
function ownerGoneHere(owner: string | null): boolean {
  const [ownerHost, ownerPid] = (owner ?? '').split(/:(?=\d+$)/);
  return ownerHost === hostname() && Number(ownerPid) > 0 && !processAlive(Number(ownerPid));
}

export function createSyncsService(deps: SyncsServiceDeps): SyncsService {
  const { store } = deps;
  const owner = deps.owner ?? OWNER;
  const maxAttempts = deps.maxAttempts ?? 3;
  const now = deps.now ?? (() => new Date());
  const heartbeatMs = deps.heartbeatMs ?? 10_000;
  const staleAfterMs = deps.staleAfterMs ?? Math.max(60_000, heartbeatMs * 6);
  const running = new Map<
    string,
    {
      started: number;
      stats: () => SyncProgress | null;
      done: Promise<SyncRun>;
      integrationId: string;
      /** Set when a graceful stop handed the run back to the queue: the sync stops reading, stores nothing. */
      handedBack: boolean;
      /** The run as handed back (what the sync's end returns: the database may be closed by then). */
      handedBackAs?: SyncRunView;
      /** The sync's writes under way (usage commits, snapshot staging): a hand-back waits for them first. */
      writes: Set<Promise<unknown>>;
      /** A stop hands it back (a run of a job this process took fewer than maxAttempts times). */
      handBackOnStop: boolean;
    }
  >();
  const results = new Map<string, StoredSyncResult>();
  let stopping = false;

  async function integrationFor(actor: Actor, integrationId: string): Promise<IntegrationView> {
    const view = await store.integrations.get(integrationId);
    if (!view || !canSee(actor, view.organizationId)) {
      throw new AppError('NOT_FOUND', `No integration "${integrationId}".`, {
        remediation: 'List the integrations to find the id.',
      });
    }
    return view;
  }

  function withProgress(run: SyncRunView): SyncRun {
    const live = run.status === 'running' ? running.get(run.id) : undefined;
    return { ...run, progress: live?.stats() ?? null };
  }

  /**
   * Runs the sync of `runId`. `taken`: the queued run as this process took it (a job's run), so that a
   * stop hands it back when it was not superseded and may be taken again; absent, a stop interrupts it.
   */
  async function execute(
    runId: string,
    integration: IntegrationView,
    onProgress?: ProgressListener,
    taken?: { superseded: boolean; attempts: number },
  ): Promise<SyncRun> {
    const started = Date.now();
    const live: { stats?: () => ConnectorStats } = {};
    // Counters in memory, read when the run is asked for: no write per record.
    const follow = followProgress(() => entry.stats(), onProgress);
    const progress = createSyncProgress({ onChange: follow.onChange });
    const heartbeat = setInterval(() => {
      store.syncRuns.heartbeat(runId, now().toISOString(), owner).catch(() => undefined);
    }, heartbeatMs);
    heartbeat.unref();
    const entry = {
      started,
      integrationId: integration.id,
      stats: (): SyncProgress => {
        const s = live.stats?.();
        return {
          requests: s?.requests ?? 0,
          rateLimited: s?.rateLimited ?? 0,
          retries: s?.retries ?? 0,
          elapsedMs: Date.now() - started,
          phase: progress.phase(),
          features: progress.features(),
        };
      },
      done: null as unknown as Promise<SyncRun>,
      handedBack: false,
      handedBackAs: undefined as SyncRunView | undefined,
      /** The sync's writes under way (usage commits, snapshot staging): a hand-back waits for them first. */
      writes: new Set<Promise<unknown>>(),
      // `attempts` is the count before this take.
      handBackOnStop: taken !== undefined && !taken.superseded && taken.attempts + 1 < maxAttempts,
    };
    running.set(runId, entry);
    const handedBackError = () =>
      new AppError('CONFLICT', `Sync run ${runId} was handed back: this process is stopping.`, {
        remediation: 'Nothing to do: another worker resumes the run.',
      });
    /**
     * A write of the sync (review finding 3): refused once the run is handed back — the flag is set before
     * the hand-back's compare-and-set, which waits for the writes already under way — so the stopped
     * attempt stores no usage and stages no snapshot next to the worker that resumes the run.
     */
    const guardedWrite =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        if (entry.handedBack) return Promise.reject(handedBackError());
        const p = fn(...args);
        entry.writes.add(p);
        const forget = () => entry.writes.delete(p);
        p.then(forget, forget);
        return p;
      };
    const guardedStore: Store = {
      ...store,
      usage: (integrationId) => {
        const u = store.usage(integrationId);
        return { ...u, applyChanges: guardedWrite(u.applyChanges.bind(u)) };
      },
      snapshots: new Proxy(store.snapshots, {
        get(t, prop) {
          const v = Reflect.get(t, prop, t) as unknown;
          if (prop === 'stage' && typeof v === 'function') {
            return guardedWrite((v as (...a: unknown[]) => Promise<unknown>).bind(t));
          }
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      }),
      // Once handed back, the stopped attempt records no end either (its refused request must not end
      // the run failed between the flag and the hand-back's compare-and-set).
      syncRuns: {
        ...store.syncRuns,
        finish: (id, outcome) =>
          entry.handedBack ? Promise.reject(handedBackError()) : store.syncRuns.finish(id, outcome),
      },
      transaction: ((fn: never) =>
        entry.handedBack ? Promise.reject(handedBackError()) : store.transaction(fn)) as Store['transaction'],
    };
    // Once the run is handed back (a graceful stop), every new request of this sync fails at once: it
    // winds down instead of reading the workspace beside the worker that resumes it. Its end could store
    // nothing anyway (the final transaction checks that the run is still this owner's).
    const stopWhenHandedBack = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(t, prop) {
          const v = Reflect.get(t, prop, t) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            if (entry.handedBack && prop !== 'stats' && prop !== 'setRequestRate') {
              return Promise.reject(handedBackError());
            }
            return (v as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    try {
      const factory = await deps.connectors.get();
      // The admin connector is loaded only for an integration that holds an admin key (issue 11).
      const adminFactory =
        integration.adminKey && deps.connectors.getAdmin ? await deps.connectors.getAdmin() : undefined;
      const result = await runStoredSync({
        store: guardedStore,
        integrationId: integration.id,
        runId,
        owner,
        now: now(),
        progress,
        connectorFactory: (o) => {
          const connector = factory(o);
          live.stats = () => connector.stats();
          return stopWhenHandedBack(connector);
        },
        ...(adminFactory ? { adminConnectorFactory: (o) => stopWhenHandedBack(adminFactory(o)) } : {}),
        ...(deps.connectors.rateLimitShare !== undefined
          ? { rateLimitShare: deps.connectors.rateLimitShare }
          : {}),
      });
      results.set(runId, result);
      if (results.size > 20) results.delete(results.keys().next().value!);
    } catch (e) {
      // runStoredSync records a failed run itself; anything thrown before it could (the key could not be
      // decrypted, the connector could not load) is recorded here, so no run stays `running`.
      const err = toAppError(e);
      const current = entry.handedBack ? null : await store.syncRuns.get(runId).catch(() => null);
      if (current?.status === 'running' && !entry.handedBack) {
        await store.syncRuns
          .finish(runId, {
            status: 'failed',
            finishedAt: now().toISOString(),
            durationMs: Date.now() - started,
            countsByType: { agent: 0, model: 0, file: 0, library: 0 },
            requests: live.stats?.().requests ?? 0,
            availability: Object.fromEntries(
              FEATURE_KEYS.map((f) => [
                f,
                { status: 'error', code: err.code, message: err.message, remediation: err.remediation ?? '' },
              ]),
            ) as never,
            errors: FEATURE_KEYS.map((feature) => ({
              feature,
              code: err.code,
              message: err.message,
              remediation: err.remediation ?? '',
            })),
            owner,
          })
          .catch(() => undefined);
      }
    } finally {
      clearInterval(heartbeat);
      follow.stop();
      running.delete(runId);
    }
    // A run handed back did not end: the worker that resumes it reports its end. Never read again here
    // (review finding 5: the database may be closing, or the resumer's run would be reported as ended).
    if (entry.handedBack) {
      const view: SyncRunView = entry.handedBackAs ?? {
        id: runId,
        integrationId: integration.id,
        startedAt: new Date(started).toISOString(),
        status: 'queued',
        finishedAt: null,
        durationMs: null,
        countsByType: null,
        requests: null,
        availability: null,
        errors: [],
        trigger: 'manual',
        requestedBy: null,
        heartbeatAt: null,
      };
      return { ...view, progress: null };
    }
    const finished = (await store.syncRuns.get(runId))!;
    deps.onRunFinished?.(finished, integration, live.stats?.() ?? null);
    return { ...finished, progress: null };
  }

  /**
   * From when the second bound of a queued run counts: its mark, or the last sign of life of any worker
   * when later — capped at NO_WORKER_SIGNS_CAP second bounds past the mark, so that workers busy with
   * other integrations postpone the NO_WORKER ending of a run none of them takes, but not forever.
   */
  function signsSince(markMs: number, workersSeen: number, failAfterMs: number): number {
    return Math.max(markMs, Math.min(workersSeen, markMs + NO_WORKER_SIGNS_CAP * failAfterMs));
  }

  /**
   * Runs still `queued` past the bounds (src/jobs/types.ts queuedRunBounds): no worker took them. Only
   * `queued` rows are touched (a run a worker holds is `running`), each by compare-and-set: one sweeper
   * re-enqueues, and a worker that takes the run meanwhile wins over the failure. The second bound counts
   * from the re-enqueue or from the last sign of life of any worker, whichever is later: workers busy
   * with a backlog are not missing workers.
   */
  async function sweepQueued(at: Date): Promise<void> {
    const queued = await queuedRuns(store.db);
    if (queued.length === 0) return;
    const bounds = queuedRunBounds(deps.queue?.settings ?? DEFAULT_JOB_SETTINGS, staleAfterMs);
    const workersSeen = (await lastWorkerSign(store.db)) ?? 0;
    const iso = at.toISOString();
    for (const run of queued) {
      if (running.has(run.id)) continue;
      // The embedded deployment's only worker is this process, and its runner's queue is the runs table:
      // it takes every queued run its runner takes (pendingRuns: not superseded, taken fewer than
      // maxAttempts times; one a stop handed back, however long ago): none of those waits for a worker.
      // Any other queued run goes through the bounds below and ends NO_WORKER.
      if (deps.takeAtOnce && run.attempts < maxAttempts && !run.superseded) continue;
      const waitedMs = at.getTime() - run.queuedAtMs;
      const minutes = Math.max(1, Math.round(waitedMs / 60_000));
      const message = `The sync waited ${minutes} minute(s) for a sync worker and none took it: it did not run.`;
      if (run.attempts >= maxAttempts) {
        await failUntaken(store.db, run, iso, message);
      } else if (run.requeuedAtMs === null) {
        if (waitedMs <= bounds.requeueAfterMs) continue;
        if (!deps.queue) {
          // This process cannot enqueue (the command line): it only ends runs past both bounds.
          const since = signsSince(run.queuedAtMs + bounds.requeueAfterMs, workersSeen, bounds.failAfterMs);
          if (at.getTime() - since > bounds.failAfterMs) await failUntaken(store.db, run, iso, message);
          continue;
        }
        if (!(await markRequeued(store.db, run, iso))) continue; // another process does it, or a worker took it
        // A failed enqueue is not retried here: the run then ends failed past the second bound.
        await deps.queue.enqueue({ runId: run.id, integrationId: run.integrationId }).catch(() => undefined);
      } else if (
        at.getTime() - signsSince(run.requeuedAtMs, workersSeen, bounds.failAfterMs) >
        bounds.failAfterMs
      ) {
        await failUntaken(store.db, run, iso, message);
      }
    }
  }

  /**
   * Delivers again the job of a run of a job that is `interrupted` as read (`seen`), if this process wins
   * the mark (compare-and-set, which puts the run back to `queued`: review F3/F8): so of several
   * processes sweeping, one re-delivers. A failed re-delivery is
   * not retried here: the run is delivered again by a later pass, past the first bound.
   */
  async function redeliver(seen: RunState, at: Date): Promise<void> {
    if (!deps.queue || running.has(seen.id)) return;
    if (seen.status !== 'interrupted' || !seen.queued || seen.superseded || seen.attempts >= maxAttempts)
      return;
    const iso = at.toISOString();
    if (!(await markRedelivered(store.db, seen, iso))) return;
    await deps.queue.redeliver({ runId: seen.id, integrationId: seen.integrationId }).catch(async () => {
      // Not sent: the mark is taken back, so the queued sweep enqueues it once more (review finding 1).
      await clearRequeuedMark(store.db, seen.id, iso).catch(() => undefined);
    });
  }

  /** Runs of jobs left interrupted that no worker took again within the first bound: delivered again. */
  async function redeliverInterrupted(at: Date): Promise<void> {
    if (!deps.queue) return;
    const bounds = queuedRunBounds(deps.queue.settings ?? DEFAULT_JOB_SETTINGS, staleAfterMs);
    const left = await interruptedJobRuns(store.db, {
      before: new Date(at.getTime() - bounds.requeueAfterMs),
      maxAttempts,
      limit: 100,
    });
    for (const run of left) await redeliver(run, at);
  }

  return {
    async trigger(actor, integrationId, options = {}) {
      requireRole(actor, 'analyst');
      const integration = await integrationFor(actor, integrationId);
      if (stopping) {
        throw new AppError('CONFLICT', 'TrustLens is shutting down: no new sync is started.', {
          remediation: 'Start the sync again once the server is back.',
          httpStatus: 503,
        });
      }
      const trigger = options.trigger ?? 'manual';
      if (deps.queue) {
        const queued = await claimQueued(store, integration.id, now().toISOString(), {
          trigger,
          requestedBy: actor.label,
        });
        if (!queued.created) return { run: withProgress(queued.run), started: false, done: null };
        const seen = deps.takeAtOnce && !stopping ? await runState(store.db, queued.run.id) : null;
        if (seen && (await takeRun(store.db, seen, owner, now().toISOString()))) {
          const done = execute(seen.id, integration, options.onProgress, seen);
          running.get(seen.id)!.done = done;
          await deps.audit.record(
            actor,
            'sync.start',
            { type: 'integration', id: integration.id },
            { runId: seen.id, trigger },
            { organizationId: integration.organizationId },
          );
          return { run: withProgress((await store.syncRuns.get(seen.id))!), started: true, done };
        }
        try {
          await deps.queue.enqueue({ runId: queued.run.id, integrationId: integration.id });
        } catch (e) {
          // A run without a job would block the integration: it fails at once, saying why.
          const err = toAppError(e);
          await failQueued(store.db, queued.run.id, now().toISOString(), err.message).catch(() => undefined);
          throw err;
        }
        await deps.audit.record(
          actor,
          'sync.start',
          { type: 'integration', id: integration.id },
          { runId: queued.run.id, trigger, queued: true },
          { organizationId: integration.organizationId },
        );
        return { run: withProgress(queued.run), started: true, done: null };
      }
      // A run of a job waiting for a worker that a stop handed back (or a take-over put back): on the
      // embedded database — where the runs table is the queue and no worker but `serve` exists — this
      // process takes it by compare-and-set and resumes it here, instead of refusing while `serve` is
      // stopped. Only a run taken before (attempts > 0): a fresh queued run is `serve`'s. On PostgreSQL a
      // queued run is the workers' (it may be about to be taken by one): refused as before (started: false).
      const waiting = store.db.kind === 'pglite' ? await queuedRunOf(store.db, integration.id) : null;
      if (
        waiting &&
        waiting.attempts > 0 &&
        !waiting.superseded &&
        waiting.attempts < maxAttempts &&
        (await takeRun(store.db, waiting, owner, now().toISOString()))
      ) {
        const done = execute(waiting.id, integration, options.onProgress, waiting);
        running.get(waiting.id)!.done = done;
        await deps.audit.record(
          actor,
          'sync.start',
          { type: 'integration', id: integration.id },
          { runId: waiting.id, trigger, resumed: true },
          { organizationId: integration.organizationId },
        );
        return { run: withProgress((await store.syncRuns.get(waiting.id))!), started: true, done };
      }
      const queuedRun = await queuedRunOf(store.db, integration.id);
      if (queuedRun) {
        // Refused, as before the graceful stop (review finding 2): a worker takes it.
        throw new AppError(
          'CONFLICT',
          `A sync of integration ${integration.id} is already queued for a sync worker (run ${queuedRun.id}): it is not started here.`,
          {
            remediation:
              store.db.kind === 'pglite'
                ? 'Start `trustlens serve` (its worker runs it), then follow it with `trustlens runs`.'
                : 'A `trustlens worker` (or `trustlens serve` without --no-worker) with the same DATABASE_URL runs it: follow it with `trustlens runs`.',
          },
        );
      }
      const { run, created } = await store.syncRuns.claim(integration.id, now().toISOString(), {
        trigger,
        requestedBy: actor.label,
        owner,
      });
      if (!created) return { run: withProgress(run), started: false, done: null };
      const done = execute(run.id, integration, options.onProgress);
      running.get(run.id)!.done = done;
      await deps.audit.record(
        actor,
        'sync.start',
        { type: 'integration', id: integration.id },
        { runId: run.id, trigger },
        { organizationId: integration.organizationId },
      );
      return { run: withProgress(run), started: true, done };
    },

    async listRuns(actor, integrationId, query = {}) {
      const integration = await integrationFor(actor, integrationId);
      const limit = clampLimit(query.limit);
      const before = decodeCursor(
        query.cursor,
        (v): v is number => Number.isSafeInteger(v) && (v as number) > 0,
      );
      const rows = await store.syncRuns.page(integration.id, {
        before: before ?? undefined,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      return {
        items: items.map(({ seq: _seq, ...run }) => withProgress(run)),
        nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null,
      };
    },

    async getRun(actor, integrationId, runId) {
      const integration = await integrationFor(actor, integrationId);
      const run = await store.syncRuns.get(runId);
      if (!run || run.integrationId !== integration.id) {
        throw new AppError('NOT_FOUND', `No sync run "${runId}" for this integration.`, {
          remediation: "List the integration's sync runs to find the id.",
        });
      }
      return withProgress(run);
    },

    async availability(actor, integrationId) {
      const integration = await integrationFor(actor, integrationId);
      const runs = await store.syncRuns.page(integration.id, { limit: 20 });
      const last = runs.find((r) => r.availability && r.status !== 'running' && r.status !== 'interrupted');
      const a = last?.availability ?? null;
      const betaStates = FEATURE_KEYS.filter((f) => FEATURES[f].beta).map((f) => a?.[f]?.status);
      const betaAccess = !a
        ? null
        : betaStates.some((s) => s === 'available')
          ? true
          : betaStates.some((s) => s === 'unavailable')
            ? false
            : null;
      return {
        integrationId: integration.id,
        syncRunId: last?.id ?? null,
        checkedAt: last?.finishedAt ?? null,
        betaAccess,
        features: FEATURE_KEYS.map((feature) => ({
          feature,
          label: FEATURES[feature].label,
          endpoints: FEATURES[feature].endpoints,
          apiKeyOnly: !FEATURES[feature].beta,
          withBetaAccess: true,
          status: a?.[feature]?.status ?? null,
          message: a?.[feature]?.message ?? null,
          remediation: a?.[feature]?.remediation ?? null,
        })),
      };
    },

    result: (runId) => results.get(runId),

    async recoverInterrupted() {
      const at = now();
      const stale: string[] = [];
      for (const run of await store.syncRuns.running()) {
        if (running.has(run.id)) continue;
        const deadHere = ownerGoneHere(run.owner);
        const lastSign = Date.parse(run.heartbeatAt ?? run.startedAt);
        const silent = at.getTime() - lastSign > staleAfterMs;
        if (deadHere || silent) stale.push(run.id);
      }
      const reason = 'The sync was interrupted: the TrustLens process running it stopped before it finished.';
      let interrupted = 0;
      if (!deps.queue) {
        interrupted = await store.syncRuns.interrupt(stale, at.toISOString(), reason);
      } else {
        // One by one: the process whose update wins a run of a job delivers its job again, at once.
        for (const id of stale) {
          if ((await store.syncRuns.interrupt([id], at.toISOString(), reason)) !== 1) continue;
          interrupted++;
          const seen = await runState(store.db, id);
          if (seen) await redeliver(seen, at);
        }
        await redeliverInterrupted(at);
      }
      await sweepQueued(at);
      return interrupted;
    },

    active: () => [...running.keys()],

    onStop() {
      let handedBack = 0;
      for (const r of running.values()) if (r.handBackOnStop) handedBack++;
      return { handedBack, interrupted: running.size - handedBack };
    },

    async runJob(job) {
      if (stopping) throw new RetryLater('This process is stopping: the job is left to another worker.');
      const state = await runState(store.db, job.runId);
      if (!state || !state.queued || state.superseded) return; // gone, not a job's run, or history
      if (state.status === 'succeeded' || state.status === 'partial' || state.status === 'failed') return;
      if (running.has(state.id)) return; // this process runs it
      if (state.status === 'running') {
        // Held by a live worker: it ends the run (a duplicate delivery spends no retry and no slot). Should
        // that worker go silent, the take-over pass delivers the job again.
        const alive = !ownerGoneHere(state.owner) && now().getTime() - state.lastSignMs <= staleAfterMs;
        if (alive) return;
      }
      if (state.attempts >= maxAttempts) {
        // Taken too many times (each worker died running it): it ends interrupted, the next trigger starts afresh.
        await store.syncRuns.interrupt(
          [state.id],
          now().toISOString(),
          `The sync was interrupted: the workers running it stopped ${state.attempts} times before it finished.`,
        );
        return;
      }
      // Lost to another worker that took it just now (it ends it), or to a re-delivery's mark (whose new
      // job comes): nothing to do with this delivery.
      if (!(await takeRun(store.db, state, owner, now().toISOString()))) return;
      const integration = await store.integrations.get(state.integrationId);
      if (!integration) return; // deleted meanwhile (its runs go with it)
      const done = execute(state.id, integration, undefined, state);
      const entry = running.get(state.id)!;
      entry.done = done;
      const final = await done;
      if (stopping && (final.status === 'interrupted' || entry.handedBack)) {
        // Handed back (its job was delivered again) or interrupted by this process's stop.
        throw new RetryLater(
          entry.handedBack
            ? `Sync run ${state.id} was handed back by this process's stop: another worker resumes it.`
            : `Sync run ${state.id} was interrupted by this process's stop: it is not resumed.`,
        );
      }
    },

    async shutdown(graceMs) {
      stopping = true;
      const pending = [...running.values()].map((r) => r.done);
      if (pending.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(pending),
        new Promise((r) => {
          timer = setTimeout(r, graceMs);
        }),
      ]);
      clearTimeout(timer);
      const at = now().toISOString();
      const interrupted: string[] = [];
      const handedBack: Promise<SyncRun>[] = [];
      for (const [id, entry] of running) {
        // A run of a job goes back to the queue (docs/adr/0008, graceful stop): running → queued in one
        // compare-and-set, its job delivered again at once, so another worker (or this deployment at its
        // next start) resumes it and clients waiting on it keep waiting. Taken `maxAttempts` times already,
        // or not a job's run (the command line's own sync): it ends interrupted, as before.
        const seen = await runState(store.db, id).catch(() => null);
        if (!seen || seen.status !== 'running' || seen.owner !== owner) continue; // it ended meanwhile
        if (!seen.queued || seen.superseded || seen.attempts >= maxAttempts) {
          interrupted.push(id);
          continue;
        }
        // Set first: the sync stops reading, writing usage, staging and ending before another worker
        // starts; the writes already under way are waited for (a few seconds at most), then the CAS.
        entry.handedBack = true;
        const before = await store.syncRuns.get(id).catch(() => null);
        if (entry.writes.size > 0) {
          await Promise.race([
            Promise.allSettled([...entry.writes]),
            new Promise((r) => {
              timer = setTimeout(r, HAND_BACK_WIND_DOWN_MS);
            }),
          ]);
          clearTimeout(timer);
        }
        const requeuedAt = deps.queue ? at : null;
        // A database error is not "it ended just now" (review finding 6): tried once more, then left to
        // the take-over pass (its heartbeat goes stale once this process is gone), never shown ended.
        let handed = await handBack(store.db, id, owner, requeuedAt).catch((e: unknown) => e);
        if (typeof handed !== 'boolean')
          handed = await handBack(store.db, id, owner, requeuedAt).catch((e: unknown) => e);
        if (typeof handed !== 'boolean') {
          deps.onBackgroundError?.(
            new Error(
              `Sync run ${id} could not be handed back (${toAppError(handed).message}): it is left running; another TrustLens process takes it over once its heartbeat is stale and delivers it again.`,
            ),
            'jobs',
          );
          if (before) entry.handedBackAs = before;
          handedBack.push(entry.done);
          continue;
        }
        if (!handed) {
          entry.handedBack = false; // it ended just now
          continue;
        }
        entry.handedBackAs =
          (await store.syncRuns.get(id).catch(() => null)) ??
          (before ? { ...before, status: 'queued', heartbeatAt: requeuedAt } : undefined);
        handedBack.push(entry.done);
        await deps.queue
          ?.redeliver({ runId: id, integrationId: entry.integrationId })
          // Not delivered: its re-queued mark is taken back (compare-and-set on this mark), so the queued
          // sweep of any process with a queue enqueues it once more past its first bound, and it ends
          // NO_WORKER past the second if that fails too — never queued without a job for good.
          .catch(async () => {
            await clearRequeuedMark(store.db, id, at).catch(() => undefined);
          });
      }
      for (const id of interrupted) {
        const seen = await runState(store.db, id).catch(() => null);
        await store.syncRuns.interrupt(
          [id],
          at,
          seen?.queued && seen.attempts >= maxAttempts
            ? `The sync was interrupted: TrustLens was stopped (SIGTERM/SIGINT) before it finished, and the run was already taken ${seen.attempts} times: it is not resumed.`
            : 'The sync was interrupted: TrustLens was stopped (SIGTERM/SIGINT) before it finished.',
        );
      }
      // The handed-back syncs fail their next request and wind down (they store nothing): let them end
      // before the caller closes the database, for a few seconds at most.
      if (handedBack.length > 0) {
        await Promise.race([
          Promise.allSettled(handedBack),
          new Promise((r) => {
            timer = setTimeout(r, HAND_BACK_WIND_DOWN_MS);
          }),
        ]);
        clearTimeout(timer);
      }
    },
  };
}
