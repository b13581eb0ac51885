/**
 * Overview (issue 10): the posture of the organization, or of one integration (?integrationId=):
 * inventory counts, guardrail coverage, open findings by severity, the risk score and its trend,
 * exposure by traffic, the "fix first" changes with their ready PATCH bodies, and the last sync of
 * each integration with what it could not assess for lack of beta access.
 *
 * Workspace data (agent names, finding titles) is rendered as text only. Before the first sync every
 * figure is unknown, never 0.
 */
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Code,
  CopyButton,
  Group,
  List,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Spoiler,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { useCan } from '../api/session';
import {
  GUARDRAIL_LABEL,
  SEVERITIES,
  SeverityBadge,
  SyncStatusBadge,
  type GuardrailState,
} from '../components/badges';
import { TimeSeriesChart } from '../components/charts';
import { Page } from '../components/page';
import { SimulatedBadge } from '../components/simulated';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatDateTime, formatNumber, formatRelative, formatShare } from '../lib/format';
import {
  assessed,
  dailyExposurePoints,
  exposureCell,
  findingsCleared,
  fixGroupLink,
  guardrailCoverage,
  hasPlaceholders,
  patchBodyText,
  plural,
  scopedLink,
  scopeFromParams,
  scoreChange,
  syncsEndedSince,
  unassessed,
  type FixGroup,
  type PostureFigures,
} from './overview/model';
import {
  availabilityKey,
  getAvailability,
  integrationsKey,
  latestRunKey,
  listIntegrations,
  listRuns,
} from './integration/queries';
import { isRunning } from './integration/helpers';
import { UntrustedText } from '../components/untrusted-text';
import { revealText } from '../lib/untrusted-text';

type Integration = Schemas['Integration'];
type PostureSummary = Schemas['PostureSummary'];

const ALL = 'all';
const FIX_FIRST_SHOWN = 5;

const postureKey = (kind: string, integrationId: string | null) => ['posture', kind, { integrationId }];
const scopeQuery = (integrationId: string | null) => (integrationId ? { integrationId } : {});

export function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const integrationId = scopeFromParams(params);
  // The same read as the layout's and the integration pages' (one request, one cache entry).
  const integrations = useQuery({ queryKey: integrationsKey, queryFn: listIntegrations });
  const items = integrations.data?.items ?? [];
  const unknownScope =
    integrationId !== null && integrations.isSuccess && !items.some((i) => i.id === integrationId);

  const setScope = (value: string | null) => {
    const next = new URLSearchParams(params);
    if (!value || value === ALL) next.delete('integrationId');
    else next.set('integrationId', value);
    setParams(next);
  };

  const filter =
    items.length > 0 ? (
      <Select
        label="Integration"
        data={[
          { value: ALL, label: 'All integrations' },
          ...items.map((i) => ({ value: i.id, label: revealText(i.name) })),
        ]}
        value={integrationId && !unknownScope ? integrationId : ALL}
        onChange={setScope}
        allowDeselect={false}
        w={260}
        comboboxProps={{ withinPortal: true }}
      />
    ) : null;

  let body: ReactNode;
  if (integrations.isPending) body = <Loading rows={6} label="Loading the overview" />;
  else if (integrations.error)
    body = <ErrorState error={integrations.error} onRetry={() => void integrations.refetch()} />;
  else if (items.length === 0) body = <NoIntegration />;
  else if (unknownScope)
    body = (
      <Alert color="orange" variant="light" title="This integration does not exist (any more)" role="alert">
        <Text size="sm">The address names an integration this organization does not have.</Text>
        <Button mt="sm" size="xs" variant="light" onClick={() => setScope(null)}>
          Show all integrations
        </Button>
      </Alert>
    );
  else body = <OverviewBody integrationId={integrationId} integrations={items} />;

  return (
    <Page
      title="Overview"
      description="Security posture of your Mistral workspaces: inventory, guardrails, findings, risk and what to fix first."
      actions={filter}
    >
      {body}
    </Page>
  );
}

