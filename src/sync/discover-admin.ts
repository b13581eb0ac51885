/**
 * Discovery through the optional admin key (issue 11, "With an optional admin key"): API keys,
 * members and invitations (with workspaces and role names), the audit log read incrementally, the
 * workspace's real rate limit, and usage and cost of this month and the previous one.
 *
 * Degrades per feature, like discover-extras.ts, and never fails the rest of the sync:
 *  - no admin key: every row 'unavailable' (ADMIN_KEY_NOT_CONFIGURED), saying how to add one;
 *  - the key refused everywhere (401 ADMIN_KEY_INVALID, or 403 ADMIN_KEY_FORBIDDEN: an ordinary key
 *    given as the admin key): every row 'unavailable' with that reason;
 *  - the audit log refused (403) while other admin reads worked: 'unavailable',
 *    AUDIT_LOG_NOT_IN_PLAN (Enterprise plans only); another feature refused alone: 'unavailable';
 *  - any other failure (429s, 5xx, network, a malformed answer): 'error' (the run is partial).
 * A section is null whenever it was not read: never an empty list taken for "none".
 */
import { AppError, toAppError } from '../errors/index.ts';
import {
  ADMIN_FEATURE_KEYS,
  roleNamesOf,
  toApiKeyRecord,
  toAuditEntryRecord,
  auditTimeOf,
  toInviteRecord,
  toMemberRecord,
  toRateLimitRecord,
  toUsageCostRecord,
  toWorkspaceRecord,
  type AdminFeatureKey,
  type AdminInventory,
  type UsageCostRecord,
} from '../inventory/admin.ts';
import type { DataQualityWarning, FeatureAvailability } from '../inventory/types.ts';
import type { MistralAdminConnector, MistralConnector, OneResult } from '../mistral/types.ts';
import type { WireRateLimits } from '../shared/mistral-wire-admin.ts';

/** discover()'s `admin` option: an admin connector holding the admin key, and how to read with it. */
export interface AdminDiscoverOptions {
  connector: MistralAdminConnector;
  /** Audit entries after this time (exclusive): the previous snapshot's admin.auditLog.cursor. */
  auditAfter: string | null;
  /** Start of the look-back window when there is no cursor (default: now − 30 days). */
  auditSince?: string;
  /** Share of the workspace's real request rate to pace to, 0 < share ≤ 1 (default 0.5). */
  rateLimitShare?: number;
  /** The ordinary key masked as Mistral masks it (hiddenKeyOf): tells the integration's own key. */
  integrationKeyHidden?: string;
  /** Audit entries read at most per sync (default 10 000); the rest come next time. */
  auditMaxEntries?: number;
}

export const DEFAULT_RATE_LIMIT_SHARE = 0.5;
export const DEFAULT_AUDIT_LOOKBACK_DAYS = 30;
export const DEFAULT_AUDIT_MAX_ENTRIES = 10_000;

export interface AdminDiscoveryResult {
  admin: AdminInventory;
  availability: Record<AdminFeatureKey, FeatureAvailability>;
  warnings: DataQualityWarning[];
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: AppError };

async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toAppError(e) };
  }
}

const AVAILABLE: FeatureAvailability = { status: 'available' };

const LABEL: Record<AdminFeatureKey, string> = {
  adminApiKeys: "The organization's API keys",
  adminMembers: 'Members, invitations and workspaces',
  auditLog: 'The audit log',
  rateLimit: "The workspace's real rate limit",
  adminUsage: 'Usage and cost per model and month',
};

export const NO_ADMIN_SECTIONS: AdminInventory = {
  apiKeys: null,
  members: null,
  invites: null,
  workspaces: null,
  auditLog: null,
  rateLimit: null,
  usage: null,
};

/** Validates a rate-limit share: a number with 0 < share ≤ 1. */
export function checkRateLimitShare(share: number | undefined): number {
  if (share === undefined) return DEFAULT_RATE_LIMIT_SHARE;
  if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share > 1) {
    throw new AppError(
      'INVALID_INPUT',
      `The rate-limit share must be greater than 0 and at most 1 (got ${String(share)}).`,
      {
        remediation: `Give the share of the workspace's real request rate TrustLens may use, e.g. 0.25 (default ${DEFAULT_RATE_LIMIT_SHARE}: half).`,
        details: { field: 'rateLimitShare' },
      },
    );
  }
  return share;
}

