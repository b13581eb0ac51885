/**
 * Alert destinations, alert rules and the delivery log (migration 006). A destination's URL and signing
 * secret are envelope-encrypted like API keys (src/crypto), each bound to the destination's id; views
 * carry a hint of the URL only. Deliveries are claimed with FOR UPDATE SKIP LOCKED and a lease, so
 * several processes share the work and a delivery whose sender died is taken over when its lease ends.
 */
import { AppError } from '../errors/index.ts';
import {
  decryptSecret,
  encryptSecret,
  rewrapSecret,
  type Keyring,
  type SealedSecret,
} from '../crypto/index.ts';
import type { ChangeEvent, ChangeEventType, FindingChanges, Severity } from '../findings/types.ts';
import type { AgentRecord } from '../inventory/types.ts';
import type { AlertEventKind, AlertRule, DestinationKind } from '../alerts/types.ts';
import { sqlState, type Database } from './database.ts';
import { iso, isoOrNull, newId, toBuffer } from './sql-values.ts';

export interface DestinationView {
  id: string;
  organizationId: string;
  name: string;
  kind: DestinationKind;
  urlHint: string;
  enabled: boolean;
  secretUpdatedAt: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryView {
  id: string;
  organizationId: string;
  destinationId: string;
  integrationId: string | null;
  syncRunId: string | null;
  kind: 'digest' | 'test';
  status: DeliveryStatus;
  alertRuleIds: string[];
  findingCount: number;
  eventCount: number;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface DeliveryRecord extends DeliveryView {
  payload: Record<string, unknown>;
}

export interface NewDelivery {
  id: string;
  organizationId: string;
  destinationId: string;
  integrationId: string | null;
  syncRunId: string | null;
  kind: 'digest' | 'test';
  payload: unknown;
  alertRuleIds: string[];
  findingCount: number;
  eventCount: number;
  maxAttempts: number;
  createdAt: string;
}

export interface AttemptOutcome {
  at: string;
  statusCode: number | null;
  error: string | null;
  /** delivered, retrying (with nextAttemptAt) or failed. */
  status: 'delivered' | 'retrying' | 'failed';
  nextAttemptAt: string | null;
}

export interface PendingRun {
  id: string;
  integrationId: string;
  status: 'succeeded' | 'partial' | 'failed' | 'interrupted';
  finishedAt: string | null;
  /** null for runs from before alerts; `worsened` is absent in rows from before it existed. */
  findingChanges: FindingChanges | null;
  errors: Array<{ message?: string; remediation?: string }>;
}

export type RuleInput = Omit<AlertRule, 'id' | 'organizationId'>;

export interface AlertsRepository {
  createDestination(input: {
    organizationId: string;
    name: string;
    kind: DestinationKind;
    url: string;
    urlHint: string;
    secret: string;
    createdBy: string;
    at: string;
  }): Promise<DestinationView>;
  listDestinations(organizationId?: string): Promise<DestinationView[]>;
  getDestination(id: string): Promise<DestinationView | null>;
  updateDestination(
    id: string,
    change: { name?: string; enabled?: boolean; url?: string; urlHint?: string },
    at: string,
  ): Promise<DestinationView>;
  rotateSecret(id: string, secret: string, at: string): Promise<DestinationView>;
  deleteDestination(id: string): Promise<void>;
  /** The URL and signing secret, decrypted (only to send). */
  revealDestination(id: string): Promise<{ url: string; secret: string }>;
  rewrapAll(): Promise<{ rewrapped: number; alreadyCurrent: number }>;
  /** How many destination secrets (URL and signing secret count one each) each master key wraps. */
  masterKeyUsage(): Promise<{ masterKeyId: string; secrets: number }[]>;

  createRule(organizationId: string, input: RuleInput, createdBy: string, at: string): Promise<AlertRule>;
  listRules(organizationId?: string): Promise<AlertRule[]>;
  getRule(id: string): Promise<AlertRule | null>;
  updateRule(id: string, input: RuleInput, at: string): Promise<AlertRule>;
  deleteRule(id: string): Promise<void>;
  /**
   * An integration was deleted: rules limited to it forget it; a rule left with no integration is
   * disabled (an empty list would mean "every integration"). Returns the ids of the rules disabled.
   */
  forgetIntegration(integrationId: string): Promise<string[]>;

  /** Inserts a delivery; a second digest for the same destination and run is ignored (false). */
  insertDelivery(d: NewDelivery): Promise<boolean>;
  /**
   * Takes up to `limit` due deliveries (only `onlyId` when given) for `leaseMs`: status becomes sending,
   * attempts + 1, a new lease id. A delivery whose sender's lease ran out after its last allowed attempt
   * is failed instead of being sent again.
   */
  claimDue(
    now: string,
    leaseMs: number,
    limit: number,
    onlyId?: string,
  ): Promise<Array<DeliveryRecord & { leaseId: string }>>;
  /** Records an attempt's outcome; false (nothing written) when `leaseId` is no longer the delivery's lease. */
  recordAttempt(id: string, leaseId: string, outcome: AttemptOutcome): Promise<boolean>;
  listDeliveries(query: {
    organizationId?: string;
    destinationId?: string;
    status?: DeliveryStatus;
    before?: number;
    limit: number;
  }): Promise<Array<DeliveryView & { seq: number }>>;
  getDelivery(id: string): Promise<DeliveryRecord | null>;

  /** Finished runs whose alerts are not evaluated yet, locked for this transaction (SKIP LOCKED). */
  lockPendingRuns(limit: number): Promise<PendingRun[]>;
  markEvaluated(runId: string, at: string): Promise<void>;
  /** How many finished runs in a row, up to and including `runId`, failed (interrupted ones are skipped). */
  consecutiveFailures(integrationId: string, runId: string, max: number): Promise<number>;
  /** The change events a run recorded, of these types. */
  eventsOfRun(runId: string, types: readonly ChangeEventType[]): Promise<ChangeEvent[]>;
  /** The stored record of an agent (live or deleted), or null. */
  agentRecord(integrationId: string, agentId: string): Promise<AgentRecord | null>;
}

const URL_AAD = (id: string) => `alert-destination-url:${id}`;
const SECRET_AAD = (id: string) => `alert-destination-secret:${id}`;

interface DestinationRow {
  id: string;
  organization_id: string;
  name: string;
  kind: DestinationKind;
  url_hint: string;
  enabled: boolean;
  secret_updated_at: Date | string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
}

const DESTINATION_COLUMNS =
  'id, organization_id, name, kind, url_hint, enabled, secret_updated_at, created_by, created_at, updated_at';

function destinationView(r: DestinationRow): DestinationView {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    kind: r.kind,
    urlHint: r.url_hint,
    enabled: r.enabled,
    secretUpdatedAt: iso(r.secret_updated_at),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

interface RuleRow {
  id: string;
  organization_id: string;
  name: string;
  enabled: boolean;
  destination_ids: string[];
  min_severity: Severity | null;
  rule_ids: string[];
  integration_ids: string[];
  events: AlertEventKind[];
  sync_failing_runs: number;
}

const RULE_COLUMNS =
  'id, organization_id, name, enabled, destination_ids, min_severity, rule_ids, integration_ids, events, sync_failing_runs';

function ruleView(r: RuleRow): AlertRule {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    enabled: r.enabled,
    destinationIds: r.destination_ids,
    minSeverity: r.min_severity,
    ruleIds: r.rule_ids,
    integrationIds: r.integration_ids,
    events: r.events,
    syncFailingRuns: r.sync_failing_runs,
  };
}

interface DeliveryRow {
  id: string;
  organization_id: string;
  destination_id: string;
  integration_id: string | null;
  sync_run_id: string | null;
  kind: 'digest' | 'test';
  status: DeliveryStatus;
  payload?: Record<string, unknown>;
  alert_rule_ids: string[];
  finding_count: number;
  event_count: number;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | string | null;
  last_attempt_at: Date | string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | string | null;
  created_at: Date | string;
  seq: string | number;
}

const DELIVERY_COLUMNS =
  'id, organization_id, destination_id, integration_id, sync_run_id, kind, status, alert_rule_ids, finding_count, event_count, attempts, max_attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at, created_at, seq';

function deliveryView(r: DeliveryRow): DeliveryView & { seq: number } {
  return {
    id: r.id,
    organizationId: r.organization_id,
    destinationId: r.destination_id,
    integrationId: r.integration_id,
    syncRunId: r.sync_run_id,
    kind: r.kind,
    status: r.status,
    alertRuleIds: r.alert_rule_ids,
    findingCount: r.finding_count,
    eventCount: r.event_count,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: isoOrNull(r.next_attempt_at),
    lastAttemptAt: isoOrNull(r.last_attempt_at),
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: isoOrNull(r.delivered_at),
    createdAt: iso(r.created_at),
    seq: Number(r.seq),
  };
}

function deliveryRecord(r: DeliveryRow): DeliveryRecord {
  const { seq: _seq, ...view } = deliveryView(r);
  return { ...view, payload: r.payload ?? {} };
}

const notFound = (what: string, id: string) =>
  new AppError('NOT_FOUND', `No ${what} "${id}".`, { remediation: `List the ${what}s to find the id.` });

function duplicateName(e: unknown, what: string, name: string): never {
  if (sqlState(e) === '23505') {
    throw new AppError('CONFLICT', `An ${what} named "${name}" already exists.`, {
      remediation: 'Choose another name.',
      details: { field: 'name' },
    });
  }
  throw e;
}

export function createAlertsRepository(db: Database, keyring: Keyring): AlertsRepository {
  const sealedOf = (prefix: 'url' | 'secret', r: Record<string, unknown>): SealedSecret => ({
    masterKeyId: r[`${prefix}_master_key_id`] as string,
    wrappedDataKey: toBuffer(r[`${prefix}_wrapped_data_key`]),
    ciphertext: toBuffer(r[`${prefix}_ciphertext`]),
  });

  async function getDestination(id: string): Promise<DestinationView | null> {
    const { rows } = await db.query<DestinationRow>(
      `SELECT ${DESTINATION_COLUMNS} FROM alert_destinations WHERE id = $1`,
      [id],
    );
    return rows[0] ? destinationView(rows[0]) : null;
  }

  async function getRule(id: string): Promise<AlertRule | null> {
    const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [id]);
    return rows[0] ? ruleView(rows[0]) : null;
  }

  return {
    async createDestination(input) {
      const id = newId();
      const url = encryptSecret(keyring, URL_AAD(id), input.url);
      const secret = encryptSecret(keyring, SECRET_AAD(id), input.secret);
      try {
        await db.query(
          `INSERT INTO alert_destinations (id, organization_id, name, kind, url_hint, url_master_key_id,
             url_wrapped_data_key, url_ciphertext, secret_master_key_id, secret_wrapped_data_key,
             secret_ciphertext, secret_updated_at, enabled, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, true, $13, $12, $12)`,
          [
            id,
            input.organizationId,
            input.name,
            input.kind,
            input.urlHint,
            url.masterKeyId,
            url.wrappedDataKey,
            url.ciphertext,
            secret.masterKeyId,
            secret.wrappedDataKey,
            secret.ciphertext,
            input.at,
            input.createdBy,
          ],
        );
      } catch (e) {
        duplicateName(e, 'alert destination', input.name);
      }
      return (await getDestination(id))!;
    },

    async listDestinations(organizationId) {
      const { rows } = await db.query<DestinationRow>(
        `SELECT ${DESTINATION_COLUMNS} FROM alert_destinations
         WHERE ($1::text IS NULL OR organization_id = $1) ORDER BY lower(name), id`,
        [organizationId ?? null],
      );
      return rows.map(destinationView);
    },

    getDestination,

    async updateDestination(id, change, at) {
      const sets: string[] = ['updated_at = $2'];
      const params: unknown[] = [id, at];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        sets.push(`${sql} = $${params.length}`);
      };
      if (change.name !== undefined) add('name', change.name);
      if (change.enabled !== undefined) add('enabled', change.enabled);
      if (change.url !== undefined) {
        const sealed = encryptSecret(keyring, URL_AAD(id), change.url);
        add('url_master_key_id', sealed.masterKeyId);
        add('url_wrapped_data_key', sealed.wrappedDataKey);
        add('url_ciphertext', sealed.ciphertext);
        add('url_hint', change.urlHint ?? '');
      }
      try {
        const r = await db.query(`UPDATE alert_destinations SET ${sets.join(', ')} WHERE id = $1`, params);
        if (r.rowCount === 0) throw notFound('alert destination', id);
      } catch (e) {
        duplicateName(e, 'alert destination', change.name ?? '');
      }
      return (await getDestination(id))!;
    },

    async rotateSecret(id, secret, at) {
      const sealed = encryptSecret(keyring, SECRET_AAD(id), secret);
      const r = await db.query(
        `UPDATE alert_destinations SET secret_master_key_id = $2, secret_wrapped_data_key = $3,
           secret_ciphertext = $4, secret_updated_at = $5, updated_at = $5 WHERE id = $1`,
        [id, sealed.masterKeyId, sealed.wrappedDataKey, sealed.ciphertext, at],
      );
      if (r.rowCount === 0) throw notFound('alert destination', id);
      return (await getDestination(id))!;
    },

    async deleteDestination(id) {
      await db.transaction(async (tx) => {
        const r = await tx.query('DELETE FROM alert_destinations WHERE id = $1', [id]);
        if (r.rowCount === 0) throw notFound('alert destination', id);
        // Rules keep pointing only at destinations that exist.
        await tx.query(
          `UPDATE alert_rules SET destination_ids = (
             SELECT COALESCE(jsonb_agg(d), '[]'::jsonb) FROM jsonb_array_elements_text(destination_ids) d WHERE d <> $1)
           WHERE destination_ids ? $1`,
          [id],
        );
      });
    },

    async revealDestination(id) {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT url_master_key_id, url_wrapped_data_key, url_ciphertext, secret_master_key_id,
           secret_wrapped_data_key, secret_ciphertext FROM alert_destinations WHERE id = $1`,
        [id],
      );
      if (!rows[0]) throw notFound('alert destination', id);
      return {
        url: decryptSecret(keyring, URL_AAD(id), sealedOf('url', rows[0])),
        secret: decryptSecret(keyring, SECRET_AAD(id), sealedOf('secret', rows[0])),
      };
    },

    async rewrapAll() {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<Record<string, unknown> & { id: string }>(
          `SELECT id, url_master_key_id, url_wrapped_data_key, url_ciphertext, secret_master_key_id,
             secret_wrapped_data_key, secret_ciphertext FROM alert_destinations ORDER BY id FOR UPDATE`,
        );
        let rewrapped = 0;
        for (const r of rows) {
          for (const [prefix, aad] of [
            ['url', URL_AAD(r.id)],
            ['secret', SECRET_AAD(r.id)],
          ] as const) {
            const sealed = sealedOf(prefix, r);
            if (sealed.masterKeyId === keyring.current.id) continue;
            const next = rewrapSecret(keyring, aad, sealed);
            await tx.query(
              `UPDATE alert_destinations SET ${prefix}_master_key_id = $2, ${prefix}_wrapped_data_key = $3 WHERE id = $1`,
              [r.id, next.masterKeyId, next.wrappedDataKey],
            );
            rewrapped++;
          }
        }
        return { rewrapped, alreadyCurrent: rows.length * 2 - rewrapped };
      });
    },

    async masterKeyUsage() {
      const { rows } = await db.query<{ id: string; n: number }>(
        `SELECT id, count(*)::int AS n FROM (
           SELECT url_master_key_id AS id FROM alert_destinations
           UNION ALL SELECT secret_master_key_id FROM alert_destinations) k
         GROUP BY id ORDER BY 2 DESC, 1`,
      );
      return rows.map((r) => ({ masterKeyId: r.id, secrets: r.n }));
    },

    async createRule(organizationId, input, createdBy, at) {
      const id = newId();
      try {
        await db.query(
          `INSERT INTO alert_rules (id, organization_id, name, enabled, destination_ids, min_severity, rule_ids,
             integration_ids, events, sync_failing_runs, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12, $12)`,
          [
            id,
            organizationId,
            input.name,
            input.enabled,
            JSON.stringify(input.destinationIds),
            input.minSeverity,
            JSON.stringify(input.ruleIds),
            JSON.stringify(input.integrationIds),
            JSON.stringify(input.events),
            input.syncFailingRuns,
            createdBy,
            at,
          ],
        );
      } catch (e) {
        duplicateName(e, 'alert rule', input.name);
      }
      return (await getRule(id))!;
    },

    async listRules(organizationId) {
      const { rows } = await db.query<RuleRow>(
        `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE ($1::text IS NULL OR organization_id = $1)
         ORDER BY lower(name), id`,
        [organizationId ?? null],
      );
      return rows.map(ruleView);
    },

    getRule,

    async updateRule(id, input, at) {
      try {
        const r = await db.query(
          `UPDATE alert_rules SET name = $2, enabled = $3, destination_ids = $4::jsonb, min_severity = $5,
             rule_ids = $6::jsonb, integration_ids = $7::jsonb, events = $8::jsonb, sync_failing_runs = $9,
             updated_at = $10 WHERE id = $1`,
          [
            id,
            input.name,
            input.enabled,
            JSON.stringify(input.destinationIds),
            input.minSeverity,
            JSON.stringify(input.ruleIds),
            JSON.stringify(input.integrationIds),
            JSON.stringify(input.events),
            input.syncFailingRuns,
            at,
          ],
        );
        if (r.rowCount === 0) throw notFound('alert rule', id);
      } catch (e) {
        duplicateName(e, 'alert rule', input.name);
      }
      return (await getRule(id))!;
    },

    async deleteRule(id) {
      const r = await db.query('DELETE FROM alert_rules WHERE id = $1', [id]);
      if (r.rowCount === 0) throw notFound('alert rule', id);
    },

    async forgetIntegration(integrationId) {
      const { rows } = await db.query<{ id: string; enabled: boolean; emptied: boolean }>(
        `UPDATE alert_rules SET integration_ids = integration_ids - $1::text,
           enabled = CASE WHEN jsonb_array_length(integration_ids - $1::text) = 0 THEN false ELSE enabled END
         WHERE integration_ids ? $1
         RETURNING id, enabled, jsonb_array_length(integration_ids) = 0 AS emptied`,
        [integrationId],
      );
      return rows.filter((r) => r.emptied).map((r) => r.id);
    },

    async insertDelivery(d) {
      const r = await db.query(
        `INSERT INTO alert_deliveries (id, organization_id, destination_id, integration_id, sync_run_id, kind,
           status, payload, alert_rule_ids, finding_count, event_count, attempts, max_attempts, next_attempt_at,
           created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7::jsonb, $8::jsonb, $9, $10, 0, $11, $12, $12)
         ON CONFLICT DO NOTHING`,
        [
          d.id,
          d.organizationId,
          d.destinationId,
          d.integrationId,
          d.syncRunId,
          d.kind,
          JSON.stringify(d.payload),
          JSON.stringify(d.alertRuleIds),
          d.findingCount,
          d.eventCount,
          d.maxAttempts,
          d.createdAt,
        ],
      );
      return (r.rowCount ?? 0) > 0;
    },

    async claimDue(now, leaseMs, limit, onlyId) {
      await db.query(
        `UPDATE alert_deliveries SET status = 'failed', locked_until = NULL, lease_id = NULL,
           last_error = COALESCE(last_error || '; ', '') || 'the sender stopped during the last allowed attempt'
         WHERE status = 'sending' AND locked_until <= $1 AND attempts >= max_attempts`,
        [now],
      );
      const { rows } = await db.query<DeliveryRow & { lease_id: string }>(
        `UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = $1,
           locked_until = $1::timestamptz + ($2::int * interval '1 millisecond'), lease_id = gen_random_uuid()::text
         WHERE id IN (
           SELECT id FROM alert_deliveries
           WHERE ((status IN ('pending', 'retrying') AND next_attempt_at <= $1)
              OR (status = 'sending' AND locked_until <= $1))
             AND ($4::text IS NULL OR id = $4)
           ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING ${DELIVERY_COLUMNS}, payload, lease_id`,
        [now, leaseMs, limit, onlyId ?? null],
      );
      return rows.map((r) => ({ ...deliveryRecord(r), leaseId: r.lease_id }));
    },

    async recordAttempt(id, leaseId, o) {
      const r = await db.query(
        `UPDATE alert_deliveries SET status = $2, last_status_code = $3, last_error = $4, next_attempt_at = $5,
           delivered_at = CASE WHEN $2 = 'delivered' THEN $6::timestamptz ELSE delivered_at END,
           locked_until = NULL, lease_id = NULL, last_attempt_at = $6
         WHERE id = $1 AND lease_id = $7 AND status = 'sending'`,
        [id, o.status, o.statusCode, o.error, o.nextAttemptAt, o.at, leaseId],
      );
      return (r.rowCount ?? 0) > 0;
    },

    async listDeliveries(q) {
      const params: unknown[] = [q.organizationId ?? null, q.destinationId ?? null, q.status ?? null];
      params.push(q.before ?? null, q.limit);
      const { rows } = await db.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries
         WHERE ($1::text IS NULL OR organization_id = $1) AND ($2::text IS NULL OR destination_id = $2)
           AND ($3::text IS NULL OR status = $3) AND ($4::bigint IS NULL OR seq < $4)
         ORDER BY seq DESC LIMIT $5`,
        params,
      );
      return rows.map(deliveryView);
    },

    async getDelivery(id) {
      const { rows } = await db.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS}, payload FROM alert_deliveries WHERE id = $1`,
        [id],
      );
      return rows[0] ? deliveryRecord(rows[0]) : null;
    },

    async lockPendingRuns(limit) {
      const { rows } = await db.query<{
        id: string;
        integration_id: string;
        status: PendingRun['status'];
        finished_at: Date | string | null;
        finding_changes: PendingRun['findingChanges'];
        errors: PendingRun['errors'];
      }>(
        `SELECT id, integration_id, status, finished_at, finding_changes, errors FROM sync_runs
         WHERE alerts_evaluated_at IS NULL AND status NOT IN ('queued', 'running')
         ORDER BY finished_at NULLS FIRST, seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      return rows.map((r) => ({
        id: r.id,
        integrationId: r.integration_id,
        status: r.status,
        finishedAt: isoOrNull(r.finished_at),
        findingChanges: r.finding_changes,
        errors: r.errors ?? [],
      }));
    },

