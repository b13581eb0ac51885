/**
 * Alerts as a use case (issue 12): destinations (generic JSON webhook, Slack incoming webhook), alert
 * rules (severity threshold, rule ids, integrations, change events), and the delivery log.
 *
 * How a sync becomes an alert, across processes and crashes:
 *  1. the sync's final transaction records which findings it opened, reopened or worsened, and the items
 *     that appeared in a worsened one (sync_runs.finding_changes; src/findings/lifecycle.ts);
 *  2. `evaluatePending` takes finished runs not yet evaluated (FOR UPDATE SKIP LOCKED), plans one digest
 *     per destination and inserts the deliveries and the "evaluated" mark in one transaction — a digest
 *     per destination per run, never two (unique index);
 *  3. `dispatchDue` claims due deliveries with a lease and posts them, signed; a failure that may pass is
 *     retried with exponential backoff, a lease that ends (a sender died) lets another process resend.
 * Receivers may see a delivery twice after a crash (at-least-once): they deduplicate on its id.
 */
import { randomUUID } from 'node:crypto';
import { digestPayload, planDigests } from '../alerts/evaluate.ts';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  newSigningSecret,
  signatureHeader,
} from '../alerts/signing.ts';
import { DEFAULT_RETRY, retryDelayMs, retryable, type RetryPolicy } from '../alerts/retry.ts';
import {
  ALERT_EVENT_KINDS,
  DESTINATION_KINDS,
  type AlertEvent,
  type AlertEventKind,
  type AlertFinding,
  type AlertRule,
  type DestinationKind,
  type DigestPayload,
  type SyncFacts,
} from '../alerts/types.ts';
import { deliveryBody } from '../alerts/wire.ts';
import { isSecurityEventType, SECURITY_EVENT_TYPES } from '../drift/audit-events.ts';
import { AppError } from '../errors/index.ts';
import { SEVERITIES, type Severity } from '../findings/types.ts';
import { isMuted } from '../findings/mute.ts';
import { getRule } from '../rules/catalog.ts';
import { compareGuardrailStrength } from '../rules/guardrail-strength.ts';
import { VERSION } from '../shared/version.ts';
import { DEFAULT_ORGANIZATION_ID, type Store } from '../store/index.ts';
import type {
  DeliveryRecord,
  DeliveryStatus,
  DeliveryView,
  DestinationView,
  PendingRun,
  RuleInput,
} from '../store/alerts-repository.ts';
import { checkWebhookUrl, urlHint } from '../webhooks/url-policy.ts';
import type { SendResult, WebhookSender } from '../webhooks/send.ts';
import type { AuditService } from './audit.ts';
import { canSee, requireRole, type Actor } from './context.ts';
import { clampLimit, decodeCursor, encodeCursor, type Page } from './pagination.ts';

export type { DeliveryView, DestinationView } from '../store/alerts-repository.ts';
/** For the entry points (they do not import src/alerts). */
export {
  ALERT_EVENT_KINDS,
  ALERT_TRANSITIONS,
  DESTINATION_KINDS,
  type AlertEventKind,
  type DestinationKind,
} from '../alerts/types.ts';

export interface DestinationInput {
  name: string;
  kind: DestinationKind;
  url: string;
}

export interface AlertRuleInput {
  name: string;
  enabled?: boolean;
  destinationIds: string[];
  minSeverity?: Severity | null;
  ruleIds?: string[];
  integrationIds?: string[];
  events?: AlertEventKind[];
  syncFailingRuns?: number;
}

export interface AlertsService {
  listDestinations(actor: Actor): Promise<DestinationView[]>;
  getDestination(actor: Actor, id: string): Promise<DestinationView>;
  /** The signing secret is returned here once; afterwards only its rotation date is shown. */
  createDestination(
    actor: Actor,
    input: DestinationInput,
  ): Promise<{ destination: DestinationView; signingSecret: string }>;
  updateDestination(
    actor: Actor,
    id: string,
    input: { name?: string; enabled?: boolean; url?: string },
  ): Promise<DestinationView>;
  rotateSecret(actor: Actor, id: string): Promise<{ destination: DestinationView; signingSecret: string }>;
  deleteDestination(actor: Actor, id: string): Promise<void>;
  /** Sends a test alert now (first attempt awaited; retried like any delivery when it fails). */
  sendTest(actor: Actor, destinationId: string): Promise<DeliveryView>;

