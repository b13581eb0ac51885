/**
 * MCP connectors of an integration (issue 11): where each points, custom or built-in, what deserves
 * attention (plain HTTP, a non-public server, a credential in the URL, failing credentials), the
 * credentials per scope (names and status only: TrustLens never reads a value) and the agents using
 * each. A connector's own page lists its credentials and tools (unknown, never "none" or 0, when
 * Mistral returned no tool list for it).
 */
import {
  Anchor,
  Badge,
  Group,
  Paper,
  SegmentedControl,
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
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { Page } from '../components/page';
import { EmptyState, QueryState } from '../components/states';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { formatDateTime } from '../lib/format';
import { revealText } from '../lib/untrusted-text';
import {
  collectSection,
  connectorFlags,
  connectorPath,
  credentialCountsText,
  type Connector,
} from './extras/model';
import {
  IntegrationSelect,
  NoIntegration,
  SectionNotice,
  SnapshotLine,
  useSelectedIntegration,
} from './extras/shared';
import { matchesSearch } from './inventory/format';
import { AgentLinks, agentPath } from './inventory/shared';

const connectorSearchFields = (c: Connector) => [c.name, c.title, c.server, c.id, c.description];

function connectorsQuery(integrationId: string) {
  return {
    queryKey: ['connectors', integrationId],
    queryFn: () =>
      collectSection((cursor) =>
        unwrap(
          api.GET('/api/v1/integrations/{id}/connectors', {
            params: { path: { id: integrationId }, query: { cursor, limit: 500 } },
          }),
        ),
      ),
  };
}

export function ConnectorsPage() {
  const { integrations, integrationId, select, params, update } = useSelectedIntegration();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? 'all';
  const connectors = useQuery({ ...connectorsQuery(integrationId ?? ''), enabled: integrationId !== null });

  return (
    <Page
      title="Connectors"
      description="MCP connectors your agents can act through: where each points, its credentials and who uses it."
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
              label="Search connectors"
              placeholder="Name, server, id"
              value={q}
              onChange={(e) => update({ q: e.currentTarget.value })}
              w={240}
            />
            <SegmentedControl
              aria-label="Kind of connector"
              value={kind}
              onChange={(v) => update({ kind: v === 'all' ? null : v })}
              data={[
                { value: 'all', label: 'All' },
                { value: 'custom', label: 'Custom' },
                { value: 'builtIn', label: 'Built-in' },
              ]}
            />
          </Group>
          <QueryState query={connectors} rows={8}>
            {(section) => {
              if (section.availability.status !== 'available')
                return <SectionNotice availability={section.availability} what="Connectors" />;
              if (section.items.length === 0)
                return (
                  <EmptyState title="No connectors">
                    The last sync read the connectors and found none: no agent can act through an MCP
                    connector.
                  </EmptyState>
                );
              const shown = section.items.filter(
                (c) =>
                  (kind === 'all' || (kind === 'custom' ? c.custom : c.builtIn)) &&
                  matchesSearch(q, connectorSearchFields(c)),
              );
              return (
                <Stack gap="xs">
                  <Text size="sm" c="dimmed" aria-live="polite">
                    {shown.length === section.items.length
                      ? `${section.items.length} connector${section.items.length === 1 ? '' : 's'}`
                      : `${shown.length} of ${section.items.length} connectors`}
                  </Text>
                  <SnapshotLine takenAt={section.takenAt} />
                  {shown.length === 0 ? (
                    <EmptyState title="No connector matches these filters" />
                  ) : (
                    <div className="tl-table-scroll">
                      <Table aria-label="Connectors" striped verticalSpacing="xs">
                        <Table.Thead>
                          <Table.Tr>
                            <Table.Th>Connector</Table.Th>
                            <Table.Th>Kind</Table.Th>
                            <Table.Th>Server</Table.Th>
                            <Table.Th>Credentials</Table.Th>
                            <Table.Th>Tools</Table.Th>
                            <Table.Th>Agents using it</Table.Th>
                          </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                          {shown.map((c) => (
                            <ConnectorRow key={c.id} connector={c} />
                          ))}
                        </Table.Tbody>
                      </Table>
                    </div>
                  )}
                </Stack>
              );
            }}
          </QueryState>
        </>
      )}
    </Page>
  );
}

