import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Schemas } from '../../api/client';
import { integration, mockApi, renderAt, run, type Recorded } from '../integration/test-utils';
import { OverviewPage } from '../overview';

let restore: (() => void) | undefined;
afterEach(() => {
  cleanup();
  restore?.();
  restore = undefined;
});

function withApi(...args: Parameters<typeof mockApi>) {
  const m = mockApi(...args);
  restore = m.restore;
  return m;
}

const routes = [{ path: '/', element: <OverviewPage /> }];
const ok = (body: unknown) => () => ({ status: 200, body });
const sev = (c = 0, h = 0, m = 0, l = 0, i = 0) => ({ critical: c, high: h, medium: m, low: l, info: i });

function figures(over: Partial<Schemas['PostureFigures']> = {}): Schemas['PostureFigures'] {
  return {
    agents: 0,
    models: 0,
    files: 0,
    libraries: 0,
    agentsWithoutGuardrails: 0,
    agentsByGuardrailState: { none: 0, non_blocking: 0, blocking: 0, unknown: 0 },
    openFindingsBySeverity: sev(),
    riskScore: null,
    riskTrend: [],
    ...over,
  };
}

function posture(f: Schemas['PostureFigures'], lastSyncRunId: string | null): Schemas['PostureSummary'] {
  return {
    integrations: [
      { ...f, integrationId: 'int1', name: 'production workspace', simulated: false, lastSyncRunId },
    ],
    organization: f,
  };
}

const noUsage: Schemas['Exposure'] = {
  integrations: [],
  organization: { last7Days: null, last30Days: null, daily: null, integrationsWithoutUsage: 1 },
};

function availability(status: 'available' | 'unavailable' | null): Schemas['FeatureAvailability'] {
  const row = (feature: 'models' | 'agents' | 'usage', label: string, apiKeyOnly: boolean) => ({
    feature,
    label,
    endpoints: [],
    apiKeyOnly,
    withBetaAccess: true,
    status: status === null ? null : apiKeyOnly ? ('available' as const) : status,
    message: null,
    remediation: null,
  });
  return {
    integrationId: 'int1',
    syncRunId: status === null ? null : 'run1',
    checkedAt: null,
    betaAccess: status === null ? null : status === 'available',
    features: [
      row('models', 'Model discovery', true),
      row('agents', 'Agent discovery', false),
      row('usage', 'Usage metrics', false),
    ],
    extraFeatures: [],
    extraCheckedAt: null,
  };
}

