import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportMenu } from '../../components/export-menu';
import { mockApi, renderAt, type Recorded } from '../integration/test-utils';
import type { AlertDelivery, AlertDestination, AlertRule } from './alerts-logic';
import { AlertsPage } from './alerts';

const SECRET = 'whsec_THE-SECRET-0123456789abcdef';
const URL_TYPED = 'https://hooks.example.com/very-secret-path';
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

const routes = [{ path: '/settings/alerts', element: <AlertsPage /> }];
const page = (items: unknown[], nextCursor: string | null = null) => ({
  status: 200,
  body: { items, nextCursor },
});

function destination(over: Partial<AlertDestination> = {}): AlertDestination {
  return {
    id: 'dst1',
    organizationId: 'org1',
    name: 'SOC webhook',
    kind: 'webhook',
    urlHint: 'https://hooks.example.com/…path',
    enabled: true,
    secretUpdatedAt: '2026-01-01T10:00:00.000Z',
    createdBy: 'admin@example.com',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}

function rule(over: Partial<AlertRule> = {}): AlertRule {
  return {
    id: 'rule1',
    organizationId: 'org1',
    name: 'Critical to the SOC',
    enabled: true,
    destinationIds: ['dst1'],
    minSeverity: 'critical',
    ruleIds: [],
    integrationIds: [],
    events: ['guardrails_removed'],
    syncFailingRuns: 3,
    ...over,
  };
}

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
    lastStatusCode: 200,
    lastError: null,
    deliveredAt: '2026-01-01T10:00:00.000Z',
    createdAt: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}

function baseHandlers(destinations: AlertDestination[] = [destination()], rules: AlertRule[] = []) {
  return {
    'GET /api/v1/alerts/destinations': () => page(destinations),
    'GET /api/v1/alerts/rules': () => page(rules),
    'GET /api/v1/alerts/deliveries': () => page([]),
    'GET /api/v1/integrations': () => page([]),
    'GET /api/v1/rules': () => page([]),
  };
}

function sent(requests: Recorded[], method: string, path: string) {
  return requests.filter((r) => r.method === method && r.path === path);
}

