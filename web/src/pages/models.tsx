/**
 * Models of the workspace: capabilities, lifecycle (deprecation date and replacement), context
 * window, and the agents using each (count, and a list of links that expands).
 */
import { Badge, Group, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';
import { LifecycleBadge } from '../components/badges';
import { Page } from '../components/page';
import { EmptyState, QueryState } from '../components/states';
import { formatDate, formatNumber } from '../lib/format';
import { matchesSearch, modelSearchFields } from './inventory/format';
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

type Model = Schemas['Model'];

export function ModelsPage() {
  const { params, update } = useUrlState();
  const integrationId = params.get('integrationId');
  const includeDeleted = params.get('deleted') === '1';
  const q = params.get('q') ?? '';

  const models = useQuery({
    queryKey: ['models', { integrationId, includeDeleted, all: true }],
    queryFn: () =>
      collectPages((cursor) =>
        unwrap(
          api.GET('/api/v1/models', {
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
      title="Models"
      description="The models your workspace can call, their lifecycle and the agents that use them."
    >
      <Group align="flex-end" gap="md" wrap="wrap">
        <IntegrationFilter value={integrationId} onChange={(v) => update({ integrationId: v })} />
        <TextInput
          label="Search models"
          placeholder="Name, id, alias, capability"
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
      <QueryState query={models} rows={8}>
        {(all) => {
          const shown = all.filter((m) => matchesSearch(q, modelSearchFields(m)));
          if (all.length === 0)
            return (
              <EmptyState title="No models">
                No model has been discovered for this scope. Models are listed by a sync: run one from the
                integration’s page, and check that the API key can list models.
              </EmptyState>
            );
          return (
            <Stack gap="xs">
              <Text size="sm" c="dimmed" aria-live="polite">
                {shown.length === all.length
                  ? `${all.length} model${all.length === 1 ? '' : 's'}`
                  : `${shown.length} of ${all.length} models match “${q}”`}
              </Text>
              {shown.length === 0 ? (
                <EmptyState title="No model matches this search" />
              ) : (
                <div className="tl-table-scroll">
                  <Table aria-label="Models" striped verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Model</Table.Th>
                        {several && <Table.Th>Integration</Table.Th>}
                        <Table.Th>Type</Table.Th>
                        <Table.Th>Capabilities</Table.Th>
                        <Table.Th>Lifecycle</Table.Th>
                        <Table.Th>Context window</Table.Th>
                        <Table.Th>Agents using it</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {shown.map((m) => (
                        <ModelRow
                          key={`${m.integrationId}/${m.id}`}
                          model={m}
                          integration={several ? integrationName(m.integrationId) : null}
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

function ModelRow({
  model: m,
  integration,
  names,
}: {
  model: Model;
  integration: string | null;
  names: ReadonlyMap<string, string | null> | undefined;
}) {
  return (
    <Table.Tr>
      <Table.Td maw={320}>
        <Stack gap={2}>
          <Text size="sm" fw={500} className="tl-wrap" lineClamp={3} title={revealText(m.name ?? m.id)}>
            <UntrustedText maxChars={clampChars(3)} text={m.name ?? m.id} />
          </Text>
          {m.name && m.name !== m.id && (
            <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
              <UntrustedText text={m.id} />
            </Text>
          )}
          {m.aliases.length > 0 && (
            <Text size="xs" c="dimmed" className="tl-wrap">
              Aliases: <UntrustedText text={m.aliases.join(', ')} />
            </Text>
          )}
          {m.deletedAt && (
            <Badge variant="default" size="xs">
              deleted {formatDate(m.deletedAt)}
            </Badge>
          )}
          {m.dataQuality.length > 0 && (
            <Tooltip label={m.dataQuality.map((d) => d.issue).join('; ')} multiline w={300}>
              <Badge color="yellow" variant="light" size="xs" tabIndex={0}>
                data quality: {m.dataQuality.length}
              </Badge>
            </Tooltip>
          )}
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
        <Text size="sm">
          {m.fineTuned ? `fine-tuned${m.fineTuned.root ? ` from ${m.fineTuned.root}` : ''}` : m.type}
        </Text>
      </Table.Td>
      <Table.Td maw={280}>
        {m.capabilities.length === 0 ? (
          <Text size="sm" c="dimmed">
            none listed
          </Text>
        ) : (
          <Group gap={4}>
            {m.capabilities.map((c) => (
              <Badge key={c} variant="default" size="sm" tt="none">
                {c}
              </Badge>
            ))}
          </Group>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <LifecycleBadge lifecycle={m.lifecycle} />
          {m.deprecationDate && <Text size="xs">Deprecation: {formatDate(m.deprecationDate)}</Text>}
          {m.replacementModel && (
            <Text size="xs" className="tl-wrap">
              Replace with <UntrustedText text={m.replacementModel} />
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {m.contextWindow === null ? 'unknown' : `${formatNumber(m.contextWindow)} tokens`}
        </Text>
      </Table.Td>
      <Table.Td>
        <AgentLinks integrationId={m.integrationId} agentIds={m.agentIds} names={names} of={m.name ?? m.id} />
      </Table.Td>
    </Table.Tr>
  );
}