  listRules(actor: Actor): Promise<AlertRule[]>;
  getRule(actor: Actor, id: string): Promise<AlertRule>;
  createRule(actor: Actor, input: AlertRuleInput): Promise<AlertRule>;
  updateRule(actor: Actor, id: string, input: AlertRuleInput): Promise<AlertRule>;
  deleteRule(actor: Actor, id: string): Promise<void>;

  listDeliveries(
    actor: Actor,
    query?: { destinationId?: string; status?: DeliveryStatus; cursor?: string; limit?: number },
  ): Promise<Page<DeliveryView>>;
  getDelivery(actor: Actor, id: string): Promise<DeliveryRecord>;

  /** Plans the deliveries of finished runs not evaluated yet. Returns how many runs were evaluated. */
  evaluatePending(): Promise<number>;
  /** Posts the deliveries that are due. Returns what happened to each. */
  dispatchDue(onlyId?: string): Promise<Array<{ id: string; status: DeliveryStatus }>>;
  /** evaluatePending then dispatchDue, never two at once in this process. */
  tick(): Promise<void>;
  /** Runs `tick` every `intervalMs` until stop(); `kick` runs one soon (after a sync ends). */
  start(intervalMs: number): void;
  kick(): void;
  stop(): Promise<void>;
}

export interface AlertsServiceDeps {
  store: Store;
  audit: AuditService;
  send: WebhookSender;
  now?: () => Date;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  /** How long a sender holds a delivery before another process may take it over. */
  leaseMs?: number;
  timeoutMs?: number;
  onError?: (e: unknown) => void;
}

const NAME_MAX = 100;

function invalid(message: string, field: string, remediation: string): never {
  throw new AppError('INVALID_INPUT', message, { remediation, details: { field } });
}

function checkName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name || name.length > NAME_MAX)
    invalid(
      `The name must have 1 to ${NAME_MAX} characters.`,
      'name',
      'Give it a short name, e.g. "secops-slack".',
    );
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    invalid('The name contains control characters.', 'name', 'Use printable characters only.');
  return name;
}

/** The events a sync run can contribute, before rules choose. */
const EVENT_TYPES = [
  'guardrails_removed',
  'guardrails_weakened',
  'alias_moved',
  ...SECURITY_EVENT_TYPES,
] as const;