    async markEvaluated(runId, at) {
      await db.query('UPDATE sync_runs SET alerts_evaluated_at = $2 WHERE id = $1', [runId, at]);
    },

    async consecutiveFailures(integrationId, runId, max) {
      const { rows } = await db.query<{ status: string; id: string }>(
        `SELECT id, status FROM sync_runs
         WHERE integration_id = $1 AND status IN ('succeeded', 'partial', 'failed')
           AND seq <= (SELECT seq FROM sync_runs WHERE id = $2)
         ORDER BY seq DESC LIMIT $3`,
        [integrationId, runId, max + 1],
      );
      let n = 0;
      for (const r of rows) {
        if (r.status !== 'failed') break;
        n++;
      }
      return n;
    },

    async eventsOfRun(runId, types) {
      const { rows } = await db.query<{
        type: ChangeEventType;
        resource_type: ChangeEvent['resourceType'];
        resource_id: string;
        resource_name: string | null;
        at: Date | string;
        summary: string;
        changes: ChangeEvent['changes'] | null;
      }>(
        `SELECT type, resource_type, resource_id, resource_name, at, summary, changes FROM change_events
         WHERE sync_run_id = $1 AND type = ANY($2::text[]) ORDER BY id`,
        [runId, [...types]],
      );
      return rows.map((r) => ({
        type: r.type,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        resourceName: r.resource_name,
        at: iso(r.at),
        summary: r.summary,
        ...(r.changes ? { changes: r.changes } : {}),
      }));
    },

    async agentRecord(integrationId, agentId) {
      const { rows } = await db.query<{ data: AgentRecord }>(
        `SELECT data FROM inventory_records WHERE integration_id = $1 AND resource_type = 'agent' AND resource_id = $2`,
        [integrationId, agentId],
      );
      return rows[0]?.data ?? null;
    },
  };
}
