/**
 * Findings (issue 10): filter (severity, rule, status, muted, integration, framework; all in the
 * URL), group the loaded list by rule or resource, open one in a drawer (detail, remediation,
 * evidence, compliance, mute), and export the whole filtered list as CSV or JSON.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  CloseButton,
  Group,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { FindingStatusBadge, SEVERITIES, SeverityBadge, type Severity } from '../components/badges';
import { ExportMenu } from '../components/export-menu';
import { Page } from '../components/page';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatDate, formatDateTime, formatRelative } from '../lib/format';
import { downloadText, exportFileName, findingsToCsv, findingsToJson } from './findings/export';
import {
  isFiltered,
  parseFindingFilters,
  toFindingsQuery,
  writeFindingFilters,
  type FindingFilters,
  type GroupBy,
} from './findings/filters';
import { FindingDrawer } from './findings/finding-drawer';
import { groupFindings, type Finding, type FindingGroup } from './findings/grouping';
import { collectPages } from './inventory/pages';
import { agentPath, IntegrationFilter } from './inventory/shared';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { revealText } from '../lib/untrusted-text';

type Rule = Schemas['Rule'];

const PAGE_SIZE = 200;

const STATUS_OPTIONS = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'Open and resolved' },
];
const MUTED_OPTIONS = [
  { value: 'exclude', label: 'Hide muted' },
  { value: 'include', label: 'Include muted' },
  { value: 'only', label: 'Only muted' },
];

function useRules() {
  return useQuery({
    queryKey: ['rules'],
    queryFn: () => unwrap(api.GET('/api/v1/rules')),
    staleTime: 10 * 60_000,
  });
}

/** Framework options: each framework, then each of its requirements that a rule maps to. */
function frameworkOptions(rules: readonly Rule[]) {
  const byFramework = new Map<string, { name: string; reqs: Map<string, string | null> }>();
  for (const r of rules)
    for (const f of r.frameworks) {
      let e = byFramework.get(f.framework);
      if (!e) byFramework.set(f.framework, (e = { name: f.frameworkName, reqs: new Map() }));
      e.reqs.set(f.id, f.title);
    }
  return [...byFramework.entries()].map(([id, e]) => ({
    group: e.name,
    items: [
      { value: id, label: `${e.name} (all)` },
      ...[...e.reqs.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([req, title]) => ({ value: `${id}:${req}`, label: title ? `${req} — ${title}` : req })),
    ],
  }));
}

