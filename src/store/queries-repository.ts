/**
 * Read-side queries for the API's lists and views (src/services/inventory, findings, events, posture).
 * Everything here is read-only except the mute history (appended next to a mute or unmute).
 *
 * Agent lists read a few extracted jsonb fields, never whole records (version history and instructions
 * stay in the database); the services cache the result per integration until the next sync.
 */
import type {
  AgentStatus,
  DataQualityWarning,
  KnowledgeBaseRef,
  NormalizedGuardrailPolicy,
  ResourceType,
} from '../inventory/types.ts';
import type { WireTool } from '../shared/mistral-wire.ts';
import type {
  ChangeAttribution,
  ChangeTarget,
  CheckStatus,
  FindingResourceType,
  FindingState,
  FindingStatus,
  Severity,
} from '../findings/types.ts';
import type { Database } from './database.ts';
import { LAST_SEEN_SQL, toFindingState, type FindingDbRow } from './findings-repository.ts';
import type { InventoryData, InventoryEntry } from './inventory-repository.ts';
import { iso, isoOrNull } from './sql-values.ts';

/** The fields of an agent record that lists need (no instructions, no version history). */
export interface AgentListRow {
  id: string;
  name: string | null;
  model: string | null;
  tools: WireTool[];
  knowledgeBases: KnowledgeBaseRef[];
  /** null when the agent has no guardrails. */
  guardrailPolicyCount: number | null;
  guardrailPolicies: NormalizedGuardrailPolicy[];
  dataQuality: DataQualityWarning[];
  status: AgentStatus | null;
  /** false when usage was unavailable for the agent (agent.usage null). */
  hasUsage: boolean;
  lastActivityAt: string | null;
  deploymentChat: boolean;
  firstSeenAt: string;
  deletedAt: string | null;
}

export interface ModelLifecycleRow {
  id: string;
  lifecycle: string | null;
  aliases: string[];
  deletedAt: string | null;
}

export interface OpenFindingCount {
  resourceType: FindingResourceType;
  resourceId: string;
  severity: Severity;
  lastStatus: CheckStatus;
  n: number;
}

export interface FindingsQuery {
  integrationIds: readonly string[];
  status: FindingStatus | 'all';
  severities?: readonly Severity[];
  ruleIds?: readonly string[];
  resourceType?: string;
  resourceId?: string;
  muted: 'exclude' | 'include' | 'only';
  now: string;
  /** Keyset: findings strictly after this (severity rank, rule id, resource id, id). */
  after?: { rank: number; ruleId: string; resourceId: string; id: string } | null;
  limit: number;
}

/** A stored finding, as the findings repository maps it. */
export type FindingRow = FindingState;

export interface EventsQuery {
  integrationIds: readonly string[];
  resourceId?: string;
  type?: string;
  since?: string;
  /** Keyset: events strictly before (at, id) in most-recent-first order. */
  before?: { at: string; id: number } | null;
  limit: number;
}

export interface EventRow {
  id: number;
  integrationId: string;
  syncRunId: string | null;
  type: string;
  /** 'integration' for workspace-wide security events from the audit log. */
  resourceType: FindingResourceType;
  resourceId: string;
  resourceName: string | null;
  at: string;
  summary: string;
  changes: { field: string; before: unknown; after: unknown }[] | null;
  /** Who made the change, from the admin audit log (issue 11); null when not known. */
  attribution: ChangeAttribution | null;
  /** For security events raised from the audit log: what was acted on; null otherwise. */
  target: ChangeTarget | null;
}

export interface MuteHistoryEntry {
  action: 'mute' | 'unmute';
  at: string;
  by: string | null;
  reason: string | null;
  expiresAt: string | null;
}

export interface DailyTraffic {
  day: string;
  /** null agent id = model-only activity. */
  agentId: string | null;
  runs: number;
  conversations: number;
}

