/**
 * Incremental usage sync (docs/metrics.md § Incremental sync).
 *
 * 1. List every conversation (cheap pages).
 * 2. Fetch the history ONLY of conversations that are new or whose updated_at changed, through a
 *    bounded pool (the connector owns the rate limit; the pool keeps it busy). The fetches start as
 *    the listing's pages arrive (a connector that streams them calls `onPage`), so the listing
 *    overlaps the history fetches.
 * 3. Replace each fetched conversation's rows; remove vanished conversations: absent from the FULL
 *    listing AND answering NOT_FOUND when their history is asked for (a listing whose pages shift while
 *    it is read — a deletion on an earlier page — can skip a conversation that still exists), or
 *    NOT_FOUND when a listed one's history is fetched. When a deletion was seen, the conversations are
 *    listed once more, so that one the shifted pages skipped — a new one too — is read in this sync;
 *    if that listing fails, the usage is partial (it may miss what the first listing skipped).
 * 4. Commit in batches: the stored state only moves forward for what was committed. A history that
 *    fails (other than NOT_FOUND) keeps its old state and rows, so it is retried at the next sync.
 * 5. Read the totals back and turn them into per-agent and workspace usage.
 *
 * Without beta access (BETA_ACCESS_REQUIRED from the listing) usage is 'unavailable' and every
 * agent's usage is null, never zeros.
 */
import { isAppError, toAppError, type AppError } from '../errors/app-error.ts';
import type {
  AgentUsage,
  DataQualityWarning,
  FeatureAvailability,
  WorkspaceUsage,
} from '../inventory/types.ts';
import type { ListResult, MistralConnector } from '../mistral/types.ts';
import type { WireConversation, WireEntry } from '../shared/mistral-wire.ts';
import {
  RECENT_WINDOW_DAYS,
  buildAgentUsage,
  buildWorkspaceUsage,
  emptyAgentUsage,
  windowStartDay,
} from './aggregate.ts';
import { conversationContribution } from './contribution.ts';
import type { ConversationContribution, ConversationState, UsageStateStore } from './types.ts';

export interface UsageConnector {
  /**
   * Every conversation. A connector that streams calls `onPage` with each page's new records as it is
   * read (the histories are then fetched while the listing goes on); one that does not is read when
   * the listing resolves. Either way the resolved result holds every record.
   */
  listConversations(opts?: {
    onPage?: (items: WireConversation[]) => void;
  }): Promise<ListResult<WireConversation>>;
  getConversationHistory: MistralConnector['getConversationHistory'];
}

export interface UsageLogEvent {
  level: 'debug' | 'info' | 'warn';
  msg: string;
  [key: string]: unknown;
}

export interface SyncUsageOptions {
  connector: UsageConnector;
  state: UsageStateStore;
  /**
   * History fetches asked of the connector at once (default 64). The connector's own bound on requests
   * in flight (its maxConcurrency, `--concurrency`) and its rate limit still apply: this only keeps
   * enough waiting that a connector allowed 64 in flight (1,000 req/s at 25 ms needs more than 25) gets them.
   */
  concurrency?: number;
  /** The sync's clock: sets the 90-day window. */
  now: Date;
  log?: (event: UsageLogEvent) => void;
  /** Fetched conversations committed per applyChanges call (default 500). */
  commitBatchSize?: number;
}

export interface SyncUsageStats {
  /** Distinct conversations listed. */
  listed: number;
  /** Histories fetched and committed. */
  fetched: number;
  /** Listed conversations whose updated_at had not changed (no request made). */
  unchanged: number;
  /** Conversations removed: absent from the listing, or NOT_FOUND when fetching their history. */
  removed: number;
  /** New or changed conversations whose history could not be read (state not advanced; retried next sync). */
  failed: number;
}

export interface SyncUsageResult {
  /** Usage of every agent with activity. Empty when usage is unavailable; use usageFor for any agent. */
  usage: Map<string, AgentUsage>;
  /** null when usage is unavailable or failed. */
  workspace: WorkspaceUsage | null;
  stats: SyncUsageStats;
  availability: FeatureAvailability;
  /**
   * True when some histories failed (totals miss (new) or keep the previous state of (changed) those), or
   * when the listing after a deletion failed (totals may miss conversations the first listing skipped).
   */
  partial: boolean;
  /** Records the connector kept raw (listing and histories). */
  warnings: DataQualityWarning[];
  /** Agents that started a conversation whose history failed this sync: their usage is null. */
  incompleteAgentIds: string[];
  /** An agent's usage: null when usage is not available; zeros for an agent with no activity. */
  usageFor(agentId: string): AgentUsage | null;
}

