/**
 * The audit log (admins): who created, changed, rotated, deleted, synced, muted or signed in, when and
 * from where; newest first, 50 at a time ("Load more" follows the cursor). GET /api/v1/audit-log has
 * no filters, so the filters here apply to the entries loaded so far and say so.
 */
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../api/session';
import { Page } from '../../components/page';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import {
  actionsOf,
  actorText,
  detailLines,
  filterAudit,
  readAuditFilters,
  targetText,
  writeAuditFilters,
  type AuditEntry,
  type AuditFilters,
} from './logic';
import { AdminOnly, InlineError, isForbidden } from './shared';
import { UntrustedText } from '../../components/untrusted-text';

const PAGE_SIZE = 50;
const DESCRIPTION = 'Who created, changed, rotated, deleted, synced, muted or signed in; newest first.';

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing="xs" aria-label="Audit log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => {
            const lines = detailLines(e.details);
            return (
              <Table.Tr key={e.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Tooltip label={e.at}>
                    <Text span size="sm">
                      {formatDateTime(e.at)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td className="tl-wrap" maw={220}>
                  <Text span size="sm">
                    {actorText(e)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text span size="sm" ff="monospace">
                    {e.action}
                  </Text>
                </Table.Td>
                <Table.Td className="tl-wrap" maw={220}>
                  <Text span size="sm">
                    <UntrustedText text={targetText(e)} fallback="—" />
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text span size="sm">
                    {e.ip ?? 'unknown'}
                  </Text>
                </Table.Td>
                <Table.Td miw={100}>
                  <Badge
                    color={e.outcome === 'success' ? 'green' : 'red'}
                    variant="light"
                    style={{ overflow: 'visible' }}
                  >
                    {e.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td maw={360}>
                  {lines.length === 0 ? (
                    <Text span size="sm">
                      —
                    </Text>
                  ) : (
                    <pre
                      className="tl-pre"
                      tabIndex={0}
                      aria-label="Details"
                      style={{ maxHeight: '8rem', overflow: 'auto' }}
                    >
                      {lines.join('\n')}
                    </pre>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function AuditAdmin() {
  const [params, setParams] = useSearchParams();
  const filters = readAuditFilters(params);
  const query = useInfiniteQuery({
    queryKey: ['audit-log'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/audit-log', { params: { query: { limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const set = (change: Partial<AuditFilters>) =>
    setParams(writeAuditFilters({ ...filters, ...change }), { replace: true });

  let body;
  if (query.isPending) body = <Loading rows={8} label="Loading the audit log" />;
  else if (isForbidden(query.error)) body = <AdminOnly what="The audit log is for admins." />;
  else if (query.error && !query.data)
    body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  else {
    const loaded = query.data?.pages.flatMap((p) => p.items) ?? [];
    const shown = filterAudit(loaded, filters);
    const filtering = !!(filters.action || filters.outcome || filters.q);
    body = (
      <Stack gap="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Action"
            placeholder="Any action"
            data={actionsOf(loaded, filters.action)}
            value={filters.action}
            onChange={(v) => set({ action: v })}
            clearable
            searchable
            w={220}
          />
          <Select
            label="Outcome"
            placeholder="Any outcome"
            data={[
              { value: 'success', label: 'success' },
              { value: 'failure', label: 'failure' },
            ]}
            value={filters.outcome}
            onChange={(v) => set({ outcome: (v as AuditFilters['outcome']) ?? null })}
            clearable
            w={160}
          />
          <TextInput
            label="Search"
            placeholder="Who, target, address, details"
            value={filters.q}
            onChange={(e) => set({ q: e.currentTarget.value })}
            w={260}
          />
          {filtering && (
            <Button variant="subtle" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              Clear filters
            </Button>
          )}
        </Group>
        <Text size="sm" role="status">
          {filtering
            ? `${shown.length} of the ${loaded.length} entries loaded match. The filters apply to loaded entries only${query.hasNextPage ? '; load more to look further back' : ''}.`
            : `${loaded.length} entries${query.hasNextPage ? ' loaded; older ones follow' : ''}.`}
        </Text>
        {loaded.length === 0 ? (
          <EmptyState title="Nothing recorded yet">
            Sign-ins, integration and user changes, syncs and mutes appear here as they happen.
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState title="No loaded entry matches these filters">
            {query.hasNextPage
              ? 'Load more to search older entries, or clear the filters.'
              : 'Clear the filters.'}
          </EmptyState>
        ) : (
          <AuditTable entries={shown} />
        )}
        {query.error && <InlineError error={query.error} />}
        {query.hasNextPage && (
          <Button
            variant="default"
            onClick={() => void query.fetchNextPage()}
            loading={query.isFetchingNextPage}
            style={{ alignSelf: 'center' }}
          >
            Load more
          </Button>
        )}
      </Stack>
    );
  }

  return (
    <Page
      title="Audit log"
      description={DESCRIPTION}
      actions={
        <Button
          variant="default"
          onClick={() => void query.refetch()}
          loading={query.isRefetching && !query.isFetchingNextPage}
        >
          Refresh
        </Button>
      }
    >
      {body}
    </Page>
  );
}

export function AuditLogPage() {
  const isAdmin = useCan('admin');
  if (!isAdmin) {
    return (
      <Page title="Audit log" description={DESCRIPTION}>
        <AdminOnly what="The audit log is for admins." />
      </Page>
    );
  }
  return <AuditAdmin />;
}