describe('Settings → Alerts', () => {
  it('adds a destination: the URL is a password input, its refusal lands under it, the secret is shown once and forgotten', async () => {
    let attempts = 0;
    const { requests } = withApi('admin', {
      ...baseHandlers([]),
      'POST /api/v1/alerts/destinations': () =>
        ++attempts === 1
          ? {
              status: 400,
              body: {
                error: {
                  code: 'INVALID_INPUT',
                  message: 'The webhook URL uses plain http to a public host.',
                  remediation: 'Use https://.',
                  details: { field: 'url' },
                },
              },
            }
          : { status: 201, body: { destination: destination(), signingSecret: SECRET } },
    });
    const { client, container } = renderAt('/settings/alerts', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'Add destination' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a destination' });
    fireEvent.change(within(dialog).getByLabelText(/^Name/), { target: { value: 'SOC webhook' } });
    const url = within(dialog).getByLabelText(/^URL/);
    expect(url.getAttribute('type')).toBe('password');
    fireEvent.change(url, { target: { value: URL_TYPED } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add destination' }));
    const refusal = await within(dialog).findByText(/uses plain http to a public host\. Use https:\/\/\./);
    expect(url.getAttribute('aria-describedby') ?? '').toContain(refusal.id);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Add destination' }));
    const reveal = await screen.findByRole('dialog', { name: 'Signing secret of the new destination' });
    expect(within(reveal).getByLabelText('Signing secret').textContent).toBe(SECRET);
    expect(reveal.textContent).toContain("TrustLens-Signature: t=…,v1=HMAC-SHA256(secret, t + '.' + body)");
    const bodies = sent(requests, 'POST', '/api/v1/alerts/destinations').map((r) => r.body);
    expect(bodies[1]).toEqual({ name: 'SOC webhook', kind: 'webhook', url: URL_TYPED });

    // Not in the query cache, nor in the mutation cache.
    expect(
      JSON.stringify(
        client
          .getQueryCache()
          .getAll()
          .map((q) => q.state.data),
      ),
    ).not.toContain(SECRET);
    expect(client.getMutationCache().getAll()).toHaveLength(0);
    fireEvent.click(within(reveal).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(document.body.textContent).not.toContain(SECRET));
    expect(container.textContent).not.toContain(URL_TYPED);
  });

  it('sends a test alert and says delivered with the HTTP status', async () => {
    const { requests } = withApi('admin', {
      ...baseHandlers(),
      'POST /api/v1/alerts/destinations/dst1/test': () => ({ status: 200, body: delivery() }),
    });
    renderAt('/settings/alerts', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'Send test alert to SOC webhook' }));
    const result = await screen.findByRole('dialog', { name: 'Test alert' });
    await within(result).findByText('Delivered (HTTP 200)');
    expect(sent(requests, 'POST', '/api/v1/alerts/destinations/dst1/test')).toHaveLength(1);
  });

  it('a failed test alert says why and when it retries', async () => {
    withApi('admin', {
      ...baseHandlers(),
      'POST /api/v1/alerts/destinations/dst1/test': () => ({
        status: 200,
        body: delivery({
          status: 'retrying',
          lastStatusCode: 503,
          lastError: 'The receiver answered HTTP 503',
          nextAttemptAt: '2026-01-01T10:01:00.000Z',
        }),
      }),
    });
    renderAt('/settings/alerts', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'Send test alert to SOC webhook' }));
    const result = await screen.findByRole('dialog', { name: 'Test alert' });
    await within(result).findByText('Not delivered yet');
    expect(result.textContent).toMatch(/answered HTTP 503\. Next attempt .*attempt 1 of 6/);
  });

  it('rotates the secret after a confirmation and shows the new one once; disables with PATCH', async () => {
    const { requests } = withApi('admin', {
      ...baseHandlers(),
      'POST /api/v1/alerts/destinations/dst1/rotate-secret': () => ({
        status: 200,
        body: { destination: destination(), signingSecret: SECRET },
      }),
      'PATCH /api/v1/alerts/destinations/dst1': (r) => ({
        status: 200,
        body: destination(r.body as Partial<AlertDestination>),
      }),
    });
    const { client } = renderAt('/settings/alerts', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'More actions for SOC webhook' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Rotate secret' }));
    const confirm = await screen.findByRole('dialog', { name: 'Rotate the signing secret?' });
    expect(sent(requests, 'POST', '/api/v1/alerts/destinations/dst1/rotate-secret')).toHaveLength(0);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Rotate secret' }));
    const reveal = await screen.findByRole('dialog', { name: 'The new signing secret' });
    expect(within(reveal).getByLabelText('Signing secret').textContent).toBe(SECRET);
    expect(
      JSON.stringify(
        client
          .getQueryCache()
          .getAll()
          .map((q) => q.state.data),
      ),
    ).not.toContain(SECRET);
    fireEvent.click(within(reveal).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(document.body.textContent).not.toContain(SECRET));

    fireEvent.click(screen.getByRole('button', { name: 'More actions for SOC webhook' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Disable' }));
    await waitFor(() => expect(sent(requests, 'PATCH', '/api/v1/alerts/destinations/dst1')).toHaveLength(1));
    expect(sent(requests, 'PATCH', '/api/v1/alerts/destinations/dst1')[0]!.body).toEqual({ enabled: false });
  });

  it('deletes a destination only after its name is typed', async () => {
    const { requests } = withApi('admin', {
      ...baseHandlers(),
      'DELETE /api/v1/alerts/destinations/dst1': () => ({ status: 204 }),
    });
    renderAt('/settings/alerts', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'More actions for SOC webhook' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this destination?' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete destination' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText(/Type the destination name/), {
      target: { value: 'SOC webhook' },
    });
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(sent(requests, 'DELETE', '/api/v1/alerts/destinations/dst1')).toHaveLength(1));
  });

  it('edits a rule with PUT: "findings do not fire" is sent as null, sync failing with its N', async () => {
    const { requests } = withApi('admin', {
      ...baseHandlers([destination()], [rule()]),
      'PUT /api/v1/alerts/rules/rule1': (r) => ({ status: 200, body: { ...rule(), ...(r.body as object) } }),
    });
    renderAt('/settings/alerts?tab=rules', routes);
    const table = await screen.findByRole('table', { name: 'Alert rules' });
    expect(table.textContent).toContain('critical only');
    expect(table.textContent).toContain('SOC webhook');
    fireEvent.click(within(table).getByRole('button', { name: 'Edit Critical to the SOC' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit alert rule' });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /Sync failing/ }));
    const runs = await within(dialog).findByLabelText(/^Sync failing: runs in a row/);
    fireEvent.change(runs, { target: { value: '5' } });
    // The severity select: "findings do not fire".
    fireEvent.click(within(dialog).getByRole('combobox', { name: /^Findings/ }));
    fireEvent.click(await screen.findByRole('option', { name: /Findings do not fire/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(sent(requests, 'PUT', '/api/v1/alerts/rules/rule1')).toHaveLength(1));
    expect(sent(requests, 'PUT', '/api/v1/alerts/rules/rule1')[0]!.body).toEqual({
      name: 'Critical to the SOC',
      enabled: true,
      destinationIds: ['dst1'],
      minSeverity: null,
      ruleIds: [],
      integrationIds: [],
      events: ['guardrails_removed', 'sync_failing'],
      syncFailingRuns: 5,
    });
  });

  it('a viewer reads destinations and rules without any add, test, edit or delete control', async () => {
    withApi('viewer', baseHandlers([destination()], [rule()]));
    renderAt('/settings/alerts', routes);
    await screen.findByRole('table', { name: 'Alert destinations' });
    expect(screen.queryByRole('button', { name: 'Add destination' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Send test alert/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /More actions/ })).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Alert rules' })));
    await screen.findByRole('table', { name: 'Alert rules' });
    expect(screen.queryByRole('button', { name: 'Add rule' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Edit / })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Delete / })).toBeNull();
  });

  it('the delivery log filters on the server, loads more by cursor and shows a payload as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { requests } = withApi('viewer', {
      ...baseHandlers(),
      'GET /api/v1/alerts/deliveries': (r) =>
        new URLSearchParams(r.search).get('cursor')
          ? page([delivery({ id: 'del2', kind: 'test' })])
          : page([delivery({ kind: 'digest', status: 'failed', lastError: 'HTTP 500', attempts: 6 })], 'c2'),
      'GET /api/v1/alerts/deliveries/del1': () => ({
        status: 200,
        body: {
          ...delivery({ kind: 'digest' }),
          payload: {
            type: 'trustlens.alert.digest',
            version: 1,
            deliveryId: 'del1',
            createdAt: '2026-01-01T10:00:00.000Z',
            simulated: false,
            organization: { id: 'org1', name: 'Acme' },
            integration: { id: 'int1', name: hostile },
            syncRun: null,
            alertRules: [],
            summary: {
              findings: 0,
              findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
              events: 0,
              omittedFindings: 0,
              omittedEvents: 0,
            },
            findings: [],
            events: [],
            syncFailing: null,
          },
        },
      }),
    });
    renderAt('/settings/alerts?tab=deliveries&dstatus=failed&destination=dst1', routes);
    const table = await screen.findByRole('table', { name: 'Delivery log' });
    const first = sent(requests, 'GET', '/api/v1/alerts/deliveries')[0]!;
    expect(new URLSearchParams(first.search).get('status')).toBe('failed');
    expect(new URLSearchParams(first.search).get('destinationId')).toBe('dst1');
    expect(table.textContent).toContain('6/6');
    expect(table.textContent).toContain('HTTP 500');
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(
      new URLSearchParams(sent(requests, 'GET', '/api/v1/alerts/deliveries')[1]!.search).get('cursor'),
    ).toBe('c2');
    fireEvent.click(within(table).getAllByRole('button')[0]!);
    const raw = await screen.findByLabelText('Raw payload JSON');
    expect(JSON.parse(raw.textContent ?? '').integration.name).toBe(hostile);
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('ExportMenu', () => {
  it('offers the six formats as plain download links to the export endpoint', async () => {
    withApi('viewer', {});
    renderAt('/x', [{ path: '/x', element: <ExportMenu integrationId="int 1" integrationName="Prod" /> }]);
    fireEvent.click(await screen.findByRole('button', { name: 'Export' }));
    const items = await screen.findAllByRole('menuitem');
    expect(items.map((i) => i.getAttribute('href'))).toEqual(
      ['json', 'ocsf', 'sarif', 'csv', 'cyclonedx', 'html'].map(
        (f) => `/api/v1/integrations/int%201/export?format=${f}`,
      ),
    );
    for (const i of items) expect(i.hasAttribute('download')).toBe(true);
    expect(items[4]!.textContent).toContain('CycloneDX');
    expect(screen.getByText('Prod: the latest sync, as a file')).toBeTruthy();
  });

  it('is disabled, saying why, when there is nothing to export yet', async () => {
    withApi('viewer', {});
    renderAt('/x', [
      {
        path: '/x',
        element: <ExportMenu integrationId="int1" unavailable="Nothing to export yet: run a sync first." />,
      },
    ]);
    const button = await screen.findByRole('button', { name: /^Export: Nothing to export yet/ });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryAllByRole('menuitem')).toHaveLength(0);
  });
});
