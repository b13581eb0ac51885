/**
 * Findings as a use case: list (filters, keyset pages), one finding with its remediation and mute
 * history, mute and unmute (analyst or admin; audited; every change kept in finding_mute_history).
 *
 * Field names: `ruleId`, `severity`, `resourceType`, `resourceId`, `resourceName`, `title`, `detail`,
 * `remediation` (text) and `evidence` are the scan JSON's. `status` is the finding's lifecycle
 * (open | resolved) and `lastStatus` the last check verdict (FAIL | UNKNOWN | PASS), which the scan JSON
 * calls `status` on its findings (a scan has no lifecycle).
 */
import { AppError } from '../errors/index.ts';
import { isMuted, MUTE_REASON_MAX_LENGTH } from '../findings/mute.ts';
import type { CheckStatus, FindingMute, RuleMeta, Severity } from '../findings/types.ts';
import { SEVERITIES } from '../findings/types.ts';
import { FRAMEWORKS } from '../rules/frameworks/index.ts';
import { getRule, ruleMetas } from '../rules/catalog.ts';
import type { FindingRow, IntegrationView, MuteHistoryEntry, Store } from '../store/index.ts';
import type { AuditService } from './audit.ts';
import { canSee, requireRole, type Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';
import { cachedIntegrationLookups, ReadCache } from './read-cache.ts';
import { checkChoice, checkLimit, checkString, integrationsInScope, invalid } from './read-scope.ts';

export const FINDING_RESOURCE_TYPES = ['agent', 'model', 'file', 'library', 'integration'] as const;

export interface ListFindingsQuery {
  integrationId?: string;
  /** Default 'open'. */
  status?: 'open' | 'resolved' | 'all';
  severity?: Severity[];
  ruleId?: string;
  resourceType?: (typeof FINDING_RESOURCE_TYPES)[number];
  resourceId?: string;
  /** A framework id of the catalog (owasp-llm-2025, …), or "framework:requirement" (owasp-llm-2025:LLM01). */
  framework?: string;
  /** Default 'exclude': active mutes hidden. */
  muted?: 'exclude' | 'include' | 'only';
  cursor?: string;
  limit?: number;
}

export interface FindingView {
  id: string;
  integrationId: string;
  ruleId: string;
  severity: Severity;
  resourceType: FindingRow['resourceType'];
  resourceId: string;
  resourceName: string | null;
  status: 'open' | 'resolved';
  lastStatus: CheckStatus;
  title: string;
  detail: string;
  /** The rule's remediation text (as in the scan JSON). */
  remediation: string;
  evidence: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  reopenCount: number;
  /** True while a mute is set and not expired. */
  muted: boolean;
  /** The current mute record (kept after it expires), or null. */
  mute: FindingMute | null;
}

export interface FindingDetail extends FindingView {
  remediationDetails: {
    text: string;
    /** The ready PATCH /v1/agents/{agent_id} body, when the rule gives one (TrustLens never sends it). */
    patchAgentBody: Record<string, unknown> | null;
    consoleSteps: string[];
    references: string[];
  };
  risk: string | null;
  compliance: RuleMeta['compliance'];
  /** Every mute and unmute, oldest first. */
  muteHistory: MuteHistoryEntry[];
}

export interface MuteRequestBody {
  reason: string;
  /** 'YYYY-MM-DD' (a real date: muted to the end of that day, UTC) or a full ISO timestamp in the future. */
  expiresAt?: string | null;
  /** Replace an active mute (otherwise CONFLICT). */
  replace?: boolean;
}

export interface FindingsService {
  list(actor: Actor, query?: ListFindingsQuery): Promise<Page<FindingView>>;
  get(actor: Actor, id: string): Promise<FindingDetail>;
  mute(actor: Actor, id: string, body: MuteRequestBody): Promise<FindingDetail>;
  unmute(actor: Actor, id: string): Promise<FindingDetail>;
}

export interface FindingsServiceDeps {
  store: Pick<Store, 'integrations' | 'queries' | 'findings' | 'transaction'>;
  audit: AuditService;
  now?: () => Date;
  /** Pages kept in memory until a sync, a mute, an unmute or a mute expiry changes them (default 1,000; 0: none). */
  cacheEntries?: number;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

interface FindingCursor {
  r: number;
  rule: string;
  res: string;
  id: string;
}
const isFindingCursor = (v: unknown): v is FindingCursor =>
  typeof v === 'object' &&
  v !== null &&
  Number.isInteger((v as FindingCursor).r) &&
  (v as FindingCursor).r >= 0 &&
  (v as FindingCursor).r <= 4 &&
  typeof (v as FindingCursor).rule === 'string' &&
  typeof (v as FindingCursor).res === 'string' &&
  typeof (v as FindingCursor).id === 'string';

function findingNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No finding "${id}".`, {
    remediation: 'List the findings (GET /api/v1/findings) to find the id.',
  });
}

export function toFindingView(f: FindingRow, now: Date): FindingView {
  return {
    id: f.id,
    integrationId: f.integrationId,
    ruleId: f.ruleId,
    severity: f.severity,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName,
    status: f.status,
    lastStatus: f.lastStatus,
    title: f.title,
    detail: f.detail,
    remediation: getRule(f.ruleId)?.meta.remediation.text ?? '',
    evidence: f.evidence,
    firstSeenAt: f.firstSeenAt,
    lastSeenAt: f.lastSeenAt,
    resolvedAt: f.resolvedAt,
    reopenCount: f.reopenCount,
    muted: isMuted(f, now),
    mute: f.mute,
  };
}

/** Rule ids mapped to a framework ("owasp-llm-2025") or one of its requirements ("owasp-llm-2025:LLM01"). */
export function ruleIdsForFramework(framework: string): string[] {
  const [key, requirement] = framework.split(/:(.*)/s, 2);
  if (!Object.prototype.hasOwnProperty.call(FRAMEWORKS, key)) {
    const keys = Object.keys(FRAMEWORKS);
    throw invalid(
      'framework',
      `Unknown framework "${framework}".`,
      `Use one of ${keys.join(', ')}, optionally with a requirement (e.g. owasp-llm-2025:LLM01).`,
    );
  }
  return ruleMetas()
    .filter((m) =>
      m.compliance.some((c) => c.framework === key && (requirement === undefined || c.id === requirement)),
    )
    .map((m) => m.id);
}

/**
 * A mute expiry: 'YYYY-MM-DD' that exists → the end of that day (UTC); or a full ISO 8601 timestamp
 * with a zone. Either must be in the future. null/undefined → no expiry.
 */
export function parseMuteExpiry(value: unknown, now: Date): string | null {
  if (value === undefined || value === null) return null;
  const bad = (message: string) =>
    invalid(
      'expiresAt',
      message,
      'Use a date such as 2026-12-31 (muted until the end of that day, UTC) or a future ISO timestamp such as 2026-12-31T18:00:00Z, or omit it to mute until unmuted.',
    );
  if (typeof value !== 'string') throw bad('expiresAt must be a date or a timestamp.');
  let ms: number;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      throw bad(`${value} is not a date that exists.`);
    }
    ms = start + 86_400_000 - 1;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    ms = Date.parse(value);
    if (Number.isNaN(ms)) throw bad(`${value} is not a valid timestamp.`);
  } else {
    throw bad('expiresAt must be a date (YYYY-MM-DD) or a full ISO 8601 timestamp with a time zone.');
  }
  if (ms <= now.getTime()) throw bad('The mute expiry is in the past.');
  return new Date(ms).toISOString();
}

export function createFindingsService(deps: FindingsServiceDeps): FindingsService {
  const now = deps.now ?? (() => new Date());
  const store = deps.store;
  const pages = new ReadCache(deps.cacheEntries ?? 1000);
  // Lookups for reads only (src/services/read-cache.ts): at most INTEGRATION_LOOKUP_TTL_MS old.
  const lookups = { integrations: cachedIntegrationLookups(store.integrations) };

  async function load(actor: Actor, id: string): Promise<{ row: FindingRow; integ: IntegrationView }> {
    if (typeof id !== 'string' || id === '') throw invalid('id', 'A finding id is required.', 'Pass the id.');
    const state = await store.findings.get(id);
    if (!state) throw findingNotFound(id);
    const integ = await store.integrations.get(state.integrationId);
    if (!integ || !canSee(actor, integ.organizationId)) throw findingNotFound(id);
    return { row: state, integ };
  }

  async function detail(row: FindingRow): Promise<FindingDetail> {
    const meta = getRule(row.ruleId)?.meta;
    return {
      ...toFindingView(row, now()),
      remediationDetails: {
        text: meta?.remediation.text ?? '',
        patchAgentBody: meta?.remediation.patchAgentBody ?? null,
        consoleSteps: meta?.remediation.consoleSteps ?? [],
        references: meta?.references ?? [],
      },
      risk: meta?.risk ?? null,
      compliance: meta?.compliance ?? [],
      muteHistory: await store.queries.muteHistory(row.id),
    };
  }

  return {
    async list(actor, query = {}) {
      const status = checkChoice('status', query.status, ['open', 'resolved', 'all'] as const) ?? 'open';
      const muted = checkChoice('muted', query.muted, ['exclude', 'include', 'only'] as const) ?? 'exclude';
      let severities: Severity[] | undefined;
      if (query.severity !== undefined) {
        const list = Array.isArray(query.severity) ? query.severity : [query.severity];
        for (const s of list) checkChoice('severity', s, SEVERITIES);
        severities = list;
      }
      const ruleId = checkString('ruleId', query.ruleId, 200);
      const resourceType = checkChoice('resourceType', query.resourceType, FINDING_RESOURCE_TYPES);
      const resourceId = checkString('resourceId', query.resourceId, 500);
      const framework = checkString('framework', query.framework, 200);
      const limit = clampLimit(checkLimit(query.limit));
      const after = decodeCursor(query.cursor, isFindingCursor);
      let ruleIds: string[] | undefined = ruleId !== undefined ? [ruleId] : undefined;
      if (framework !== undefined) {
        const mapped = ruleIdsForFramework(framework);
        ruleIds = ruleIds ? ruleIds.filter((r) => mapped.includes(r)) : mapped;
      }
      const integrations = await integrationsInScope(lookups, actor, query.integrationId);
      if (integrations.length === 0 || (ruleIds && ruleIds.length === 0))
        return { items: [], nextCursor: null };
      const at = now();
      const ids = integrations.map((i) => i.id);
      // A page changes only with a sync (latest finished run), a mute or unmute (mute sequence) and a
      // mute expiry: keyed by the first two (checked on every call), kept until the third.
      const versions = await Promise.all(ids.map((id) => store.queries.version(id)));
      const key = JSON.stringify([
        ids,
        versions.map((v) => [v.latestRunId, v.latestRunState, v.muteSeq]),
        [status, muted, severities, ruleIds, resourceType, resourceId, after, limit],
      ]);
      const cached = await pages.get(
        key,
        at.getTime(),
        async () => {
          const rows = await store.queries.findings({
            integrationIds: ids,
            status,
            severities,
            ruleIds,
            resourceType,
            resourceId,
            muted,
            now: at.toISOString(),
            after: after ? { rank: after.r, ruleId: after.rule, resourceId: after.res, id: after.id } : null,
            limit: limit + 1,
          });
          const expiries = await Promise.all(
            ids.map((id) => store.queries.nextMuteExpiry(id, at.toISOString())),
          );
          const validUntil = Math.min(...expiries.map((e) => (e === null ? Infinity : Date.parse(e))));
          const page = rows.slice(0, limit);
          const last = page[page.length - 1];
          const result: Page<FindingView> = {
            items: page.map((f) => toFindingView(f, at)),
            nextCursor:
              rows.length > limit && last
                ? encodeCursor({
                    r: SEVERITY_RANK[last.severity],
                    rule: last.ruleId,
                    res: last.resourceId,
                    id: last.id,
                  })
                : null,
          };
          return { result, validUntil };
        },
        (v) => v.validUntil,
      );
      return cached.result;
    },

    async get(actor, id) {
      return detail((await load(actor, id)).row);
    },

    async mute(actor, id, body) {
      requireRole(actor, 'analyst');
      const { row, integ } = await load(actor, id);
      const at = now();
      if (typeof body !== 'object' || body === null) {
        throw invalid('reason', 'A mute needs a reason.', 'Send {"reason": "…", "expiresAt": "YYYY-MM-DD"}.');
      }
      if (typeof body.reason !== 'string' || body.reason.trim() === '') {
        throw invalid(
          'reason',
          'A mute needs a reason.',
          'Say why this risk is accepted (for example: "test agent, no user data").',
        );
      }
      if (body.reason.trim().length > MUTE_REASON_MAX_LENGTH) {
        throw invalid(
          'reason',
          `The mute reason is longer than ${MUTE_REASON_MAX_LENGTH} characters.`,
          'Shorten the reason.',
        );
      }
      const expiresAt = parseMuteExpiry(body.expiresAt, at);
      if (body.replace !== undefined && typeof body.replace !== 'boolean') {
        throw invalid(
          'replace',
          'replace must be true or false.',
          'Pass replace: true to replace an active mute.',
        );
      }
      const updated = await store.transaction(async (tx) => {
        const current = await tx.findings.get(row.id);
        if (!current) throw findingNotFound(id);
        if (isMuted(current, at) && body.replace !== true) {
          throw new AppError('CONFLICT', 'This finding is already muted.', {
            details: { mute: current.mute },
            remediation: 'Send replace: true to replace the current mute, or unmute it first.',
          });
        }
        const state = await tx.findings.mute(row.id, {
          reason: body.reason,
          by: actor.label,
          expiresAt,
          at: at.toISOString(),
        });
        await tx.queries.appendMuteHistory(row.id, {
          action: 'mute',
          at: at.toISOString(),
          by: actor.label,
          reason: state.mute?.reason ?? body.reason.trim(),
          expiresAt,
        });
        return state;
      });
      await deps.audit.record(
        actor,
        'finding.mute',
        { type: 'finding', id: row.id },
        { reason: updated.mute?.reason, expiresAt, replaced: row.mute !== null && isMuted(row, at) },
        { organizationId: integ.organizationId },
      );
      return detail(updated);
    },

    async unmute(actor, id) {
      requireRole(actor, 'analyst');
      const { row, integ } = await load(actor, id);
      const at = now();
      if (row.mute === null) return detail(row);
      const updated = await store.transaction(async (tx) => {
        const state = await tx.findings.unmute(row.id);
        await tx.queries.appendMuteHistory(row.id, {
          action: 'unmute',
          at: at.toISOString(),
          by: actor.label,
          reason: null,
          expiresAt: null,
        });
        return state;
      });
      await deps.audit.record(
        actor,
        'finding.unmute',
        { type: 'finding', id: row.id },
        { previousReason: row.mute.reason },
        { organizationId: integ.organizationId },
      );
      return detail(updated);
    },
  };
}
