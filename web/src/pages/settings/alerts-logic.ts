/**
 * Pure pieces of the alerts settings page: the words for event kinds, severities and delivery statuses,
 * field errors from the API's refusal (details.field, in the API's words), what a test alert's
 * delivery means, a readable summary of a delivery's payload and how a finding's transition reads. No
 * React, tested in alerts-logic.test.ts.
 */
import { ApiError, type Schemas } from '../../api/client';
import { formatDateTime } from '../../lib/format';

export type AlertDestination = Schemas['AlertDestination'];
export type AlertRule = Schemas['AlertRule'];
export type AlertDelivery = Schemas['AlertDelivery'];
export type AlertDeliveryDetail = Schemas['AlertDeliveryDetail'];
export type AlertPayload = Schemas['AlertPayload'];
export type AlertPayloadFinding = AlertPayload['findings'][number];
export type AlertEventKind = AlertRule['events'][number];
export type DeliveryStatus = AlertDelivery['status'];
export type Severity = NonNullable<AlertRule['minSeverity']>;

/** The change events an alert rule can choose, in words. */
export const EVENT_KINDS: { value: AlertEventKind; label: string; description: string }[] = [
  {
    value: 'guardrails_removed',
    label: 'Guardrails removed',
    description: 'An agent that had guardrails has none any more.',
  },
  {
    value: 'guardrails_weakened',
    label: 'Guardrails weakened',
    description: 'An agent’s guardrails were loosened (a category or check turned off).',
  },
  {
    value: 'alias_weaker',
    label: 'Alias moved to a weaker version',
    description: 'A version alias now points to a version with fewer guardrails.',
  },
  {
    value: 'new_agent_without_guardrails',
    label: 'New agent without guardrails',
    description: 'A new agent appeared with no guardrails at all.',
  },
  {
    value: 'security_event',
    label: 'Security action in the audit log',
    description:
      'Needs an admin key: training on data, public or location sharing enabled, SSO, domain verification or email domain authentication disabled, an API key created, rotated or deleted, connector credentials changed, a library, connector, skill or other resource shared, a role changed.',
  },
  {
    value: 'sync_failing',
    label: 'Sync failing',
    description: 'The sync of an integration failed several runs in a row (set how many below).',
  },
];

export function eventLabel(kind: string): string {
  return EVENT_KINDS.find((e) => e.value === kind)?.label ?? kind;
}

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The value of the "findings do not fire" choice of the severity select. */
export const NO_FINDINGS = 'none';

export const SEVERITY_CHOICES = [
  { value: NO_FINDINGS, label: 'Findings do not fire (events only)' },
  { value: 'critical', label: 'critical only' },
  { value: 'high', label: 'high or worse' },
  { value: 'medium', label: 'medium or worse' },
  { value: 'low', label: 'low or worse' },
  { value: 'info', label: 'every severity (info and up)' },
];

/** How a rule's findings threshold reads in the table. */
export function thresholdLabel(minSeverity: Severity | null): string {
  if (minSeverity === null) return 'findings do not fire';
  return SEVERITY_CHOICES.find((c) => c.value === minSeverity)?.label ?? minSeverity;
}

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'retrying', 'delivered', 'failed'];

export const STATUS_COLOR: Record<DeliveryStatus, string> = {
  pending: 'gray',
  sending: 'blue',
  retrying: 'orange',
  delivered: 'green',
  failed: 'red',
};

/**
 * Field errors of a refused write: the API names the field in error.details.field; its message (in the
 * API's words) goes under that field. Anything without a known field is a form-level error.
 */
export function fieldErrorOf(
  error: unknown,
  fields: readonly string[],
): { field: string | null; message: string } | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return { field: null, message: String(error) };
  const details = error.details as { field?: unknown } | null | undefined;
  const field = typeof details?.field === 'string' && fields.includes(details.field) ? details.field : null;
  const message = error.remediation ? `${error.message} ${error.remediation}` : error.message;
  return { field, message };
}

