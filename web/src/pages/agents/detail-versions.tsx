/**
 * The agent's versions: a timeline (newest first, with the aliases pointing at each), the aliases, and two
 * versions compared field by field (GET …/versions/compare), long text as a line diff.
 */
import {
  Alert,
  Badge,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { lineDiffTexts, valueText } from './detail-model';
import type { AgentDetail } from './detail-sections';
import { diffLines, diffStats } from './line-diff';
import { UntrustedText } from '../../components/untrusted-text';

function LineDiff({ before, after }: { before: string; after: string }) {
  const lines = diffLines(before, after);
  const stats = diffStats(lines);
  return (
    <div>
      <Text size="xs" c="dimmed" mb={4}>
        {stats.removed} line{stats.removed === 1 ? '' : 's'} removed, {stats.added} added
      </Text>
      <Paper withBorder p={0} style={{ overflow: 'hidden' }}>
        {lines.map((l, i) => (
          <div
            key={i}
            className="tl-pre"
            style={{
              padding: '0 8px',
              background:
                l.kind === 'removed'
                  ? 'var(--mantine-color-red-light)'
                  : l.kind === 'added'
                    ? 'var(--mantine-color-green-light)'
                    : undefined,
            }}
          >
            <span aria-hidden="true">{l.kind === 'removed' ? '− ' : l.kind === 'added' ? '+ ' : '  '}</span>
            <VisuallyHidden>
              {l.kind === 'removed' ? 'removed: ' : l.kind === 'added' ? 'added: ' : ''}
            </VisuallyHidden>
            {l.text === '' ? ' ' : <UntrustedText text={l.text} />}
          </div>
        ))}
      </Paper>
    </div>
  );
}

function ValueCell({ value }: { value: unknown }) {
  return (
    <pre className="tl-pre">
      <UntrustedText text={valueText(value)} />
    </pre>
  );
}

function Compare({ agent }: { agent: AgentDetail }) {
  const versions = agent.versions;
  const options = versions.map((v) => ({ value: String(v), label: `Version ${v}` }));
  const last = versions[versions.length - 1];
  const [from, setFrom] = useState<string | null>(
    versions.length >= 2 ? String(versions[versions.length - 2]) : null,
  );
  const [to, setTo] = useState<string | null>(last === undefined ? null : String(last));
  const ready = from !== null && to !== null;
  // The comparison gives instructions as length and hash only; the versions' own text is in the history.
  const fullText = (field: string): { before: string; after: string } | null => {
    if (field !== 'instructions' && field !== 'description') return null;
    const a = agent.versionHistory.find((v) => String(v.version) === from);
    const b = agent.versionHistory.find((v) => String(v.version) === to);
    if (!a || !b) return null;
    return { before: a[field] ?? '', after: b[field] ?? '' };
  };
  const diffTexts = (field: string, before: unknown, after: unknown) =>
    fullText(field) ?? lineDiffTexts(before, after);
  const comparison = useQuery({
    queryKey: ['agent', agent.integrationId, agent.id, 'compare', from, to],
    enabled: ready,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/integrations/{id}/agents/{agentId}/versions/compare', {
          params: {
            path: { id: agent.integrationId, agentId: agent.id },
            query: { from: Number(from), to: Number(to) },
          },
        }),
      ),
  });

  return (
    <section aria-labelledby="agent-compare-heading">
      <Title order={3} size="h4" id="agent-compare-heading" mb="xs">
        Compare two versions
      </Title>
      {versions.length < 2 ? (
        <Text size="sm" c="dimmed">
          Only one version is known: there is nothing to compare yet.
        </Text>
      ) : (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2 }} maw={480}>
            <Select
              label="From version"
              data={options}
              value={from}
              onChange={setFrom}
              allowDeselect={false}
            />
            <Select label="To version" data={options} value={to} onChange={setTo} allowDeselect={false} />
          </SimpleGrid>
          {!ready ? null : comparison.isPending ? (
            <Skeleton height={120} />
          ) : comparison.error ? (
            <ErrorState error={comparison.error} onRetry={() => void comparison.refetch()} />
          ) : comparison.data.changes.length === 0 ? (
            <Text size="sm">
              {from === to ? 'The same version is selected twice.' : 'No differences between these versions.'}
            </Text>
          ) : (
            <Stack gap="xs">
              <Text size="sm" className="tl-wrap">
                <UntrustedText text={comparison.data.summary} />
              </Text>
              <Table.ScrollContainer minWidth={560}>
                <Table aria-label="Version differences" verticalSpacing="xs" withColumnBorders>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={140}>Field</Table.Th>
                      <Table.Th>Before (version {comparison.data.fromVersion})</Table.Th>
                      <Table.Th>After (version {comparison.data.toVersion})</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {comparison.data.changes.map((c, i) => (
                      <Table.Tr key={`${c.field}-${i}`}>
                        <Table.Td style={{ verticalAlign: 'top' }}>
                          <Text size="sm" fw={600}>
                            {c.field}
                          </Text>
                        </Table.Td>
                        {diffTexts(c.field, c.before, c.after) ? (
                          <Table.Td colSpan={2}>
                            <LineDiff
                              {...(diffTexts(c.field, c.before, c.after) as {
                                before: string;
                                after: string;
                              })}
                            />
                          </Table.Td>
                        ) : (
                          <>
                            <Table.Td style={{ verticalAlign: 'top' }}>
                              <ValueCell value={c.before} />
                            </Table.Td>
                            <Table.Td style={{ verticalAlign: 'top' }}>
                              <ValueCell value={c.after} />
                            </Table.Td>
                          </>
                        )}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          )}
        </Stack>
      )}
    </section>
  );
}

