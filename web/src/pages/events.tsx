/**
 * What changed between syncs, newest first: a timeline of change events (created, deleted, agent
 * changed, guardrails removed or weakened, alias moved, model newly deprecated) with each agent
 * change field by field (before → after, as text). Filters and the resource live in the URL.
 */
import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Timeline,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { Page } from '../components/page';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatDateTime, formatRelative } from '../lib/format';
import { changeValueText, EVENT_TYPES, eventTypeColor, eventTypeLabel } from './inventory/format';
import {
  agentPath,
  IntegrationFilter,
  useIntegrationName,
  useIntegrations,
  useUrlState,
} from './inventory/shared';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { revealText } from '../lib/untrusted-text';

type ChangeEvent = Schemas['ChangeEvent'];

const PAGE_SIZE = 50;

export function EventsPage() {
  const { params, update } = useUrlState();
  const integrationId = params.get('integrationId');
  const typeParam = params.get('type');
  const type = typeParam && (EVENT_TYPES as readonly string[]).includes(typeParam) ? typeParam : null;
  const resourceId = params.get('resourceId')?.trim() || null;
  const [resourceInput, setResourceInput] = useState(resourceId ?? '');
  const commitResource = useDebouncedCallback((v: string) => update({ resourceId: v.trim() || null }), 400);

  const query = {
    ...(integrationId ? { integrationId } : {}),
    ...(type ? { type } : {}),
    ...(resourceId ? { resourceId } : {}),
  };
  const events = useInfiniteQuery({
    queryKey: ['events', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/events', { params: { query: { ...query, limit: PAGE_SIZE, cursor: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const integrationName = useIntegrationName();
  const integrations = useIntegrations();
  const several = !integrationId && (integrations.data?.length ?? 0) > 1;
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(integrationId || type || resourceId);

  return (
    <Page title="Events" description="What changed in the workspace between syncs, newest first.">
      <Group align="flex-end" gap="md" wrap="wrap">
        <IntegrationFilter value={integrationId} onChange={(v) => update({ integrationId: v })} />
        <Select
          label="Event type"
          placeholder="All types"
          data={EVENT_TYPES.map((t) => ({ value: t, label: eventTypeLabel(t) }))}
          value={type}
          onChange={(v) => update({ type: v })}
          clearable
          w={220}
        />
        <TextInput
          label="Resource id"
          placeholder="ag_…, a model id, …"
          value={resourceInput}
          onChange={(e) => {
            setResourceInput(e.currentTarget.value);
            commitResource(e.currentTarget.value);
          }}
          w={240}
        />
        {filtered && (
          <Button
            variant="subtle"
            onClick={() => {
              setResourceInput('');
              update({ integrationId: null, type: null, resourceId: null });
            }}
          >
            Clear filters
          </Button>
        )}
      </Group>
      {events.isPending ? (
        <Loading rows={6} label="Loading events" />
      ) : events.error && items.length === 0 ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? 'No events for these filters' : 'No changes recorded yet'}>
          {filtered
            ? 'Nothing matching these filters changed between syncs.'
            : 'Events appear when a sync finds something different from the previous one: run a sync after a change in the workspace.'}
        </EmptyState>
      ) : (
        <Stack gap="md">
          <Timeline bulletSize={14} lineWidth={2} aria-label="Change events">
            {items.map((e) => (
              <Timeline.Item key={e.id} color={eventTypeColor(e.type)}>
                <EventEntry event={e} integration={several ? integrationName(e.integrationId) : null} />
              </Timeline.Item>
            ))}
          </Timeline>
          {events.error && <ErrorState error={events.error} onRetry={() => void events.fetchNextPage()} />}
          <Group gap="sm">
            {events.hasNextPage ? (
              <Button
                variant="light"
                onClick={() => void events.fetchNextPage()}
                loading={events.isFetchingNextPage}
              >
                Load more
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {items.length} event{items.length === 1 ? '' : 's'} — the beginning of the history.
              </Text>
            )}
          </Group>
        </Stack>
      )}
    </Page>
  );
}

function EventEntry({ event: e, integration }: { event: ChangeEvent; integration: string | null }) {
  const name = e.resourceName ?? e.resourceId;
  return (
    <Stack gap={6}>
      <Group gap="xs" wrap="wrap">
        <Badge color={eventTypeColor(e.type)} variant="light">
          {eventTypeLabel(e.type)}
        </Badge>
        <Text size="sm" c="dimmed">
          {e.resourceType}
        </Text>
        {e.resourceType === 'agent' ? (
          <Anchor
            component={Link}
            to={agentPath(e.integrationId, e.resourceId)}
            size="sm"
            fw={500}
            className="tl-wrap"
            lineClamp={3}
            title={revealText(name)}
          >
            <UntrustedText maxChars={clampChars(3)} text={name} />
          </Anchor>
        ) : (
          <Text size="sm" fw={500} className="tl-wrap" lineClamp={3} title={revealText(name)}>
            <UntrustedText maxChars={clampChars(3)} text={name} />
          </Text>
        )}
        <Text size="xs" c="dimmed" title={formatDateTime(e.at)}>
          <time dateTime={e.at}>{formatRelative(e.at)}</time> · {formatDateTime(e.at)}
        </Text>
        {integration && (
          <Text size="xs" c="dimmed" className="tl-wrap">
            in <UntrustedText text={integration} />
          </Text>
        )}
      </Group>
      <Text size="sm" className="tl-wrap">
        <UntrustedText text={e.summary} />
      </Text>
      {e.changes && e.changes.length > 0 && (
        <Paper withBorder p={0} className="tl-table-scroll">
          <Table
            aria-label={`Changed fields of ${revealText(name)} at ${formatDateTime(e.at)}`}
            layout="fixed"
            verticalSpacing={4}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="18%">Field</Table.Th>
                <Table.Th>Before</Table.Th>
                <Table.Th>After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {e.changes.map((c, i) => (
                <Table.Tr key={`${c.field}-${i}`}>
                  <Table.Td>
                    <Text size="sm" ff="monospace" className="tl-wrap">
                      {c.field}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <pre className="tl-pre">
                      <UntrustedText text={changeValueText(c.before)} />
                    </pre>
                  </Table.Td>
                  <Table.Td>
                    <pre className="tl-pre">
                      <UntrustedText text={changeValueText(c.after)} />
                    </pre>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