/** Every admin row unavailable because no admin key is configured, worded for a scan or an integration. */
export function adminNotConfigured(oneOff: boolean): Record<AdminFeatureKey, FeatureAvailability> {
  const remediation = oneOff
    ? 'Set MISTRAL_ADMIN_API_KEY or pass --admin-api-key-file FILE to trustlens scan, with an API key of a user who has the Admin role in the organization.'
    : 'Add an admin API key (a key of a user with the Admin role in the organization) to the integration: trustlens integration update <name> --admin-api-key-file FILE.';
  return Object.fromEntries(
    ADMIN_FEATURE_KEYS.map((k) => [
      k,
      {
        status: 'unavailable',
        code: 'ADMIN_KEY_NOT_CONFIGURED',
        message: `${LABEL[k]}: not read, because it takes an admin API key and none is configured.`,
        remediation,
      },
    ]),
  ) as Record<AdminFeatureKey, FeatureAvailability>;
}

/**
 * Reads the real rate limit first and paces both connectors to share × requests_per_second. Run
 * before anything else is read, so that the whole sync keeps to the pace.
 */
export async function paceFromRateLimit(
  admin: AdminDiscoverOptions,
  connector: Pick<MistralConnector, 'setRequestRate'>,
): Promise<{ read: Settled<OneResult<WireRateLimits>>; paced: number | null }> {
  const share = checkRateLimitShare(admin.rateLimitShare);
  const read = await settle(() => admin.connector.getRateLimit());
  if (!read.ok) return { read, paced: null };
  const rps = read.value.item.requests_per_second;
  const paced = Math.round(share * rps * 1000) / 1000;
  connector.setRequestRate?.(paced);
  admin.connector.setRequestRate?.(paced);
  return { read, paced };
}

function failed(k: AdminFeatureKey, err: AppError): FeatureAvailability {
  const refused = err.code === 'ADMIN_KEY_INVALID' || err.code === 'ADMIN_KEY_FORBIDDEN';
  return {
    status: refused ? 'unavailable' : 'error',
    code: err.code,
    message: refused ? err.message : `${LABEL[k]} could not be read: ${err.message}`,
    remediation:
      err.remediation ?? 'Run the sync again; if it keeps failing, check the admin key and the base URL.',
  };
}

