/**
 * The integration's sync runs, most recent first (cursor pagination, "Load more"): status, trigger and
 * who asked, when, how long, what was counted; a row expands to its per-feature errors and remediation.
 */
import { Button, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { SyncStatusBadge } from '../../components/badges';
import { ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { countsLine, formatDuration, isInProgress, TRIGGER_LABEL, type SyncRun } from './helpers';
import { listRuns, runsKey } from './queries';
import { RunCounts, RunErrors } from './run-details';
import { TableScroll } from './table-scroll';

export function SyncHistory({ integrationId }: { integrationId: string }) {
  const query = useInfiniteQuery({
    queryKey: runsKey(integrationId),
    queryFn: ({ pageParam }) => listRuns(integrationId, pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // A queued or running row changes state: keep it honest while one is in the first page.
    refetchInterval: (q) =>
      q.state.data?.pages[0]?.items.some((r) => isInProgress(r.status)) ? 5000 : false,
  });
  const runs = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sync-history-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="sync-history-heading">
          Sync history
        </Title>
        {query.isPending ? (
          <Loading rows={4} label="Loading the sync history" />
        ) : query.error && runs.length === 0 ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : runs.length === 0 ? (
          <Text size="sm" c="dimmed">
            No sync has run yet.
          </Text>
        ) : (
          <>
            <HistoryTable runs={runs} />
            {query.error && <ErrorState error={query.error} onRetry={() => void query.fetchNextPage()} />}
            {query.hasNextPage && (
              <Group justify="center">
                <Button
                  variant="default"
                  onClick={() => void query.fetchNextPage()}
                  loading={query.isFetchingNextPage}
                >
                  Load more
                </Button>
              </Group>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function HistoryTable({ runs }: { runs: SyncRun[] }) {
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <TableScroll>
      <Table verticalSpacing="xs" miw={640} aria-label="Sync runs, most recent first">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Started</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Trigger</Table.Th>
            <Table.Th scope="col">Duration</Table.Th>
            <Table.Th scope="col">Counts</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Details</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => {
            const expanded = open.has(run.id);
            const detailsId = `run-details-${run.id}`;
            return (
              <Fragment key={run.id}>
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(run.startedAt)}</Text>
                    {run.status === 'queued' && (
                      <Text size="xs" c="dimmed">
                        queued, waiting for a worker
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <SyncStatusBadge status={run.status} miw="max-content" />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{TRIGGER_LABEL[run.trigger]}</Text>
                    <Text size="xs" c="dimmed" className="tl-wrap">
                      {run.requestedBy
                        ? `by ${run.requestedBy}`
                        : run.trigger === 'scheduled'
                          ? 'scheduler'
                          : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {isInProgress(run.status) ? run.status : formatDuration(run.durationMs)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" className="tl-wrap">
                      {isInProgress(run.status) ? 'when it ends' : countsLine(run)}
                    </Text>
                    {run.errors.length > 0 && (
                      <Text size="xs" c="red">
                        {run.errors.length} error{run.errors.length === 1 ? '' : 's'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      variant="subtle"
                      size="compact-sm"
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId : undefined}
                      onClick={() => toggle(run.id)}
                    >
                      {expanded ? 'Hide details' : 'Details'}
                    </Button>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr id={detailsId}>
                    <Table.Td colSpan={6}>
                      <Stack gap="sm" py="xs">
                        {!isInProgress(run.status) && <RunCounts run={run} />}
                        <RunErrors run={run} />
                        <Text size="xs" c="dimmed">
                          Run {run.id}
                          {run.requests !== null ? ` · ${run.requests} requests to Mistral` : ''}
                          {run.finishedAt ? ` · finished ${formatDateTime(run.finishedAt)}` : ''}
                        </Text>
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
