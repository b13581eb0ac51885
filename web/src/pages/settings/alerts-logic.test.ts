import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import {
  EVENT_KINDS,
  fieldErrorOf,
  namesOf,
  payloadSummary,
  testOutcome,
  thresholdLabel,
  transitionLabel,
  type AlertDelivery,
  type AlertPayload,
  type AlertPayloadFinding,
} from './alerts-logic';

function delivery(over: Partial<AlertDelivery> = {}): AlertDelivery {
  return {
    id: 'del1',
    organizationId: 'org1',
    destinationId: 'dst1',
    integrationId: null,
    syncRunId: null,
    kind: 'test',
    status: 'delivered',
    alertRuleIds: [],
    findingCount: 0,
    eventCount: 0,
    attempts: 1,
    maxAttempts: 6,
    nextAttemptAt: null,
    lastAttemptAt: '2026-01-01T10:00:00.000Z',
    lastStatusCode: 204,
    lastError: null,
    deliveredAt: '2026-01-01T10:00:00.000Z',
    createdAt: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}

describe('alerts logic', () => {
  it('names the event kinds of the API, each with a sentence', () => {
    expect(EVENT_KINDS.map((e) => e.value)).toEqual([
      'guardrails_removed',
      'guardrails_weakened',
      'alias_weaker',
      'new_agent_without_guardrails',
      'security_event',
      'sync_failing',
    ]);
    for (const e of EVENT_KINDS) expect(e.description.length).toBeGreaterThan(10);
  });

  it('puts a refusal under the field the API names, in its words; otherwise at the form', () => {
    const url = new ApiError(400, 'INVALID_INPUT', 'The webhook URL uses ftp.', 'Use an https:// URL.', {
      field: 'url',
    });
    expect(fieldErrorOf(url, ['name', 'url'])).toEqual({
      field: 'url',
      message: 'The webhook URL uses ftp. Use an https:// URL.',
    });
    expect(fieldErrorOf(url, ['name'])?.field).toBeNull();
    const noField = new ApiError(403, 'FORBIDDEN', 'Only admins.', null);
    expect(fieldErrorOf(noField, ['url'])).toEqual({ field: null, message: 'Only admins.' });
    expect(fieldErrorOf(null, ['url'])).toBeNull();
  });

  it('says what a test alert did: delivered with its HTTP status, or why not and when it retries', () => {
    expect(testOutcome(delivery())).toMatchObject({ ok: true, title: 'Delivered (HTTP 204)' });
    const retrying = testOutcome(
      delivery({
        status: 'retrying',
        lastStatusCode: 503,
        lastError: 'The receiver answered 503',
        nextAttemptAt: '2026-01-01T10:01:00.000Z',
      }),
    );
    expect(retrying.ok).toBe(false);
    expect(retrying.title).toBe('Not delivered yet');
    expect(retrying.detail).toMatch(/answered 503\. Next attempt .*\(attempt 1 of 6\)/);
    const failed = testOutcome(
      delivery({ status: 'failed', attempts: 6, lastStatusCode: null, lastError: null }),
    );
    expect(failed.detail).toBe('no answer. No more attempts (6 of 6).');
  });

  it('reads a threshold and a list of ids in words; an unknown id stays visible as unknown', () => {
    expect(thresholdLabel(null)).toBe('findings do not fire');
    expect(thresholdLabel('high')).toBe('high or worse');
    expect(namesOf([], new Map(), 'all')).toBe('all');
    expect(namesOf(['a', 'b'], new Map([['a', 'Prod']]), 'all')).toBe('Prod, unknown (b)');
  });

  it('summarizes a digest payload as text lines (counts by severity, omitted items, failing syncs)', () => {
    const p = {
      type: 'trustlens.alert.digest',
      version: 1,
      deliveryId: 'del1',
      createdAt: '2026-01-01T10:00:00.000Z',
      simulated: true,
      organization: { id: 'org1', name: 'Acme' },
      integration: { id: 'int1', name: '<img src=x onerror=alert(1)>' },
      syncRun: { id: 'run1', status: 'failed', finishedAt: null },
      alertRules: [{ id: 'r1', name: 'SOC' }],
      summary: {
        findings: 3,
        findingsBySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 },
        events: 0,
        omittedFindings: 1,
        omittedEvents: 0,
      },
      findings: [],
      events: [],
      syncFailing: { consecutiveFailures: 3, message: 'Key refused', remediation: 'Rotate it' },
    } as AlertPayload;
    const rows = Object.fromEntries(payloadSummary(p).map((r) => [r.label, r.value]));
    expect(rows.Type).toBe('Digest after a sync');
    expect(rows.Integration).toBe('<img src=x onerror=alert(1)>');
    expect(rows.Findings).toBe('3 (1 critical, 2 high), 1 more not listed');
    expect(rows.Events).toBe('0');
    expect(rows['Sync failing']).toBe('3 runs in a row: Key refused');
    expect(rows['Alert rules']).toBe('SOC');
    expect(rows.Simulated).toMatch(/^yes/);
  });

  it('says what a finding transition is: opened, reopened, or worsened with its new items and mute', () => {
    const f = (over: Partial<AlertPayloadFinding>): AlertPayloadFinding => ({
      id: 'f1',
      ruleId: 'mistral_integration_api_key_no_expiry',
      severity: 'medium',
      title: 'API keys without expiry',
      resourceType: 'integration',
      resourceId: 'int1',
      resourceName: 'prod',
      detail: '…',
      remediation: '…',
      transition: 'opened',
      ...over,
    });
    expect(transitionLabel(f({}))).toBe('opened');
    expect(transitionLabel(f({ transition: 'reopened' }))).toBe('reopened');
    const items = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => ({ id: x, label: `"${x}"` }));
    expect(transitionLabel(f({ transition: 'worsened', newItems: { count: 8, items } }))).toBe(
      'worsened: 8 new items: "a", "b", "c", "d", "e" and 3 more',
    );
    expect(
      transitionLabel(
        f({ transition: 'worsened', muted: true, newItems: { count: 1, items: items.slice(0, 1) } }),
      ),
    ).toBe('worsened: muted, but 1 new item appeared: "a"');
    expect(transitionLabel(f({ transition: 'worsened', newItems: { count: 2, items: [] } }))).toBe(
      'worsened: 2 new items',
    );
  });

  it('counts worsened findings in the summary', () => {
    const p = {
      type: 'trustlens.alert.digest',
      version: 1,
      deliveryId: 'del1',
      createdAt: '2026-01-01T10:00:00.000Z',
      simulated: false,
      organization: { id: 'org1', name: 'Acme' },
      integration: { id: 'int1', name: 'prod' },
      syncRun: { id: 'run1', status: 'succeeded', finishedAt: null },
      alertRules: [],
      summary: {
        findings: 2,
        findingsBySeverity: { critical: 0, high: 2, medium: 0, low: 0, info: 0 },
        worsenedFindings: 1,
        events: 0,
        omittedFindings: 0,
        omittedEvents: 0,
      },
      findings: [],
      events: [],
      syncFailing: null,
    } as AlertPayload;
    const rows = Object.fromEntries(payloadSummary(p).map((r) => [r.label, r.value]));
    expect(rows.Findings).toBe('2 (2 high), 1 worsened (new items)');
  });
});
