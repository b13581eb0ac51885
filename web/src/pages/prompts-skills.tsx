/**
 * Prompts, skills and batch jobs of an integration (the v2 registry and GET /v1/batch/jobs, read at
 * every sync): names, sharing scope, versions and aliases of prompts and skills — never their text —
 * with a marker where a credential was found in a version (field, version, line: where, never what),
 * and batch jobs with their status, endpoint, model, the agent they run (or "deleted agent") and
 * their request counts. A list that was not read says why (beta off, failed read, no sync yet),
 * never "none".
 */
import { Anchor, Badge, Group, Stack, Table, Tabs, Text, TextInput, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { Page } from '../components/page';
import { EmptyState, QueryState } from '../components/states';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { formatDateTime } from '../lib/format';
import { revealText } from '../lib/untrusted-text';
import { collectSection } from './extras/model';
import {
  aliasesText,
  findingText,
  jobAgent,
  jobCountsText,
  jobStatusColor,
  REGISTRY_TABS,
  registryTab,
  scanState,
  versionsText,
  type BatchJob,
  type RegistryObject,
} from './extras/registry';
import {
  IntegrationSelect,
  NoIntegration,
  SectionNotice,
  SnapshotLine,
  useSelectedIntegration,
} from './extras/shared';
import { matchesSearch } from './inventory/format';
import { agentPath } from './inventory/shared';

type Kind = 'prompts' | 'skills';

function registryQuery(kind: Kind, integrationId: string) {
  return {
    queryKey: [kind, integrationId],
    queryFn: () =>
      collectSection((cursor) =>
        unwrap(
          api.GET(`/api/v1/integrations/{id}/${kind}`, {
            params: { path: { id: integrationId }, query: { cursor, limit: 500 } },
          }),
        ),
      ),
  };
}

function batchJobsQuery(integrationId: string) {
  return {
    queryKey: ['batch-jobs', integrationId],
    queryFn: () =>
      collectSection((cursor) =>
        unwrap(
          api.GET('/api/v1/integrations/{id}/batch-jobs', {
            params: { path: { id: integrationId }, query: { cursor, limit: 500 } },
          }),
        ),
      ),
  };
}

export function PromptsSkillsPage() {
  const { integrations, integrationId, select, params, update } = useSelectedIntegration();
  const q = params.get('q') ?? '';
  const tab = registryTab(params.get('tab'));

  return (
    <Page
      title="Prompts & skills"
      description="Prompts and skills of the registry (names, versions and aliases — never their text), where a credential was found in them, and the batch jobs run on the workspace."
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
              label="Search"
              placeholder={tab === 'batch-jobs' ? 'Id, model, endpoint, agent' : 'Name, title, alias, id'}
              value={q}
              onChange={(e) => update({ q: e.currentTarget.value })}
              w={240}
            />
          </Group>
          <Tabs
            value={tab}
            onChange={(v) => update({ tab: !v || v === 'prompts' ? null : v })}
            keepMounted={false}
          >
            <Tabs.List aria-label="Registry sections">
              {REGISTRY_TABS.map((t) => (
                <Tabs.Tab key={t.value} value={t.value}>
                  {t.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="prompts" pt="md">
              <RegistrySection kind="prompts" integrationId={integrationId} q={q} />
            </Tabs.Panel>
            <Tabs.Panel value="skills" pt="md">
              <RegistrySection kind="skills" integrationId={integrationId} q={q} />
            </Tabs.Panel>
            <Tabs.Panel value="batch-jobs" pt="md">
              <BatchJobsSection integrationId={integrationId} q={q} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Page>
  );
}

const registrySearchFields = (r: RegistryObject) => [r.name, r.title, r.id, ...r.aliases.map((a) => a.alias)];

function RegistrySection({ kind, integrationId, q }: { kind: Kind; integrationId: string; q: string }) {
  const query = useQuery(registryQuery(kind, integrationId));
  const what = kind === 'prompts' ? 'Prompts' : 'Skills';
  const one = kind === 'prompts' ? 'prompt' : 'skill';
  return (
    <QueryState query={query} rows={6}>
      {(section) => {
        if (section.availability.status !== 'available')
          return <SectionNotice availability={section.availability} what={what} />;
        if (section.items.length === 0)
          return (
            <EmptyState title={`No ${kind}`}>
              The last sync read the {kind} of the registry and found none.
            </EmptyState>
          );
        const shown = section.items.filter((r) => matchesSearch(q, registrySearchFields(r)));
        const withCredential = section.items.filter((r) => r.secretFindings.length > 0).length;
        return (
          <Stack gap="xs">
            <Text size="sm" c="dimmed" aria-live="polite">
              {shown.length === section.items.length
                ? `${section.items.length} ${one}${section.items.length === 1 ? '' : 's'}`
                : `${shown.length} of ${section.items.length} ${kind}`}
              {withCredential > 0 && ` · ${withCredential} with a credential in its text`}
            </Text>
            <SnapshotLine takenAt={section.takenAt} />
            {shown.length === 0 ? (
              <EmptyState title={`No ${one} matches this search`} />
            ) : (
              <div className="tl-table-scroll">
                <Table aria-label={what} striped verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Sharing</Table.Th>
                      <Table.Th>Versions</Table.Th>
                      <Table.Th>Latest</Table.Th>
                      <Table.Th>Aliases</Table.Th>
                      <Table.Th>Credentials in text</Table.Th>
                      <Table.Th>Updated</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.map((r) => (
                      <RegistryRow key={r.id} r={r} />
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}

function RegistryRow({ r }: { r: RegistryObject }) {
  const scan = scanState(r);
  return (
    <Table.Tr>
      <Table.Td maw={300}>
        <Stack gap={2}>
          <Text size="sm" fw={500} className="tl-wrap" lineClamp={2} title={revealText(r.title ?? r.name)}>
            <UntrustedText maxChars={clampChars(2)} text={r.title ?? r.name} />
          </Text>
          {r.title !== null && (
            <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
              <UntrustedText text={r.name} />
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          <UntrustedText text={r.sharingScope} fallback="unknown" />
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={r.versionCount === null ? 'dimmed' : undefined}>
          {versionsText(r)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{r.latestVersion === null ? 'unknown' : `v${r.latestVersion}`}</Text>
      </Table.Td>
      <Table.Td maw={240}>
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={aliasesText(r)} />
        </Text>
      </Table.Td>
      <Table.Td maw={320}>
        <Tooltip label={scan.detail} multiline w={320}>
          <Badge color={scan.color} variant="light" tabIndex={0}>
            {scan.label}
          </Badge>
        </Tooltip>
        {r.secretFindings.length > 0 && (
          <Stack gap={0} mt={4}>
            {r.secretFindings.slice(0, 5).map((f, i) => (
              <Text key={i} size="xs" c="dimmed" className="tl-wrap">
                <UntrustedText text={findingText(f)} />
              </Text>
            ))}
            {r.secretFindings.length > 5 && (
              <Text size="xs" c="dimmed">
                and {r.secretFindings.length - 5} more
              </Text>
            )}
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(r.updatedAt ?? r.createdAt)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

const jobSearchFields = (j: BatchJob) => [j.id, j.endpoint, j.model, j.agentId, j.agentName, j.status];

function BatchJobsSection({ integrationId, q }: { integrationId: string; q: string }) {
  const query = useQuery(batchJobsQuery(integrationId));
  return (
    <QueryState query={query} rows={6}>
      {(section) => {
        if (section.availability.status !== 'available')
          return <SectionNotice availability={section.availability} what="Batch jobs" />;
        if (section.items.length === 0)
          return (
            <EmptyState title="No batch jobs">
              The last sync read the batch jobs of the workspace and found none.
            </EmptyState>
          );
        const shown = section.items.filter((j) => matchesSearch(q, jobSearchFields(j)));
        return (
          <Stack gap="xs">
            <Text size="sm" c="dimmed" aria-live="polite">
              {shown.length === section.items.length
                ? `${section.items.length} batch job${section.items.length === 1 ? '' : 's'}`
                : `${shown.length} of ${section.items.length} batch jobs`}
            </Text>
            <SnapshotLine takenAt={section.takenAt} />
            {shown.length === 0 ? (
              <EmptyState title="No batch job matches this search" />
            ) : (
              <div className="tl-table-scroll">
                <Table aria-label="Batch jobs" striped verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Job</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Endpoint</Table.Th>
                      <Table.Th>Model</Table.Th>
                      <Table.Th>Agent</Table.Th>
                      <Table.Th>Requests</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Completed</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.map((j) => (
                      <BatchJobRow key={j.id} j={j} />
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}

function JobAgentCell({ j }: { j: BatchJob }) {
  const a = jobAgent(j);
  if (a.kind === 'none')
    return (
      <Text size="sm" c="dimmed">
        no agent
      </Text>
    );
  if (a.kind === 'agent')
    return (
      <Anchor component={Link} to={agentPath(j.integrationId, a.id)} size="sm" className="tl-wrap">
        <UntrustedText text={a.name ?? a.id} />
      </Anchor>
    );
  return (
    <Stack gap={2}>
      {a.kind === 'deleted' ? (
        <Badge color="orange" variant="light" styles={{ label: { overflow: 'visible' } }}>
          deleted agent
        </Badge>
      ) : (
        <Text size="sm" c="dimmed">
          agent unknown (agents not listed)
        </Text>
      )}
      <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
        <UntrustedText text={a.id} />
      </Text>
    </Stack>
  );
}

function BatchJobRow({ j }: { j: BatchJob }) {
  return (
    <Table.Tr>
      <Table.Td maw={220}>
        <Text size="xs" ff="monospace" className="tl-wrap">
          <UntrustedText text={j.id} />
        </Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {/* The label may not shrink to an ellipsis: a status is short and must be read whole. */}
        <Badge color={jobStatusColor(j.status)} variant="light" styles={{ label: { overflow: 'visible' } }}>
          <UntrustedText text={j.status} />
        </Badge>
      </Table.Td>
      <Table.Td maw={240} miw={200}>
        <Text size="sm" ff="monospace" className="tl-wrap">
          <UntrustedText text={j.endpoint} fallback="unknown" />
        </Text>
      </Table.Td>
      <Table.Td maw={200}>
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={j.model} fallback="—" />
        </Text>
      </Table.Td>
      <Table.Td maw={220}>
        <JobAgentCell j={j} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{jobCountsText(j)}</Text>
        {j.errorCount > 0 && (
          <Text size="xs" c="dimmed">
            {j.errorCount} error{j.errorCount === 1 ? '' : 's'}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(j.createdAt)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(j.completedAt)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}