/** Codes after which fetching more histories is pointless: stop the pool. */
const FATAL_CODES = new Set(['INVALID_API_KEY', 'BETA_ACCESS_REQUIRED']);

export async function syncUsage(options: SyncUsageOptions): Promise<SyncUsageResult> {
  const { connector, state, now } = options;
  const log = options.log ?? (() => {});
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 64));
  const batchSize = Math.max(1, Math.floor(options.commitBatchSize ?? 500));
  const stats: SyncUsageStats = { listed: 0, fetched: 0, unchanged: 0, removed: 0, failed: 0 };
  const warnings: DataQualityWarning[] = [];

  const unknownResult = (availability: FeatureAvailability): SyncUsageResult => ({
    usage: new Map(),
    workspace: null,
    stats,
    availability,
    partial: false,
    warnings,
    incompleteAgentIds: [],
    usageFor: () => null,
  });

  // 1–4 run overlapped: the histories of new or changed conversations are fetched as the listing's
  // pages arrive (when the connector streams them), so the rate limit is never idle while the
  // listing is read; what only the full listing can tell (vanished conversations, the re-list) waits for it.
  const byId = new Map<string, WireConversation>();
  /** Ids whose history is to be fetched (the newest listed record is looked up at fetch time). */
  let queue: string[] = [];
  let queueHead = 0;
  /** Stored conversations missing from the full listing, to ask for (NOT_FOUND = gone). */
  const toConfirm: string[] = [];
  let confirmHead = 0;
  let confirmsRunning = 0;
  /** No more work will be queued: the listing, the confirmations and any re-list are done. */
  let closed = false;
  /** The listing failed: nothing more is fetched. */
  let stopped = false;
  let waiting: Array<() => void> = [];
  const wake = (): void => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };

  let known: Map<string, ConversationState> | null = null;
  let early: WireConversation[] = [];
  /** One listed record: new or changed → fetched; unchanged → counted; seen again → the newest kept. */
  const take = (c: WireConversation): void => {
    if (!c || typeof c !== 'object' || typeof c.id !== 'string' || c.id === '') return;
    const prev = byId.get(c.id);
    const stored = known!.get(c.id);
    if (!prev) {
      byId.set(c.id, c);
      stats.listed++;
      if (stored && stored.updatedAt === c.updated_at) stats.unchanged++;
      else queue.push(c.id);
      return;
    }
    // Pages may shift while listing: keep one record per id, the most recently updated.
    if (!(Date.parse(c.updated_at) > Date.parse(prev.updated_at))) return;
    byId.set(c.id, c);
    if (stored && stored.updatedAt === prev.updated_at && stored.updatedAt !== c.updated_at) {
      stats.unchanged--;
      queue.push(c.id);
    }
  };
  const takeAll = (items: readonly WireConversation[]): void => {
    if (known === null) {
      for (const c of items) early.push(c);
      return;
    }
    for (const c of items) take(c);
    wake();
  };

  const knownP = state.loadConversationStates().then((k) => {
    known = k;
    const buffered = early;
    early = [];
    takeAll(buffered);
  });
  const listingP = connector.listConversations({ onPage: takeAll }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

  // 3–4. Fetch through a bounded pool, committing in batches.
  let pendingUpserts: ConversationContribution[] = [];
  let pendingRemovals: string[] = [];
  let commitChain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (pendingUpserts.length === 0 && pendingRemovals.length === 0) return commitChain;
    const upserts = pendingUpserts;
    const removals = pendingRemovals;
    pendingUpserts = [];
    pendingRemovals = [];
    commitChain = commitChain.then(async () => {
      await state.applyChanges({ upserts, removals });
      stats.fetched += upserts.length;
    });
    return commitChain;
  };

  /** Agents that started a conversation whose history could not be read: their numbers are incomplete. */
  const incompleteAgents = new Set<string>();
  let fatal: { code: string; message: string; remediation?: string } | null = null;
  let firstFailure: { code: string; message: string } | null = null;
  const failed = (err: AppError): void => {
    stats.failed++;
    firstFailure ??= { code: err.code, message: err.message };
    if (FATAL_CODES.has(err.code) && fatal === null) {
      fatal = {
        code: err.code,
        message: err.message,
        ...(err.remediation ? { remediation: err.remediation } : {}),
      };
      wake();
    }
  };
  /** Conversations removed because a confirmation said they are gone. */
  const confirmedGone = new Set<string>();

  // A stored conversation missing from the listing leaves the totals only when the API says it is gone.
  // One that still answers keeps its stored state until the listing shows it again (its new entries, if
  // any, are read then); one that cannot be asked keeps it too, and the usage is partial.
  const confirmGone = async (id: string): Promise<void> => {
    try {
      await connector.getConversationHistory(id);
      log({
        level: 'warn',
        msg: 'usage: a stored conversation missing from the listing still exists',
        conversationId: id,
      });
    } catch (e) {
      if (isAppError(e) && e.code === 'NOT_FOUND') {
        stats.removed++;
        confirmedGone.add(id);
        pendingRemovals.push(id);
        return;
      }
      failed(toAppError(e));
    }
  };

  const fetchOne = async (id: string): Promise<void> => {
    const conversation = byId.get(id)!;
    try {
      const { item, warnings: w } = await connector.getConversationHistory(id);
      warnings.push(...w);
      const entries: WireEntry[] = Array.isArray(item?.entries) ? item.entries : [];
      // Stamped with the record as listed when the fetch started: if a shifted page showed a newer one
      // meanwhile, the history read may predate it, so the stored state stays behind and the next sync
      // reads it again (stamping the newer time would mark entries never read as counted).
      const contribution = conversationContribution(conversation, entries);
      const flags = contribution.flags;
      if (flags && (flags.negativeLatency > 0 || flags.undatedEntries > 0)) {
        log({ level: 'warn', msg: 'usage: entries with unusable times', conversationId: id, ...flags });
      }
      pendingUpserts.push(contribution);
    } catch (e) {
      if (isAppError(e) && e.code === 'NOT_FOUND') {
        // Deleted between the listing and the fetch: it leaves the totals.
        stats.removed++;
        if (known!.has(id)) pendingRemovals.push(id);
      } else {
        const err = toAppError(e);
        const starter = (conversation as { agent_id?: unknown }).agent_id;
        if (typeof starter === 'string' && starter) incompleteAgents.add(starter);
        log({ level: 'warn', msg: 'usage: history fetch failed', conversationId: id, code: err.code });
        failed(err);
      }
    }
  };

  /** Ids fetched once already (a record seen again newer while its fetch ran is not fetched twice). */
  const started = new Set<string>();
  const worker = async (): Promise<void> => {
    for (;;) {
      if (fatal !== null || stopped) return;
      if (confirmHead < toConfirm.length) {
        const id = toConfirm[confirmHead++];
        confirmsRunning++;
        try {
          await confirmGone(id);
        } finally {
          confirmsRunning--;
          if (confirmHead >= toConfirm.length && confirmsRunning === 0) wake();
        }
      } else if (queueHead < queue.length) {
        const id = queue[queueHead++];
        // Keep the queue bounded by what is still to do.
        if (queueHead > 4096 && queueHead * 2 > queue.length) {
          queue = queue.slice(queueHead);
          queueHead = 0;
        }
        if (started.has(id)) continue;
        started.add(id);
        await fetchOne(id);
      } else if (closed) return;
      else {
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      if (pendingUpserts.length >= batchSize) await flush();
    }
  };
  const pool = Promise.all(Array.from({ length: concurrency }, () => worker()));
  const confirmsDone = async (): Promise<void> => {
    while (fatal === null && (confirmHead < toConfirm.length || confirmsRunning > 0))
      await new Promise<void>((r) => waiting.push(r));
  };

  /** Ends the work: the pool drains what is queued (or stops at once), then everything is committed. */
  const finish = async (): Promise<void> => {
    closed = true;
    wake();
    await pool;
    if (fatal !== null) stats.failed += queue.length - queueHead; // never attempted
    await flush();
  };

  // 1. List (the listing may have streamed its pages into the queue already).
  try {
    await knownP;
  } catch (e) {
    stopped = true;
    await finish();
    await listingP;
    throw e;
  }
  const listing = await listingP;
  if (!listing.ok) {
    // Histories read while the listing ran are committed (their state is right); nothing is removed.
    stopped = true;
    await finish();
    const err = toAppError(listing.error);
    const status = err.code === 'BETA_ACCESS_REQUIRED' ? 'unavailable' : 'error';
    log({ level: 'warn', msg: 'usage: listing conversations failed', code: err.code, status });
    return unknownResult({
      status,
      code: err.code,
      message: err.message,
      ...(err.remediation ? { remediation: err.remediation } : {}),
    });
  }
  warnings.push(...listing.value.warnings);
  // What the connector did not stream (or a connector that does not stream at all).
  takeAll(listing.value.items);

  // 2. What vanished: only the full listing can tell.
  for (const id of known!.keys()) if (!byId.has(id)) toConfirm.push(id);
  wake();
  await confirmsDone();

  // A conversation deleted while the listing was read shifts the later pages by one, so the listing
  // may have skipped one that exists — possibly a new one, which nothing else would reveal (the
  // listing has no total). A deletion was seen: list once more and take in what the first pass missed.
  // This costs one more listing only in syncs that saw a deletion.
  /** The code of the error of that second listing, when it failed. */
  let relistFailure: string | null = null;
  if (confirmedGone.size > 0 && fatal === null) {
    try {
      const again = await connector.listConversations();
      warnings.push(...again.warnings);
      const before = stats.listed;
      takeAll(again.items.filter((c) => !(c && typeof c === 'object' && confirmedGone.has(c.id))));
      const recovered = stats.listed - before;
      if (recovered > 0)
        log({
          level: 'warn',
          msg: 'usage: listing again after a deletion found conversations the first pass skipped',
          recovered,
        });
    } catch (e) {
      // The first listing stands and what it read is kept, but it may have skipped a conversation (a new
      // one included) that only this listing would show: the usage is partial, not complete. What was
      // skipped is read at the next sync.
      const err = toAppError(e);
      relistFailure = err.code;
      log({ level: 'warn', msg: 'usage: listing again after a deletion failed', code: err.code });
    }
  }
  await finish();

  log({ level: 'info', msg: 'usage: sync done', ...stats });

  if (fatal !== null) {
    const f: { code: string; message: string; remediation?: string } = fatal;
    return unknownResult({
      status: f.code === 'BETA_ACCESS_REQUIRED' ? 'unavailable' : 'error',
      code: f.code,
      message: f.message,
      ...(f.remediation ? { remediation: f.remediation } : {}),
    });
  }

  // 5. Read back.
  const all = await state.loadTotals();
  const recent = await state.loadTotals({ sinceDay: windowStartDay(now, RECENT_WINDOW_DAYS) });
  const usage = buildAgentUsage(all, recent);
  const failure = firstFailure as { code: string; message: string } | null;
  const partial = stats.failed > 0 || relistFailure !== null;
  const reasons: string[] = [];
  if (stats.failed > 0 && failure) {
    reasons.push(
      `${stats.failed} conversation histories could not be read (${failure.code}); they will be retried at the next sync. Agents that started those conversations have no usage figures this sync.`,
    );
  }
  if (relistFailure !== null) {
    reasons.push(
      `a conversation was deleted while the conversations were listed, which can make the listing skip others, and listing them again failed (${relistFailure}); conversations it skipped are missing from the totals until the next sync.`,
    );
  }
  const code = failure && stats.failed > 0 ? failure.code : (relistFailure ?? undefined);
  const availability: FeatureAvailability =
    partial && code !== undefined
      ? {
          status: 'available',
          code,
          message: `Usage is partial: ${reasons.join(' Also, ')}`,
          remediation:
            'Run the sync again; if the failures persist, check the connection and the API key permissions.',
        }
      : { status: 'available' };
  // Never report an undercount as a fact: an agent whose own conversation failed gets null (unknown).
  // An agent reached only by a handoff inside a failed conversation cannot be identified without its
  // history; its figures may then be low until the next sync (docs/metrics.md).
  for (const id of incompleteAgents) usage.delete(id);
  return {
    usage,
    workspace: buildWorkspaceUsage(all),
    stats,
    availability,
    partial,
    warnings,
    incompleteAgentIds: [...incompleteAgents].sort(),
    usageFor: (agentId) => (incompleteAgents.has(agentId) ? null : (usage.get(agentId) ?? emptyAgentUsage())),
  };
}