export function createAlertsService(deps: AlertsServiceDeps): AlertsService {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...deps.retry };
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const random = deps.random ?? Math.random;
  const repo = store.alerts;

  const orgOf = (actor: Actor) => actor.organizationId ?? DEFAULT_ORGANIZATION_ID;

  async function destination(actor: Actor, id: string): Promise<DestinationView> {
    const d = await repo.getDestination(id);
    if (!d || !canSee(actor, d.organizationId)) {
      throw new AppError('NOT_FOUND', `No alert destination "${id}".`, {
        remediation: 'List the alert destinations to find the id.',
      });
    }
    return d;
  }

  async function rule(actor: Actor, id: string): Promise<AlertRule> {
    const r = await repo.getRule(id);
    if (!r || !canSee(actor, r.organizationId)) {
      throw new AppError('NOT_FOUND', `No alert rule "${id}".`, {
        remediation: 'List the alert rules to find the id.',
      });
    }
    return r;
  }

  async function checkRule(organizationId: string, input: AlertRuleInput): Promise<RuleInput> {
    const name = checkName(input.name);
    const unique = (xs: unknown, field: string): string[] => {
      if (xs === undefined) return [];
      if (!Array.isArray(xs) || xs.some((x) => typeof x !== 'string'))
        invalid(`${field} must be a list of ids.`, field, `Pass ${field} as an array of strings.`);
      return [...new Set(xs as string[])];
    };
    const destinationIds = unique(input.destinationIds, 'destinationIds');
    if (destinationIds.length === 0)
      invalid(
        'An alert rule needs at least one destination.',
        'destinationIds',
        'Create a destination first (alerts destinations add), then name it here.',
      );
    const destinations = new Set((await repo.listDestinations(organizationId)).map((d) => d.id));
    const unknownDestination = destinationIds.find((d) => !destinations.has(d));
    if (unknownDestination)
      invalid(
        `No alert destination "${unknownDestination}" in this organization.`,
        'destinationIds',
        'List the alert destinations to find the ids.',
      );
    const ruleIds = unique(input.ruleIds, 'ruleIds');
    const unknownRule = ruleIds.find((r) => !getRule(r));
    if (unknownRule)
      invalid(
        `No TrustLens rule "${unknownRule}".`,
        'ruleIds',
        'List the rules with `trustlens rules` or GET /api/v1/rules.',
      );
    const integrationIds = unique(input.integrationIds, 'integrationIds');
    const integrations = new Set((await store.integrations.list(organizationId)).map((i) => i.id));
    const unknownIntegration = integrationIds.find((i) => !integrations.has(i));
    if (unknownIntegration)
      invalid(
        `No integration "${unknownIntegration}" in this organization.`,
        'integrationIds',
        'List the integrations to find the ids.',
      );
    const events = unique(input.events, 'events') as AlertEventKind[];
    const unknownEvent = events.find((e) => !(ALERT_EVENT_KINDS as readonly string[]).includes(e));
    if (unknownEvent)
      invalid(`Unknown event "${unknownEvent}".`, 'events', `Use any of: ${ALERT_EVENT_KINDS.join(', ')}.`);
    const minSeverity = input.minSeverity ?? null;
    if (minSeverity !== null && !SEVERITIES.includes(minSeverity))
      invalid(
        `Unknown severity "${String(minSeverity)}".`,
        'minSeverity',
        `Use one of: ${SEVERITIES.join(', ')}.`,
      );
    if (minSeverity === null && events.length === 0)
      invalid(
        'This alert rule would never fire: it has neither a severity threshold nor events.',
        'minSeverity',
        'Set minSeverity (e.g. high) and/or events (e.g. guardrails_removed).',
      );
    const syncFailingRuns = input.syncFailingRuns ?? 3;
    if (!Number.isInteger(syncFailingRuns) || syncFailingRuns < 1 || syncFailingRuns > 100)
      invalid(
        'syncFailingRuns must be an integer from 1 to 100.',
        'syncFailingRuns',
        'For example 3: alert when three syncs in a row fail.',
      );
    return {
      name,
      enabled: input.enabled ?? true,
      destinationIds,
      minSeverity,
      ruleIds,
      integrationIds,
      events,
      syncFailingRuns,
    };
  }

  // ---- evaluation -----------------------------------------------------------------------------------

  async function factsOf(tx: Store, run: PendingRun, rules: AlertRule[]): Promise<SyncFacts | null> {
    const integration = await tx.integrations.get(run.integrationId);
    if (!integration) return null;
    const org = await tx.accounts.getOrganization(integration.organizationId);
    const wants = (k: AlertEventKind) => rules.some((r) => r.events.includes(k));
    const changes = run.findingChanges;
    // Rows written before "worsened" existed lack it.
    const worsened = new Set(changes?.worsened ?? []);
    const ids = new Set([...(changes?.opened ?? []), ...(changes?.reopened ?? []), ...worsened]);
    const reopened = new Set(changes?.reopened ?? []);
    const findings: AlertFinding[] = [];
    if (ids.size > 0) {
      for (const f of await tx.findings.list(
        run.integrationId,
        { status: 'open', includeMuted: true },
        now(),
      )) {
        if (!ids.has(f.id)) continue;
        findings.push({
          id: f.id,
          ruleId: f.ruleId,
          severity: f.severity,
          title: f.title,
          resourceType: f.resourceType,
          resourceId: f.resourceId,
          resourceName: f.resourceName,
          detail: f.detail,
          remediation: getRule(f.ruleId)?.meta.remediation.text ?? '',
          transition: reopened.has(f.id) ? 'reopened' : worsened.has(f.id) ? 'worsened' : 'opened',
          ...(worsened.has(f.id) && !reopened.has(f.id)
            ? { newItems: changes?.worsenedItems?.[f.id] ?? { count: 0, items: [] } }
            : {}),
          lastStatus: f.lastStatus,
          // A mute in force; an expired one no longer silences the finding. It never silences a
          // worsened finding (src/alerts/evaluate.ts): the digest then says it is muted.
          muted: isMuted(f, now()),
        });
      }
    }
    const events: AlertEvent[] = [];
    // One read of the run's events: the ones alerts carry, and the agents it discovered.
    const stored = await tx.alerts.eventsOfRun(run.id, [...EVENT_TYPES, 'resource_created']);
    for (const e of stored) {
      const base = {
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        resourceName: e.resourceName,
        summary: e.summary,
        at: e.at,
      };
      if (e.type === 'guardrails_removed' || e.type === 'guardrails_weakened') {
        events.push({ kind: e.type, type: e.type, ...base });
      } else if (isSecurityEventType(e.type)) {
        // Training or public sharing enabled, SSO disabled, API keys, connector credentials, library
        // shares, role changes, domain authentication disabled, resources shared, Le Chat location
        // sharing enabled (SECURITY_EVENT_TYPES): from the admin audit log, the summary already says
        // who and when.
        events.push({ kind: 'security_event', type: e.type, ...base });
      } else if (e.type === 'alias_moved' && wants('alias_weaker')) {
        const change = e.changes?.[0];
        const agent = await tx.alerts.agentRecord(run.integrationId, e.resourceId);
        const config = (v: unknown) => agent?.versionHistory.find((c) => c.version === v);
        const before = config(change?.before);
        const after = config(change?.after);
        if (before && after && compareGuardrailStrength(after, before) < 0) {
          events.push({
            kind: 'alias_weaker',
            type: e.type,
            ...base,
            summary: `${e.summary}, whose guardrails are weaker`,
          });
        }
      }
    }
    if (wants('new_agent_without_guardrails')) {
      // An agent this sync discovered (created event) whose guardrails-missing finding this sync opened.
      const created = new Set(
        stored
          .filter((e) => e.type === 'resource_created' && e.resourceType === 'agent')
          .map((e) => e.resourceId),
      );
      for (const f of findings) {
        if (
          f.ruleId === 'mistral_agent_guardrails_missing' &&
          f.lastStatus === 'FAIL' &&
          f.transition === 'opened' &&
          created.has(f.resourceId)
        ) {
          events.push({
            kind: 'new_agent_without_guardrails',
            type: 'resource_created',
            resourceType: 'agent',
            resourceId: f.resourceId,
            resourceName: f.resourceName,
            summary: `New agent ${JSON.stringify(f.resourceName ?? f.resourceId)} has no guardrails`,
            at: run.finishedAt ?? now().toISOString(),
          });
        }
      }
    }
    const maxStreak = Math.max(0, ...rules.map((r) => r.syncFailingRuns));
    const consecutiveFailures =
      run.status === 'failed' && wants('sync_failing')
        ? await tx.alerts.consecutiveFailures(run.integrationId, run.id, maxStreak)
        : 0;
    const firstError = run.errors[0];
    return {
      organization: { id: integration.organizationId, name: org?.name ?? integration.organizationId },
      integration: { id: integration.id, name: integration.name, simulated: integration.simulated },
      run: {
        id: run.id,
        status: run.status,
        finishedAt: run.finishedAt,
        consecutiveFailures,
        error: firstError
          ? { message: firstError.message ?? '', remediation: firstError.remediation ?? '' }
          : null,
      },
      findings,
      events,
    };
  }

  async function evaluatePending(): Promise<number> {
    let evaluated = 0;
    for (;;) {
      const n = await store.transaction(async (tx) => {
        const runs = await tx.alerts.lockPendingRuns(5);
        for (const run of runs) {
          const integration = await tx.integrations.get(run.integrationId);
          const rules = integration
            ? (await tx.alerts.listRules(integration.organizationId)).filter(
                (r) =>
                  r.enabled &&
                  (r.integrationIds.length === 0 || r.integrationIds.includes(run.integrationId)),
              )
            : [];
          if (rules.length > 0 && run.status !== 'interrupted') {
            const facts = await factsOf(tx, run, rules);
            if (facts) {
              const enabled = new Set(
                (await tx.alerts.listDestinations(facts.organization.id))
                  .filter((d) => d.enabled)
                  .map((d) => d.id),
              );
              for (const plan of planDigests(rules, facts)) {
                if (!enabled.has(plan.destinationId)) continue;
                const id = randomUUID();
                const createdAt = now();
                const payload = digestPayload(plan, facts, id, createdAt);
                await tx.alerts.insertDelivery({
                  id,
                  organizationId: facts.organization.id,
                  destinationId: plan.destinationId,
                  integrationId: facts.integration.id,
                  syncRunId: run.id,
                  kind: 'digest',
                  payload,
                  alertRuleIds: plan.alertRules.map((r) => r.id),
                  findingCount: plan.findings.length,
                  eventCount: plan.events.length + (plan.syncFailing ? 1 : 0),
                  maxAttempts: retry.maxAttempts,
                  createdAt: createdAt.toISOString(),
                });
              }
            }
          }
          await tx.alerts.markEvaluated(run.id, now().toISOString());
        }
        return runs.length;
      });
      evaluated += n;
      if (n < 5) return evaluated;
    }
  }

  // ---- delivery --------------------------------------------------------------------------------------

  async function attempt(d: DeliveryRecord & { leaseId: string }): Promise<DeliveryStatus> {
    const dest = await repo.getDestination(d.destinationId);
    const at = now();
    let status: 'delivered' | 'retrying' | 'failed';
    let statusCode: number | null = null;
    let error: string | null = null;
    let next: string | null = null;
    if (!dest) return 'failed';
    if (!dest.enabled && d.kind !== 'test') {
      status = 'failed';
      error = 'the destination is disabled';
    } else {
      let result: SendResult & { permanent?: boolean };
      try {
        const { url, secret } = await repo.revealDestination(dest.id);
        // The policy again, at send time: a URL stored under an older, looser policy is not reached.
        checkWebhookUrl(url);
        const body = deliveryBody(dest.kind, d.payload as unknown as DigestPayload);
        const timestamp = Math.floor(at.getTime() / 1000);
        result = await deps.send(
          url,
          body,
          {
            'content-type': 'application/json',
            'user-agent': `TrustLens/${VERSION}`,
            [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
            [DELIVERY_HEADER]: d.id,
            [EVENT_HEADER]: d.kind === 'test' ? 'test' : 'digest',
          },
          { timeoutMs: deps.timeoutMs },
        );
      } catch (e) {
        // Not sendable as configured (the URL policy refuses it, a secret cannot be decrypted): no retry.
        result = {
          ok: false,
          statusCode: null,
          error: e instanceof AppError ? e.message : 'the delivery could not be prepared',
          retryAfterMs: null,
          permanent: true,
        };
      }
      statusCode = result.statusCode;
      error = result.error;
      if (result.ok) status = 'delivered';
      else if (!result.permanent && retryable(result.statusCode) && d.attempts < d.maxAttempts) {
        status = 'retrying';
        next = new Date(
          at.getTime() + retryDelayMs(d.attempts, retry, random, result.retryAfterMs),
        ).toISOString();
      } else {
        status = 'failed';
        if (!result.permanent && retryable(result.statusCode))
          error = `${error}; gave up after ${d.attempts} attempts`;
      }
    }
    const recorded = await repo.recordAttempt(d.id, d.leaseId, {
      at: at.toISOString(),
      statusCode,
      error,
      status,
      nextAttemptAt: next,
    });
    // Another sender took the delivery over meanwhile (this one outlived its lease): its outcome stands.
    return recorded ? status : 'sending';
  }

  async function dispatchDue(onlyId?: string): Promise<Array<{ id: string; status: DeliveryStatus }>> {
    const out: Array<{ id: string; status: DeliveryStatus }> = [];
    for (;;) {
      const due = await repo.claimDue(now().toISOString(), leaseMs, 8, onlyId);
      if (due.length === 0) return out;
      const statuses = await Promise.all(
        due.map((d) => attempt(d).catch(() => 'retrying' as DeliveryStatus)),
      );
      due.forEach((d, i) => out.push({ id: d.id, status: statuses[i] }));
    }
  }

  let ticking: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  function tick(): Promise<void> {
    if (ticking) return ticking;
    if (stopped) return Promise.resolve();
    ticking = (async () => {
      try {
        await evaluatePending();
        await dispatchDue();
      } catch (e) {
        deps.onError?.(e);
      } finally {
        ticking = null;
      }
    })();
    return ticking;
  }

  const audit = (
    actor: Actor,
    action: string,
    id: string,
    details: Record<string, unknown>,
    organizationId: string,
  ) => deps.audit.record(actor, action, { type: 'alert', id }, details, { organizationId });

  return {
    async listDestinations(actor) {
      return repo.listDestinations(actor.organizationId ?? undefined);
    },
    getDestination: destination,

    async createDestination(actor, input) {
      requireRole(actor, 'admin');
      const name = checkName(input.name);
      if (!(DESTINATION_KINDS as readonly string[]).includes(input.kind))
        invalid(
          `Unknown destination kind "${String(input.kind)}".`,
          'kind',
          'Use webhook (a signed JSON POST) or slack (a Slack incoming webhook).',
        );
      if (typeof input.url !== 'string' || input.url.length > 2000)
        invalid(
          'The webhook URL is missing or too long.',
          'url',
          'Paste the full https:// URL of the receiver.',
        );
      const url = checkWebhookUrl(input.url);
      const secret = newSigningSecret();
      const organizationId = orgOf(actor);
      const destination = await repo.createDestination({
        organizationId,
        name,
        kind: input.kind,
        url: url.toString(),
        urlHint: urlHint(url),
        secret,
        createdBy: actor.label,
        at: now().toISOString(),
      });
      await audit(
        actor,
        'alert.destination.create',
        destination.id,
        { name, kind: input.kind, url: destination.urlHint },
        organizationId,
      );
      return { destination, signingSecret: secret };
    },

    async updateDestination(actor, id, input) {
      requireRole(actor, 'admin');
      const current = await destination(actor, id);
      const url = input.url === undefined ? undefined : checkWebhookUrl(String(input.url));
      const next = await repo.updateDestination(
        current.id,
        {
          name: input.name === undefined ? undefined : checkName(input.name),
          enabled: input.enabled,
          url: url?.toString(),
          urlHint: url ? urlHint(url) : undefined,
        },
        now().toISOString(),
      );
      await audit(
        actor,
        'alert.destination.update',
        id,
        { name: next.name, enabled: next.enabled, urlChanged: url !== undefined },
        current.organizationId,
      );
      return next;
    },

    async rotateSecret(actor, id) {
      requireRole(actor, 'admin');
      const current = await destination(actor, id);
      const secret = newSigningSecret();
      const next = await repo.rotateSecret(current.id, secret, now().toISOString());
      await audit(actor, 'alert.destination.rotate_secret', id, { name: next.name }, current.organizationId);
      return { destination: next, signingSecret: secret };
    },

    async deleteDestination(actor, id) {
      requireRole(actor, 'admin');
      const current = await destination(actor, id);
      await repo.deleteDestination(current.id);
      await audit(actor, 'alert.destination.delete', id, { name: current.name }, current.organizationId);
    },

    async sendTest(actor, destinationId) {
      requireRole(actor, 'admin');
      const dest = await destination(actor, destinationId);
      const org = await store.accounts.getOrganization(dest.organizationId);
      const id = randomUUID();
      const createdAt = now();
      const payload: DigestPayload = {
        type: 'trustlens.alert.test',
        version: 1,
        deliveryId: id,
        createdAt: createdAt.toISOString(),
        simulated: false,
        organization: { id: dest.organizationId, name: org?.name ?? dest.organizationId },
        integration: null,
        syncRun: null,
        alertRules: [],
        summary: {
          findings: 0,
          findingsBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
          worsenedFindings: 0,
          events: 0,
          omittedFindings: 0,
          omittedEvents: 0,
        },
        findings: [],
        events: [],
        syncFailing: null,
        message: `This is a test alert from TrustLens to the destination "${dest.name}", sent by an admin of ${org?.name ?? 'the organization'}. Nothing happened in any workspace.`,
      };
      await repo.insertDelivery({
        id,
        organizationId: dest.organizationId,
        destinationId: dest.id,
        integrationId: null,
        syncRunId: null,
        kind: 'test',
        payload,
        alertRuleIds: [],
        findingCount: 0,
        eventCount: 0,
        maxAttempts: retry.maxAttempts,
        createdAt: createdAt.toISOString(),
      });
      await audit(actor, 'alert.destination.test', dest.id, { name: dest.name }, dest.organizationId);
      // Send it now, only it (another process may take it first: then this one finds it claimed).
      await dispatchDue(id);
      const { payload: _p, ...view } = (await repo.getDelivery(id))!;
      return view;
    },

    async listRules(actor) {
      return repo.listRules(actor.organizationId ?? undefined);
    },
    getRule: rule,

    async createRule(actor, input) {
      requireRole(actor, 'admin');
      const organizationId = orgOf(actor);
      const created = await repo.createRule(
        organizationId,
        await checkRule(organizationId, input),
        actor.label,
        now().toISOString(),
      );
      await audit(actor, 'alert.rule.create', created.id, { name: created.name }, organizationId);
      return created;
    },

    async updateRule(actor, id, input) {
      requireRole(actor, 'admin');
      const current = await rule(actor, id);
      const updated = await repo.updateRule(
        current.id,
        await checkRule(current.organizationId, input),
        now().toISOString(),
      );
      await audit(
        actor,
        'alert.rule.update',
        id,
        { name: updated.name, enabled: updated.enabled },
        current.organizationId,
      );
      return updated;
    },

    async deleteRule(actor, id) {
      requireRole(actor, 'admin');
      const current = await rule(actor, id);
      await repo.deleteRule(current.id);
      await audit(actor, 'alert.rule.delete', id, { name: current.name }, current.organizationId);
    },

    async listDeliveries(actor, query = {}) {
      const limit = clampLimit(query.limit);
      const before = decodeCursor(
        query.cursor,
        (v): v is number => Number.isSafeInteger(v) && (v as number) > 0,
      );
      if (query.destinationId) await destination(actor, query.destinationId);
      const rows = await repo.listDeliveries({
        organizationId: actor.organizationId ?? undefined,
        destinationId: query.destinationId,
        status: query.status,
        before: before ?? undefined,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      return {
        items: items.map(({ seq: _seq, ...d }) => d),
        nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null,
      };
    },

    async getDelivery(actor, id) {
      const d = await repo.getDelivery(id);
      if (!d || !canSee(actor, d.organizationId)) {
        throw new AppError('NOT_FOUND', `No alert delivery "${id}".`, {
          remediation: 'List the deliveries to find the id.',
        });
      }
      return d;
    },

    evaluatePending,
    dispatchDue,
    tick,

    start(intervalMs) {
      if (timer || stopped) return;
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
      void tick();
    },
    kick() {
      if (stopped) return;
      setImmediate(() => void tick());
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
    },
  };
}
