/**
 * Agents: every agent of the organization's integrations, filtered, searched and sorted by the server
 * (GET /api/v1/agents), 100 rows a page with "Load more", so thousands of agents open as fast as a few.
 * The view (filters, search, sort) lives in the URL; the search is debounced. Rows carry only what the
 * list returns (no call per row) and link to the agent's page.
 */
import {
  Anchor,
  Badge,
  Button,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import {
  GUARDRAIL_LABEL,
  GuardrailBadge,
  LifecycleBadge,
  SEVERITIES,
  SEVERITY_COLOR,
} from '../components/badges';
import { DataTable, type ColumnDef, type TableSort } from '../components/data-table';
import { Page } from '../components/page';
import { EmptyState, ErrorState } from '../components/states';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format';
import {
  AGENT_SORT_KEYS,
  agentFiltersToParams,
  agentsApiQuery,
  GUARDRAIL_FILTERS,
  isFiltered,
  parseAgentFilters,
  resetFilters,
  STATUS_FILTERS,
  TOOL_TYPES,
  type AgentFilters,
  type AgentSortKey,
} from './agents/filters';
import { agentPath } from './agents/paths';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { revealText } from '../lib/untrusted-text';

type Agent = Schemas['AgentSummary'];

const PAGE_SIZE = 100;
const SEARCH_DEBOUNCE_MS = 300;
const TOOLS_SHOWN = 3;

function OpenFindingsCell({ counts }: { counts: Agent['openFindings'] }) {
  if (counts.total === 0) return <Text size="sm">0</Text>;
  const parts = SEVERITIES.filter((s) => counts.bySeverity[s] > 0);
  const words = parts.map((s) => `${counts.bySeverity[s]} ${s}`).join(', ');
  return (
    <Group gap={4} wrap="wrap" justify="flex-end" title={`${counts.total} open: ${words}`}>
      {parts.map((s) => (
        <Badge
          key={s}
          size="sm"
          tt="none"
          color={SEVERITY_COLOR[s]}
          variant={s === 'critical' ? 'filled' : 'light'}
          title={`${counts.bySeverity[s]} ${s}`}
        >
          {counts.bySeverity[s]} {s}
        </Badge>
      ))}
    </Group>
  );
}

function ToolsCell({ tools }: { tools: string[] }) {
  if (tools.length === 0)
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  const shown = tools.slice(0, TOOLS_SHOWN);
  const rest = tools.length - shown.length;
  return (
    <Stack gap={2} maw={140} title={revealText(tools.join(', '))} align="flex-start">
      {shown.map((t, i) => (
        <Text key={`${i}-${t}`} size="xs" ff="monospace" truncate maw={140}>
          <UntrustedText text={t} />
        </Text>
      ))}
      {rest > 0 && (
        <Text size="xs" c="dimmed">
          +{rest} more
        </Text>
      )}
    </Stack>
  );
}

function columns(integrationNames: Map<string, string>, showIntegration: boolean): ColumnDef<Agent>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      enableSorting: true,
      meta: { minWidth: 160 },
      cell: ({ row: { original: a } }) => (
        <Stack gap={0} maw={240}>
          <Anchor
            component={Link}
            to={agentPath(a.integrationId, a.id)}
            size="sm"
            fw={600}
            className="tl-wrap"
            lineClamp={2}
            title={a.name ? `${revealText(a.name)} (${a.id})` : a.id}
          >
            <UntrustedText maxChars={clampChars(2)} text={a.name} fallback="(unnamed agent)" />
          </Anchor>
          {showIntegration && (
            <Text size="xs" c="dimmed" truncate maw={220}>
              <UntrustedText text={integrationNames.get(a.integrationId) ?? a.integrationId} />
            </Text>
          )}
        </Stack>
      ),
    },
    {
      id: 'model',
      header: 'Model',
      enableSorting: true,
      meta: { minWidth: 130 },
      cell: ({ row: { original: a } }) =>
        a.model === null ? (
          <Text size="sm" c="dimmed">
            unknown
          </Text>
        ) : (
          <Stack gap={2} align="flex-start">
            <Text size="sm" truncate maw={150} title={revealText(a.model)}>
              <UntrustedText text={a.model} />
            </Text>
            <LifecycleBadge lifecycle={a.modelLifecycle} size="xs" />
          </Stack>
        ),
    },
    {
      id: 'tools',
      header: 'Tools',
      meta: { minWidth: 110 },
      cell: ({ row }) => <ToolsCell tools={row.original.tools} />,
    },
    {
      id: 'guardrails',
      header: 'Guardrails',
      meta: { minWidth: 150 },
      cell: ({ row: { original: a } }) => (
        <span
          title={
            a.guardrailPolicyCount > 0
              ? `${a.guardrailPolicyCount} guardrail polic${a.guardrailPolicyCount === 1 ? 'y' : 'ies'}`
              : undefined
          }
        >
          <GuardrailBadge state={a.guardrailState} size="sm" />
        </span>
      ),
    },
    {
      id: 'openFindings',
      header: 'Open findings',
      enableSorting: true,
      sortDescFirst: true,
      meta: { align: 'right', minWidth: 100 },
      cell: ({ row }) => <OpenFindingsCell counts={row.original.openFindings} />,
    },
    {
      id: 'runs',
      header: 'Runs (30 d)',
      enableSorting: true,
      sortDescFirst: true,
      meta: { align: 'right' },
      cell: ({ row: { original: a } }) =>
        a.runs30d === null ? (
          <Text size="sm" c="dimmed" title="Usage is unavailable for this agent">
            unknown
          </Text>
        ) : (
          <Text size="sm">{formatNumber(a.runs30d)}</Text>
        ),
    },
    {
      id: 'lastActivity',
      header: 'Last activity',
      enableSorting: true,
      sortDescFirst: true,
      meta: { minWidth: 90 },
      cell: ({ row: { original: a } }) =>
        a.lastActivityAt ? (
          <Text size="sm" title={formatDateTime(a.lastActivityAt)} style={{ whiteSpace: 'nowrap' }}>
            {formatRelative(a.lastActivityAt)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {a.runs30d === null ? 'unknown' : 'none'}
          </Text>
        ),
    },
    {
      id: 'riskScore',
      header: 'Risk',
      enableSorting: true,
      sortDescFirst: true,
      meta: { align: 'right' },
      cell: ({ row }) => <Text size="sm">{row.original.riskScore.toFixed(1)}</Text>,
    },
    {
      id: 'status',
      header: 'Status',
      meta: { minWidth: 80 },
      cell: ({ row: { original: a } }) =>
        a.deletedAt ? (
          <Badge color="red" variant="outline" size="sm" title={`Deleted ${formatDateTime(a.deletedAt)}`}>
            deleted
          </Badge>
        ) : (
          <Stack gap={2} align="flex-start">
            <Badge color="teal" variant="outline" size="sm">
              live
            </Badge>
            <Text size="xs" c="dimmed" title="Activity over the last 30 days">
              {a.status}
            </Text>
          </Stack>
        ),
    },
  ];
}