export async function discoverAdmin(opts: {
  admin: AdminDiscoverOptions | null | undefined;
  now: Date;
  /** A one-off scan (no stored integration): wording says "scan", and there is no next sync. */
  oneOff: boolean;
  /** The rate limit read (and pacing applied) by paceFromRateLimit; read here when absent. */
  rateLimit?: { read: Settled<OneResult<WireRateLimits>>; paced: number | null };
}): Promise<AdminDiscoveryResult> {
  const { admin, now } = opts;
  if (!admin) {
    return { admin: { ...NO_ADMIN_SECTIONS }, availability: adminNotConfigured(opts.oneOff), warnings: [] };
  }
  const c = admin.connector;
  const warnings: DataQualityWarning[] = [];
  const inventory: AdminInventory = { ...NO_ADMIN_SECTIONS };
  const availability = {} as Record<AdminFeatureKey, FeatureAvailability>;

  const rl = opts.rateLimit ?? { read: await settle(() => c.getRateLimit()), paced: null };
  // An unknown key fails every read the same way: stop at the first 401.
  if (!rl.read.ok && rl.read.error.code === 'ADMIN_KEY_INVALID') {
    const av = {
      ...failed('rateLimit', rl.read.error),
      message: "Mistral's Admin API refused the admin key (HTTP 401): it is unknown, revoked or expired.",
    };
    return {
      admin: inventory,
      availability: Object.fromEntries(ADMIN_FEATURE_KEYS.map((k) => [k, av])) as typeof availability,
      warnings,
    };
  }

  // Read one after the other: the ordinary discovery is done, so the pace is the admin connector's alone.
  const keys = await settle(() => c.listApiKeys());
  const roles = await settle(() => c.getRoles());
  const users = await settle(() => c.listUsers());
  const workspaces = await settle(() => c.listWorkspaces());
  const since =
    admin.auditSince ?? new Date(now.getTime() - DEFAULT_AUDIT_LOOKBACK_DAYS * 86_400_000).toISOString();
  const maxEntries = admin.auditMaxEntries ?? DEFAULT_AUDIT_MAX_ENTRIES;
  const audit = await settle(() => c.listAuditLogs({ after: admin.auditAfter, since, maxEntries }));
  const months = [0, 1].map((back) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
  });
  const usage: Settled<OneResult<Record<string, unknown>>>[] = [];
  for (const m of months) usage.push(await settle(() => c.getUsage(m.year, m.month)));

  const results: Record<AdminFeatureKey, Settled<unknown>[]> = {
    adminApiKeys: [keys],
    adminMembers: [users],
    auditLog: [audit],
    rateLimit: [rl.read],
    adminUsage: usage,
  };
  const errorsOf = (list: Settled<unknown>[]): AppError[] => list.flatMap((r) => (r.ok ? [] : [r.error]));
  const all = Object.values(results).flat();
  const refusedEverywhere = (code: string): boolean => all.every((r) => !r.ok && r.error.code === code);
  for (const code of ['ADMIN_KEY_INVALID', 'ADMIN_KEY_FORBIDDEN']) {
    if (refusedEverywhere(code)) {
      const err = errorsOf(all)[0];
      const message =
        code === 'ADMIN_KEY_INVALID'
          ? "Mistral's Admin API refused the admin key (HTTP 401): it is unknown, revoked or expired."
          : "Mistral's Admin API refused the admin key on every route (HTTP 403): it is not an admin key (an ordinary workspace key, or a key of a user without the Admin role), or the organization has no Admin API access.";
      for (const k of ADMIN_FEATURE_KEYS) availability[k] = { ...failed(k, err), message };
      return { admin: inventory, availability, warnings };
    }
  }
  const anyWorked = all.some((r) => r.ok);

  // API keys.
  if (keys.ok) {
    warnings.push(...keys.value.warnings);
    inventory.apiKeys = keptOrCounted(
      keys.value.items,
      (k) =>
        toApiKeyRecord(k, { integrationKeyHidden: admin.integrationKeyHidden, warnings, sink: warnings }),
      { resourceType: 'apiKey', endpoint: '/v1/admin/api-keys', idField: 'key_id' },
      warnings,
    );
    availability.adminApiKeys = AVAILABLE;
  } else availability.adminApiKeys = failed('adminApiKeys', keys.error);

  // Members and invitations, with the role names and workspaces.
  if (users.ok) {
    warnings.push(...users.value.warnings);
    if (roles.ok) warnings.push(...roles.value.warnings);
    const names = roleNamesOf(roles.ok ? roles.value.item : null);
    inventory.members = keptOrCounted(
      users.value.members,
      (m) => toMemberRecord(m, names),
      { resourceType: 'member', endpoint: '/v1/admin/users', idField: 'uuid' },
      warnings,
    );
    inventory.invites = keptOrCounted(
      users.value.invites,
      (i) => toInviteRecord(i, names),
      { resourceType: 'invite', endpoint: '/v1/admin/users', idField: 'uuid' },
      warnings,
    );
    const problems: string[] = [];
    let first: AppError | null = null;
    if (!roles.ok) {
      problems.push(
        `the organization's roles could not be read (${roles.error.message}), so only the "A" role letter counts as admin`,
      );
      first = roles.error;
    }
    if (workspaces.ok) {
      warnings.push(...workspaces.value.warnings);
      inventory.workspaces = workspaces.value.items
        .map(toWorkspaceRecord)
        .filter((w) => w !== null)
        .sort((a, b) => a.id.localeCompare(b.id));
    } else {
      problems.push(`the workspaces could not be read (${workspaces.error.message})`);
      first ??= workspaces.error;
    }
    availability.adminMembers = first
      ? {
          status: 'available',
          code: first.code,
          message: `Members and invitations were read, but ${problems.join('; and ')}.`,
          remediation: first.remediation ?? 'Run the sync again.',
        }
      : AVAILABLE;
  } else availability.adminMembers = failed('adminMembers', users.error);

  // The audit log.
  if (audit.ok) {
    warnings.push(...audit.value.warnings);
    const entries = audit.value.items.map((e) => toAuditEntryRecord(e, warnings)).filter((e) => e !== null);
    // The cursor: the time of the last entry read whose time parses (an unparsable one is left out).
    const last =
      [...audit.value.items].reverse().find((e) => auditTimeOf(e.created_at) !== null)?.created_at ?? null;
    inventory.auditLog = {
      entries,
      after: admin.auditAfter,
      cursor: last ?? admin.auditAfter,
      truncated: audit.value.truncated,
    };
    availability.auditLog = audit.value.truncated
      ? {
          status: 'available',
          message: opts.oneOff
            ? `The audit log holds more than ${maxEntries} entries since ${admin.auditAfter ?? since}; the oldest ${entries.length} were read.`
            : `The audit log holds more than ${maxEntries} entries since ${admin.auditAfter ?? since}; the oldest ${entries.length} were read, and the rest are read at the next syncs.`,
        }
      : AVAILABLE;
  } else if (audit.error.code === 'ADMIN_KEY_FORBIDDEN' && anyWorked) {
    availability.auditLog = {
      status: 'unavailable',
      code: 'AUDIT_LOG_NOT_IN_PLAN',
      message:
        "Mistral refused the audit log (HTTP 403) while the admin key's other reads worked: audit logs are available on Mistral's Enterprise plans.",
      remediation:
        "Audit logs are available on Mistral's Enterprise plans: upgrade the organization's plan to have TrustLens read them. Everything else the admin key shows is read.",
    };
  } else availability.auditLog = failed('auditLog', audit.error);

  // The rate limit (already applied to the pace when read first).
  if (rl.read.ok) {
    warnings.push(...rl.read.value.warnings);
    inventory.rateLimit = toRateLimitRecord(rl.read.value.item, rl.paced);
    availability.rateLimit = AVAILABLE;
  } else availability.rateLimit = failed('rateLimit', rl.read.error);

  // Usage and cost: this month, then the previous one.
  const read: UsageCostRecord[] = [];
  usage.forEach((r, i) => {
    if (r.ok) read.push(toUsageCostRecord(r.value.item, months[i].year, months[i].month));
  });
  const usageError = errorsOf(usage)[0];
  if (!usageError) {
    inventory.usage = read;
    availability.adminUsage = AVAILABLE;
  } else if (read.length > 0) {
    inventory.usage = read;
    availability.adminUsage = {
      status: 'available',
      code: usageError.code,
      message: `Usage and cost were read for ${read.map((u) => `${u.year}-${String(u.month).padStart(2, '0')}`).join(', ')} only: ${usageError.message}`,
      remediation: usageError.remediation ?? 'Run the sync again.',
    };
  } else availability.adminUsage = failed('adminUsage', usageError);

  // Any admin feature refused alone (a plan without it): unavailable, said so.
  for (const k of ADMIN_FEATURE_KEYS) {
    const av = availability[k];
    if (av.status === 'unavailable' && av.code === 'ADMIN_KEY_FORBIDDEN') {
      availability[k] = {
        ...av,
        message: `${LABEL[k]} was refused to the admin key (HTTP 403) while its other reads worked: the organization's plan or the key's role may not include it.`,
      };
    }
  }
  return { admin: inventory, availability, warnings };
}

