/**
 * Queued sync runs (ADR 8: with job workers, POST …/syncs answers 202 with a `queued` run until a worker
 * takes it): the console shows them as waiting — followed, Sync now held back, their own badge, the time
 * they were queued — and never as finished (no duration, counts or outcome).
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationPage } from '../integration';
import { IntegrationsPage } from '../integrations';
import { integration, mockApi, renderAt, run, type Recorded } from './test-utils';

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
  { path: '/integrations/:id', element: <IntegrationPage /> },
];

const page = (items: unknown[]) => ({ status: 200, body: { items, nextCursor: null } });

/** A run no worker has taken yet, queued `agoMs` before now. */
function queuedRun(agoMs: number, over: Parameters<typeof run>[0] = {}) {
  return run({
    id: 'run2',
    status: 'queued',
    startedAt: new Date(Date.now() - agoMs).toISOString(),
    finishedAt: null,
    durationMs: null,
    countsByType: null,
    requests: null,
    availability: null,
    ...over,
  });
}

function handlers(extra: Record<string, (r: Recorded) => { status: number; body?: unknown }> = {}) {
  return {
    'GET /api/v1/integrations/int1': () => ({ status: 200, body: integration() }),
    'GET /api/v1/integrations/int1/syncs': () => page([run()]),
    'GET /api/v1/integrations/int1/syncs/run1': () => ({ status: 200, body: run() }),
    'GET /api/v1/integrations/int1/availability': () => ({
      status: 200,
      body: { integrationId: 'int1', syncRunId: null, checkedAt: null, betaAccess: null, features: [] },
    }),
    ...extra,
  };
}

const syncNow = () => screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement;

describe('a queued sync run', () => {
  it('after Sync now: shows it waiting for a worker, holds Sync now back, follows it until it ends', async () => {
    let polls = 0;
    const queued = queuedRun(2 * 60_000);
    const ended = run({
      id: 'run2',
      startedAt: queued.startedAt,
      countsByType: { agent: 4, model: 9, file: 1, library: 2 },
    });
    const m = withApi(
      'analyst',
      handlers({
        'POST /api/v1/integrations/int1/syncs': () => ({ status: 202, body: { run: queued, started: true } }),
        'GET /api/v1/integrations/int1/syncs/run2': () => {
          polls += 1;
          return { status: 200, body: polls < 2 ? queued : ended };
        },
      }),
    );
    renderAt('/integrations/int1', routes);
    await screen.findByText('Sync succeeded');
    await act(async () => {
      fireEvent.click(syncNow());
    });
    const panel = screen.getByRole('region', { name: 'Latest sync' });
    await within(panel).findByText('Queued — waiting for a worker');
    within(panel).getByText('queued', { selector: '.mantine-Badge-label' });
    within(panel).getByText('2 minutes ago');
    within(panel).getByText(/^Queued .*Nothing has been read yet/);
    // Not finished: no outcome, no duration, no counts, no "no error" verdict.
    expect(within(panel).queryByText(/Sync succeeded|Sync failed|finished|after/)).toBeNull();
    expect(within(panel).queryByText('No feature reported an error.')).toBeNull();
    expect(within(panel).queryByText(/^unknown/)).toBeNull();
    expect(syncNow().disabled).toBe(true);

    // Polled like a running sync: its outcome replaces the waiting view when it ends.
    await within(panel).findByText('Sync succeeded', undefined, { timeout: 8000 });
    within(panel).getByText('9');
    expect(within(panel).queryByText('Queued — waiting for a worker')).toBeNull();
    await waitFor(() => expect(syncNow().disabled).toBe(false));
    expect(
      m.requests.filter((r) => r.path === '/api/v1/integrations/int1/syncs/run2').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('joined from Sync now (already queued elsewhere): says it was already queued', async () => {
    const queued = queuedRun(30_000);
    withApi(
      'analyst',
      handlers({
        'POST /api/v1/integrations/int1/syncs': () => ({
          status: 202,
          body: { run: queued, started: false },
        }),
        'GET /api/v1/integrations/int1/syncs/run2': () => ({ status: 200, body: queued }),
      }),
    );
    renderAt('/integrations/int1', routes);
    await screen.findByText('Sync succeeded');
    await act(async () => {
      fireEvent.click(syncNow());
    });
    await screen.findByText('A sync was already queued; it is followed here instead of starting another.');
  });

  it('as the latest run on load: the waiting view, and a history row with its badge and no duration or counts', async () => {
    const queued = queuedRun(5 * 60_000, { trigger: 'scheduled', requestedBy: null });
    withApi(
      'analyst',
      handlers({
        'GET /api/v1/integrations/int1/syncs': () => page([queued, run()]),
        'GET /api/v1/integrations/int1/syncs/run2': () => ({ status: 200, body: queued }),
      }),
    );
    renderAt('/integrations/int1', routes);
    const panel = await screen.findByRole('region', { name: 'Latest sync' });
    await within(panel).findByText('Queued — waiting for a worker');
    within(panel).getByText(/scheduled sync \(scheduler\), queued/);
    within(panel).getByText('5 minutes ago');
    expect(syncNow().disabled).toBe(true);

    const history = screen.getByRole('table', { name: 'Sync runs, most recent first' });
    const rows = await waitFor(() => {
      const r = within(history).getAllByRole('row');
      expect(r).toHaveLength(3);
      return r;
    });
    const row = rows[1];
    within(row).getByText('queued', { selector: '.mantine-Badge-label' });
    within(row).getByText('queued, waiting for a worker');
    within(row).getByText('when it ends');
    expect(within(row).queryByText('—')).toBeNull();
    expect(within(row).queryByText(/Agents:/)).toBeNull();
    // The finished run below keeps its duration and counts.
    within(rows[2]).getByText('5 s');
    within(rows[2]).getByText(/Agents: 3/);

    fireEvent.click(within(row).getByRole('button', { name: 'Details' }));
    const details = within(history)
      .getByText(/^Run run2/)
      .closest('td')!;
    expect(within(details as HTMLElement).queryByText('No feature reported an error.')).toBeNull();
    expect(within(details as HTMLElement).queryByText(/^unknown/)).toBeNull();
    expect(within(details as HTMLElement).queryByText(/finished/)).toBeNull();
  });

  it('in the integrations list: its badge and when it was queued, followed until it ends', async () => {
    let reads = 0;
    const queued = queuedRun(3 * 60_000);
    withApi('viewer', {
      'GET /api/v1/integrations': () => page([integration()]),
      'GET /api/v1/integrations/int1/syncs': () => {
        reads += 1;
        return page([reads < 2 ? queued : run({ id: 'run2', status: 'failed' })]);
      },
    });
    renderAt('/integrations', routes);
    const table = await screen.findByRole('table', { name: 'Integrations' });
    await within(table).findByText('queued', { selector: '.mantine-Badge-label' });
    within(table).getByText('queued 3 minutes ago, waiting for a worker');
    // Polled while queued (every 5 s), like a running sync.
    await within(table).findByText('failed', { selector: '.mantine-Badge-label' }, { timeout: 15_000 });
    expect(within(table).queryByText(/waiting for a worker/)).toBeNull();
  }, 30_000);
});
