/**
 * One discovery pass: connector → plain inventory records (a Snapshot), plus what the store needs to
 * apply it safely (which listings completed). It never renders and never writes anywhere.
 *
 * Feature availability (recorded per sync): each beta feature is 'available', 'unavailable'
 * (beta access not enabled: BETA_ACCESS_REQUIRED) or 'error' (with the message). An invalid key
 * or an unreachable API fails the whole pass (thrown AppError): nothing can be trusted then.
 */
import { isAppError, toAppError } from '../errors/index.ts';
import { toAgentRecord, type LibraryIndex } from '../inventory/agents.ts';
import { toFileRecord } from '../inventory/files.ts';
import { toLibraryRecord } from '../inventory/libraries.ts';
import { toModelRecord } from '../inventory/models.ts';
import { syncStatus, type SyncStatus } from '../inventory/sync-status.ts';
import type {
  AgentRecord,
  Availability,
  DataQualityWarning,
  FeatureAvailability,
  FeatureKey,
  FileRecord,
  IntegrationInfo,
  LibraryRecord,
  ModelRecord,
  ResourceType,
  Snapshot,
  SyncErrorRecord,
} from '../inventory/types.ts';
import type { AdminFeatureKey } from '../inventory/admin.ts';
import type { ListResult, MistralConnector } from '../mistral/types.ts';
import { settleWithConcurrency } from '../shared/concurrency.ts';
import type { WireAgent, WireAgentAlias } from '../shared/mistral-wire.ts';
import type { SyncUsageResult } from '../usage/sync-usage.ts';
import {
  adminFailedInPart,
  discoverAdmin,
  paceFromRateLimit,
  type AdminDiscoverOptions,
} from './discover-admin.ts';
import { discoverExtras } from './discover-extras.ts';
import { NO_PROGRESS, type SyncProgressTracker } from './progress.ts';

/** What the usage step returns (src/usage/sync-usage.ts). */
export type UsageOutcome = Pick<SyncUsageResult, 'usageFor' | 'workspace' | 'availability' | 'warnings'>;

export interface DiscoverOptions {
  connector: MistralConnector;
  now: Date;
  integration?: IntegrationInfo | null;
  /** Runs the usage step; absent = usage not collected ('unavailable'). */
  collectUsage?: () => Promise<UsageOutcome>;
  /** Agents whose versions and aliases are fetched at once. The connector enforces the rate limit. */
  agentConcurrency?: number;
  /** Told as each feature starts, reads and ends (a running sync's progress); none by default. */
  progress?: SyncProgressTracker;
  /**
   * The Admin API through an admin key (issue 11; src/sync/discover-admin.ts). Its rate limit is read
   * first and paces both connectors; its features never fail the rest. null/absent: no admin key
   * (every admin row 'unavailable', ADMIN_KEY_NOT_CONFIGURED).
   */
  admin?: AdminDiscoverOptions | null;
}

export interface DiscoveryResult {
  snapshot: Snapshot;
  /** Per resource type: did its listing run to the end? Only complete listings may mark deletions. */
  complete: Record<ResourceType, boolean>;
  status: SyncStatus;
}

const FATAL_CODES = new Set(['INVALID_API_KEY', 'UNREACHABLE', 'READ_ONLY_VIOLATION']);
const BETA_FEATURES: FeatureKey[] = ['agents', 'libraries', 'usage', 'versions'];

function availabilityOf(e: unknown): FeatureAvailability {
  const err = toAppError(e);
  return {
    status: err.code === 'BETA_ACCESS_REQUIRED' ? 'unavailable' : 'error',
    message: err.message,
    remediation: err.remediation,
    code: err.code,
  };
}

async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (isAppError(error) && FATAL_CODES.has(error.code)) throw error;
    return { ok: false, error };
  }
}

const AVAILABLE: FeatureAvailability = { status: 'available' };