/** What a test alert's delivery (the answer of POST …/test, after its first attempt) means, in words. */
export function testOutcome(d: AlertDelivery): { ok: boolean; title: string; detail: string } {
  if (d.status === 'delivered')
    return {
      ok: true,
      title: `Delivered${d.lastStatusCode !== null ? ` (HTTP ${d.lastStatusCode})` : ''}`,
      detail: 'The receiver accepted the test alert.',
    };
  const why = d.lastError ?? (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : 'no answer');
  if (d.status === 'failed')
    return {
      ok: false,
      title: 'Not delivered',
      detail: `${why}. No more attempts (${d.attempts} of ${d.maxAttempts}).`,
    };
  return {
    ok: false,
    title: 'Not delivered yet',
    detail: `${why}.${d.nextAttemptAt ? ` Next attempt ${formatDateTime(d.nextAttemptAt)}` : ''} (attempt ${d.attempts} of ${d.maxAttempts}).`,
  };
}

/** A delivery's payload as lines a person reads (all plain text; the console renders it as text). */
export function payloadSummary(p: AlertPayload): { label: string; value: string }[] {
  const rows: { label: string; value: string }[] = [
    { label: 'Type', value: p.type === 'trustlens.alert.test' ? 'Test alert' : 'Digest after a sync' },
    { label: 'Created', value: formatDateTime(p.createdAt) },
    { label: 'Organization', value: p.organization.name },
  ];
  if (p.integration) rows.push({ label: 'Integration', value: p.integration.name });
  if (p.syncRun)
    rows.push({
      label: 'Sync run',
      value: `${p.syncRun.status}${p.syncRun.finishedAt ? `, finished ${formatDateTime(p.syncRun.finishedAt)}` : ''}`,
    });
  if (p.alertRules.length)
    rows.push({ label: 'Alert rules', value: p.alertRules.map((r) => r.name).join(', ') });
  const bySeverity = SEVERITIES.map((s) => [s, p.summary.findingsBySeverity[s] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const worsened = p.summary.worsenedFindings ?? 0;
  rows.push({
    label: 'Findings',
    value: `${p.summary.findings}${bySeverity ? ` (${bySeverity})` : ''}${worsened ? `, ${worsened} worsened (new items)` : ''}${p.summary.omittedFindings ? `, ${p.summary.omittedFindings} more not listed` : ''}`,
  });
  rows.push({
    label: 'Events',
    value: `${p.summary.events}${p.summary.omittedEvents ? `, ${p.summary.omittedEvents} more not listed` : ''}`,
  });
  if (p.syncFailing)
    rows.push({
      label: 'Sync failing',
      value: `${p.syncFailing.consecutiveFailures} runs in a row: ${p.syncFailing.message}`,
    });
  if (p.message) rows.push({ label: 'Message', value: p.message });
  if (p.simulated) rows.push({ label: 'Simulated', value: 'yes (a simulated workspace, not real data)' });
  return rows;
}

/** At most this many new items of a worsened finding are named (as in the Slack message). */
const NAMED_ITEMS = 5;

/**
 * How a delivered finding's transition reads: "opened", "reopened", or for a worsened one (an open
 * finding listing many items, in which new ones appeared) which items, and whether it is muted:
 * `worsened: muted, but 2 new items appeared: "ci" (HQSx...Ug6Y), bob@example.com`.
 */
export function transitionLabel(f: AlertPayloadFinding): string {
  if (f.transition !== 'worsened') return f.transition;
  const items = f.newItems?.items ?? [];
  const count = Math.max(f.newItems?.count ?? 0, items.length);
  const what = count === 0 ? 'new items' : count === 1 ? '1 new item' : `${count} new items`;
  const named = items.slice(0, NAMED_ITEMS).map((x) => x.label);
  const rest = count - named.length;
  const list = named.length > 0 ? `: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}` : '';
  return f.muted ? `worsened: muted, but ${what} appeared${list}` : `worsened: ${what}${list}`;
}

/** Names for ids (destinations, integrations); an id no longer known reads as such. */
export function namesOf(ids: string[], names: Map<string, string>, none: string): string {
  if (ids.length === 0) return none;
  return ids.map((id) => names.get(id) ?? `unknown (${id})`).join(', ');
}