export function FindingsPage() {
  const [params, setParams] = useSearchParams();
  const filters = parseFindingFilters(params);
  const apiQuery = toFindingsQuery(filters);
  const openId = params.get('finding');

  const setFilters = (patch: Partial<FindingFilters>) =>
    setParams((prev) => writeFindingFilters(prev, { ...parseFindingFilters(prev), ...patch }));
  const setOpen = (id: string | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (id) next.set('finding', id);
      else next.delete('finding');
      return next;
    });

  const rules = useRules();
  const rulesById = useMemo(() => new Map((rules.data?.items ?? []).map((r) => [r.id, r])), [rules.data]);
  const ruleTitles = useMemo(() => new Map([...rulesById.values()].map((r) => [r.id, r.title])), [rulesById]);

  const findings = useInfiniteQuery({
    queryKey: ['findings', apiQuery],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/findings', {
          params: { query: { ...apiQuery, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = useMemo(() => findings.data?.pages.flatMap((p) => p.items) ?? [], [findings.data]);
  const groups = useMemo(
    () => groupFindings(items, filters.groupBy, ruleTitles),
    [items, filters.groupBy, ruleTitles],
  );

  return (
    <Page
      title="Findings"
      description="What the rules found in your workspace, worst first. Open a finding for its evidence and remediation."
      actions={
        <>
          <IntegrationExport selected={filters.integrationId} />
          <ExportButtons query={apiQuery} />
        </>
      }
    >
      <Filters filters={filters} setFilters={setFilters} rules={rules.data?.items ?? []} />
      {findings.isPending ? (
        <Loading rows={8} label="Loading findings" />
      ) : findings.error && items.length === 0 ? (
        <ErrorState error={findings.error} onRetry={() => void findings.refetch()} />
      ) : items.length === 0 ? (
        <NoFindings filters={filters} />
      ) : (
        <Stack gap="lg">
          <Text size="sm" c="dimmed" aria-live="polite">
            {items.length} finding{items.length === 1 ? '' : 's'}
            {findings.hasNextPage ? ' loaded (more match: load more to see and group them)' : ''}
            {filters.groupBy !== 'none' &&
              ` in ${groups.length} ${filters.groupBy === 'rule' ? 'rule' : 'resource'}${groups.length === 1 ? '' : 's'}`}
          </Text>
          {groups.map((g) => (
            <GroupSection key={g.key} group={g} groupBy={filters.groupBy} onOpen={setOpen} />
          ))}
          {findings.error && (
            <ErrorState error={findings.error} onRetry={() => void findings.fetchNextPage()} />
          )}
          {findings.hasNextPage && (
            <Group>
              <Button
                variant="light"
                onClick={() => void findings.fetchNextPage()}
                loading={findings.isFetchingNextPage}
              >
                Load more
              </Button>
            </Group>
          )}
        </Stack>
      )}
      <FindingDrawer findingId={openId} onClose={() => setOpen(null)} rules={rulesById} />
    </Page>
  );
}

function Filters({
  filters,
  setFilters,
  rules,
}: {
  filters: FindingFilters;
  setFilters: (patch: Partial<FindingFilters>) => void;
  rules: readonly Rule[];
}) {
  const ruleOptions = useMemo(() => {
    const opts = [...rules]
      .sort((a, b) => a.title.localeCompare(b.title))
      .map((r) => ({ value: r.id, label: `${r.title} (${r.id})` }));
    if (filters.ruleId && !opts.some((o) => o.value === filters.ruleId))
      opts.push({ value: filters.ruleId, label: filters.ruleId });
    return opts;
  }, [rules, filters.ruleId]);
  const fwOptions = useMemo(() => {
    const opts = frameworkOptions(rules);
    const known = opts.some((g) => g.items.some((i) => i.value === filters.framework));
    return filters.framework && !known
      ? [...opts, { group: 'Other', items: [{ value: filters.framework, label: filters.framework }] }]
      : opts;
  }, [rules, filters.framework]);

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="md" wrap="wrap">
        <MultiSelect
          label="Severity"
          placeholder={filters.severity.length ? undefined : 'All severities'}
          data={SEVERITIES}
          value={filters.severity}
          onChange={(v) => setFilters({ severity: v as Severity[] })}
          clearable
          w={240}
        />
        <Select
          label="Rule"
          placeholder="All rules"
          data={ruleOptions}
          value={filters.ruleId}
          onChange={(v) => setFilters({ ruleId: v })}
          searchable
          clearable
          w={280}
        />
        <Select
          label="Status"
          data={STATUS_OPTIONS}
          value={filters.status}
          onChange={(v) => v && setFilters({ status: v as FindingFilters['status'] })}
          allowDeselect={false}
          w={180}
        />
        <Select
          label="Muted"
          data={MUTED_OPTIONS}
          value={filters.muted}
          onChange={(v) => v && setFilters({ muted: v as FindingFilters['muted'] })}
          allowDeselect={false}
          w={160}
        />
        <IntegrationFilter value={filters.integrationId} onChange={(v) => setFilters({ integrationId: v })} />
        <Select
          label="Framework"
          placeholder="All frameworks"
          data={fwOptions}
          value={filters.framework}
          onChange={(v) => setFilters({ framework: v })}
          searchable
          clearable
          w={280}
        />
      </Group>
      <Group gap="md" wrap="wrap" align="center">
        <Group gap="xs" align="center">
          <Text size="sm" fw={500} id="findings-group-by">
            Group by
          </Text>
          <SegmentedControl
            aria-labelledby="findings-group-by"
            size="xs"
            value={filters.groupBy}
            onChange={(v) => setFilters({ groupBy: v as GroupBy })}
            data={[
              { value: 'rule', label: 'Rule' },
              { value: 'resource', label: 'Resource' },
              { value: 'none', label: 'None' },
            ]}
          />
        </Group>
        {(filters.resourceType || filters.resourceId) && (
          <Badge
            variant="light"
            size="lg"
            tt="none"
            rightSection={
              <CloseButton
                size="xs"
                aria-label="Clear the resource filter"
                onClick={() => setFilters({ resourceType: null, resourceId: null })}
              />
            }
          >
            <span className="tl-wrap">
              Resource: {filters.resourceType ?? 'any type'} <UntrustedText text={filters.resourceId} />
            </span>
          </Badge>
        )}
        {isFiltered(filters) && (
          <Button
            variant="subtle"
            size="xs"
            onClick={() =>
              setFilters({
                severity: [],
                ruleId: null,
                status: 'open',
                muted: 'exclude',
                integrationId: null,
                framework: null,
                resourceType: null,
                resourceId: null,
              })
            }
          >
            Clear filters
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** No findings: in the filters' words, and if nothing was ever synced, what to do about it. */
function NoFindings({ filters }: { filters: FindingFilters }) {
  const posture = useQuery({
    queryKey: ['posture', { integrationId: filters.integrationId }],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/posture', {
          params: { query: filters.integrationId ? { integrationId: filters.integrationId } : {} },
        }),
      ),
  });
  const title =
    filters.status === 'open'
      ? 'No open findings for these filters'
      : filters.status === 'resolved'
        ? 'No resolved findings for these filters'
        : 'No findings for these filters';
  const integrations = posture.data?.integrations;
  if (integrations && integrations.length === 0)
    return (
      <EmptyState
        title={title}
        action={
          <Button component={Link} to="/integrations/new">
            Add an integration
          </Button>
        }
      >
        No integration is set up yet: add one with a Mistral API key, then run a sync.
      </EmptyState>
    );
  if (integrations && integrations.every((i) => i.lastSyncRunId === null))
    return (
      <EmptyState
        title={title}
        action={
          <Button
            component={Link}
            to={
              integrations.length === 1 ? `/integrations/${integrations[0]!.integrationId}` : '/integrations'
            }
          >
            Run a sync
          </Button>
        }
      >
        No sync has finished yet, so no rule has run: run a sync from the integration’s page.
      </EmptyState>
    );
  return (
    <EmptyState title={title}>
      {isFiltered(filters)
        ? 'Nothing matches these filters. Widen them (status, muted, severity) to see more.'
        : 'The last sync found nothing to report.'}
    </EmptyState>
  );
}

function GroupSection({
  group: g,
  groupBy,
  onOpen,
}: {
  group: FindingGroup;
  groupBy: GroupBy;
  onOpen: (id: string) => void;
}) {
  const tableLabel = groupBy === 'none' ? 'Findings' : `Findings: ${g.label}`;
  return (
    <Stack gap="xs" component="section" aria-label={groupBy === 'none' ? undefined : revealText(g.label)}>
      {groupBy !== 'none' && (
        <Group gap="xs" wrap="wrap" align="center">
          <SeverityBadge severity={g.severity} />
          <Title order={2} size="h4" className="tl-wrap" lineClamp={3} title={revealText(g.label)}>
            {groupBy === 'resource' && g.resource?.resourceType === 'agent' ? (
              <Anchor
                component={Link}
                to={agentPath(g.resource.integrationId, g.resource.resourceId)}
                inherit
              >
                <UntrustedText maxChars={clampChars(3)} text={g.label} />
              </Anchor>
            ) : (
              <UntrustedText maxChars={clampChars(3)} text={g.label} />
            )}
          </Title>
          <Text size="sm" c="dimmed" ff={groupBy === 'rule' ? 'monospace' : undefined} className="tl-wrap">
            {groupBy === 'rule' ? g.ruleId : g.resource?.resourceType}
          </Text>
          <Text size="sm" c="dimmed">
            · {g.findings.length} finding{g.findings.length === 1 ? '' : 's'}
          </Text>
        </Group>
      )}
      <div className="tl-table-scroll">
        <Table aria-label={tableLabel} striped verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Severity</Table.Th>
              <Table.Th>Finding</Table.Th>
              {groupBy !== 'resource' && <Table.Th>Resource</Table.Th>}
              <Table.Th>Status</Table.Th>
              <Table.Th>First seen</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Muted</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {g.findings.map((f) => (
              <FindingRow key={f.id} finding={f} showResource={groupBy !== 'resource'} onOpen={onOpen} />
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Stack>
  );
}

function FindingRow({
  finding: f,
  showResource,
  onOpen,
}: {
  finding: Finding;
  showResource: boolean;
  onOpen: (id: string) => void;
}) {
  return (
    <Table.Tr>
      <Table.Td>
        <SeverityBadge severity={f.severity} />
      </Table.Td>
      <Table.Td maw={360}>
        <UnstyledButton onClick={() => onOpen(f.id)} aria-haspopup="dialog" className="tl-wrap">
          <Text size="sm" fw={500} c="blue" td="underline" span>
            <UntrustedText text={f.title} />
          </Text>
        </UnstyledButton>
      </Table.Td>
      {showResource && (
        <Table.Td maw={240}>
          <Text size="xs" c="dimmed">
            {f.resourceType}
          </Text>
          {f.resourceType === 'agent' ? (
            <Anchor
              component={Link}
              to={agentPath(f.integrationId, f.resourceId)}
              size="sm"
              className="tl-wrap"
              lineClamp={3}
              title={revealText(f.resourceName ?? f.resourceId)}
            >
              <UntrustedText maxChars={clampChars(3)} text={f.resourceName ?? f.resourceId} />
            </Anchor>
          ) : (
            <Text
              size="sm"
              className="tl-wrap"
              lineClamp={3}
              title={revealText(f.resourceName ?? f.resourceId)}
            >
              <UntrustedText maxChars={clampChars(3)} text={f.resourceName ?? f.resourceId} />
            </Text>
          )}
        </Table.Td>
      )}
      <Table.Td>
        <Group gap={4}>
          <FindingStatusBadge status={f.status} />
          {f.lastStatus === 'UNKNOWN' && (
            <Badge variant="default" title="The data this rule needs was not available">
              unknown
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(f.firstSeenAt)}>
          {formatDate(f.firstSeenAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(f.lastSeenAt)}>
          {formatRelative(f.lastSeenAt)}
        </Text>
      </Table.Td>
      <Table.Td maw={260}>
        {f.mute ? (
          <Stack gap={0}>
            <Text
              size="sm"
              c={f.muted ? undefined : 'dimmed'}
              className="tl-wrap"
              lineClamp={2}
              title={revealText(f.mute.reason)}
            >
              {f.muted ? '' : '(expired) '}
              <UntrustedText maxChars={clampChars(2)} text={f.mute.reason} />
            </Text>
            <Text size="xs" c="dimmed" className="tl-wrap">
              by <UntrustedText text={f.mute.by} />,{' '}
              {f.mute.expiresAt ? `until ${formatDate(f.mute.expiresAt)}` : 'until unmuted'}
            </Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            no
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** The Export menu of one integration: the selected one, or the only one there is. */
function IntegrationExport({ selected }: { selected: string | null }) {
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } })),
  });
  const items = integrations.data?.items ?? [];
  const one = selected ? items.find((i) => i.id === selected) : items.length === 1 ? items[0] : undefined;
  if (!one) return null;
  return <ExportMenu integrationId={one.id} integrationName={one.name} />;
}

function ExportButtons({ query }: { query: ReturnType<typeof toFindingsQuery> }) {
  const [busy, setBusy] = useState<'csv' | 'json' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (kind: 'csv' | 'json') => {
    setBusy(kind);
    setError(null);
    try {
      const all = await collectPages((cursor) =>
        unwrap(api.GET('/api/v1/findings', { params: { query: { ...query, limit: 500, cursor } } })),
      );
      const at = new Date();
      if (kind === 'csv')
        downloadText(findingsToCsv(all), exportFileName('csv', at), 'text/csv;charset=utf-8');
      else downloadText(findingsToJson(all, query, at), exportFileName('json', at), 'application/json');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      <Group gap="xs">
        <Button
          variant="default"
          onClick={() => void run('csv')}
          loading={busy === 'csv'}
          disabled={busy !== null}
        >
          Export CSV
        </Button>
        <Button
          variant="default"
          onClick={() => void run('json')}
          loading={busy === 'json'}
          disabled={busy !== null}
        >
          Export JSON
        </Button>
      </Group>
      {error !== null && (
        <Alert
          color="red"
          variant="light"
          p="xs"
          role="alert"
          withCloseButton
          onClose={() => setError(null)}
          closeButtonLabel="Dismiss the export error"
        >
          <ErrorText error={error} />
        </Alert>
      )}
    </Stack>
  );
}

function ErrorText({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  const remediation = (error as { remediation?: string | null }).remediation;
  return (
    <Text size="sm">
      The export failed: {message}
      {remediation ? ` ${remediation}` : ''}
    </Text>
  );
}
