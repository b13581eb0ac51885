import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationPage } from '../integration';
import { IntegrationNewPage } from '../integration-new';
import { IntegrationsPage } from '../integrations';
import { integration, mockApi, renderAt, run, type Recorded } from './test-utils';

const KEY = 'sk-test-SECRET-0123456789';
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

const routes = [
  { path: '/integrations', element: <IntegrationsPage /> },
  { path: '/integrations/new', element: <IntegrationNewPage /> },
  { path: '/integrations/:id', element: <IntegrationPage /> },
];

const page = (items: unknown[], nextCursor: string | null = null) => ({
  status: 200,
  body: { items, nextCursor },
});

const availability = {
  status: 200,
  body: {
    integrationId: 'int1',
    syncRunId: 'run1',
    checkedAt: '2025-01-02T10:00:05.000Z',
    betaAccess: false,
    features: [
      {
        feature: 'models',
        label: 'Model discovery',
        endpoints: ['GET /v1/models'],
        apiKeyOnly: true,
        withBetaAccess: true,
        status: 'available',
        message: null,
        remediation: null,
      },
      {
        feature: 'agents',
        label: 'Agent discovery',
        endpoints: ['GET /v1/agents'],
        apiKeyOnly: false,
        withBetaAccess: true,
        status: 'unavailable',
        message: 'Agent discovery requires Mistral beta API access, which this workspace does not have.',
        remediation: 'Verify your workspace has beta API access enabled. Contact Mistral support if not.',
      },
    ],
  },
};

/** Handlers of the integration page for an integration with one finished run. */
function detailHandlers(extra: Record<string, (r: Recorded) => { status: number; body?: unknown }> = {}) {
  return {
    'GET /api/v1/integrations/int1': () => ({ status: 200, body: integration() }),
    'GET /api/v1/integrations/int1/syncs': () => page([run()]),
    'GET /api/v1/integrations/int1/syncs/run1': () => ({ status: 200, body: run() }),
    'GET /api/v1/integrations/int1/availability': () => availability,
    ...extra,
  };
}

function everythingSent(requests: Recorded[]): string {
  return JSON.stringify(requests.map((r) => [r.path, r.search]));
}