export interface QueriesRepository {
  /**
   * What tells whether cached views of an integration are current: the latest finished sync run and
   * the latest mute change (any integration).
   */
  /**
   * What read caches depend on: the latest ended run (id, and its state: a run can end interrupted and
   * end again after a worker resumed it), and the latest mute change.
   */
  version(integrationId: string): Promise<ReadVersion>;
  /** Agent list rows, deleted ones included (deletedAt set). */
  agentRows(integrationId: string): Promise<AgentListRow[]>;
  modelLifecycles(integrationId: string): Promise<ModelLifecycleRow[]>;
  /** Open, not muted at `now`, FAIL or UNKNOWN findings counted per resource, severity, last status. */
  openFindingCounts(integrationId: string, now: string): Promise<OpenFindingCount[]>;
  /** The earliest mute expiry after `now` (when counts change without anyone acting), or null. */
  nextMuteExpiry(integrationId: string, now: string): Promise<string | null>;
  /** Runs per agent on days ≥ sinceDay (UTC 'YYYY-MM-DD'). */
  runsSince(integrationId: string, sinceDay: string): Promise<Map<string, number>>;
  /** One inventory record, deleted or not. */
  record(integrationId: string, type: ResourceType, id: string): Promise<InventoryEntry | null>;
  /** Records of a type ordered by id (deleted ones when asked). */
  records(integrationId: string, type: ResourceType, includeDeleted: boolean): Promise<InventoryEntry[]>;
  findings(query: FindingsQuery): Promise<FindingRow[]>;
  findingsOf(integrationId: string, resourceType: string, resourceId: string): Promise<FindingRow[]>;
  events(query: EventsQuery): Promise<EventRow[]>;
  appendMuteHistory(findingId: string, entry: MuteHistoryEntry): Promise<void>;
  muteHistory(findingId: string): Promise<MuteHistoryEntry[]>;
  /** Runs and distinct conversations per UTC day and agent, days ≥ sinceDay. */
  dailyTraffic(integrationId: string, sinceDay: string): Promise<DailyTraffic[]>;
  /**
   * Distinct conversations on days sinceDay..untilDay (inclusive): those with an entry of any agent
   * (`agentConversations`), and those with an entry of an agent NOT in `guardedAgentIds` (`exposedConversations`).
   */
  conversationShare(
    integrationId: string,
    guardedAgentIds: readonly string[],
    sinceDay: string,
    untilDay: string,
  ): Promise<{ agentConversations: number; exposedConversations: number }>;
  /** The same distinct counts per UTC day, days ≥ sinceDay with activity. */
  dailyConversationShare(
    integrationId: string,
    guardedAgentIds: readonly string[],
    sinceDay: string,
  ): Promise<{ day: string; agentConversations: number; exposedConversations: number }[]>;
  /** Live (not deleted) records per resource type. */
  liveCounts(integrationId: string): Promise<Record<ResourceType, number>>;
  /**
   * Refreshes the planner's statistics of the tables a sync writes, on PGlite (which has no autovacuum:
   * without statistics the planner may ignore the read indexes). One table per statement, so that other
   * queries run in between. Nothing on PostgreSQL (autovacuum does it).
   */
  analyze(): Promise<void>;
}

/** The tables a sync writes (src/sync/run-sync.ts) that the read side queries. */
export const ANALYZED_TABLES = [
  'inventory_records',
  'findings',
  'change_events',
  'usage_rows',
  'usage_conversations',
  'sync_runs',
  'finding_mute_history',
] as const;

export const SEVERITY_RANK_SQL = `CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
  WHEN 'low' THEN 3 ELSE 4 END`;

const FINDING_COLUMNS = `f.id, f.integration_id, f.rule_id, f.severity, f.resource_type, f.resource_id, f.resource_name,
  f.last_status, f.status, f.title, f.detail, f.evidence, f.first_seen_at, ${LAST_SEEN_SQL}, f.resolved_at,
  f.reopen_count::int AS reopen_count, f.mute_reason, f.mute_by, f.mute_at, f.mute_expires_at`;

/** An active mute at $now: set, and no expiry or an expiry after now. */
const ACTIVE_MUTE = (now: string) =>
  `(f.mute_at IS NOT NULL AND (f.mute_expires_at IS NULL OR f.mute_expires_at > ${now}::timestamptz))`;

interface EntryRow {
  resource_id: string;
  name: string | null;
  data: InventoryData;
  first_seen_at: Date;
  last_seen_at: Date;
  changed_at: Date;
  deleted_at: Date | null;
}

