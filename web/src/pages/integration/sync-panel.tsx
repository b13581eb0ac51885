/**
 * Sync now and the latest sync: POST …/syncs answers 202 with the run (or the one already running),
 * then GET …/syncs/{runId} is polled every second while it runs, showing the live figures the server
 * gives (requests sent, rate-limited answers, retries, elapsed time) and, per resource type, whether it
 * is pending, being read, done, failed or unavailable with the count read so far. When it ends, the outcome in its
 * own words (succeeded only when it did), the counts and each feature's error with its remediation,
 * and everything read from the workspace is refreshed.
 */
import { Alert, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap, type ApiError } from '../../api/client';
import { SyncStatusBadge } from '../../components/badges';
import { ErrorState, Loading } from '../../components/states';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import {
  asApiError,
  formatDuration,
  isRunning,
  STATUS_COLOR,
  STATUS_HEADLINE,
  TRIGGER_LABEL,
  type SyncRun,
} from './helpers';
import { FeatureProgressTable } from './feature-progress';
import { getRun, invalidateWorkspaceData, latestRunKey, listRuns, runKey } from './queries';
import { RunCounts, RunErrors } from './run-details';

export interface SyncNow {
  start(): Promise<void>;
  busy: boolean;
  error: ApiError | null;
  /** The run started (or joined) from this page. */
  runId: string | null;
  /** Set when the server answered with a sync that was already running. */
  joined: boolean;
}

/** Starts a sync of the integration (analysts and admins; the server enforces it). */
export function useSyncNow(integrationId: string): SyncNow {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [joined, setJoined] = useState(false);
  return {
    busy,
    error,
    runId,
    joined,
    async start() {
      setBusy(true);
      setError(null);
      try {
        const { run, started } = await unwrap(
          api.POST('/api/v1/integrations/{id}/syncs', { params: { path: { id: integrationId } } }),
        );
        client.setQueryData(runKey(integrationId, run.id), run);
        client.setQueryData(latestRunKey(integrationId), run);
        setRunId(run.id);
        setJoined(!started);
        // The history shows the new running row at once.
        void client.invalidateQueries({ queryKey: ['integration', integrationId, 'syncs'], exact: true });
      } catch (e) {
        setError(asApiError(e));
      } finally {
        setBusy(false);
      }
    },
  };
}

/** The run shown: the one started here, else the latest one (followed live while it runs). */
export function useLatestRun(integrationId: string, startedRunId: string | null) {
  const latest = useQuery({
    queryKey: latestRunKey(integrationId),
    queryFn: async () => (await listRuns(integrationId, undefined, 1)).items[0] ?? null,
  });
  const runId = startedRunId ?? latest.data?.id ?? null;
  const run = useQuery({
    queryKey: runKey(integrationId, runId ?? ''),
    queryFn: () => getRun(integrationId, runId!),
    enabled: runId !== null,
    initialData: latest.data && latest.data.id === runId ? latest.data : undefined,
    refetchInterval: (q) => (isRunning(q.state.data) ? 1000 : false),
    refetchIntervalInBackground: true,
  });
  return { latest, run, runId };
}

export function SyncPanel({
  latest: { latest, run, runId },
  sync,
  canSync,
}: {
  latest: ReturnType<typeof useLatestRun>;
  sync: SyncNow;
  canSync: boolean;
}) {
  const client = useQueryClient();
  const current = run.data;

  // When a followed run ends, what it read changes everything shown from the workspace.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (!current) return;
    if (wasRunning.current && !isRunning(current)) void invalidateWorkspaceData(client);
    wasRunning.current = isRunning(current);
  }, [current, client]);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="latest-sync-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="latest-sync-heading">
          Latest sync
        </Title>
        {sync.error && <ErrorState error={sync.error} />}
        {sync.joined && current && isRunning(current) && (
          <Text size="sm" c="dimmed">
            A sync was already {current.status}; it is followed here instead of starting another.
          </Text>
        )}
        {latest.isPending || (runId !== null && run.isPending) ? (
          <Loading rows={3} label="Loading the latest sync" />
        ) : latest.error && !runId ? (
          <ErrorState error={latest.error} onRetry={() => void latest.refetch()} />
        ) : run.error && !current ? (
          <ErrorState error={run.error} onRetry={() => void run.refetch()} />
        ) : !current ? (
          <Text size="sm" c="dimmed">
            No sync has run yet, so nothing has been read from this workspace.{' '}
            {canSync
              ? 'Use Sync now to read it.'
              : 'An analyst or admin can start one, or wait for the schedule.'}
          </Text>
        ) : (
          <RunView run={current} />
        )}
      </Stack>
    </Paper>
  );
}

