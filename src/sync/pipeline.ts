/**
 * The pipeline shared by `trustlens scan` and a server sync: discovery (with incremental usage)
 * followed by the rules. Callers differ only in where the result goes: stdout, or the store.
 */
import type { IntegrationInfo, Snapshot } from '../inventory/types.ts';
import type { RuleResult } from '../findings/types.ts';
import type { MistralConnector } from '../mistral/types.ts';
import { evaluateAll } from '../rules/catalog.ts';
import type { UsageStateStore } from '../usage/types.ts';
import { syncUsage, type UsageConnector } from '../usage/sync-usage.ts';
import { discoverWorkspace, oneOffText, type DiscoveryResult } from './discover.ts';
import { NO_PROGRESS, type SyncProgressTracker } from './progress.ts';
import type { AdminDiscoveryOptions } from './admin-options.ts';

export interface PipelineOptions {
  connector: MistralConnector;
  now: Date;
  integration?: IntegrationInfo | null;
  /** Incremental usage state: in memory for a one-shot scan, SQL for the server. */
  usageState: UsageStateStore;
  /** The previous snapshot of the same integration (drift-based rules), if any. */
  previous?: Snapshot | null;
  historyConcurrency?: number;
  /** A running sync's progress per feature (src/sync/progress.ts); none by default. */
  progress?: SyncProgressTracker;
  /** The Admin API through an admin key (issue 11); null/absent: no admin key, admin rows unavailable. */
  admin?: AdminDiscoveryOptions | null;
}

export interface PipelineResult extends DiscoveryResult {
  results: RuleResult[];
  /** Rules that threw (a bug): reported UNKNOWN, and their findings left as they were. */
  erroredRuleIds: string[];
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const progress = opts.progress ?? NO_PROGRESS;
  const { connector } = opts;
  const discovery = await discoverWorkspace({
    connector,
    now: opts.now,
    integration: opts.integration ?? null,
    progress,
    admin: opts.admin ?? null,
    collectUsage: () =>
      syncUsage({
        // Each conversation history read counts towards the usage feature's progress.
        connector: {
          // Streams the listing's pages when the connector does (the histories start as they arrive).
          listConversations: listConversationsOf(connector),
          getConversationHistory: async (id) => {
            const r = await connector.getConversationHistory(id);
            progress.add('usage');
            return r;
          },
        },
        state: opts.usageState,
        now: opts.now,
        concurrency: opts.historyConcurrency,
      }),
  });
  const erroredRuleIds: string[] = [];
  const evaluated = evaluateAll(
    { snapshot: discovery.snapshot, previous: opts.previous ?? null, now: opts.now },
    { onRuleError: (ruleId) => erroredRuleIds.push(ruleId) },
  );
  // Rules word their details for a stored sync ("at this sync"); a one-off scan has no sync.
  const results = opts.integration
    ? evaluated
    : evaluated.map((r) => ({ ...r, detail: oneOffText(r.detail) }));
  return { ...discovery, results, erroredRuleIds };
}

/** The connector's listing, with its page stream when it has one (an older connector ignores the option). */
function listConversationsOf(connector: MistralConnector): UsageConnector['listConversations'] {
  const list: UsageConnector['listConversations'] = connector.listConversations.bind(connector);
  return list;
}