export async function discoverWorkspace(opts: DiscoverOptions): Promise<DiscoveryResult> {
  const { connector, now } = opts;
  const progress = opts.progress ?? NO_PROGRESS;
  const warnings: DataQualityWarning[] = [];
  const availability = {} as Availability;
  // With an admin key, the workspace's real rate limit is read before anything else and paces the
  // connectors to a share of it (default half); without one, the connector keeps its default rate.
  const paced = opts.admin ? await paceFromRateLimit(opts.admin, connector) : undefined;

  /** A whole listing, with its progress: running, then counted (or failed/unavailable) when it ends. */
  const listing = <T>(
    feature: FeatureKey,
    list: () => Promise<ListResult<T>>,
  ): Promise<{ ok: true; value: ListResult<T> } | { ok: false; error: unknown }> => {
    progress.start(feature);
    return attempt(list).then((r) => {
      if (r.ok) progress.end(feature, AVAILABLE, r.value.items.length);
      else progress.end(feature, availabilityOf(r.error), null);
      return r;
    });
  };

  // Non-beta first: they also prove the key works (a 401 aborts everything).
  const [modelsR, filesR] = await Promise.all([
    listing('models', () => connector.listModels()),
    listing('files', () => connector.listFiles()),
  ]);
  const take = <T>(
    r: { ok: true; value: ListResult<T> } | { ok: false; error: unknown },
    feature: FeatureKey,
  ): T[] => {
    if (r.ok) {
      availability[feature] = AVAILABLE;
      warnings.push(...r.value.warnings);
      return r.value.items;
    }
    availability[feature] = availabilityOf(r.error);
    return [];
  };
  const models: ModelRecord[] = take(modelsR, 'models').map((m) => toModelRecord(m, now, warnings));
  const files: FileRecord[] = take(filesR, 'files').map((f) => toFileRecord(f, warnings));

  // Usage (conversations) is the longest step: start it now, alongside the rest of the inventory,
  // so the connector's rate limit stays busy. The key is proven valid at this point.
  if (opts.collectUsage) progress.start('usage', { count: 0 });
  const usagePromise = opts.collectUsage ? attempt(() => opts.collectUsage!()) : null;
  // Awaited below, after version history; its progress ends as soon as it does. A fatal error is re-thrown there.
  usagePromise?.then(
    (r) => {
      // Usage that could not be read has no count (its histories read so far are not used).
      const av = r.ok ? r.value.availability : availabilityOf(r.error);
      progress.end('usage', av, av.status === 'available' ? undefined : null);
    },
    () => undefined,
  );

  // Libraries and agents are listed at once (the rate limit, not the round trips, sets the pace).
  const [librariesR, agentsR] = await Promise.all([
    listing('libraries', () => connector.listLibraries()),
    listing('agents', () => connector.listAgents()),
  ]);
  const libraries: LibraryRecord[] = take(librariesR, 'libraries').map((l) => toLibraryRecord(l, warnings));
  const libraryIndex: LibraryIndex = librariesR.ok ? new Map(libraries.map((l) => [l.id, l])) : null;
  const wireAgents: WireAgent[] = take(agentsR, 'agents');

  // Version history and aliases, per agent.
  let versionsError: unknown = null;
  if (agentsR.ok) progress.start('versions', { count: 0, total: wireAgents.length });
  const perAgent = await settleWithConcurrency(wireAgents, opts.agentConcurrency ?? 8, async (a) => {
    const [versions, aliases] = await Promise.all([
      connector.listAgentVersions(a.id),
      connector.listAgentAliases(a.id),
    ]);
    progress.add('versions');
    return { versions, aliases };
  });
  const history = new Map<string, { versions: WireAgent[]; aliases: WireAgentAlias[] }>();
  perAgent.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      warnings.push(...r.value.versions.warnings, ...r.value.aliases.warnings);
      history.set(wireAgents[i].id, { versions: r.value.versions.items, aliases: r.value.aliases.items });
    } else {
      if (isAppError(r.reason) && FATAL_CODES.has(r.reason.code)) throw r.reason;
      // An agent deleted between the listing and this call is not an error of the feature.
      if (!(isAppError(r.reason) && r.reason.code === 'NOT_FOUND')) versionsError ??= r.reason;
    }
  });
  if (!agentsR.ok) availability.versions = availabilityOf(agentsR.error);
  else if (versionsError) availability.versions = availabilityOf(versionsError);
  else availability.versions = AVAILABLE;
  progress.end('versions', availability.versions);

  // Connectors and library sharing (issue 11) need the agents' tools, not their usage: they are read
  // now, while the usage step still runs, so the rate limit stays busy (their records are built
  // again, with usage, below). Recorded in extraAvailability, never failing the rest.
  const extrasPromise = discoverExtras({
    connector,
    agents: wireAgents.map((a) => {
      const h = history.get(a.id);
      return toAgentRecord(
        { current: a, versions: h?.versions ?? [], aliases: h?.aliases ?? [], usage: null, warnings: [] },
        libraryIndex,
        now,
      );
    }),
    agentsListed: agentsR.ok,
    libraries: librariesR.ok ? libraries : null,
  });
  // A fatal error is thrown where it is awaited, after usage; never an unhandled rejection meanwhile.
  extrasPromise.catch(() => undefined);

  let usage: UsageOutcome | null = null;
  if (!usagePromise) {
    availability.usage = {
      status: 'unavailable',
      message: 'Usage metrics were not collected in this run.',
      remediation: 'Run a full sync to collect usage metrics.',
    };
  } else {
    // A fatal error there ends the pass, once the extras read meanwhile have stopped too.
    const usageR = await usagePromise.catch(async (e: unknown) => {
      await extrasPromise.catch(() => undefined);
      throw e;
    });
    if (usageR.ok) {
      usage = usageR.value;
      warnings.push(...usage.warnings);
      availability.usage = usage.availability;
    } else {
      availability.usage = availabilityOf(usageR.error);
    }
  }
  if (!usagePromise) progress.end('usage', availability.usage, null);
  const usageAvailable = usage !== null && availability.usage.status === 'available';
  // A one-off scan (no integration) keeps nothing: there is no "next sync" to retry at.
  if (!opts.integration) {
    for (const k of Object.keys(availability) as FeatureKey[])
      availability[k] = oneOffWording(availability[k]);
  }

  const agents: AgentRecord[] = wireAgents.map((a) => {
    const h = history.get(a.id);
    return toAgentRecord(
      {
        current: a,
        versions: h?.versions ?? [],
        aliases: h?.aliases ?? [],
        usage: usageAvailable ? usage!.usageFor(a.id) : null,
        warnings: warnings.filter((w) => w.resourceType === 'agent' && w.resourceId === a.id),
      },
      libraryIndex,
      now,
    );
  });

  // Beta access refused after other beta endpoints answered in the same pass was lost mid-sync: a
  // failure of this sync (partial), not the workspace's known state (test/reliability-faults.test.ts).
  if (BETA_FEATURES.some((k) => availability[k].status === 'available')) {
    for (const k of BETA_FEATURES) {
      const av = availability[k];
      if (av.status === 'unavailable' && av.code === 'BETA_ACCESS_REQUIRED') {
        availability[k] = {
          ...av,
          status: 'error',
          message:
            `${av.message ?? ''} Beta access was refused part-way through this sync, after other beta endpoints had answered.`.trim(),
        };
      }
    }
  }

  const extras = await extrasPromise;
  warnings.push(...extras.warnings);
  if (!opts.integration) {
    for (const k of Object.keys(extras.availability) as (keyof typeof extras.availability)[]) {
      const av = extras.availability[k];
      if (av) extras.availability[k] = oneOffWording(av);
    }
  }

  // The admin key's features (issue 11): read after the rest, one after the other, at the same pace.
  const adminR = await discoverAdmin({ admin: opts.admin, now, oneOff: !opts.integration, rateLimit: paced });
  warnings.push(...adminR.warnings);
  for (const [k, av] of Object.entries(adminR.availability) as [AdminFeatureKey, FeatureAvailability][]) {
    extras.availability[k] = opts.integration ? av : oneOffWording(av);
  }

  const errors: SyncErrorRecord[] = [];
  for (const [feature, av] of Object.entries(availability) as [FeatureKey, FeatureAvailability][]) {
    // Not available, or available with a problem to report (partial usage carries a code).
    if (av.status !== 'available' || av.code) {
      errors.push({
        feature,
        code: av.code ?? 'UNAVAILABLE',
        message: av.message ?? `${feature} is not available.`,
        remediation: av.remediation ?? '',
      });
    }
  }

  // A failed read of connectors, library sharing or an admin feature is an error of the run too (an
  // unavailable one is a known state, shown in extraAvailability): the run is partial and says what failed.
  for (const [feature, av] of Object.entries(extras.availability) as [
    keyof typeof extras.availability,
    FeatureAvailability,
  ][]) {
    if (adminFailedInPart(av)) {
      errors.push({
        feature,
        code: av.code ?? 'UNEXPECTED_RESPONSE',
        message: av.message ?? `${feature} could not be read.`,
        remediation: av.remediation ?? '',
      });
    }
  }

  const snapshot: Snapshot = {
    takenAt: now.toISOString(),
    source: { provider: 'mistral', baseUrl: connector.baseUrl },
    integration: opts.integration ?? null,
    availability,
    agents: agents.sort((x, y) => x.id.localeCompare(y.id)),
    models: models.sort((x, y) => x.id.localeCompare(y.id)),
    files: files.sort((x, y) => x.id.localeCompare(y.id)),
    libraries: libraries.sort((x, y) => x.id.localeCompare(y.id)),
    workspaceUsage: usageAvailable ? usage!.workspace : null,
    errors,
    dataQuality: warnings,
    connectors: extras.connectors,
    extraAvailability: extras.availability,
    admin: adminR.admin,
    prompts: extras.prompts,
    skills: extras.skills,
    batchJobs: extras.batchJobs,
  };
  const complete: Record<ResourceType, boolean> = {
    agent: agentsR.ok,
    model: modelsR.ok,
    file: filesR.ok,
    library: librariesR.ok,
  };
  // extras.availability holds the admin and registry features too: a failed read of any makes it partial.
  const status = syncStatus(availability, extras.availability);
  return { snapshot, complete, status };
}

/** A sentence worded for a stored sync, reworded for a one-off scan (which has no next sync). */
export function oneOffText(t: string): string {
  return t
    .replace(/;? ?they will be retried at the next sync/g, '; run the scan again to read them')
    .replace(/the next sync will catch up/g, 'a new scan will catch up')
    .replace(/\bat this sync\b/g, 'in this scan')
    .replace(/\bthis sync\b/g, 'this scan')
    .replace(/\bRun the sync again\b/g, 'Run the scan again');
}

/** The words of a one-off scan: what a stored sync retries later, a scan has to be run again for. */
export function oneOffWording(av: FeatureAvailability): FeatureAvailability {
  const fix = oneOffText;
  return {
    ...av,
    ...(av.message !== undefined ? { message: fix(av.message) } : {}),
    ...(av.remediation !== undefined ? { remediation: fix(av.remediation) } : {}),
  };
}