function toEntry(r: EntryRow): InventoryEntry {
  return {
    id: r.resource_id,
    name: r.name,
    data: r.data,
    firstSeenAt: iso(r.first_seen_at),
    lastSeenAt: iso(r.last_seen_at),
    changedAt: iso(r.changed_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}

function asArray<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export interface ReadVersion {
  latestRunId: string | null;
  /** The latest ended run's status and end time ("succeeded 2026-…"): part of every cache key. */
  latestRunState: string | null;
  muteSeq: number;
}

export function createQueriesRepository(db: Database): QueriesRepository {
  /**
   * version() answers without a query while nothing was written since it last asked, where the database
   * can tell (Database.writeSeq: PGlite, whose only writer is this process). Read caches then cost no
   * query at all, and keep answering while a sync's final transaction holds PGlite's one connection.
   */
  const versions = new Map<string, { seq: number; value: ReadVersion }>();
  /**
   * Concurrent asks for one integration's version share a query, but only one that STARTS after they
   * asked: while a query is in flight, later callers wait for the next one (started as soon as the
   * running one ends, and shared by everyone who asked meanwhile). So a caller never gets an answer
   * older than its call (a sync that ended before it asked is always seen), and 20 concurrent requests
   * cost about one query per round trip instead of 20.
   */
  const flights = new Map<string, { running?: Promise<ReadVersion>; queued?: Promise<ReadVersion> }>();
  function sharedVersion(integrationId: string): Promise<ReadVersion> {
    let f = flights.get(integrationId);
    if (!f) {
      f = {};
      flights.set(integrationId, f);
    }
    const flight = f;
    const start = (): Promise<ReadVersion> => {
      const p = readVersion(integrationId);
      flight.running = p;
      const settle = () => {
        if (flight.running === p) flight.running = undefined;
        if (!flight.running && !flight.queued && flights.get(integrationId) === flight)
          flights.delete(integrationId);
      };
      p.then(settle, settle);
      return p;
    };
    if (flight.queued) return flight.queued;
    if (!flight.running) return start();
    const queued = flight.running
      .catch(() => undefined)
      .then(() => {
        if (flight.queued === queued) flight.queued = undefined;
        return start();
      });
    flight.queued = queued;
    return queued;
  }
  async function readVersion(integrationId: string): Promise<ReadVersion> {
    const { rows } = await db.query<{
      run_id: string | null;
      run_state: string | null;
      mute_seq: number | null;
    }>(
      `SELECT r.id AS run_id, r.status || ' ' || COALESCE(r.finished_at::text, '') AS run_state,
              (SELECT max(id)::float8 FROM finding_mute_history) AS mute_seq
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT id, status, finished_at FROM sync_runs
                          WHERE integration_id = $1 AND status NOT IN ('queued', 'running')
                          ORDER BY seq DESC LIMIT 1) r ON true`,
      [integrationId],
    );
    return {
      latestRunId: rows[0]?.run_id ?? null,
      latestRunState: rows[0]?.run_state ?? null,
      muteSeq: rows[0]?.mute_seq ?? 0,
    };
  }
  return {
    async version(integrationId) {
      const seq = db.writeSeq?.();
      const known = seq === undefined ? undefined : versions.get(integrationId);
      if (known && known.seq === seq) return known.value;
      // PGlite (writeSeq): one connection, queries in turn; the write count tells staleness already.
      const value = seq === undefined ? await sharedVersion(integrationId) : await readVersion(integrationId);
      // Kept with the write count from BEFORE the query: a write that ended meanwhile makes it stale.
      if (seq !== undefined) {
        if (versions.size > 10_000) versions.clear();
        versions.set(integrationId, { seq, value });
      }
      return value;
    },

    async agentRows(integrationId) {
      const { rows } = await db.query<{
        id: string;
        name: string | null;
        model: string | null;
        tools: unknown;
        knowledge_bases: unknown;
        policy_count: number | null;
        policies: unknown;
        data_quality: unknown;
        status: AgentStatus | null;
        has_usage: boolean;
        last_activity_at: string | null;
        deployment_chat: boolean | null;
        first_seen_at: Date;
        deleted_at: Date | null;
      }>(
        `SELECT resource_id AS id, name, data->>'model' AS model, data->'tools' AS tools,
           data->'knowledgeBases' AS knowledge_bases,
           CASE WHEN jsonb_typeof(data->'guardrails') = 'object'
             THEN jsonb_array_length(COALESCE(data->'guardrails'->'policies', '[]'::jsonb)) END AS policy_count,
           data->'guardrailPolicies' AS policies, data->'dataQuality' AS data_quality,
           data->>'status' AS status, jsonb_typeof(data->'usage') = 'object' AS has_usage,
           data->'usage'->>'lastActivityAt' AS last_activity_at,
           (data->>'deploymentChat')::boolean AS deployment_chat, first_seen_at, deleted_at
         FROM inventory_records WHERE integration_id = $1 AND resource_type = 'agent'
         ORDER BY resource_id`,
        [integrationId],
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        model: r.model,
        tools: asArray<WireTool>(r.tools),
        knowledgeBases: asArray<KnowledgeBaseRef>(r.knowledge_bases),
        guardrailPolicyCount: r.policy_count,
        guardrailPolicies: r.policy_count === null ? [] : asArray<NormalizedGuardrailPolicy>(r.policies),
        dataQuality: asArray<DataQualityWarning>(r.data_quality),
        status: r.status,
        hasUsage: r.has_usage === true,
        lastActivityAt: r.last_activity_at,
        deploymentChat: r.deployment_chat === true,
        firstSeenAt: iso(r.first_seen_at),
        deletedAt: isoOrNull(r.deleted_at),
      }));
    },

    async modelLifecycles(integrationId) {
      const { rows } = await db.query<{
        id: string;
        lifecycle: string | null;
        aliases: unknown;
        deleted_at: Date | null;
      }>(
        `SELECT resource_id AS id, data->>'lifecycle' AS lifecycle, data->'aliases' AS aliases, deleted_at
         FROM inventory_records WHERE integration_id = $1 AND resource_type = 'model' ORDER BY resource_id`,
        [integrationId],
      );
      return rows.map((r) => ({
        id: r.id,
        lifecycle: r.lifecycle,
        aliases: asArray<string>(r.aliases),
        deletedAt: isoOrNull(r.deleted_at),
      }));
    },

    async openFindingCounts(integrationId, now) {
      const { rows } = await db.query<{
        resource_type: FindingResourceType;
        resource_id: string;
        severity: Severity;
        last_status: CheckStatus;
        n: number;
      }>(
        `SELECT f.resource_type, f.resource_id, f.severity, f.last_status, count(*)::int AS n
         FROM findings f
         WHERE f.integration_id = $1 AND f.status = 'open' AND f.last_status IN ('FAIL', 'UNKNOWN')
           AND NOT ${ACTIVE_MUTE('$2')}
         GROUP BY 1, 2, 3, 4`,
        [integrationId, now],
      );
      return rows.map((r) => ({
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        severity: r.severity,
        lastStatus: r.last_status,
        n: r.n,
      }));
    },

    async nextMuteExpiry(integrationId, now) {
      const { rows } = await db.query<{ at: Date | null }>(
        `SELECT min(mute_expires_at) AS at FROM findings
         WHERE integration_id = $1 AND mute_at IS NOT NULL AND mute_expires_at > $2::timestamptz`,
        [integrationId, now],
      );
      return isoOrNull(rows[0]?.at ?? null);
    },

    async runsSince(integrationId, sinceDay) {
      const { rows } = await db.query<{ agent_id: string; runs: number }>(
        `SELECT agent_id, sum(runs)::float8 AS runs FROM usage_rows
         WHERE integration_id = $1 AND agent_id IS NOT NULL AND day >= $2::text GROUP BY agent_id`,
        [integrationId, sinceDay],
      );
      return new Map(rows.map((r) => [r.agent_id, r.runs]));
    },

    async record(integrationId, type, id) {
      const { rows } = await db.query<EntryRow>(
        `SELECT resource_id, name, data, first_seen_at, last_seen_at, changed_at, deleted_at
         FROM inventory_records WHERE integration_id = $1 AND resource_type = $2 AND resource_id = $3`,
        [integrationId, type, id],
      );
      return rows[0] ? toEntry(rows[0]) : null;
    },

    async records(integrationId, type, includeDeleted) {
      const { rows } = await db.query<EntryRow>(
        `SELECT resource_id, name, data, first_seen_at, last_seen_at, changed_at, deleted_at
         FROM inventory_records
         WHERE integration_id = $1 AND resource_type = $2 AND ($3::boolean OR deleted_at IS NULL)
         ORDER BY resource_id`,
        [integrationId, type, includeDeleted],
      );
      return rows.map(toEntry);
    },

    async findings(q) {
      // One integration: equality, so that a page is a range of findings_page_idx.
      const one = q.integrationIds.length === 1;
      const params: unknown[] = [
        one ? q.integrationIds[0] : q.integrationIds,
        q.status === 'all' ? null : q.status,
        q.now,
      ];
      const where: string[] = [
        one ? 'f.integration_id = $1::text' : 'f.integration_id = i.id',
        '($2::text IS NULL OR f.status = $2::text)',
      ];
      if (q.muted === 'exclude') where.push(`NOT ${ACTIVE_MUTE('$3')}`);
      else if (q.muted === 'only') where.push(ACTIVE_MUTE('$3'));
      else where.push('$3::text IS NOT NULL');
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (q.severities && q.severities.length > 0) add((p) => `f.severity = ANY(${p}::text[])`, q.severities);
      if (q.ruleIds) add((p) => `f.rule_id = ANY(${p}::text[])`, q.ruleIds);
      if (q.resourceType !== undefined) add((p) => `f.resource_type = ${p}::text`, q.resourceType);
      if (q.resourceId !== undefined) add((p) => `f.resource_id = ${p}::text`, q.resourceId);
      if (q.after) {
        params.push(q.after.rank, q.after.ruleId, q.after.resourceId, q.after.id);
        const n = params.length;
        where.push(
          `(${SEVERITY_RANK_SQL}, f.rule_id COLLATE "C", f.resource_id COLLATE "C", f.id COLLATE "C")
             > ($${n - 3}::int, $${n - 2}::text COLLATE "C", $${n - 1}::text COLLATE "C", $${n}::text COLLATE "C")`,
        );
      }
      params.push(q.limit);
      const order = `${SEVERITY_RANK_SQL}, f.rule_id COLLATE "C", f.resource_id COLLATE "C", f.id COLLATE "C"`;
      const page = `SELECT ${FINDING_COLUMNS} FROM findings f WHERE ${where.join(' AND ')}
         ORDER BY ${order} LIMIT $${params.length}`;
      // Several integrations: each one's page is a range of findings_page_idx, then the pages are merged
      // (one scan with integration_id = ANY(…) would read and sort every open finding of them all:
      // ~0.5 s at 2 × 5,000 agents, against ~15 ms this way).
      const { rows } = await db.query<FindingDbRow>(
        one
          ? page
          : `SELECT f.* FROM unnest($1::text[]) AS i(id) CROSS JOIN LATERAL (${page}) f
             ORDER BY ${order} LIMIT $${params.length}`,
        params,
      );
      return rows.map(toFindingState);
    },

    async findingsOf(integrationId, resourceType, resourceId) {
      const { rows } = await db.query<FindingDbRow>(
        `SELECT ${FINDING_COLUMNS} FROM findings f
         WHERE f.integration_id = $1 AND f.resource_type = $2 AND f.resource_id = $3
         ORDER BY ${SEVERITY_RANK_SQL}, f.rule_id COLLATE "C", f.id COLLATE "C"`,
        [integrationId, resourceType, resourceId],
      );
      return rows.map(toFindingState);
    },

    async events(q) {
      const one = q.integrationIds.length === 1;
      const params: unknown[] = [one ? q.integrationIds[0] : q.integrationIds];
      const where = [one ? 'e.integration_id = $1::text' : 'e.integration_id = ANY($1::text[])'];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (q.resourceId !== undefined) add((p) => `e.resource_id = ${p}::text`, q.resourceId);
      if (q.type !== undefined) add((p) => `e.type = ${p}::text`, q.type);
      if (q.since !== undefined) add((p) => `e.at >= ${p}::timestamptz`, q.since);
      if (q.before) {
        params.push(q.before.at, q.before.id);
        where.push(`(e.at, e.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
      }
      params.push(q.limit);
      const { rows } = await db.query<{
        id: number;
        integration_id: string;
        sync_run_id: string | null;
        type: string;
        resource_type: ResourceType;
        resource_id: string;
        resource_name: string | null;
        at: Date;
        summary: string;
        changes: EventRow['changes'];
        attribution: ChangeAttribution | null;
        target: ChangeTarget | null;
      }>(
        `SELECT e.id::float8 AS id, e.integration_id, e.sync_run_id, e.type, e.resource_type, e.resource_id,
           e.resource_name, e.at, e.summary, e.changes, e.attribution, e.target
         FROM change_events e WHERE ${where.join(' AND ')}
         ORDER BY e.at DESC, e.id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => ({
        id: r.id,
        integrationId: r.integration_id,
        syncRunId: r.sync_run_id,
        type: r.type,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        resourceName: r.resource_name,
        at: iso(r.at),
        summary: r.summary,
        changes: r.changes ?? null,
        attribution: r.attribution ?? null,
        target: r.target ?? null,
      }));
    },

    async appendMuteHistory(findingId, e) {
      await db.query(
        `INSERT INTO finding_mute_history (finding_id, action, at, by, reason, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [findingId, e.action, e.at, e.by, e.reason, e.expiresAt],
      );
    },

    async muteHistory(findingId) {
      const { rows } = await db.query<{
        action: 'mute' | 'unmute';
        at: Date;
        by: string | null;
        reason: string | null;
        expires_at: Date | null;
      }>(
        `SELECT action, at, by, reason, expires_at FROM finding_mute_history
         WHERE finding_id = $1 ORDER BY id`,
        [findingId],
      );
      return rows.map((r) => ({
        action: r.action,
        at: iso(r.at),
        by: r.by,
        reason: r.reason,
        expiresAt: isoOrNull(r.expires_at),
      }));
    },

    async dailyTraffic(integrationId, sinceDay) {
      const { rows } = await db.query<{
        day: string;
        agent_id: string | null;
        runs: number;
        conversations: number;
      }>(
        `SELECT day, agent_id, sum(runs)::float8 AS runs, count(DISTINCT conversation_id)::int AS conversations
         FROM usage_rows WHERE integration_id = $1 AND day >= $2::text
         GROUP BY day, agent_id ORDER BY day, agent_id`,
        [integrationId, sinceDay],
      );
      return rows.map((r) => ({
        day: r.day,
        agentId: r.agent_id,
        runs: r.runs,
        conversations: r.conversations,
      }));
    },

    async conversationShare(integrationId, guardedAgentIds, sinceDay, untilDay) {
      const { rows } = await db.query<{ total: number; exposed: number }>(
        `SELECT count(DISTINCT conversation_id) FILTER (WHERE agent_id IS NOT NULL)::int AS total,
                count(DISTINCT conversation_id)
                  FILTER (WHERE agent_id IS NOT NULL AND NOT (agent_id = ANY($2::text[])))::int AS exposed
         FROM usage_rows WHERE integration_id = $1 AND day >= $3::text AND day <= $4::text`,
        [integrationId, [...guardedAgentIds], sinceDay, untilDay],
      );
      return {
        agentConversations: rows[0]?.total ?? 0,
        exposedConversations: rows[0]?.exposed ?? 0,
      };
    },

    async dailyConversationShare(integrationId, guardedAgentIds, sinceDay) {
      const { rows } = await db.query<{ day: string; total: number; exposed: number }>(
        `SELECT day, count(DISTINCT conversation_id) FILTER (WHERE agent_id IS NOT NULL)::int AS total,
                count(DISTINCT conversation_id)
                  FILTER (WHERE agent_id IS NOT NULL AND NOT (agent_id = ANY($2::text[])))::int AS exposed
         FROM usage_rows WHERE integration_id = $1 AND day >= $3::text GROUP BY day ORDER BY day`,
        [integrationId, [...guardedAgentIds], sinceDay],
      );
      return rows.map((r) => ({ day: r.day, agentConversations: r.total, exposedConversations: r.exposed }));
    },

    async analyze() {
      if (db.kind !== 'pglite') return;
      for (const table of ANALYZED_TABLES) await db.query(`ANALYZE ${table}`); // fixed names, not data
    },

    async liveCounts(integrationId) {
      const { rows } = await db.query<{ resource_type: ResourceType; n: number }>(
        `SELECT resource_type, count(*)::int AS n FROM inventory_records
         WHERE integration_id = $1 AND deleted_at IS NULL GROUP BY resource_type`,
        [integrationId],
      );
      const out: Record<ResourceType, number> = { agent: 0, model: 0, file: 0, library: 0 };
      for (const r of rows) out[r.resource_type] = r.n;
      return out;
    },
  };
}