function NoIntegration() {
  const isAdmin = useCan('admin');
  return (
    <EmptyState
      title="No integration yet"
      action={
        isAdmin ? (
          <Button component={Link} to="/integrations/new">
            Add an integration
          </Button>
        ) : undefined
      }
    >
      {isAdmin
        ? 'Add a Mistral workspace with an API key; TrustLens then inventories its agents and reports what exposes them.'
        : 'Ask an admin to add an integration: TrustLens then inventories the workspace’s agents and reports what exposes them.'}
    </EmptyState>
  );
}

function OverviewBody({
  integrationId,
  integrations,
}: {
  integrationId: string | null;
  integrations: Integration[];
}) {
  const posture = useQuery({
    queryKey: postureKey('summary', integrationId),
    queryFn: () => unwrap(api.GET('/api/v1/posture', { params: { query: scopeQuery(integrationId) } })),
  });
  const inScope = integrationId ? integrations.filter((i) => i.id === integrationId) : integrations;

  return (
    <Stack gap="xl">
      {posture.error ? (
        <ErrorState error={posture.error} onRetry={() => void posture.refetch()} />
      ) : (
        <>
          <RiskSection posture={posture.data} integrationId={integrationId} />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <InventorySection posture={posture.data} integrationId={integrationId} />
            <GuardrailSection posture={posture.data} integrationId={integrationId} />
          </SimpleGrid>
          <FindingsSection posture={posture.data} integrationId={integrationId} />
        </>
      )}
      <ExposureSection integrationId={integrationId} />
      <FixFirstSection integrationId={integrationId} integrations={integrations} />
      <SyncSection integrations={inScope} posture={posture.data} />
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby={id}>
      <Title order={2} size="h3" id={id}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** A figure in a box: a label, the value (or "unknown"), and a line under it. */
function Stat({
  label,
  value,
  hint,
  to,
  linkLabel,
}: {
  label: string;
  value: string;
  hint?: ReactNode;
  to?: string;
  linkLabel?: string;
}) {
  return (
    <Paper withBorder p="sm" radius="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      {to ? (
        <Anchor component={Link} to={to} fz={26} fw={700} aria-label={linkLabel ?? `${label}: ${value}`}>
          {value}
        </Anchor>
      ) : (
        <Text fz={26} fw={700} c={value === 'unknown' ? 'dimmed' : undefined}>
          {value}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

/** Integrations in scope without a finished sync, said once where counts are shown. */
function notSyncedNote(posture: PostureSummary): string | null {
  const waiting = posture.integrations.filter((p) => p.lastSyncRunId === null);
  if (waiting.length === 0 || waiting.length === posture.integrations.length) return null;
  return `${plural(waiting.length, 'integration')} not synced yet ${waiting.length === 1 ? 'is' : 'are'} not counted.`;
}

function RiskSection({
  posture,
  integrationId,
}: {
  posture: PostureSummary | undefined;
  integrationId: string | null;
}) {
  const canSync = useCan('analyst');
  return (
    <Section title="Risk score" id="overview-risk">
      {!posture ? (
        <Skeleton height={280} radius="sm" />
      ) : posture.organization.riskScore === null ? (
        <Paper withBorder p="md" radius="sm">
          <Text fz={26} fw={700} c="dimmed">
            not assessed yet — run a sync
          </Text>
          <Text size="sm" c="dimmed">
            The risk score is computed from the findings of a finished sync; no data is never a score of 0.{' '}
            {canSync ? (
              <Anchor
                component={Link}
                to={integrationId ? `/integrations/${encodeURIComponent(integrationId)}` : '/integrations'}
              >
                Run a sync from {integrationId ? 'the integration' : 'Integrations'}
              </Anchor>
            ) : (
              'Ask an analyst or an admin to run a sync.'
            )}
          </Text>
        </Paper>
      ) : (
        <RiskScore figures={posture.organization} />
      )}
    </Section>
  );
}

function RiskScore({ figures }: { figures: PostureFigures }) {
  const change = scoreChange(figures.riskTrend);
  return (
    <Paper withBorder p="md" radius="sm">
      <Stack gap="sm">
        <Group align="baseline" gap="xs">
          <Text fz={36} fw={700} lh={1} aria-label={`Risk score ${figures.riskScore?.toFixed(1)} out of 100`}>
            {figures.riskScore?.toFixed(1)}
          </Text>
          <Text c="dimmed" size="sm">
            / 100
          </Text>
          {change.delta !== null && change.delta !== 0 && (
            <Badge color={change.delta > 0 ? 'red' : 'green'} variant="light">
              {change.delta > 0 ? '+' : '−'}
              {Math.abs(change.delta).toFixed(1)}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {change.text} 0 is no open finding; each open finding raises it, the worst resource weighing most.
        </Text>
        {figures.riskTrend.length >= 2 && (
          <TimeSeriesChart
            label="Risk score trend"
            valueLabel="Risk score"
            data={figures.riskTrend.map((p) => ({ at: p.at, value: p.score }))}
            domain={[0, 100]}
            formatTime={(at) => formatDateTime(at)}
            color="red"
            kind="area"
          />
        )}
      </Stack>
    </Paper>
  );
}

function InventorySection({
  posture,
  integrationId,
}: {
  posture: PostureSummary | undefined;
  integrationId: string | null;
}) {
  const known = posture ? assessed(posture.organization) : false;
  const f = posture?.organization;
  const value = (n: number | undefined) => (known && n !== undefined ? formatNumber(n) : 'unknown');
  const note = posture ? notSyncedNote(posture) : null;
  return (
    <Section title="Inventory" id="overview-inventory">
      {!posture ? (
        <Skeleton height={170} radius="sm" />
      ) : (
        <>
          <SimpleGrid cols={2} spacing="sm">
            {(
              [
                ['Agents', f?.agents, '/agents', 'live agents'],
                ['Models', f?.models, '/models', 'models'],
                ['Files', f?.files, '/files', 'files'],
                ['Libraries', f?.libraries, '/libraries', 'document libraries'],
              ] as const
            ).map(([label, n, path, what]) => (
              <Stat
                key={label}
                label={label}
                value={value(n)}
                to={known ? scopedLink(path, integrationId) : undefined}
                linkLabel={`${label}: ${value(n)} ${what}`}
              />
            ))}
          </SimpleGrid>
          {!known && (
            <Text size="sm" c="dimmed">
              Unknown until a sync has finished.
            </Text>
          )}
          {known && f?.agents === 0 && (
            <Text size="sm" c="dimmed">
              No agents found. The Agents API is beta: check beta access (see “Last sync” below).
            </Text>
          )}
          {note && (
            <Text size="sm" c="dimmed">
              {note}
            </Text>
          )}
        </>
      )}
    </Section>
  );
}

const GUARDRAIL_ORDER: GuardrailState[] = ['none', 'non_blocking', 'unknown', 'blocking'];
const GUARDRAIL_COLOR: Record<GuardrailState, string> = {
  none: 'red',
  non_blocking: 'orange',
  unknown: 'gray',
  blocking: 'green',
};

function GuardrailSection({
  posture,
  integrationId,
}: {
  posture: PostureSummary | undefined;
  integrationId: string | null;
}) {
  const known = posture ? assessed(posture.organization) : false;
  const cov = posture ? guardrailCoverage(posture.organization) : null;
  return (
    <Section title="Guardrails" id="overview-guardrails">
      {!posture || !cov ? (
        <Skeleton height={170} radius="sm" />
      ) : (
        <Stack gap="sm">
          <Stat
            label="Agents without guardrails"
            value={known ? formatNumber(cov.without) : 'unknown'}
            hint={
              known
                ? cov.share === null
                  ? 'no live agent, so no share'
                  : `${formatShare(cov.share)} of ${plural(cov.total, 'live agent')}`
                : 'unknown until a sync has finished'
            }
            to={known ? scopedLink('/agents', integrationId, { guardrails: 'none' }) : undefined}
            linkLabel={
              known ? `Agents without guardrails: ${formatNumber(cov.without)}, show them` : undefined
            }
          />
          {known && (
            <Box
              component="ul"
              aria-label="Live agents by guardrail state"
              display="flex"
              m={0}
              p={0}
              style={{ gap: 'var(--mantine-spacing-xs)', flexWrap: 'wrap', listStyle: 'none' }}
            >
              {GUARDRAIL_ORDER.map((state) => {
                const n = posture.organization.agentsByGuardrailState[state];
                return (
                  <li key={state}>
                    <Badge
                      component={Link}
                      to={scopedLink('/agents', integrationId, { guardrails: state })}
                      color={GUARDRAIL_COLOR[state]}
                      variant="light"
                      style={{ cursor: 'pointer' }}
                    >
                      {GUARDRAIL_LABEL[state]}: {formatNumber(n)}
                    </Badge>
                  </li>
                );
              })}
            </Box>
          )}
        </Stack>
      )}
    </Section>
  );
}

function FindingsSection({
  posture,
  integrationId,
}: {
  posture: PostureSummary | undefined;
  integrationId: string | null;
}) {
  const known = posture ? assessed(posture.organization) : false;
  return (
    <Section title="Open findings by severity" id="overview-findings">
      {!posture ? (
        <Skeleton height={90} radius="sm" />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
            {SEVERITIES.map((s) => {
              const n = posture.organization.openFindingsBySeverity[s];
              return (
                <Paper key={s} withBorder p="sm" radius="sm">
                  <SeverityBadge severity={s} />
                  {known ? (
                    <Anchor
                      component={Link}
                      to={scopedLink('/findings', integrationId, { severity: s })}
                      display="block"
                      fz={26}
                      fw={700}
                      aria-label={`${formatNumber(n)} open ${s} ${n === 1 ? 'finding' : 'findings'}`}
                    >
                      {formatNumber(n)}
                    </Anchor>
                  ) : (
                    <Text fz={26} fw={700} c="dimmed">
                      unknown
                    </Text>
                  )}
                </Paper>
              );
            })}
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            Open, not muted findings: failed checks and checks that could not be decided (unknown).
          </Text>
        </>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------

function ExposureSection({ integrationId }: { integrationId: string | null }) {
  const exposure = useQuery({
    queryKey: postureKey('exposure', integrationId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/posture/exposure', { params: { query: scopeQuery(integrationId) } })),
  });
  return (
    <Section title="Exposure by traffic" id="overview-exposure">
      <Text size="sm" c="dimmed">
        Share of agent runs and conversations that went through agents without a blocking guardrail.
      </Text>
      {exposure.isPending ? (
        <Skeleton height={150} radius="sm" />
      ) : exposure.error ? (
        <ErrorState error={exposure.error} onRetry={() => void exposure.refetch()} />
      ) : (
        <ExposureFigures exposure={exposure.data} />
      )}
    </Section>
  );
}

function ExposureFigures({ exposure }: { exposure: Schemas['Exposure'] }) {
  const org = exposure.organization;
  const rows = [
    ['Runs', 'runs'],
    ['Conversations', 'conversations'],
  ] as const;
  const left = org.integrationsWithoutUsage;
  const points = dailyExposurePoints(org.daily, 'runs');
  return (
    <Stack gap="sm">
      <div className="tl-table-scroll">
        <Table withTableBorder verticalSpacing="xs" aria-label="Exposure by traffic" miw={420}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Traffic</Table.Th>
              <Table.Th scope="col">Last 7 days</Table.Th>
              <Table.Th scope="col">Last 30 days</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(([label, kind]) => (
              <Table.Tr key={kind}>
                <Table.Th scope="row">{label}</Table.Th>
                {[org.last7Days, org.last30Days].map((w, i) => {
                  const cell = exposureCell(w, kind);
                  return (
                    <Table.Td key={i}>
                      <Text fw={600} c={cell.known ? undefined : 'dimmed'} span>
                        {cell.value}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {cell.detail}
                      </Text>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {left > 0 && (
        <Text size="sm" c="dimmed">
          {org.last7Days
            ? `${plural(left, 'integration')} left out: usage was not available at ${left === 1 ? 'its' : 'their'} last sync.`
            : 'Usage metrics are not available: they need beta access (the Conversations API) and a finished sync.'}
        </Text>
      )}
      {points.some((p) => p.value !== null) && (
        <TimeSeriesChart
          label="Daily share of runs through agents without a blocking guardrail, last 30 days"
          valueLabel="Exposed runs (%)"
          data={points}
          domain={[0, 100]}
          formatValue={(v) => `${v.toFixed(1)} %`}
          formatTick={(v) => `${v} %`}
          timeZone="UTC"
          formatTime={(at) =>
            new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
          }
          kind="area"
          color="orange"
          height={180}
        />
      )}
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------

function FixFirstSection({
  integrationId,
  integrations,
}: {
  integrationId: string | null;
  integrations: Integration[];
}) {
  const [showAll, setShowAll] = useState(false);
  const fix = useQuery({
    queryKey: postureKey('fix-first', integrationId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/posture/fix-first', { params: { query: scopeQuery(integrationId) } })),
  });
  const names = new Map(integrations.map((i) => [i.id, i.name]));
  const groups = fix.data?.groups ?? [];
  const shown = showAll ? groups : groups.slice(0, FIX_FIRST_SHOWN);
  return (
    <Section title="Fix first" id="overview-fix-first">
      <Text size="sm" c="dimmed">
        Open findings grouped by the one change that clears them, the change removing most risk first.
        TrustLens never sends these changes: copy the body and apply it yourself (PATCH
        /v1/agents/&#123;agent_id&#125; creates a new agent version).
      </Text>
      {fix.isPending ? (
        <Loading rows={3} label="Loading fix first" />
      ) : fix.error ? (
        <ErrorState error={fix.error} onRetry={() => void fix.refetch()} />
      ) : groups.length === 0 ? (
        <Text size="sm">No open finding to fix. Findings appear after a sync; muted ones are left out.</Text>
      ) : (
        <Stack gap="sm">
          <Text size="sm">
            {plural(groups.length, 'change')} clear {plural(findingsCleared(groups), 'open finding')}.
          </Text>
          <Stack
            gap="sm"
            component="ol"
            m={0}
            p={0}
            style={{ listStyle: 'none' }}
            aria-label="Fix first changes"
          >
            {shown.map((g, i) => (
              <li key={`${g.integrationId}-${g.resourceType}-${g.resourceId}-${i}`}>
                <FixGroupCard
                  group={g}
                  rank={i + 1}
                  integrationName={integrationId ? null : (names.get(g.integrationId) ?? g.integrationId)}
                />
              </li>
            ))}
          </Stack>
          {groups.length > FIX_FIRST_SHOWN && (
            <div>
              <Button variant="light" size="xs" onClick={() => setShowAll((v) => !v)} aria-expanded={showAll}>
                {showAll ? `Show the first ${FIX_FIRST_SHOWN} changes` : `Show all ${groups.length} changes`}
              </Button>
            </div>
          )}
        </Stack>
      )}
    </Section>
  );
}

function FixGroupCard({
  group,
  rank,
  integrationName,
}: {
  group: FixGroup;
  rank: number;
  integrationName: string | null;
}) {
  const body = group.patchAgentBody;
  const text = body ? patchBodyText(body) : null;
  const placeholders = body ? hasPlaceholders(body) : false;
  const resourceText = group.resourceName ?? group.resourceId;
  // For labels (strings only): invisible and bidi characters as ⟨U+XXXX⟩.
  const resource = revealText(resourceText);
  return (
    <Paper withBorder p="md" radius="sm">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Title order={3} size="h5" className="tl-wrap">
            {rank}. <UntrustedText text={group.change} />
          </Title>
          {group.verified ? (
            <Tooltip
              label="Checked: the rules were run again on the agent with this change applied"
              multiline
              w={260}
            >
              <Badge color="green" variant="light" style={{ flexShrink: 0 }} tabIndex={0}>
                verified
              </Badge>
            </Tooltip>
          ) : (
            <Tooltip
              label="The rule’s remediation declares this change; it was not re-checked"
              multiline
              w={260}
            >
              <Badge color="gray" variant="light" style={{ flexShrink: 0 }} tabIndex={0}>
                declared
              </Badge>
            </Tooltip>
          )}
        </Group>
        <Group gap="md" wrap="wrap">
          <Text size="sm">
            {group.resourceType}{' '}
            <Anchor component={Link} to={fixGroupLink(group)} className="tl-wrap">
              <UntrustedText text={resourceText} />
            </Anchor>
            {integrationName && (
              <Text span c="dimmed" size="sm">
                {' '}
                in <UntrustedText text={integrationName} />
              </Text>
            )}
          </Text>
          <Text size="sm">
            Risk removed: <strong>{group.riskRemoved.toFixed(1)}</strong>
          </Text>
          <Text size="sm">
            {group.resourceType === 'agent' ? 'Agent' : 'Workspace'} score {group.riskScore.toFixed(1)} →{' '}
            {group.riskScoreAfter.toFixed(1)}
          </Text>
        </Group>
        <Text size="sm" fw={600}>
          Clears {plural(group.clears.length, 'finding')}
        </Text>
        <List size="sm" spacing={4} listStyleType="none" ml={0} pl={0}>
          {group.clears.map((f) => (
            <List.Item key={f.id}>
              <Group gap={6} wrap="nowrap" align="flex-start">
                <SeverityBadge severity={f.severity} size="sm" style={{ flexShrink: 0 }} />
                <Text size="sm" className="tl-wrap">
                  <UntrustedText text={f.title} />{' '}
                  <Text span size="xs" c="dimmed">
                    ({f.ruleId}
                    {f.lastStatus === 'UNKNOWN' ? ', could not be decided' : ''})
                  </Text>
                </Text>
              </Group>
            </List.Item>
          ))}
        </List>
        {text && (
          <Stack gap={4}>
            <Group justify="space-between" gap="xs">
              <Text size="sm" fw={600}>
                PATCH /v1/agents/
                <span className="tl-wrap">
                  <UntrustedText text={group.resourceId} />
                </span>
              </Text>
              <CopyButton value={text} timeout={2000}>
                {({ copied, copy }) => (
                  <Button
                    size="compact-sm"
                    variant={copied ? 'filled' : 'light'}
                    color={copied ? 'teal' : 'blue'}
                    onClick={copy}
                    aria-label={copied ? 'Copied' : `Copy PATCH body for ${resource}`}
                  >
                    {copied ? 'Copied' : 'Copy PATCH body'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Spoiler
              maxHeight={132}
              showLabel="Show the whole body"
              hideLabel="Show less"
              showAriaLabel={`Show the whole body: PATCH for ${resource}`}
              hideAriaLabel={`Show less: PATCH for ${resource}`}
            >
              <Code block className="tl-pre" aria-label={`PATCH body for ${resource}`}>
                <UntrustedText text={text} />
              </Code>
            </Spoiler>
            {placeholders && (
              <Text size="xs" c="orange">
                Replace the &lt;placeholders&gt; before sending it.
              </Text>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

// ---------------------------------------------------------------------------------------------

function SyncSection({
  integrations,
  posture,
}: {
  integrations: Integration[];
  posture: PostureSummary | undefined;
}) {
  const client = useQueryClient();
  // The integration pages' keys and reads: the latest run (null before any) and the availability.
  const syncs = useQueries({
    queries: integrations.map((i) => ({
      queryKey: latestRunKey(i.id),
      queryFn: async () => (await listRuns(i.id, undefined, 1)).items[0] ?? null,
      // Follow a queued or running sync closely, and look for new ones (scheduled, started elsewhere)
      // now and then.
      refetchInterval: (q: { state: { data?: Schemas['SyncRun'] | null } }) =>
        isRunning(q.state.data) ? 3000 : 60_000,
    })),
  });
  const availability = useQueries({
    queries: integrations.map((i) => ({
      queryKey: availabilityKey(i.id),
      queryFn: () => getAvailability(i.id),
    })),
  });

  // When a sync has finished since the last look, everything on the page may have changed.
  const seen = useRef(new Map<string, string>());
  const states = syncs.map((s, i) => `${integrations[i]?.id}:${s.data?.id}:${s.data?.status}`).join('|');
  useEffect(() => {
    const { ended, seen: next } = syncsEndedSince(
      seen.current,
      integrations.map((integ, i) => ({ integrationId: integ.id, run: syncs[i]?.data })),
    );
    seen.current = next;
    if (ended.length > 0) {
      void client.invalidateQueries({ queryKey: ['posture'] });
      for (const id of ended) void client.invalidateQueries({ queryKey: availabilityKey(id) });
    }
    // `states` summarises `syncs` (a new array on every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [states, client]);

  const scores = new Map((posture?.integrations ?? []).map((p) => [p.integrationId, p.riskScore]));

  return (
    <Section title="Last sync" id="overview-syncs">
      <div className="tl-table-scroll">
        <Table withTableBorder verticalSpacing="sm" aria-label="Last sync per integration" miw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Integration</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">Risk score</Table.Th>
              <Table.Th scope="col">Not assessed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {integrations.map((integ, i) => (
              <SyncRow
                key={integ.id}
                integration={integ}
                sync={syncs[i]}
                availability={availability[i]}
                score={scores.has(integ.id) ? (scores.get(integ.id) ?? null) : undefined}
              />
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Section>
  );
}

interface QueryLike<T> {
  isPending: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

function SyncRow({
  integration,
  sync,
  availability,
  score,
}: {
  integration: Integration;
  sync: QueryLike<Schemas['SyncRun'] | null> | undefined;
  availability: QueryLike<Schemas['FeatureAvailability']> | undefined;
  /** undefined while the posture loads; null: not assessed yet. */
  score: number | null | undefined;
}) {
  const run = sync?.data ?? null;
  const when = run ? (run.finishedAt ?? run.startedAt) : null;
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap={6} wrap="wrap">
          <Anchor
            component={Link}
            to={`/integrations/${encodeURIComponent(integration.id)}`}
            className="tl-wrap"
          >
            <UntrustedText text={integration.name} />
          </Anchor>
          {integration.simulated && <SimulatedBadge />}
        </Group>
      </Table.Td>
      <Table.Td>
        {!sync || sync.isPending ? (
          <Skeleton height={20} width={80} />
        ) : sync.error ? (
          <InlineError error={sync.error} onRetry={() => void sync.refetch()} />
        ) : run ? (
          <SyncStatusBadge status={run.status} />
        ) : (
          <Text size="sm" c="dimmed">
            never synced
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {run && when ? (
          <Tooltip label={formatDateTime(when)}>
            <Text size="sm" tabIndex={0} component="span">
              {run.status === 'queued'
                ? `queued ${formatRelative(run.startedAt)}, waiting for a worker`
                : run.status === 'running'
                  ? `started ${formatRelative(run.startedAt)}`
                  : formatRelative(when)}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {score === undefined ? (
          <Skeleton height={20} width={50} />
        ) : score === null ? (
          <Text size="sm" c="dimmed">
            not assessed yet
          </Text>
        ) : (
          <Text size="sm">{score.toFixed(1)}</Text>
        )}
      </Table.Td>
      <Table.Td>
        <NotAssessed availability={availability} />
      </Table.Td>
    </Table.Tr>
  );
}

function InlineError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Group gap={6} wrap="wrap">
      <Text size="sm" c="red" className="tl-wrap">
        {message}
      </Text>
      <Button size="compact-xs" variant="subtle" color="red" onClick={onRetry}>
        Try again
      </Button>
    </Group>
  );
}

function NotAssessed({
  availability,
}: {
  availability: QueryLike<Schemas['FeatureAvailability']> | undefined;
}) {
  if (!availability || availability.isPending) return <Skeleton height={20} width={140} />;
  if (availability.error)
    return <InlineError error={availability.error} onRetry={() => void availability.refetch()} />;
  const u = unassessed(availability.data as Schemas['FeatureAvailability']);
  if (u.notChecked)
    return (
      <Text size="sm" c="dimmed">
        unknown until a sync has finished
      </Text>
    );
  if (u.needsBeta.length === 0 && u.failed.length === 0)
    return (
      <Text size="sm" c="green">
        everything assessed
      </Text>
    );
  return (
    <Stack gap={4}>
      {u.needsBeta.length > 0 && (
        <Text size="sm">
          <Text span fw={600} size="sm">
            Needs beta access:
          </Text>{' '}
          {u.needsBeta.map((f) => f.label).join(', ')}
        </Text>
      )}
      {u.failed.map((f) => (
        <Text size="sm" key={f.feature} className="tl-wrap">
          <Text span fw={600} size="sm">
            {f.label}:
          </Text>{' '}
          {f.message ?? 'could not be read'}
          {f.remediation ? ` — ${f.remediation}` : ''}
        </Text>
      ))}
    </Stack>
  );
}