function KindBadge({ c }: { c: Connector }) {
  return c.custom ? (
    <Badge color="violet" variant="light">
      custom
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      built-in
    </Badge>
  );
}

function Flags({ c }: { c: Connector }) {
  const flags = connectorFlags(c);
  if (flags.length === 0) return null;
  return (
    <Group gap={4} mt={4}>
      {flags.map((f) => (
        <Tooltip key={f.label} label={f.reason} multiline w={320}>
          <Badge color={f.color} variant="light" size="sm" tabIndex={0}>
            {f.label}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

function ConnectorName({ c }: { c: Connector }) {
  return (
    <Anchor
      component={Link}
      to={connectorPath(c.integrationId, c.id)}
      fw={500}
      size="sm"
      className="tl-wrap"
      lineClamp={2}
      title={revealText(c.title ?? c.name)}
    >
      <UntrustedText maxChars={clampChars(2)} text={c.title ?? c.name} />
    </Anchor>
  );
}

function ConnectorRow({ connector: c }: { connector: Connector }) {
  return (
    <Table.Tr>
      <Table.Td maw={300}>
        <Stack gap={2}>
          <ConnectorName c={c} />
          <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
            <UntrustedText text={c.name} />
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>
        <KindBadge c={c} />
      </Table.Td>
      <Table.Td maw={340}>
        <Text size="sm" ff="monospace" className="tl-wrap">
          <UntrustedText text={c.server} fallback="no server given" />
        </Text>
        <Flags c={c} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{credentialCountsText(c)}</Text>
      </Table.Td>
      <Table.Td>
        {c.tools === null ? (
          <Text size="sm" c="dimmed">
            {TOOLS_UNKNOWN}
          </Text>
        ) : (
          <Text size="sm">{c.tools.length}</Text>
        )}
      </Table.Td>
      <Table.Td>
        <AgentLinks
          integrationId={c.integrationId}
          agentIds={c.usedByAgents}
          names={new Map(c.agents.map((a) => [`${c.integrationId}/${a.id}`, a.name]))}
          of={c.title ?? c.name}
        />
      </Table.Td>
    </Table.Tr>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" className="tl-wrap">
        {children}
      </Text>
    </Stack>
  );
}

/** A connector's tools when the last sync got no tool list for it: never "0" or "none". */
const TOOLS_UNKNOWN = 'unknown (not returned by Mistral)';

const yesNo = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no');

export function ConnectorDetailPage() {
  const { integrationId = '', connectorId = '' } = useParams();
  const query = useQuery({
    queryKey: ['connectors', integrationId, connectorId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/integrations/{id}/connectors/{connectorId}', {
          params: { path: { id: integrationId, connectorId } },
        }),
      ),
  });
  return (
    <Page title={query.data ? (query.data.title ?? query.data.name) : 'Connector'}>
      <Anchor
        component={Link}
        to={`/connectors?integrationId=${encodeURIComponent(integrationId)}`}
        size="sm"
      >
        ← All connectors
      </Anchor>
      <QueryState query={query} rows={8}>
        {(c) => (
          <Stack gap="md">
            <Paper withBorder p="md" component="section" aria-labelledby="where-heading">
              <Stack gap="sm">
                <Title order={2} size="h4" id="where-heading">
                  Where it points
                </Title>
                <Group gap="xs">
                  <KindBadge c={c} />
                  {c.active === false && <Badge color="gray">inactive</Badge>}
                </Group>
                <Fact label="Server">
                  <Text span size="sm" ff="monospace">
                    <UntrustedText text={c.server} fallback="no server given" />
                  </Text>
                  <Flags c={c} />
                </Fact>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <Fact label="Exposure">{c.serverExposure}</Fact>
                  <Fact label="Protocol">
                    <UntrustedText text={c.protocol} fallback="unknown" />
                  </Fact>
                  <Fact label="Visibility">
                    <UntrustedText text={c.visibility} fallback="unknown" />
                  </Fact>
                  <Fact label="Authenticated">{yesNo(c.authenticated)}</Fact>
                  <Fact label="Private tool execution">{yesNo(c.privateToolExecution)}</Fact>
                  <Fact label="Modified">{formatDateTime(c.modifiedAt)}</Fact>
                </SimpleGrid>
                {c.description && (
                  <Fact label="Description">
                    <UntrustedText text={c.description} />
                  </Fact>
                )}
              </Stack>
            </Paper>
            <Paper withBorder p="md" component="section" aria-labelledby="credentials-heading">
              <Stack gap="sm">
                <Title order={2} size="h4" id="credentials-heading">
                  Credentials
                </Title>
                <Text size="sm" c="dimmed">
                  Names, type and status per scope — TrustLens never reads a credential value.{' '}
                  {credentialCountsText(c)}.
                </Text>
                {c.credentials === null ? (
                  <Text size="sm">Unknown: the credentials could not be read by the last sync.</Text>
                ) : c.credentials.length === 0 ? (
                  <Text size="sm">None registered.</Text>
                ) : (
                  <div className="tl-table-scroll">
                    <Table aria-label="Credentials" verticalSpacing="xs">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Scope</Table.Th>
                          <Table.Th>Name</Table.Th>
                          <Table.Th>Type</Table.Th>
                          <Table.Th>Status</Table.Th>
                          <Table.Th>Last checked</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {c.credentials.map((cr) => (
                          <Table.Tr key={`${cr.scope}/${cr.name}`}>
                            <Table.Td>
                              <Badge variant="light" color={cr.scope === 'organization' ? 'blue' : 'gray'}>
                                {cr.scope}
                              </Badge>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm" className="tl-wrap">
                                <UntrustedText text={cr.title ?? cr.name} />
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">
                                <UntrustedText text={cr.authType} />
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Badge
                                variant="light"
                                color={cr.status === 'valid' ? 'green' : cr.status === null ? 'gray' : 'red'}
                              >
                                {cr.status ?? 'unknown'}
                              </Badge>
                              {cr.errorReason && (
                                <Text size="xs" c="dimmed" className="tl-wrap">
                                  <UntrustedText text={cr.errorReason} />
                                </Text>
                              )}
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">{formatDateTime(cr.lastCheckedAt)}</Text>
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </div>
                )}
              </Stack>
            </Paper>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Paper withBorder p="md" component="section" aria-labelledby="tools-heading">
                <Title order={2} size="h4" id="tools-heading" mb="xs">
                  {c.tools === null ? 'Tools' : `Tools (${c.tools.length})`}
                </Title>
                {c.tools === null ? (
                  <Text size="sm">
                    {TOOLS_UNKNOWN}: the last sync could not learn which tools this connector exposes, so
                    rules that need them say UNKNOWN.
                  </Text>
                ) : c.tools.length === 0 ? (
                  <Text size="sm">None: Mistral lists no tool for this connector.</Text>
                ) : (
                  <Stack gap={6}>
                    {c.tools.map((t) => (
                      <div key={t.name}>
                        <Text size="sm" ff="monospace" className="tl-wrap">
                          <UntrustedText text={t.name} />
                          {t.active === false && ' (inactive)'}
                        </Text>
                        {t.description && (
                          <Text
                            size="xs"
                            c="dimmed"
                            className="tl-wrap"
                            lineClamp={2}
                            title={revealText(t.description)}
                          >
                            <UntrustedText maxChars={clampChars(2)} text={t.description} />
                          </Text>
                        )}
                      </div>
                    ))}
                  </Stack>
                )}
              </Paper>
              <Paper withBorder p="md" component="section" aria-labelledby="agents-heading">
                <Title order={2} size="h4" id="agents-heading" mb="xs">
                  Agents using it ({c.agents.length})
                </Title>
                {c.agents.length === 0 ? (
                  <Text size="sm">No current agent uses it.</Text>
                ) : (
                  <Stack gap={4}>
                    {c.agents.map((a) => (
                      <Anchor
                        key={a.id}
                        component={Link}
                        to={agentPath(c.integrationId, a.id)}
                        size="sm"
                        className="tl-wrap"
                      >
                        <UntrustedText text={a.name ?? a.id} />
                      </Anchor>
                    ))}
                  </Stack>
                )}
              </Paper>
            </SimpleGrid>
          </Stack>
        )}
      </QueryState>
    </Page>
  );
}