describe('Overview page', () => {
  it('without integrations, offers admins to add one', async () => {
    withApi('admin', { 'GET /api/v1/integrations': ok({ items: [], nextCursor: null }) });
    renderAt('/', routes);
    const link = await screen.findByRole('link', { name: 'Add an integration' });
    expect(link.getAttribute('href')).toBe('/integrations/new');
  });

  it('without integrations, tells others to ask an admin', async () => {
    withApi('viewer', { 'GET /api/v1/integrations': ok({ items: [], nextCursor: null }) });
    renderAt('/', routes);
    expect(await screen.findByText(/Ask an admin to add an integration/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Add an integration' })).toBeNull();
  });

  it('before the first sync, shows every figure as unknown, never 0', async () => {
    withApi('analyst', {
      'GET /api/v1/integrations': ok({ items: [integration()], nextCursor: null }),
      'GET /api/v1/posture': ok(posture(figures(), null)),
      'GET /api/v1/posture/exposure': ok(noUsage),
      'GET /api/v1/posture/fix-first': ok({ groups: [] }),
      'GET /api/v1/integrations/int1/syncs': ok({ items: [], nextCursor: null }),
      'GET /api/v1/integrations/int1/availability': ok(availability(null)),
    });
    renderAt('/', routes);
    expect(await screen.findByText('not assessed yet — run a sync')).toBeTruthy();
    const inventory = screen.getByRole('region', { name: 'Inventory' });
    expect(within(inventory).getAllByText('unknown')).toHaveLength(4);
    expect(within(inventory).queryByText('0')).toBeNull();
    const findings = screen.getByRole('region', { name: 'Open findings by severity' });
    expect(within(findings).getAllByText('unknown')).toHaveLength(5);
    const exposure = screen.getByRole('table', { name: 'Exposure by traffic' });
    await waitFor(() => expect(within(exposure).getAllByText('unknown')).toHaveLength(4));
    expect(within(exposure).queryByText(/0\.0 %/)).toBeNull();
    const syncs = screen.getByRole('table', { name: 'Last sync per integration' });
    expect(await within(syncs).findByText('never synced')).toBeTruthy();
    expect(await within(syncs).findByText('unknown until a sync has finished')).toBeTruthy();
  });

  it('a first sync still queued: shows it waiting for a worker with when it was queued, not as synced', async () => {
    const queued = run({
      status: 'queued',
      startedAt: new Date(Date.now() - 4 * 60_000).toISOString(),
      finishedAt: null,
      durationMs: null,
      countsByType: null,
      requests: null,
      availability: null,
    });
    withApi('analyst', {
      'GET /api/v1/integrations': ok({ items: [integration()], nextCursor: null }),
      'GET /api/v1/posture': ok(posture(figures(), null)),
      'GET /api/v1/posture/exposure': ok(noUsage),
      'GET /api/v1/posture/fix-first': ok({ groups: [] }),
      'GET /api/v1/integrations/int1/syncs': ok({ items: [queued], nextCursor: null }),
      'GET /api/v1/integrations/int1/availability': ok(availability(null)),
    });
    renderAt('/', routes);
    const syncs = await screen.findByRole('table', { name: 'Last sync per integration' });
    await within(syncs).findByText('queued', { selector: '.mantine-Badge-label' });
    within(syncs).getByText('queued 4 minutes ago, waiting for a worker');
    expect(within(syncs).queryByText('never synced')).toBeNull();
    expect(within(syncs).queryByText(/succeeded|failed/)).toBeNull();
  });

  it('after a sync: figures link to their lists, fix first has the PATCH body and the agent', async () => {
    const f = figures({
      agents: 8,
      models: 3,
      files: 2,
      libraries: 1,
      agentsWithoutGuardrails: 2,
      agentsByGuardrailState: { none: 2, non_blocking: 1, blocking: 5, unknown: 0 },
      openFindingsBySeverity: sev(1, 4, 0, 2, 0),
      riskScore: 61.5,
      riskTrend: [
        { at: '2025-01-01T10:00:00.000Z', syncRunId: 'run0', score: 70 },
        { at: '2025-01-02T10:00:00.000Z', syncRunId: 'run1', score: 61.5 },
      ],
    });
    const group: Schemas['FixFirstGroup'] = {
      integrationId: 'int1',
      resourceType: 'agent',
      resourceId: 'ag_1',
      resourceName: '<b>Support</b> bot',
      change: 'Attach a blocking moderation_llm_v2 policy to agent “<b>Support</b> bot”',
      patchAgentBody: { guardrails: [{ block_on_error: true }] },
      verified: true,
      clears: [
        {
          id: 'f1',
          ruleId: 'mistral_agent_guardrails_missing',
          severity: 'high',
          lastStatus: 'FAIL',
          title: 'Agent has no guardrails',
        },
      ],
      riskRemoved: 35,
      riskScore: 35,
      riskScoreAfter: 0,
    };
    const exposure: Schemas['Exposure'] = {
      integrations: [],
      organization: {
        last7Days: {
          from: '2025-01-01',
          to: '2025-01-07',
          runs: { exposed: 3, total: 24, share: 0.125 },
          conversations: { exposed: 0, total: 0, share: null },
        },
        last30Days: null,
        daily: null,
        integrationsWithoutUsage: 0,
      },
    };
    const { requests } = withApi('viewer', {
      'GET /api/v1/integrations': ok({ items: [integration()], nextCursor: null }),
      'GET /api/v1/posture': ok(posture(f, 'run1')),
      'GET /api/v1/posture/exposure': ok(exposure),
      'GET /api/v1/posture/fix-first': ok({ groups: [group] }),
      'GET /api/v1/integrations/int1/syncs': ok({ items: [run()], nextCursor: null }),
      'GET /api/v1/integrations/int1/availability': ok(availability('unavailable')),
    });
    renderAt('/?integrationId=int1', routes);

    const agents = await screen.findByRole('link', { name: /Agents without guardrails: 2/ });
    expect(agents.getAttribute('href')).toBe('/agents?guardrails=none&integrationId=int1');
    expect(screen.getByText('25.0 % of 8 live agents')).toBeTruthy();
    const high = screen.getByRole('link', { name: '4 open high findings' });
    expect(high.getAttribute('href')).toBe('/findings?severity=high&integrationId=int1');
    expect(screen.getByText('Down 8.5 since the previous sync.', { exact: false })).toBeTruthy();
    expect(screen.getByRole('figure', { name: 'Risk score trend' })).toBeTruthy();

    // Workspace data stays text.
    const agentLink = await screen.findByRole('link', { name: '<b>Support</b> bot' });
    expect(agentLink.getAttribute('href')).toBe('/integrations/int1/agents/ag_1');
    expect(document.querySelector('b')).toBeNull();
    expect(screen.getByRole('button', { name: 'Copy PATCH body for <b>Support</b> bot' })).toBeTruthy();
    expect(screen.getByLabelText('PATCH body for <b>Support</b> bot').textContent).toBe(
      JSON.stringify(group.patchAgentBody, null, 2),
    );

    // Exposure: a share, "no traffic" where nothing ran, unknown where usage was not read.
    const table = screen.getByRole('table', { name: 'Exposure by traffic' });
    expect(within(table).getByText('12.5 %')).toBeTruthy();
    expect(within(table).getByText('no traffic')).toBeTruthy();
    expect(within(table).getAllByText('unknown')).toHaveLength(2);

    // Last sync and what lack of beta access left out.
    const syncs = screen.getByRole('table', { name: 'Last sync per integration' });
    expect(await within(syncs).findByText('succeeded')).toBeTruthy();
    expect(await within(syncs).findByText(/Agent discovery, Usage metrics/)).toBeTruthy();
    expect(within(syncs).getByRole('link', { name: 'production workspace' }).getAttribute('href')).toBe(
      '/integrations/int1',
    );

    // Every posture read was scoped to the integration in the URL.
    const postureReads = requests.filter((r: Recorded) => r.path.startsWith('/api/v1/posture'));
    expect(postureReads.length).toBe(3);
    for (const r of postureReads) expect(r.search).toBe('?integrationId=int1');
  });

  it('says so when the integration in the address does not exist', async () => {
    const { requests } = withApi('viewer', {
      'GET /api/v1/integrations': ok({ items: [integration()], nextCursor: null }),
    });
    renderAt('/?integrationId=gone', routes);
    expect(await screen.findByText('This integration does not exist (any more)')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Show all integrations' })).toBeTruthy();
    expect(requests.some((r) => r.path.startsWith('/api/v1/posture'))).toBe(false);
  });
});