describe('IntegrationNewPage', () => {
  it('shows a refused key next to the key field, in the troubleshooting words, and forgets the key', async () => {
    const m = withApi('admin', {
      'POST /api/v1/integrations': () => ({
        status: 400,
        body: {
          error: {
            code: 'INVALID_API_KEY',
            message: 'The API key is invalid or has expired.',
            remediation:
              'Generate a new key in the Mistral Console (admin.mistral.ai → Organization → API Keys) and update the integration.',
          },
        },
      }),
    });
    const { client } = renderAt('/integrations/new', routes);
    fireEvent.change(await screen.findByLabelText(/^Name/), { target: { value: 'prod' } });
    const keyInput = screen.getByLabelText(/^API key/) as HTMLInputElement;
    expect(keyInput.type).toBe('password');
    fireEvent.change(keyInput, { target: { value: KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Add integration' }));

    await screen.findByText(
      /The API key is invalid or has expired\. Generate a new key in the Mistral Console/,
    );
    expect(keyInput.getAttribute('aria-invalid')).toBe('true');
    expect(keyInput.value).toBe('');
    const post = m.requests.find((r) => r.method === 'POST')!;
    expect(post.body).toEqual({ name: 'prod', apiKey: KEY, baseUrl: 'global', syncIntervalMinutes: 360 });
    // The key went in the body only: never in an address, never in a cache.
    expect(everythingSent(m.requests)).not.toContain('SECRET');
    expect(
      JSON.stringify(
        client
          .getQueryCache()
          .getAll()
          .map((q) => [q.queryKey, q.state.data]),
      ),
    ).not.toContain('SECRET');
    expect(client.getMutationCache().getAll()).toHaveLength(0);
    expect(window.location.href).not.toContain('SECRET');
  });

  it('checks the form before sending anything', async () => {
    const m = withApi('admin', {});
    renderAt('/integrations/new', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'Add integration' }));
    await screen.findByText(/Enter a name/);
    screen.getByText(/Enter the API key/);
    expect(m.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('tells non-admins that only admins add integrations', async () => {
    withApi('analyst', {});
    renderAt('/integrations/new', routes);
    await screen.findByText('Only admins can add integrations');
    expect(screen.queryByLabelText(/^API key/)).toBeNull();
  });
});

describe('IntegrationsPage', () => {
  it('lists each integration with its last sync, and offers Add only to admins', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': () =>
        page([
          integration(),
          integration({ id: 'int2', name: 'demo', simulated: true, baseUrl: 'http://127.0.0.1:4010' }),
        ]),
      'GET /api/v1/integrations/int1/syncs': () => page([run({ status: 'partial' })]),
      'GET /api/v1/integrations/int2/syncs': () => page([]),
    });
    renderAt('/integrations', routes);
    const table = await screen.findByRole('table', { name: 'Integrations' });
    await within(table).findByText('partial');
    within(table).getByText('never synced');
    within(table).getByText('Global (api.mistral.ai)');
    within(table).getByText('http://127.0.0.1:4010');
    within(table).getByText('simulated');
    expect(within(table).getAllByText('every 6 hours')).toHaveLength(2);
    expect(screen.queryByRole('link', { name: 'Add integration' })).toBeNull();
  });
});

describe('IntegrationPage', () => {
  it('is read-only for viewers', async () => {
    withApi('viewer', detailHandlers());
    renderAt('/integrations/int1', routes);
    await screen.findByRole('heading', { level: 1, name: 'production workspace' });
    await screen.findByText('Sync succeeded');
    for (const name of ['Sync now', 'Delete integration', 'Rotate key', 'Save changes']) {
      expect(screen.queryByRole('button', { name })).toBeNull();
    }
    screen.getByText(/Only admins can change the settings/);
  });

  it('lets analysts sync but not change the integration', async () => {
    withApi('analyst', detailHandlers());
    renderAt('/integrations/int1', routes);
    await screen.findByRole('button', { name: 'Sync now' });
    expect(screen.queryByRole('button', { name: 'Delete integration' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Rotate key' })).toBeNull();
  });

  it('shows the availability matrix with this workspace state and reasons', async () => {
    withApi('viewer', detailHandlers());
    renderAt('/integrations/int1', routes);
    const table = await screen.findByRole('table', { name: 'Feature availability' });
    const agents = within(table).getByRole('row', { name: /Agent discovery/ });
    within(agents).getByText('not available');
    within(agents).getByText(/Contact Mistral support/);
    within(within(table).getByRole('row', { name: /Model discovery/ })).getByText('available');
    screen.getByText(/does not have Mistral beta API access/);
  });

  it('syncs now, follows the run every second, and reports a partial outcome as partial', async () => {
    let polls = 0;
    const running = run({
      id: 'run2',
      status: 'running',
      finishedAt: null,
      durationMs: null,
      countsByType: null,
      requests: null,
      availability: null,
      progress: {
        requests: 7,
        rateLimited: 1,
        retries: 2,
        elapsedMs: 1500,
        phase: 'reading',
        features: [
          { feature: 'models', state: 'done', count: 12, total: null },
          { feature: 'files', state: 'done', count: 3, total: null },
          { feature: 'libraries', state: 'unavailable', count: null, total: null },
          { feature: 'agents', state: 'running', count: null, total: null },
          { feature: 'versions', state: 'pending', count: null, total: null },
          { feature: 'usage', state: 'running', count: 0, total: null },
        ],
      },
    });
    const partial = run({
      id: 'run2',
      status: 'partial',
      countsByType: { agent: 0, model: 12, file: 3, library: 0 },
      availability: {
        models: { status: 'available' },
        files: { status: 'available' },
        agents: { status: 'unavailable' },
        libraries: { status: 'unavailable' },
      },
      errors: [
        {
          feature: 'agents',
          code: 'BETA_ACCESS_REQUIRED',
          message: 'Agent discovery requires Mistral beta API access, which this workspace does not have.',
          remediation: 'Verify your workspace has beta API access enabled. Contact Mistral support if not.',
        },
      ],
    });
    const m = withApi(
      'analyst',
      detailHandlers({
        'POST /api/v1/integrations/int1/syncs': () => ({
          status: 202,
          body: { run: running, started: true },
        }),
        'GET /api/v1/integrations/int1/syncs/run2': () => {
          polls += 1;
          return { status: 200, body: polls < 2 ? running : partial };
        },
      }),
    );
    renderAt('/integrations/int1', routes);
    await screen.findByText('Sync succeeded');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    });
    await screen.findByText('Sync running');
    screen.getByText('7');
    const perType = screen.getByRole('table', { name: 'Progress per resource type' });
    within(within(perType).getByRole('row', { name: /Models/ })).getByText('12 models read');
    within(within(perType).getByRole('row', { name: /Models/ })).getByText('done');
    within(within(perType).getByRole('row', { name: /Document libraries/ })).getByText('unavailable');
    within(within(perType).getByRole('row', { name: /^Agents/ })).getByText(
      'reading (counted when the listing ends)',
    );
    within(within(perType).getByRole('row', { name: /Versions and aliases/ })).getByText('not started yet');
    screen.getByText('Resource types: 3 of 6 finished (2 done, 1 unavailable)');
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
    await screen.findByText('Sync partly failed: some features could not be read', undefined, {
      timeout: 4000,
    });
    expect(screen.queryByText('Sync succeeded')).toBeNull();
    const panel = screen.getByRole('region', { name: 'Latest sync' });
    within(panel).getByText(/What to do: Verify your workspace has beta API access enabled/);
    within(panel).getByText('12');
    expect(within(panel).getAllByText(/^unknown/).length).toBe(2);
    expect(
      m.requests.filter((r) => r.path === '/api/v1/integrations/int1/syncs/run2').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('pages the history with Load more and expands a run to its errors', async () => {
    const m = withApi(
      'viewer',
      detailHandlers({
        'GET /api/v1/integrations/int1/syncs': (r) =>
          r.search.includes('cursor=c1')
            ? page([
                run({
                  id: 'old',
                  status: 'failed',
                  trigger: 'scheduled',
                  requestedBy: null,
                  errors: [
                    {
                      feature: 'models',
                      code: 'INVALID_API_KEY',
                      message: 'The API key is invalid or has expired.',
                      remediation: 'Generate a new key in the Mistral Console and update the integration.',
                    },
                  ],
                }),
              ])
            : page([run()], 'c1'),
      }),
    );
    renderAt('/integrations/int1', routes);
    const history = await screen.findByRole('table', { name: 'Sync runs, most recent first' });
    await waitFor(() => expect(within(history).getAllByRole('row')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(history).getAllByRole('row')).toHaveLength(3));
    expect(m.requests.some((r) => r.search.includes('cursor=c1'))).toBe(true);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    within(history).getByText('scheduler');
    const details = within(history).getAllByRole('button', { name: 'Details' });
    fireEvent.click(details[1]);
    within(history).getByText(/What to do: Generate a new key in the Mistral Console/);
  });

  it('deletes only after the exact name is typed', async () => {
    const m = withApi(
      'admin',
      detailHandlers({ 'DELETE /api/v1/integrations/int1': () => ({ status: 204 }) }),
    );
    const { router } = renderAt('/integrations/int1', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete integration' }));
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Delete permanently' }) as HTMLButtonElement;
    const input = within(dialog).getByLabelText('Type the integration name to confirm');
    expect(confirm.disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'production' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'production workspace' } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(router.state.location.pathname).toBe('/integrations'));
    expect(m.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('rotates the key and shows the new key hint, forgetting the key typed', async () => {
    const m = withApi(
      'admin',
      detailHandlers({
        'POST /api/v1/integrations/int1/rotate-key': () => ({
          status: 200,
          body: integration({ keyHint: '••••wxyz', keyFingerprint: 'ffffffffffff' }),
        }),
      }),
    );
    renderAt('/integrations/int1', routes);
    const input = (await screen.findByLabelText(/^New API key/)) as HTMLInputElement;
    fireEvent.change(input, { target: { value: KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    await screen.findByText('Key rotated');
    expect(screen.getAllByText('••••wxyz').length).toBeGreaterThan(0);
    expect(input.value).toBe('');
    expect(m.requests.find((r) => r.path.endsWith('/rotate-key'))!.body).toEqual({ apiKey: KEY });
  });

  it('sets the optional admin key, shows its hint, forgets the key typed; a refused key is said under the field', async () => {
    let refuse = true;
    const m = withApi(
      'admin',
      detailHandlers({
        'PUT /api/v1/integrations/int1/admin-key': () =>
          refuse
            ? {
                status: 400,
                body: {
                  error: {
                    code: 'INVALID_API_KEY',
                    message:
                      'This key is not an admin key: Mistral refused it on the Admin API (403). Nothing was stored.',
                    remediation: 'Use a key of a member with the Admin role.',
                    details: { field: 'adminApiKey', reason: 'not_admin' },
                  },
                },
              }
            : {
                status: 200,
                body: integration({
                  adminKey: {
                    hint: '••••adm1',
                    fingerprint: 'aaaaaaaaaaaa',
                    updatedAt: '2025-01-03T00:00:00.000Z',
                  },
                }),
              },
      }),
    );
    renderAt('/integrations/int1', routes);
    await screen.findByText(/No admin key is configured/);
    const input = (await screen.findByLabelText(/^Admin key/, { selector: 'input' })) as HTMLInputElement;
    fireEvent.change(input, { target: { value: KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Save admin key' }));
    await screen.findByText(/This key is not an admin key/);
    expect(input.value).toBe('');
    expect(screen.queryByText(KEY)).toBeNull();

    refuse = false;
    fireEvent.change(input, { target: { value: KEY } });
    fireEvent.click(screen.getByRole('button', { name: 'Save admin key' }));
    await screen.findByText('Admin key saved');
    screen.getByText(/next sync reads the organization with the key ending ••••adm1/);
    expect(screen.getAllByText('••••adm1').length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Rotate admin key' })).toBeTruthy();
    const puts = m.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.body)).toEqual([{ adminApiKey: KEY }, { adminApiKey: KEY }]);
    expect(document.body.textContent).not.toContain(KEY);
  });

  it('removes the admin key after confirming', async () => {
    const m = withApi(
      'admin',
      detailHandlers({
        'GET /api/v1/integrations/int1': () => ({
          status: 200,
          body: integration({
            adminKey: {
              hint: '••••adm1',
              fingerprint: 'aaaaaaaaaaaa',
              updatedAt: '2025-01-03T00:00:00.000Z',
            },
          }),
        }),
        'DELETE /api/v1/integrations/int1/admin-key': () => ({ status: 200, body: integration() }),
      }),
    );
    renderAt('/integrations/int1', routes);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove admin key' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove admin key' }));
    await screen.findByText('Admin key removed');
    screen.getByText(/next sync reads no organization data/);
    expect(m.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith('/admin-key'))).toHaveLength(1);
  });

  it('asks for the key again when the base URL changes, and sends only what changed', async () => {
    let stored = integration();
    const m = withApi(
      'admin',
      detailHandlers({
        'GET /api/v1/integrations/int1': () => ({ status: 200, body: stored }),
        'PATCH /api/v1/integrations/int1': (r) => {
          if ((r.body as { baseUrl?: string }).baseUrl === 'eu')
            stored = { ...stored, baseUrl: 'https://api.eu.mistral.ai' };
          return { status: 200, body: stored };
        },
      }),
    );
    renderAt('/integrations/int1', routes);
    const save = (await screen.findByRole('button', { name: 'Save changes' })) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(screen.queryByLabelText(/^API key/, { selector: 'input' })).toBeNull();

    fireEvent.click(screen.getByRole('combobox', { name: 'Region' }));
    fireEvent.click(await screen.findByRole('option', { name: /^EU/ }));
    const key = (await screen.findByLabelText(/^API key/, { selector: 'input' })) as HTMLInputElement;
    fireEvent.click(save);
    await screen.findByText(/Enter the API key/);
    expect(m.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    fireEvent.change(key, { target: { value: KEY } });
    fireEvent.click(save);
    await screen.findByText('Settings saved');
    expect(m.requests.find((r) => r.method === 'PATCH')!.body).toEqual({ baseUrl: 'eu', apiKey: KEY });
    expect(screen.queryByLabelText(/^API key/, { selector: 'input' })).toBeNull();
  });
});