/** Whether an admin row failed in a way that makes the run partial (an error, or read in part). */
export function adminFailedInPart(av: FeatureAvailability): boolean {
  return av.status === 'error' || (av.status === 'available' && av.code !== undefined);
}

/**
 * The records made from `items`, sorted by id; each item with no usable id is left out and counted
 * by one warning marked `leftOut` (whatever the SDK said about it), so a rule never passes on a
 * section while records of it went unseen.
 */
function keptOrCounted<W, R extends { id: string }>(
  items: readonly W[],
  make: (w: W) => R | null,
  where: { resourceType: 'apiKey' | 'member' | 'invite'; endpoint: string; idField: string },
  sink: DataQualityWarning[],
): R[] {
  const kept: R[] = [];
  for (const w of items) {
    const r = make(w);
    if (r !== null) {
      kept.push(r);
      continue;
    }
    const raw = (w as Record<string, unknown> | null)?.[where.idField];
    sink.push({
      resourceType: where.resourceType,
      resourceId: typeof raw === 'string' || typeof raw === 'number' ? String(raw).slice(0, 100) : null,
      endpoint: where.endpoint,
      issue: `${where.idField}: missing or not a string, so the record was left out`,
      leftOut: true,
    });
  }
  return kept.sort((a, b) => a.id.localeCompare(b.id));
}
