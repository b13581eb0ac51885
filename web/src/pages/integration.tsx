/**
 * One integration's page (/integrations/:id): Sync now with live progress and the outcome, the feature
 * availability matrix, the sync history, and the settings (admins edit, rotate the key, delete).
 * Viewers see everything read-only; analysts can also sync; admins can do everything.
 */
import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useCan } from '../api/session';
import { ExportMenu } from '../components/export-menu';
import { Page } from '../components/page';
import { SimulatedBadge } from '../components/simulated';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatInterval } from '../lib/format';
import { AvailabilityMatrix } from './integration/availability';
import { describeBaseUrl, isRunning, type Integration } from './integration/helpers';
import { getIntegration, integrationKey } from './integration/queries';
import { AdminKey } from './integration/admin-key';
import { DeleteIntegration, RotateKey, SettingsForm, SettingsSummary } from './integration/settings';
import { SyncHistory } from './integration/sync-history';
import { SyncPanel, useLatestRun, useSyncNow } from './integration/sync-panel';
import { NextSync } from './integrations';

export function IntegrationPage() {
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: integrationKey(id), queryFn: () => getIntegration(id) });

  if (query.isPending) {
    return (
      <Page title="Integration">
        <Loading rows={8} label="Loading the integration" />
      </Page>
    );
  }
  if (query.error) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Page title={notFound ? 'Integration not found' : 'Integration'}>
        {notFound ? (
          <EmptyState
            title="No such integration"
            action={
              <Anchor component={Link} to="/integrations">
                Back to integrations
              </Anchor>
            }
          >
            It may have been deleted. The integrations page lists the ones that exist.
          </EmptyState>
        ) : (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        )}
      </Page>
    );
  }
  // Keyed by id: another integration's page starts afresh (no sync state carried over).
  return <IntegrationView key={query.data.id} integration={query.data} />;
}

function IntegrationView({ integration }: { integration: Integration }) {
  const canSync = useCan('analyst');
  const isAdmin = useCan('admin');
  const location = useLocation();
  const justCreated = (location.state as { created?: boolean } | null)?.created === true;
  const sync = useSyncNow(integration.id);
  const latest = useLatestRun(integration.id, sync.runId);
  // While a sync is under way, Sync now would only join it: it waits until the run ends.
  const running = isRunning(latest.run.data);

  return (
    <Page
      title={integration.name}
      description={`${describeBaseUrl(integration.baseUrl)} · synced every ${formatInterval(integration.syncIntervalMinutes)} · key ${integration.keyHint}`}
      actions={
        <>
          <ExportMenu
            integrationId={integration.id}
            unavailable={latest.latest.data === null ? 'Nothing to export yet: run a sync first.' : undefined}
          />
          {canSync && (
            <Button onClick={() => void sync.start()} loading={sync.busy} disabled={running}>
              Sync now
            </Button>
          )}
        </>
      }
    >
      <Stack gap="lg">
        <Group gap="md" wrap="wrap">
          <Anchor component={Link} to="/integrations" size="sm">
            ← All integrations
          </Anchor>
          {integration.simulated && <SimulatedBadge />}
          <Group gap={4} wrap="nowrap">
            <Text size="sm" c="dimmed">
              Next scheduled sync:
            </Text>
            <NextSync at={integration.nextSyncAt} now={new Date()} />
          </Group>
        </Group>
        {justCreated && (
          <Alert color="green" title="Integration added" role="status">
            The key was accepted by Mistral and is stored encrypted.{' '}
            {canSync ? 'Use Sync now to read the workspace, or wait for the schedule.' : ''}
          </Alert>
        )}
        <SyncPanel latest={latest} sync={sync} canSync={canSync} />
        <AvailabilityMatrix integrationId={integration.id} />
        <SyncHistory integrationId={integration.id} />
        {isAdmin ? (
          <>
            <SettingsForm integration={integration} />
            <RotateKey integration={integration} />
            <AdminKey integration={integration} />
            <DeleteIntegration integration={integration} />
          </>
        ) : (
          <>
            <SettingsSummary integration={integration} />
            {!canSync && (
              <Text size="sm" c="dimmed">
                You have read-only access: an analyst or admin can start a sync.
              </Text>
            )}
          </>
        )}
      </Stack>
    </Page>
  );
}
