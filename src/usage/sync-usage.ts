/**
 * Incremental usage sync (docs/metrics.md § Incremental sync).
 *
 * 1. List every conversation (cheap pages).
 * 2. Fetch the history ONLY of conversations that are new or whose updated_at changed, through a
 *    bounded pool (the connector owns the rate limit; the pool keeps it busy).
 * 3. Replace each fetched conversation's rows; remove vanished conversations: absent from the listing
 *    AND answering NOT_FOUND when their history is asked for (a listing whose pages shift while it is
 *    read — a deletion on an earlier page — can skip a conversation that still exists), or NOT_FOUND
 *    when a listed one's history is fetched. When a deletion was seen, the conversations are listed
 *    once more, so that one the shifted pages skipped — a new one too — is read in this sync.
 * 4. Commit in batches: the stored state only moves forward for what was committed. A history that
 *    fails (other than NOT_FOUND) keeps its old state and rows, so it is retried at the next sync.
 * 5. Read the totals back and turn them into per-agent and workspace usage.
 *
 * Without beta access (BETA_ACCESS_REQUIRED from the listing) usage is 'unavailable' and every
 * agent's usage is null, never zeros.
 */
import { isAppError, toAppError } from '../errors/app-error.ts';
import type {
  AgentUsage,
  DataQualityWarning,
  FeatureAvailability,
  WorkspaceUsage,
} from '../inventory/types.ts';
import type { MistralConnector } from '../mistral/types.ts';
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

export type UsageConnector = Pick<MistralConnector, 'listConversations' | 'getConversationHistory'>;

export interface UsageLogEvent {
  level: 'debug' | 'info' | 'warn';
  msg: string;
  [key: string]: unknown;
}

export interface SyncUsageOptions {
  connector: UsageConnector;
  state: UsageStateStore;
  /** History fetches in flight at once (default 32). The connector's rate limit still applies. */
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
  /** True when some histories failed: totals miss (new) or keep the previous state of (changed) those. */
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
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 32));
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

  // 1. List.
  let listed: WireConversation[];
  try {
    const result = await connector.listConversations();
    listed = result.items;
    warnings.push(...result.warnings);
  } catch (e) {
    const err = toAppError(e);
    const status = err.code === 'BETA_ACCESS_REQUIRED' ? 'unavailable' : 'error';
    log({ level: 'warn', msg: 'usage: listing conversations failed', code: err.code, status });
    return unknownResult({
      status,
      code: err.code,
      message: err.message,
      ...(err.remediation ? { remediation: err.remediation } : {}),
    });
  }

  // Pages may shift while listing: keep one record per id, the most recently updated.
  const byId = new Map<string, WireConversation>();
  for (const c of listed) {
    if (!c || typeof c !== 'object' || typeof c.id !== 'string' || c.id === '') continue;
    const prev = byId.get(c.id);
    if (!prev || Date.parse(c.updated_at) > Date.parse(prev.updated_at)) byId.set(c.id, c);
  }
  stats.listed = byId.size;

  // 2. Decide what to fetch and what vanished.
  const known: Map<string, ConversationState> = await state.loadConversationStates();
  const toFetch: WireConversation[] = [];
  for (const c of byId.values()) {
    const prev = known.get(c.id);
    if (prev && prev.updatedAt === c.updated_at) stats.unchanged++;
    else toFetch.push(c);
  }
  const vanished = [...known.keys()].filter((id) => !byId.has(id));

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

  // A stored conversation missing from the listing leaves the totals only when the API says it is gone.
  // One that still answers keeps its stored state until the listing shows it again (its new entries, if
  // any, are read then); one that cannot be asked keeps it too, and the usage is partial.
  let nextVanished = 0;
  const confirmGone = async (): Promise<void> => {
    while (nextVanished < vanished.length && fatal === null) {
      const id = vanished[nextVanished++];
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
          pendingRemovals.push(id);
          continue;
        }
        const err = toAppError(e);
        stats.failed++;
        firstFailure ??= { code: err.code, message: err.message };
        if (FATAL_CODES.has(err.code) && fatal === null) {
          fatal = {
            code: err.code,
            message: err.message,
            ...(err.remediation ? { remediation: err.remediation } : {}),
          };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, vanished.length) }, () => confirmGone()));

  // A conversation deleted while the listing was read shifts the later pages by one, so the listing
  // may have skipped one that exists — possibly a new one, which nothing else would reveal (the
  // listing has no total). A deletion was seen: list once more and take in what the first pass missed.
  // This costs one more listing only in syncs that saw a deletion.
  if (stats.removed > 0 && fatal === null) {
    try {
      const again = await connector.listConversations();
      warnings.push(...again.warnings);
      let recovered = 0;
      for (const c of again.items) {
        if (!c || typeof c !== 'object' || typeof c.id !== 'string' || c.id === '' || byId.has(c.id))
          continue;
        if (pendingRemovals.includes(c.id)) continue;
        byId.set(c.id, c);
        stats.listed++;
        recovered++;
        const prev = known.get(c.id);
        if (prev && prev.updatedAt === c.updated_at) stats.unchanged++;
        else toFetch.push(c);
      }
      if (recovered > 0)
        log({
          level: 'warn',
          msg: 'usage: listing again after a deletion found conversations the first pass skipped',
          recovered,
        });
    } catch (e) {
      // The first listing stands; what it skipped is read at the next sync, as before.
      const err = toAppError(e);
      log({ level: 'warn', msg: 'usage: listing again after a deletion failed', code: err.code });
    }
  }

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toFetch.length && fatal === null) {
      const conversation = toFetch[next++];
      try {
        const { item, warnings: w } = await connector.getConversationHistory(conversation.id);
        warnings.push(...w);
        const entries: WireEntry[] = Array.isArray(item?.entries) ? item.entries : [];
        const contribution = conversationContribution(conversation, entries);
        const flags = contribution.flags;
        if (flags && (flags.negativeLatency > 0 || flags.undatedEntries > 0)) {
          log({
            level: 'warn',
            msg: 'usage: entries with unusable times',
            conversationId: conversation.id,
            ...flags,
          });
        }
        pendingUpserts.push(contribution);
      } catch (e) {
        if (isAppError(e) && e.code === 'NOT_FOUND') {
          // Deleted between the listing and the fetch: it leaves the totals.
          stats.removed++;
          if (known.has(conversation.id)) pendingRemovals.push(conversation.id);
        } else {
          const err = toAppError(e);
          stats.failed++;
          const starter = (conversation as { agent_id?: unknown }).agent_id;
          if (typeof starter === 'string' && starter) incompleteAgents.add(starter);
          firstFailure ??= { code: err.code, message: err.message };
          log({
            level: 'warn',
            msg: 'usage: history fetch failed',
            conversationId: conversation.id,
            code: err.code,
          });
          if (FATAL_CODES.has(err.code) && fatal === null) {
            fatal = {
              code: err.code,
              message: err.message,
              ...(err.remediation ? { remediation: err.remediation } : {}),
            };
          }
        }
      }
      if (pendingUpserts.length >= batchSize) await flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, toFetch.length) }, () => worker()));
  if (fatal !== null) stats.failed += toFetch.length - next; // never attempted
  await flush();

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
  const partial = stats.failed > 0;
  const failure = firstFailure as { code: string; message: string } | null;
  const availability: FeatureAvailability =
    partial && failure
      ? {
          status: 'available',
          code: failure.code,
          message: `Usage is partial: ${stats.failed} conversation histories could not be read (${failure.code}); they will be retried at the next sync. Agents that started those conversations have no usage figures this sync.`,
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