export function VersionsSection({ agent }: { agent: AgentDetail }) {
  const aliasesByVersion = new Map<number, string[]>();
  for (const a of agent.aliases) {
    if (typeof a.version === 'number' && a.alias) {
      aliasesByVersion.set(a.version, [...(aliasesByVersion.get(a.version) ?? []), a.alias]);
    }
  }
  const history = [...agent.versionHistory].sort((a, b) => b.version - a.version);
  return (
    <Stack gap="lg">
      <section aria-labelledby="agent-versions-heading">
        <Title order={2} size="h3" id="agent-versions-heading" mb="sm">
          Versions
        </Title>
        {history.length === 0 ? (
          <Alert color="gray" variant="light" title="Version history unavailable">
            The version history was not available at the last sync; sync again once it is. Known versions:{' '}
            {agent.versions.join(', ') || 'none'}.
          </Alert>
        ) : (
          <Timeline active={0} bulletSize={14} lineWidth={2}>
            {history.map((v) => (
              <Timeline.Item
                key={v.version}
                title={
                  <Group gap={6}>
                    <Text fw={600} size="sm">
                      Version {v.version}
                    </Text>
                    {v.version === agent.version && (
                      <Badge size="xs" color="blue" variant="light">
                        current
                      </Badge>
                    )}
                    {(aliasesByVersion.get(v.version) ?? []).map((a) => (
                      <Badge key={a} size="xs" variant="outline" tt="none" title="Alias pointing here">
                        <UntrustedText text={a} />
                      </Badge>
                    ))}
                  </Group>
                }
              >
                <Text size="xs" c="dimmed">
                  {formatDateTime(v.updatedAt ?? v.createdAt)} · model {v.model ?? 'unknown'}
                </Text>
                {v.versionMessage && (
                  <Text size="sm" className="tl-wrap">
                    <UntrustedText text={v.versionMessage} />
                  </Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </section>

      <section aria-labelledby="agent-aliases-heading">
        <Title order={3} size="h4" id="agent-aliases-heading" mb="xs">
          Aliases
        </Title>
        {agent.aliases.length === 0 ? (
          <Text size="sm" c="dimmed">
            No aliases.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table aria-label="Aliases" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Alias</Table.Th>
                  <Table.Th>Points to</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {agent.aliases.map((a, i) => (
                  <Table.Tr key={`${a.alias ?? ''}-${i}`}>
                    <Table.Td className="tl-wrap">
                      <UntrustedText text={a.alias} fallback="unknown" />
                    </Table.Td>
                    <Table.Td>{typeof a.version === 'number' ? `Version ${a.version}` : 'unknown'}</Table.Td>
                    <Table.Td>{formatDateTime(a.updatedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>

      <Compare agent={agent} />
    </Stack>
  );
}