const GUARDRAIL_OPTIONS = GUARDRAIL_FILTERS.map((g) => ({ value: g, label: GUARDRAIL_LABEL[g] }));
const STATUS_OPTIONS = STATUS_FILTERS.map((s) => ({ value: s, label: s }));
const FINDINGS_OPTIONS = [
  { value: 'true', label: 'With open findings' },
  { value: 'false', label: 'Without open findings' },
];

/** Options of a Select, keeping a value from the URL that the list does not know (so it still shows). */
function withCurrent(values: string[], current: string | null) {
  const all = current !== null && !values.includes(current) ? [current, ...values] : values;
  return all.map((v) => ({ value: v, label: v }));
}

export function AgentsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => parseAgentFilters(searchParams), [searchParams]);
  const [search, setSearch] = useState(filters.q);
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);

  const update = (next: Partial<AgentFilters>) =>
    setSearchParams(agentFiltersToParams({ ...filters, ...next }), { replace: true });

  // The debounced search goes to the URL; a URL changed elsewhere (back, a link, reset) comes back to
  // the box. Our own write is not "elsewhere": it lands a render or more after it was made, when the box
  // may already hold more typing, which copying the URL back would erase.
  const [writtenQ, setWrittenQ] = useState<string | null>(null);
  useEffect(() => {
    if (debouncedSearch.trim() !== filters.q.trim()) {
      setWrittenQ(debouncedSearch);
      setSearchParams(agentFiltersToParams({ ...filters, q: debouncedSearch }), { replace: true });
    }
    // Only the debounced value triggers this; filters are read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedSearch]);
  const [lastUrlQ, setLastUrlQ] = useState(filters.q);
  if (lastUrlQ !== filters.q) {
    setLastUrlQ(filters.q);
    const ownWrite = writtenQ !== null && filters.q.trim() === writtenQ.trim();
    if (!ownWrite && filters.q.trim() !== search.trim()) setSearch(filters.q);
  }

  const apiQuery = useMemo(() => agentsApiQuery(filters), [filters]);
  const agents = useInfiniteQuery({
    queryKey: ['agents', apiQuery],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/agents', {
          params: { query: { ...apiQuery, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } })),
  });
  const models = useQuery({
    queryKey: ['models', { limit: 500 }],
    queryFn: () => unwrap(api.GET('/api/v1/models', { params: { query: { limit: 500 } } })),
  });

  const integrationList = integrations.data?.items ?? [];
  const integrationNames = useMemo(
    () => new Map((integrations.data?.items ?? []).map((i) => [i.id, i.name])),
    [integrations.data],
  );
  const showIntegration = integrationList.length > 1;
  const cols = useMemo(() => columns(integrationNames, showIntegration), [integrationNames, showIntegration]);
  const rows = useMemo(() => agents.data?.pages.flatMap((p) => p.items) ?? [], [agents.data]);
  const modelNames = useMemo(() => {
    const names = new Set<string>();
    for (const m of models.data?.items ?? []) {
      if (m.deletedAt) continue;
      names.add(m.id);
      for (const a of m.aliases) names.add(a);
    }
    return [...names].sort();
  }, [models.data]);

  const filtered = isFiltered(filters);
  const sort: TableSort = { id: filters.sort, desc: filters.order === 'desc' };
  const onSortChange = (s: TableSort) => {
    if ((AGENT_SORT_KEYS as readonly string[]).includes(s.id)) {
      update({ sort: s.id as AgentSortKey, order: s.desc ? 'desc' : 'asc' });
    }
  };
  const reset = () => {
    setSearch('');
    setSearchParams(agentFiltersToParams(resetFilters(filters)), { replace: true });
  };

  const onlyIntegration = filters.integrationId !== null && !isFiltered({ ...filters, integrationId: null });
  const empty = onlyIntegration ? (
    <AgentsOfIntegrationEmpty integrationId={filters.integrationId as string} onReset={reset} />
  ) : filtered ? (
    <EmptyState
      title="No agent matches these filters"
      action={
        <Button variant="light" onClick={reset}>
          Reset filters
        </Button>
      }
    >
      Change or clear the search and filters to see more agents.
    </EmptyState>
  ) : (
    <EmptyState
      title="No agents yet"
      action={
        <Button component={Link} to="/integrations" variant="light">
          Go to integrations
        </Button>
      }
    >
      The Agents API is in beta: check that the key&apos;s workspace has beta access, then sync.
    </EmptyState>
  );

  return (
    <Page
      title="Agents"
      description="Every agent of your integrations, with its guardrails, findings and usage."
    >
      <Stack gap="sm" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
          <TextInput
            label="Search agents"
            placeholder="Part of the name"
            type="search"
            value={search}
            maxLength={200}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
          <Select
            label="Integration"
            placeholder="All integrations"
            clearable
            searchable
            data={withCurrent(
              integrationList.map((i) => i.id),
              filters.integrationId,
            ).map((o) => ({ value: o.value, label: integrationNames.get(o.value) ?? o.value }))}
            value={filters.integrationId}
            onChange={(v) => update({ integrationId: v })}
          />
          <Select
            label="Guardrails"
            placeholder="Any guardrail state"
            clearable
            data={GUARDRAIL_OPTIONS}
            value={filters.guardrails}
            onChange={(v) => update({ guardrails: (v as AgentFilters['guardrails']) ?? null })}
          />
          <Select
            label="Model"
            placeholder="Any model"
            clearable
            searchable
            nothingFoundMessage="No model discovered with that name"
            data={withCurrent(modelNames, filters.model)}
            value={filters.model}
            onChange={(v) => update({ model: v })}
          />
          <Select
            label="Tool"
            placeholder="Any tool"
            clearable
            searchable
            data={withCurrent([...TOOL_TYPES], filters.tool)}
            value={filters.tool}
            onChange={(v) => update({ tool: v })}
          />
          <Select
            label="Open findings"
            placeholder="With or without"
            clearable
            data={FINDINGS_OPTIONS}
            value={filters.hasOpenFindings === null ? null : String(filters.hasOpenFindings)}
            onChange={(v) => update({ hasOpenFindings: v === null ? null : v === 'true' })}
          />
          <Select
            label="Activity"
            placeholder="Any activity"
            clearable
            data={STATUS_OPTIONS}
            value={filters.status}
            onChange={(v) => update({ status: (v as AgentFilters['status']) ?? null })}
          />
          <Stack gap={6} justify="flex-end">
            <Switch
              label="Include deleted agents"
              checked={filters.includeDeleted}
              onChange={(e) => update({ includeDeleted: e.currentTarget.checked })}
            />
            {filtered && (agents.isPending || rows.length > 0) && (
              <Button variant="subtle" size="compact-sm" onClick={reset} w="fit-content">
                Reset filters
              </Button>
            )}
          </Stack>
        </SimpleGrid>
      </Stack>

      {agents.error && !agents.data ? (
        <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
      ) : (
        <>
          {agents.error && <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />}
          <DataTable<Agent>
            label="Agents"
            columns={cols}
            data={rows}
            getRowId={(a) => `${a.integrationId}/${a.id}`}
            sort={sort}
            onSortChange={onSortChange}
            loading={agents.isPending}
            busy={agents.isFetching}
            empty={empty}
            minWidth={960}
            pagination={{
              hasMore: agents.hasNextPage,
              loadingMore: agents.isFetchingNextPage,
              onLoadMore: () => void agents.fetchNextPage(),
            }}
          />
        </>
      )}
    </Page>
  );
}

