/**
 * Document libraries (the agents' knowledge bases): documents, size, owner, sharing, and the agents
 * that use each (count, and a list of links that expands).
 */
import { Badge, Group, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';
import { Page } from '../components/page';
import { EmptyState, QueryState } from '../components/states';
import { formatDate, formatDateTime, formatNumber } from '../lib/format';
import { formatBytes, librarySearchFields, matchesSearch, shareText } from './inventory/format';
import { collectPages } from './inventory/pages';
import {
  AgentLinks,
  IntegrationFilter,
  useAgentNames,
  useIntegrationName,
  useIntegrations,
  useUrlState,
} from './inventory/shared';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { revealText } from '../lib/untrusted-text';

type Library = Schemas['Library'];

export function LibrariesPage() {
  const { params, update } = useUrlState();
  const integrationId = params.get('integrationId');
  const includeDeleted = params.get('deleted') === '1';
  const q = params.get('q') ?? '';

  const libraries = useQuery({
    queryKey: ['libraries', { integrationId, includeDeleted, all: true }],
    queryFn: () =>
      collectPages((cursor) =>
        unwrap(
          api.GET('/api/v1/libraries', {
            params: {
              query: {
                cursor,
                limit: 500,
                ...(integrationId ? { integrationId } : {}),
                ...(includeDeleted ? { includeDeleted: 'true' as const } : {}),
              },
            },
          }),
        ),
      ),
  });
  const names = useAgentNames(integrationId);
  const integrationName = useIntegrationName();
  const integrations = useIntegrations();
  const several = !integrationId && (integrations.data?.length ?? 0) > 1;

  return (
    <Page
      title="Libraries"
      description="Document libraries your agents search as knowledge bases, and who can reach them."
    >
      <Group align="flex-end" gap="md" wrap="wrap">
        <IntegrationFilter value={integrationId} onChange={(v) => update({ integrationId: v })} />
        <TextInput
          label="Search libraries"
          placeholder="Name, id, description, owner"
          value={q}
          onChange={(e) => update({ q: e.currentTarget.value })}
          w={260}
        />
        <Switch
          label="Include deleted"
          checked={includeDeleted}
          onChange={(e) => update({ deleted: e.currentTarget.checked ? '1' : null })}
          mb={8}
        />
      </Group>
      <QueryState query={libraries} rows={8}>
        {(all) => {
          if (all.length === 0)
            return (
              <EmptyState title="No libraries">
                No document library has been discovered for this scope. Libraries are listed by a sync: run
                one from the integration’s page, and check that the API key can list libraries (a beta API).
              </EmptyState>
            );
          const shown = all.filter((l) => matchesSearch(q, librarySearchFields(l)));
          return (
            <Stack gap="xs">
              <Text size="sm" c="dimmed" aria-live="polite">
                {shown.length === all.length
                  ? `${all.length} librar${all.length === 1 ? 'y' : 'ies'}`
                  : `${shown.length} of ${all.length} libraries match “${q}”`}
              </Text>
              {shown.length === 0 ? (
                <EmptyState title="No library matches this search" />
              ) : (
                <div className="tl-table-scroll">
                  <Table aria-label="Libraries" striped verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Library</Table.Th>
                        {several && <Table.Th>Integration</Table.Th>}
                        <Table.Th>Documents</Table.Th>
                        <Table.Th>Size</Table.Th>
                        <Table.Th>Agents using it</Table.Th>
                        <Table.Th>Owner</Table.Th>
                        <Table.Th>Sharing</Table.Th>
                        <Table.Th>Updated</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {shown.map((l) => (
                        <LibraryRow
                          key={`${l.integrationId}/${l.id}`}
                          library={l}
                          integration={several ? integrationName(l.integrationId) : null}
                          names={names.data}
                        />
                      ))}
                    </Table.Tbody>
                  </Table>
                </div>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </Page>
  );
}

function sharingText(s: Library['sharing']): string {
  const parts: string[] = [];
  if (s.orgSharingRole) parts.push(`organization: ${s.orgSharingRole}`);
  if (s.explicitUserMembersCount !== null) parts.push(`${s.explicitUserMembersCount} user(s)`);
  if (s.explicitWorkspaceMembersCount !== null) parts.push(`${s.explicitWorkspaceMembersCount} workspace(s)`);
  return parts.length ? parts.join(', ') : 'unknown';
}

function LibraryRow({
  library: l,
  integration,
  names,
}: {
  library: Library;
  integration: string | null;
  names: ReadonlyMap<string, string | null> | undefined;
}) {
  const label = l.name ?? l.id;
  return (
    <Table.Tr>
      <Table.Td maw={340}>
        <Stack gap={2}>
          <Text
            size="sm"
            fw={500}
            className="tl-wrap"
            lineClamp={3}
            title={l.name ? revealText(l.name) : undefined}
          >
            {l.name ? (
              <UntrustedText maxChars={clampChars(3)} text={l.name} />
            ) : (
              <Text span c="dimmed" size="sm">
                (no name)
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
            {l.id}
          </Text>
          {l.description && (
            <Text size="xs" c="dimmed" className="tl-wrap" lineClamp={2} title={revealText(l.description)}>
              <UntrustedText maxChars={clampChars(2)} text={l.description} />
            </Text>
          )}
          <Group gap={4}>
            {l.deletedAt && (
              <Badge variant="default" size="xs">
                deleted {formatDate(l.deletedAt)}
              </Badge>
            )}
            {l.dataQuality.length > 0 && (
              <Tooltip label={l.dataQuality.map((d) => d.issue).join('; ')} multiline w={300}>
                <Badge color="yellow" variant="light" size="xs" tabIndex={0}>
                  data quality: {l.dataQuality.length}
                </Badge>
              </Tooltip>
            )}
          </Group>
        </Stack>
      </Table.Td>
      {integration !== null && (
        <Table.Td>
          <Text size="sm" className="tl-wrap">
            <UntrustedText text={integration} />
          </Text>
        </Table.Td>
      )}
      <Table.Td>
        <Text size="sm">{formatNumber(l.documentCount)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={`${formatNumber(l.totalSizeBytes)} bytes`}>
          {formatBytes(l.totalSizeBytes)}
        </Text>
      </Table.Td>
      <Table.Td>
        <AgentLinks integrationId={l.integrationId} agentIds={l.agentIds} names={names} of={label} />
      </Table.Td>
      <Table.Td maw={220}>
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={l.ownerId} fallback="unknown" />
        </Text>
        {l.ownerType && (
          <Text size="xs" c="dimmed">
            {l.ownerType}
          </Text>
        )}
      </Table.Td>
      <Table.Td maw={260}>
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={sharingText(l.sharing)} />
        </Text>
        <Shares shares={l.shares} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{l.updatedAt ? formatDateTime(l.updatedAt) : 'unknown'}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Who the library is shared with (GET /v1/libraries/{id}/share), organization-wide first. */
function Shares({ shares }: { shares: Library['shares'] }) {
  if (shares === undefined) return null;
  if (shares === null)
    return (
      <Text size="xs" c="dimmed">
        shared with: unknown (not readable)
      </Text>
    );
  const others = shares.filter((s) => s.role.toLowerCase() !== 'owner');
  if (others.length === 0)
    return (
      <Text size="xs" c="dimmed">
        shared with nobody but its owner
      </Text>
    );
  const sorted = [...others].sort((a, b) =>
    a.sharedWithType === 'Org' ? -1 : b.sharedWithType === 'Org' ? 1 : 0,
  );
  return (
    <Stack gap={2} mt={4}>
      {sorted.map((s, i) => (
        <Group key={i} gap={4} wrap="nowrap">
          {s.sharedWithType === 'Org' && (
            <Badge size="xs" color="orange" variant="light">
              whole organization
            </Badge>
          )}
          <Text size="xs" className="tl-wrap">
            <UntrustedText text={shareText(s)} />
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
