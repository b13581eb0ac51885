/**
 * The organization's integrations: name (simulated ones marked), base URL or region, key hint,
 * interval, the last sync's status and when, and when the scheduler syncs next. Admins can add one.
 */
import { Anchor, Button, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCan } from '../api/session';
import { SyncStatusBadge } from '../components/badges';
import { Page } from '../components/page';
import { SimulatedBadge } from '../components/simulated';
import { EmptyState, QueryState } from '../components/states';
import { formatDateTime, formatInterval, formatRelative } from '../lib/format';
import { describeBaseUrl, isRunning, type Integration, type SyncRun } from './integration/helpers';
import { integrationsKey, latestRunKey, listIntegrations, listRuns } from './integration/queries';
import { TableScroll } from './integration/table-scroll';
import { UntrustedText } from '../components/untrusted-text';

export function IntegrationsPage() {
  const isAdmin = useCan('admin');
  const query = useQuery({ queryKey: integrationsKey, queryFn: listIntegrations });
  const addButton = isAdmin ? (
    <Button component={Link} to="/integrations/new">
      Add integration
    </Button>
  ) : null;

  return (
    <Page
      title="Integrations"
      description="The Mistral workspaces TrustLens reads. Each one is synced on its interval, or on demand."
      actions={addButton}
    >
      <QueryState query={query} rows={4}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No integrations yet" action={addButton}>
              {isAdmin
                ? 'Add a Mistral workspace with an API key from admin.mistral.ai → Organization → API Keys.'
                : 'Ask an admin of your organization to add a Mistral workspace.'}
            </EmptyState>
          ) : (
            <IntegrationsTable items={data.items} />
          )
        }
      </QueryState>
    </Page>
  );
}

function IntegrationsTable({ items }: { items: Integration[] }) {
  const latest = useQueries({
    queries: items.map((i) => ({
      queryKey: latestRunKey(i.id),
      queryFn: async () => (await listRuns(i.id, undefined, 1)).items[0] ?? null,
      // While a run is queued or under way, its outcome is worth following here too.
      refetchInterval: (q: { state: { data?: SyncRun | null } }) => (isRunning(q.state.data) ? 5000 : false),
    })),
  });
  const now = new Date();

  return (
    <TableScroll>
      <Table striped highlightOnHover verticalSpacing="sm" miw={520} aria-label="Integrations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name and base URL</Table.Th>
            <Table.Th scope="col">Key</Table.Th>
            <Table.Th scope="col">Interval</Table.Th>
            <Table.Th scope="col">Last sync</Table.Th>
            <Table.Th scope="col">Next sync</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i, index) => {
            const run = latest[index];
            return (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Group gap="xs" wrap="wrap">
                    <Anchor
                      component={Link}
                      to={`/integrations/${encodeURIComponent(i.id)}`}
                      className="tl-wrap"
                      fw={500}
                    >
                      <UntrustedText text={i.name} />
                    </Anchor>
                    {i.simulated && <SimulatedBadge />}
                  </Group>
                  <Text size="xs" c="dimmed" className="tl-wrap">
                    {describeBaseUrl(i.baseUrl)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={`Fingerprint ${i.keyFingerprint}`}>
                    <Text size="sm" ff="monospace">
                      {i.keyHint}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">every {formatInterval(i.syncIntervalMinutes)}</Text>
                </Table.Td>
                <Table.Td>
                  {run.isPending ? (
                    <Skeleton height={20} width={140} />
                  ) : run.error ? (
                    <Text size="sm" c="red">
                      unknown (could not be read)
                    </Text>
                  ) : run.data ? (
                    <Stack gap={2} align="flex-start">
                      <SyncStatusBadge status={run.data.status} miw="max-content" />
                      <Text size="xs" c="dimmed" title={formatDateTime(run.data.startedAt)}>
                        {run.data.status === 'queued'
                          ? `queued ${formatRelative(run.data.startedAt, now)}, waiting for a worker`
                          : run.data.status === 'running'
                            ? `started ${formatRelative(run.data.startedAt, now)}`
                            : formatRelative(run.data.finishedAt ?? run.data.startedAt, now)}
                      </Text>
                    </Stack>
                  ) : (
                    <Text size="sm" c="dimmed">
                      never synced
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <NextSync at={i.nextSyncAt} now={now} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** When the scheduler syncs next: null means at its next check (soon after start or a change). */
export function NextSync({ at, now }: { at: string | null; now: Date }) {
  if (!at)
    return (
      <Text size="sm" c="dimmed">
        at the scheduler’s next check
      </Text>
    );
  const due = new Date(at).getTime() <= now.getTime();
  return (
    <Text size="sm" title={formatDateTime(at)}>
      {due ? 'due now' : formatRelative(at, now)}
    </Text>
  );
}