/**
 * No agent in one integration: say why when the last sync could not read agents (no beta access, an
 * error), in the sync's own words; otherwise the workspace simply has none.
 */
function AgentsOfIntegrationEmpty({
  integrationId,
  onReset,
}: {
  integrationId: string;
  onReset: () => void;
}) {
  const availability = useQuery({
    queryKey: ['availability', integrationId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/integrations/{id}/availability', { params: { path: { id: integrationId } } })),
  });
  const agents = availability.data?.features.find((f) => f.feature === 'agents');
  const back = (
    <Button variant="light" onClick={onReset}>
      Show all integrations
    </Button>
  );
  if (availability.isPending) return <EmptyState title="No agents in this integration" />;
  if (!agents || agents.status === null) {
    return (
      <EmptyState title="No agents in this integration yet" action={back}>
        It has not been synced yet: run a sync from its integration page. The Agents API is in beta, so the
        key&apos;s workspace needs beta access.
      </EmptyState>
    );
  }
  if (agents.status !== 'available') {
    return (
      <EmptyState
        title={
          availability.data?.betaAccess === false
            ? 'Agents cannot be listed: this workspace has no beta access'
            : 'Agents could not be read in the last sync'
        }
        action={back}
      >
        {[agents.message, agents.remediation].filter(Boolean).join(' ') ||
          "The Agents API is in beta: check that the key's workspace has beta access, then sync."}
      </EmptyState>
    );
  }
  return (
    <EmptyState title="This workspace has no agents" action={back}>
      The last sync read the Agents API and found none.
    </EmptyState>
  );
}
