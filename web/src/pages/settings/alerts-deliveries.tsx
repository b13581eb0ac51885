/**
 * The delivery log, newest first: server-side filters by status and destination (kept in the URL as
 * dstatus and destination), cursor pagination with "Load more", and a drawer with one delivery's payload
 * (GET /api/v1/alerts/deliveries/{id}) as a readable summary and as raw JSON text (never HTML).
 */
import { Badge, Button, Code, Drawer, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { SeverityBadge } from '../../components/badges';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import {
  DELIVERY_STATUSES,
  eventLabel,
  payloadSummary,
  STATUS_COLOR,
  transitionLabel,
  type AlertDestination,
  type AlertDeliveryDetail,
  type DeliveryStatus,
} from './alerts-logic';

const PAGE_SIZE = 50;

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLOR[status]} miw="max-content">
      {status}
    </Badge>
  );
}

function PayloadView({ delivery }: { delivery: AlertDeliveryDetail }) {
  const p = delivery.payload;
  return (
    <Stack gap="md">
      <Group gap="xs">
        <DeliveryStatusBadge status={delivery.status} />
        <Text size="sm" c="dimmed">
          attempt {delivery.attempts} of {delivery.maxAttempts}
          {delivery.lastStatusCode !== null ? ` · HTTP ${delivery.lastStatusCode}` : ''}
        </Text>
      </Group>
      {delivery.lastError && (
        <Text size="sm" c="red" className="tl-wrap">
          Last error: {delivery.lastError}
        </Text>
      )}
      <Table verticalSpacing={4} aria-label="Payload summary">
        <Table.Tbody>
          {payloadSummary(p).map((row) => (
            <Table.Tr key={row.label}>
              <Table.Th scope="row" w={140} fw={500} c="dimmed">
                {row.label}
              </Table.Th>
              <Table.Td className="tl-wrap">{row.value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {p.findings.length > 0 && (
        <Stack gap={6} component="section">
          <Title order={3} size="h5">
            Findings
          </Title>
          {p.findings.map((f) => (
            <Stack key={f.id} gap={2}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <SeverityBadge severity={f.severity} />
                <Text size="sm" fw={500} className="tl-wrap">
                  {f.title}
                </Text>
              </Group>
              <Text size="xs" c="dimmed" className="tl-wrap">
                {f.ruleId} · {f.resourceType} {f.resourceName ?? f.resourceId} · {transitionLabel(f)}
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
      {p.events.length > 0 && (
        <Stack gap={6} component="section">
          <Title order={3} size="h5">
            Events
          </Title>
          {p.events.map((e, i) => (
            <Stack key={`${e.resourceId}-${e.kind}-${i}`} gap={2}>
              <Text size="sm" fw={500}>
                {eventLabel(e.kind)}
              </Text>
              <Text size="xs" c="dimmed" className="tl-wrap">
                {e.resourceType} {e.resourceName ?? e.resourceId}: {e.summary} ({formatDateTime(e.at)})
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
      <Stack gap={6} component="section">
        <Title order={3} size="h5">
          Raw JSON (the webhook body)
        </Title>
        <pre className="tl-pre" aria-label="Raw payload JSON">
          {JSON.stringify(p, null, 2)}
        </pre>
      </Stack>
    </Stack>
  );
}

function DeliveryDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const delivery = useQuery({
    queryKey: ['alerts', 'delivery', id],
    queryFn: () =>
      unwrap(api.GET('/api/v1/alerts/deliveries/{id}', { params: { path: { id: id as string } } })),
    enabled: id !== null,
  });
  return (
    // Compound parts, as the finding drawer: no scroll lock (its style tag would lack the CSP nonce).
    <Drawer.Root opened={id !== null} onClose={onClose} position="right" size="xl">
      <Drawer.Overlay />
      <Drawer.Content>
        <Drawer.Header role="presentation">
          <Drawer.Title fw={600} fz="lg">
            Delivery payload
          </Drawer.Title>
          <Drawer.CloseButton aria-label="Close delivery" />
        </Drawer.Header>
        <Drawer.Body>
          {delivery.isPending ? (
            <Loading rows={6} label="Loading the delivery" />
          ) : delivery.error ? (
            <ErrorState error={delivery.error} onRetry={() => void delivery.refetch()} />
          ) : (
            <PayloadView delivery={delivery.data} />
          )}
        </Drawer.Body>
      </Drawer.Content>
    </Drawer.Root>
  );
}

export function DeliveriesSection({ destinations }: { destinations: AlertDestination[] }) {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('dstatus');
  const status = DELIVERY_STATUSES.includes(statusParam as DeliveryStatus)
    ? (statusParam as DeliveryStatus)
    : undefined;
  const destinationId = params.get('destination') ?? undefined;
  const openId = params.get('delivery');
  const setParam = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: key !== 'delivery' },
    );
  const names = new Map(destinations.map((d) => [d.id, d.name]));

  const deliveries = useInfiniteQuery({
    queryKey: ['alerts', 'deliveries', { status, destinationId }],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/alerts/deliveries', {
          params: { query: { status, destinationId, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Status"
          placeholder="Any status"
          data={DELIVERY_STATUSES}
          value={status ?? null}
          onChange={(v) => setParam('dstatus', v)}
          clearable
          w={180}
        />
        <Select
          label="Destination"
          placeholder="Any destination"
          data={destinations.map((d) => ({ value: d.id, label: d.name }))}
          value={destinationId ?? null}
          onChange={(v) => setParam('destination', v)}
          clearable
          searchable
          w={260}
        />
      </Group>
      {deliveries.isPending ? (
        <Loading rows={5} label="Loading the delivery log" />
      ) : deliveries.error && items.length === 0 ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={status || destinationId ? 'No delivery matches' : 'No deliveries yet'}>
          {status || destinationId
            ? 'Clear the filters to see every delivery.'
            : 'A delivery is logged for each test alert and for each digest sent after a sync that matched a rule.'}
        </EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={1100}>
            <Table striped highlightOnHover verticalSpacing="xs" aria-label="Delivery log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Destination</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>HTTP</Table.Th>
                  <Table.Th>Findings</Table.Th>
                  <Table.Th>Events</Table.Th>
                  <Table.Th>Last error</Table.Th>
                  <Table.Th>Next attempt</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        onClick={() => setParam('delivery', d.id)}
                        aria-label={`Open the payload of the delivery of ${formatDateTime(d.createdAt)}`}
                      >
                        {formatDateTime(d.createdAt)}
                      </Button>
                    </Table.Td>
                    <Table.Td className="tl-wrap" maw={200}>
                      <Text span size="sm">
                        {names.get(d.destinationId) ?? `unknown (${d.destinationId})`}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text span size="sm">
                        {d.kind}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <DeliveryStatusBadge status={d.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text span size="sm">
                        {d.attempts}/{d.maxAttempts}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {d.lastStatusCode !== null ? (
                        <Code>{d.lastStatusCode}</Code>
                      ) : (
                        <Text span size="sm">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text span size="sm">
                        {d.findingCount}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text span size="sm">
                        {d.eventCount}
                      </Text>
                    </Table.Td>
                    <Table.Td className="tl-wrap" maw={260}>
                      <Text span size="sm">
                        {d.lastError ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text span size="sm">
                        {d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {deliveries.error && (
            <ErrorState error={deliveries.error} onRetry={() => void deliveries.fetchNextPage()} />
          )}
          {deliveries.hasNextPage && (
            <Group>
              <Button
                variant="default"
                onClick={() => void deliveries.fetchNextPage()}
                loading={deliveries.isFetchingNextPage}
              >
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
      <DeliveryDrawer id={openId} onClose={() => setParam('delivery', null)} />
    </Stack>
  );
}
