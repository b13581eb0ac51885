/**
 * The organization behind an integration, as its optional admin key reads it (issue 11): API keys
 * (masked) with expiry and last use, members with admin and outside-SSO badges, pending invites,
 * workspaces, the real rate limit and the rate TrustLens paces itself to, and usage and cost per model
 * and month. A section that was not read says so — "Not available: <message> — <remediation>" — and
 * never shows as empty or zero.
 */
import {
  Alert,
  Anchor,
  Badge,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { Page } from '../components/page';
import { ErrorState, Loading, QueryState } from '../components/states';
import { UntrustedText } from '../components/untrusted-text';
import { formatDate, formatNumber } from '../lib/format';
import {
  collectSection,
  formatCost,
  keyExpiry,
  lastUsedText,
  metricColumns,
  metricLabel,
  monthLabel,
  type ApiKey,
  type Invite,
  type Member,
  type Organization,
  type SectionAvailability,
  type UsageMonth,
} from './extras/model';
import {
  IntegrationSelect,
  NoIntegration,
  SectionNotice,
  SnapshotLine,
  useSelectedIntegration,
} from './extras/shared';
import { ADMIN_KEY_READS } from './integration/admin-key';
import { matchesSearch } from './inventory/format';

function Section({
  id,
  title,
  availability,
  children,
  description,
}: {
  id: string;
  title: string;
  availability: SectionAvailability | undefined;
  children: ReactNode;
  description?: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${id}-heading`}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={`${id}-heading`}>
          {title}
        </Title>
        {description && (
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        )}
        {availability && availability.status !== 'available' ? (
          <SectionNotice availability={availability} what={title} />
        ) : (
          children
        )}
      </Stack>
    </Paper>
  );
}

/** A count; null = could not be told, shown as "unknown" with the reason on hover. */
function Stat({
  label,
  value,
  warn,
  why,
}: {
  label: string;
  value: number | null;
  warn?: boolean;
  why?: string;
}) {
  return (
    <Stack gap={0}>
      <Text size="xl" fw={700} c={warn && value !== null && value > 0 ? 'orange' : undefined} title={why}>
        {value === null ? 'unknown' : formatNumber(value)}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Stack>
  );
}

export function OrganizationPage() {
  const { integrations, integrationId, select, params, update } = useSelectedIntegration();
  const q = params.get('q') ?? '';
  const id = integrationId ?? '';
  const enabled = integrationId !== null;
  const org = useQuery({
    queryKey: ['organization', id],
    queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}/organization', { params: { path: { id } } })),
    enabled,
  });
  const read = (s: SectionAvailability | undefined) => enabled && s?.status === 'available';
  const keys = useQuery({
    queryKey: ['organization', id, 'api-keys'],
    queryFn: () =>
      collectSection((cursor) =>
        unwrap(
          api.GET('/api/v1/integrations/{id}/organization/api-keys', {
            params: { path: { id }, query: { cursor, limit: 500 } },
          }),
        ),
      ),
    enabled: read(org.data?.sections.apiKeys),
  });
  const members = useQuery({
    queryKey: ['organization', id, 'members'],
    queryFn: () =>
      collectSection((cursor) =>
        unwrap(
          api.GET('/api/v1/integrations/{id}/organization/members', {
            params: { path: { id }, query: { cursor, limit: 500 } },
          }),
        ),
      ),
    enabled: read(org.data?.sections.members),
  });
  const invites = useQuery({
    queryKey: ['organization', id, 'invites'],
    queryFn: () =>
      collectSection((cursor) =>
        unwrap(
          api.GET('/api/v1/integrations/{id}/organization/invites', {
            params: { path: { id }, query: { cursor, limit: 500 } },
          }),
        ),
      ),
    enabled: read(org.data?.sections.invites),
  });

  return (
    <Page
      title="Organization"
      description="What the integration's optional admin key reads of the Mistral organization: keys, people, limits and spend."
    >
      {integrationId === null ? (
        <NoIntegration query={integrations} />
      ) : (
        <>
          <Group align="flex-end" gap="md" wrap="wrap">
            <IntegrationSelect
              value={integrationId}
              onChange={select}
              integrations={integrations.data ?? []}
            />
            <TextInput
              label="Search keys and people"
              placeholder="Name, email, workspace"
              value={q}
              onChange={(e) => update({ q: e.currentTarget.value })}
              w={260}
            />
          </Group>
          <QueryState query={org} rows={10}>
            {(o) => {
              const missing = noAdminKey(o);
              if (missing) return <NoAdminKey o={o} notice={missing} />;
              return (
                <Stack gap="md">
                  <SnapshotLine takenAt={o.takenAt} />
                  <Summary o={o} />
                  <Section id="keys" title="API keys" availability={o.sections.apiKeys}>
                    <Listed query={keys} label="the API keys">
                      {(items: ApiKey[]) => (
                        <KeysTable
                          items={items.filter((k) =>
                            matchesSearch(q, [k.name, k.workspaceName, k.product, k.createdBy]),
                          )}
                        />
                      )}
                    </Listed>
                  </Section>
                  <Section id="members" title="Members" availability={o.sections.members}>
                    <Listed query={members} label="the members">
                      {(items: Member[]) => (
                        <MembersTable items={items.filter((m) => matchesSearch(q, [m.email, m.name]))} />
                      )}
                    </Listed>
                  </Section>
                  <Section id="invites" title="Pending invitations" availability={o.sections.invites}>
                    <Listed query={invites} label="the invitations">
                      {(items: Invite[]) => <InvitesTable items={items} />}
                    </Listed>
                  </Section>
                  <SimpleGrid cols={{ base: 1, md: 2 }}>
                    <Section id="workspaces" title="Workspaces" availability={o.sections.workspaces}>
                      <WorkspacesList o={o} />
                    </Section>
                    <Section
                      id="rate"
                      title="Rate limit"
                      availability={o.sections.rateLimit}
                      description="The workspace's real request budget, and the share TrustLens paces itself to so it never starves production traffic."
                    >
                      <RateLimit o={o} />
                    </Section>
                  </SimpleGrid>
                  <Section
                    id="audit"
                    title="Audit log"
                    availability={o.sections.auditLog}
                    description="Who changed what in the organization, read incrementally by each sync (Enterprise plans)."
                  >
                    {o.auditLog && (
                      <Text size="sm">
                        The last sync read {formatNumber(o.auditLog.entriesRead)} new entr
                        {o.auditLog.entriesRead === 1 ? 'y' : 'ies'}
                        {o.auditLog.truncated ? ' (more were there: the next sync reads them)' : ''}.
                      </Text>
                    )}
                  </Section>
                  <Section
                    id="usage"
                    title="Usage and cost per model"
                    availability={o.sections.usage}
                    description="Tokens and cost per model and month for the whole organization. Per-agent token usage is not available from the Mistral API (see each agent's run counts)."
                  >
                    {(o.usage ?? []).map((m) => (
                      <UsageTable key={`${m.year}-${m.month}`} month={m} />
                    ))}
                  </Section>
                </Stack>
              );
            }}
          </QueryState>
        </>
      )}
    </Page>
  );
}

/**
 * Every section unread for one reason — no admin key configured: that reason once, with what the key
 * would add and how to add it, instead of the same notice in each of the seven sections.
 */
function noAdminKey(o: Organization): SectionAvailability | null {
  const sections = Object.values(o.sections);
  if (sections.length === 0 || !sections.every((s) => s.code === 'ADMIN_KEY_NOT_CONFIGURED')) return null;
  return sections[0] ?? null;
}

function NoAdminKey({ o, notice }: { o: Organization; notice: SectionAvailability }) {
  return (
    <Stack gap="md">
      <SnapshotLine takenAt={o.takenAt} />
      <Alert color="gray" variant="light" title="No admin key configured for this integration" role="status">
        <Stack gap="xs">
          <Text size="sm">{ADMIN_KEY_READS}</Text>
          <Text size="sm">
            None of it was read by the last sync, and the organization rules give no result until a key is
            added.
          </Text>
          {notice.remediation && (
            <Text size="sm" className="tl-wrap">
              {notice.remediation}
            </Text>
          )}
          <Text size="sm">
            Admins can also add it under{' '}
            <Anchor component={Link} to={`/integrations/${o.integrationId}`}>
              the integration's settings
            </Anchor>
            ; the next sync reads the organization.
          </Text>
        </Stack>
      </Alert>
    </Stack>
  );
}

function Listed<T>({
  query,
  label,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: { items: T[] } | undefined; refetch: () => unknown };
  label: string;
  children: (items: T[]) => ReactNode;
}) {
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || !query.data) return <Loading rows={3} label={`Loading ${label}`} />;
  return <>{children(query.data.items)}</>;
}

function Summary({ o }: { o: Organization }) {
  const cells: ReactNode[] = [];
  if (o.apiKeys)
    cells.push(
      <Stat key="k" label="API keys" value={o.apiKeys.total} />,
      <Stat key="ne" label="never expire" value={o.apiKeys.neverExpire} warn />,
      <Stat key="u" label="unused 90+ days" value={o.apiKeys.unusedFor90Days} warn />,
    );
  if (o.members)
    cells.push(
      <Stat key="m" label="members" value={o.members.total} />,
      <Stat
        key="a"
        label="admins"
        value={o.members.adminsKnown ? o.members.admins : null}
        why={o.members.adminsUnknownReason ?? undefined}
      />,
      <Stat key="o" label="outside the SSO domain" value={o.members.outsiders} warn />,
    );
  if (o.invites) cells.push(<Stat key="i" label="pending invitations" value={o.invites.pending} warn />);
  if (cells.length === 0) return null;
  return (
    <Paper withBorder p="md">
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }}>{cells}</SimpleGrid>
      {o.apiKeys?.integrationKeyFound === false && (
        <Text size="sm" c="red" mt="sm">
          This integration's own key is not among the organization's keys: it may have been deleted, and
          TrustLens will stop working.
        </Text>
      )}
    </Paper>
  );
}

function KeysTable({ items }: { items: ApiKey[] }) {
  if (items.length === 0) return <Text size="sm">No API key matches.</Text>;
  return (
    <div className="tl-table-scroll">
      <Table aria-label="API keys" striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Workspace</Table.Th>
            <Table.Th>Product</Table.Th>
            <Table.Th>Created by</Table.Th>
            <Table.Th>Expiry</Table.Th>
            <Table.Th>Last used</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((k) => {
            const exp = keyExpiry(k);
            return (
              <Table.Tr key={k.id}>
                <Table.Td maw={240}>
                  <Text size="sm" className="tl-wrap">
                    <UntrustedText text={k.name} fallback="(no name)" />
                  </Text>
                  {k.isIntegrationKey && (
                    <Badge size="xs" variant="light" color="blue">
                      this integration
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Masked as Mistral shows it: TrustLens never reads a key's value">
                    <Text size="sm" ff="monospace" tabIndex={0} style={{ whiteSpace: 'nowrap' }}>
                      <UntrustedText text={k.hiddenKey} />
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td maw={200}>
                  <Text size="sm" className="tl-wrap">
                    <UntrustedText text={k.workspaceName ?? k.workspaceId} fallback="unknown" />
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    <UntrustedText text={k.product} fallback="unknown" />
                  </Text>
                </Table.Td>
                <Table.Td maw={220}>
                  <Text size="sm" className="tl-wrap">
                    <UntrustedText text={k.createdBy} fallback="unknown" />
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatDate(k.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 140 }}>
                  {exp.color === 'gray' ? (
                    <Text size="sm">{exp.label}</Text>
                  ) : (
                    <Badge
                      color={exp.color}
                      variant="light"
                      styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}
                    >
                      {exp.label}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text
                    size="sm"
                    c={k.daysSinceLastUse === null || k.daysSinceLastUse >= 90 ? 'orange' : undefined}
                  >
                    {lastUsedText(k)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function MembersTable({ items }: { items: Member[] }) {
  if (items.length === 0) return <Text size="sm">No member matches.</Text>;
  return (
    <div className="tl-table-scroll">
      <Table aria-label="Members" striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Member</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Workspaces</Table.Th>
            <Table.Th>Joined</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td maw={300}>
                <Text size="sm" fw={500} className="tl-wrap">
                  <UntrustedText text={m.name ?? m.email} fallback={m.id} />
                </Text>
                {m.name && m.email && (
                  <Text size="xs" c="dimmed" className="tl-wrap">
                    <UntrustedText text={m.email} />
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {m.isAdmin && (
                    <Badge color="blue" variant="light">
                      admin
                    </Badge>
                  )}
                  {m.ssoOutsider === true && (
                    <Tooltip label="Outside the organization's SSO domain">
                      <Badge color={m.isAdmin ? 'red' : 'orange'} variant="light" tabIndex={0}>
                        outsider
                      </Badge>
                    </Tooltip>
                  )}
                  {m.ssoOutsider === null && (
                    <Badge color="gray" variant="light">
                      SSO domain unknown
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td maw={260}>
                <Text size="sm" className="tl-wrap">
                  {m.workspaces.length === 0 ? (
                    '—'
                  ) : (
                    <UntrustedText text={m.workspaces.map((w) => w.name).join(', ')} />
                  )}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDate(m.createdAt)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function InvitesTable({ items }: { items: Invite[] }) {
  if (items.length === 0) return <Text size="sm">No invitation is pending.</Text>;
  return (
    <div className="tl-table-scroll">
      <Table aria-label="Invitations" striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Grants</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Sent</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td maw={300}>
                <Text size="sm" className="tl-wrap">
                  <UntrustedText text={i.email} />
                </Text>
              </Table.Td>
              <Table.Td>
                {i.grantsAdmin ? (
                  <Badge color="blue" variant="light">
                    admin
                  </Badge>
                ) : (
                  <Text size="sm">member</Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge color={i.expired ? 'gray' : 'yellow'} variant="light">
                  {i.expired ? 'expired' : 'pending'}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDate(i.createdAt)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function WorkspacesList({ o }: { o: Organization }) {
  const ws = o.workspaces ?? [];
  if (ws.length === 0) return <Text size="sm">No workspace listed.</Text>;
  return (
    <Stack gap={4}>
      {ws.map((w) => (
        <Group key={w.id} gap="xs" wrap="nowrap">
          <Text size="sm" className="tl-wrap">
            <UntrustedText text={w.name} />
          </Text>
          {w.isDefault && (
            <Badge size="xs" variant="light" color="gray">
              default
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            {w.membersCount === null ? 'members unknown' : `${formatNumber(w.membersCount)} members`}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function RateLimit({ o }: { o: Organization }) {
  const r = o.rateLimit;
  if (!r) return null;
  return (
    <Stack gap="xs">
      <Group gap="xl">
        <Stack gap={0}>
          <Text size="xl" fw={700}>
            {formatNumber(r.requestsPerSecond)} req/s
          </Text>
          <Text size="xs" c="dimmed">
            the workspace's limit
          </Text>
        </Stack>
        <Stack gap={0}>
          <Text size="xl" fw={700}>
            {r.pacedRequestsPerSecond === null
              ? 'not applied'
              : `${formatNumber(r.pacedRequestsPerSecond)} req/s`}
          </Text>
          <Text size="xs" c="dimmed">
            TrustLens paces itself to
          </Text>
        </Stack>
      </Group>
      {r.tokensByModel.length > 0 && (
        <div className="tl-table-scroll">
          <Table aria-label="Token limits per model" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Tokens per minute</Table.Th>
                <Table.Th>Tokens per month</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.tokensByModel.map((t) => (
                <Table.Tr key={t.model}>
                  <Table.Td>
                    <Text size="sm" className="tl-wrap">
                      <UntrustedText text={t.model} />
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatNumber(t.tokensPerMinute)}</Table.Td>
                  <Table.Td>{formatNumber(t.tokensPerMonth)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}

function UsageTable({ month }: { month: UsageMonth }) {
  const metrics = metricColumns(month);
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {monthLabel(month)}
        </Text>
        <Text size="sm">Total: {formatCost(month.totalCost, month.currency)}</Text>
      </Group>
      {month.byModel.length === 0 ? (
        <Text size="sm">No usage this month.</Text>
      ) : (
        <div className="tl-table-scroll">
          <Table aria-label={`Usage and cost, ${monthLabel(month)}`} striped verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Products</Table.Th>
                {metrics.map((m) => (
                  <Table.Th key={m}>{metricLabel(m)}</Table.Th>
                ))}
                <Table.Th>Cost</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {month.byModel.map((r) => (
                <Table.Tr key={r.model}>
                  <Table.Td>
                    <Text size="sm" className="tl-wrap">
                      <UntrustedText text={r.model} />
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" className="tl-wrap">
                      <UntrustedText text={r.products.join(', ')} />
                    </Text>
                  </Table.Td>
                  {metrics.map((m) => (
                    <Table.Td key={m}>
                      {m in r.metrics
                        ? r.metrics[m] === null
                          ? 'unknown'
                          : formatNumber(r.metrics[m])
                        : '—'}
                    </Table.Td>
                  ))}
                  <Table.Td>{formatCost(r.cost, month.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}
