/**
 * One agent (GET /api/v1/integrations/:id/agents/:agentId): configuration, guardrails, versions (timeline,
 * aliases, two versions compared), usage, findings with their fix, and change events, one tab each (the
 * tab is in the URL: ?tab=versions). A deleted agent says so at the top.
 */
import { Alert, Anchor, Badge, Group, List, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { GuardrailBadge, LifecycleBadge } from '../components/badges';
import { Page } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { formatDateTime } from '../lib/format';
import {
  ConfigurationSection,
  EventsSection,
  FindingsSection,
  GuardrailsSection,
} from './agents/detail-sections';
import { UsageSection } from './agents/detail-usage';
import { VersionsSection } from './agents/detail-versions';
import { UntrustedText } from '../components/untrusted-text';

const TABS = [
  { value: 'configuration', label: 'Configuration' },
  { value: 'guardrails', label: 'Guardrails' },
  { value: 'versions', label: 'Versions' },
  { value: 'usage', label: 'Usage' },
  { value: 'findings', label: 'Findings' },
  { value: 'events', label: 'Events' },
] as const;
type TabValue = (typeof TABS)[number]['value'];

export function AgentDetailPage() {
  const { integrationId = '', agentId = '' } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const tabParam = searchParams.get('tab');
  const tab: TabValue = TABS.some((t) => t.value === tabParam) ? (tabParam as TabValue) : 'configuration';

  const agent = useQuery({
    queryKey: ['agent', integrationId, agentId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/integrations/{id}/agents/{agentId}', {
          params: { path: { id: integrationId, agentId } },
        }),
      ),
  });
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } })),
  });
  const integrationName = integrations.data?.items.find((i) => i.id === integrationId)?.name;

  if (agent.isPending) {
    return (
      <Page title="Agent">
        <Loading rows={8} label="Loading the agent" />
      </Page>
    );
  }
  if (agent.error) {
    const notFound = agent.error instanceof ApiError && agent.error.status === 404;
    return (
      <Page title={notFound ? 'Agent not found' : 'Agent'}>
        <ErrorState error={agent.error} onRetry={notFound ? undefined : () => void agent.refetch()} />
        <Anchor component={Link} to="/agents" size="sm">
          Back to the agents
        </Anchor>
      </Page>
    );
  }

  const a = agent.data;
  const findingsCount = a.openFindingsCount.total;

  return (
    <Page
      title={a.name ?? '(unnamed agent)'}
      actions={
        <Anchor component={Link} to="/agents" size="sm">
          All agents
        </Anchor>
      }
    >
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap">
          <Text span size="sm" c="dimmed">
            Integration{' '}
            <Anchor component={Link} to={`/integrations/${encodeURIComponent(integrationId)}`} size="sm">
              <UntrustedText text={integrationName ?? integrationId} />
            </Anchor>
          </Text>
          <Text span size="sm" c="dimmed">
            · Model{' '}
            <Text span size="sm" c="var(--mantine-color-text)" className="tl-wrap">
              <UntrustedText text={a.model} fallback="unknown" />
            </Text>
          </Text>
          <LifecycleBadge lifecycle={a.modelLifecycle} size="sm" />
          <GuardrailBadge state={a.guardrailState} size="sm" />
          {a.deletedAt ? (
            <Badge color="red" variant="filled" size="sm">
              deleted
            </Badge>
          ) : (
            <Badge color="teal" variant="outline" size="sm">
              live
            </Badge>
          )}
          <Text span size="sm" c="dimmed">
            · Risk score {a.riskScore.toFixed(1)}
          </Text>
        </Group>
      </Stack>
      {a.deletedAt && (
        <Alert color="red" variant="light" title="This agent was deleted" role="status">
          It was no longer in the workspace at the sync of {formatDateTime(a.deletedAt)}. What follows is its
          last known configuration; its findings are no longer checked.
        </Alert>
      )}
      {a.dataQuality.length > 0 && (
        <Alert color="yellow" variant="light" title="Some of this agent’s data did not match the API schema">
          <List size="sm" spacing={2}>
            {a.dataQuality.map((w, i) => (
              <List.Item key={i} className="tl-wrap">
                {w.resourceType} {w.resourceId ?? ''} from {w.endpoint}: {w.issue}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}

      <Tabs
        value={tab}
        onChange={(v) => {
          const next = new URLSearchParams(searchParams);
          if (!v || v === 'configuration') next.delete('tab');
          else next.set('tab', v);
          setSearchParams(next, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Agent sections">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.value === 'findings' ? `Findings (${findingsCount})` : t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="configuration" pt="md">
          <ConfigurationSection agent={a} />
        </Tabs.Panel>
        <Tabs.Panel value="guardrails" pt="md">
          <GuardrailsSection agent={a} />
        </Tabs.Panel>
        <Tabs.Panel value="versions" pt="md">
          <VersionsSection agent={a} />
        </Tabs.Panel>
        <Tabs.Panel value="usage" pt="md">
          <UsageSection agent={a} />
        </Tabs.Panel>
        <Tabs.Panel value="findings" pt="md">
          <FindingsSection agent={a} />
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="md">
          <EventsSection agent={a} />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}