function RunMeta({ run }: { run: SyncRun }) {
  return (
    <Text size="sm" c="dimmed" className="tl-wrap">
      {TRIGGER_LABEL[run.trigger]} sync
      {run.requestedBy
        ? ` requested by ${run.requestedBy}`
        : run.trigger === 'scheduled'
          ? ' (scheduler)'
          : ''}
      , {run.status === 'queued' ? 'queued' : 'started'}{' '}
      <span title={formatDateTime(run.startedAt)}>{formatRelative(run.startedAt)}</span>
      {run.finishedAt && (
        <>
          , finished <span title={formatDateTime(run.finishedAt)}>{formatRelative(run.finishedAt)}</span>{' '}
          after {formatDuration(run.durationMs)}
        </>
      )}
      {run.requests !== null && !isRunning(run) && `, ${formatNumber(run.requests)} requests to Mistral`}
    </Text>
  );
}

export function RunView({ run }: { run: SyncRun }) {
  if (run.status === 'queued') return <QueuedView run={run} />;
  if (run.status === 'running') return <RunningView run={run} />;
  return (
    <Stack gap="sm">
      <Alert
        color={STATUS_COLOR[run.status]}
        variant="light"
        role="status"
        aria-live="polite"
        title={STATUS_HEADLINE[run.status]}
      >
        <RunMeta run={run} />
      </Alert>
      <RunCounts run={run} />
      {run.errors.length > 0 && (
        <Title order={3} size="h5">
          Errors ({run.errors.length})
        </Title>
      )}
      <RunErrors run={run} />
    </Stack>
  );
}

/** A run no worker has taken yet: nothing is read, so no figures, counts, duration or outcome. */
function QueuedView({ run }: { run: SyncRun }) {
  return (
    <Stack gap="sm">
      <Group gap="xs" role="status" aria-live="polite">
        <SyncStatusBadge status="queued" />
        <Text fw={600}>{STATUS_HEADLINE.queued}</Text>
      </Group>
      <RunMeta run={run} />
      <Progress value={100} striped aria-label="Sync queued" />
      <Text size="sm" c="dimmed">
        Queued {formatDateTime(run.startedAt)}. Nothing has been read yet: the sync starts when a worker takes
        it (a <code>trustlens worker</code> process, or <code>trustlens serve</code> without{' '}
        <code>--no-worker</code>), and its progress shows here then.
      </Text>
    </Stack>
  );
}

function RunningView({ run }: { run: SyncRun }) {
  const p = run.progress;
  const elapsed = p?.elapsedMs ?? Date.now() - new Date(run.startedAt).getTime();
  return (
    <Stack gap="sm">
      <Group gap="xs" role="status" aria-live="polite">
        <SyncStatusBadge status="running" />
        <Text fw={600}>{STATUS_HEADLINE.running}</Text>
      </Group>
      <RunMeta run={run} />
      <Progress value={100} striped animated aria-label="Sync in progress" />
      {p ? (
        <>
          <SimpleGrid cols={4} spacing="xs" aria-label="Live figures">
            <Figure label="Elapsed" value={formatDuration(elapsed)} />
            <Figure label="Requests to Mistral" value={formatNumber(p.requests)} />
            <Figure label="Rate-limited (429)" value={formatNumber(p.rateLimited)} />
            <Figure label="Retries" value={formatNumber(p.retries)} />
          </SimpleGrid>
          {p.phase === 'storing' && (
            <Text size="sm" fw={600}>
              Everything is read: computing the findings and storing the results.
            </Text>
          )}
          <FeatureProgressTable features={p.features} />
        </>
      ) : (
        <Text size="sm" c="dimmed">
          Live figures are not available: another TrustLens process runs this sync
          {run.heartbeatAt ? ` (last sign of life ${formatRelative(run.heartbeatAt)})` : ''}. Its outcome
          shows here when it ends.
        </Text>
      )}
      <Text size="xs" c="dimmed">
        What is read is stored in one go when the sync ends, so the inventory and findings shown elsewhere
        change then (a sync that stops half-way leaves nothing half-written).
      </Text>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="lg" fw={600}>
        {value}
      </Text>
    </Stack>
  );
}
