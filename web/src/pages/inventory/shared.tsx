/**
 * Pieces shared by the inventory, events and findings pages: the integrations (for the integration
 * filter), agent names by id (for links), a list of agent links that expands, and the agent address.
 */
import { Anchor, Button, Collapse, List, Select, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { collectPages } from './pages';
import { clampChars, UntrustedText } from '../../components/untrusted-text';
import { revealText } from '../../lib/untrusted-text';

export type Integration = Schemas['Integration'];

export function agentPath(integrationId: string, agentId: string): string {
  return `/integrations/${encodeURIComponent(integrationId)}/agents/${encodeURIComponent(agentId)}`;
}

/** Every integration of the organization (for the filter and to name integrations). */
export function useIntegrations() {
  return useQuery({
    queryKey: ['integrations', { all: true }],
    queryFn: () =>
      collectPages((cursor) =>
        unwrap(api.GET('/api/v1/integrations', { params: { query: { cursor, limit: 500 } } })),
      ),
  });
}

/** "All integrations" or one: the value is the integration id, null for all. */
export function IntegrationFilter({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (integrationId: string | null) => void;
}) {
  const integrations = useIntegrations();
  const data = useMemo(() => {
    const items = (integrations.data ?? []).map((i) => ({ value: i.id, label: revealText(i.name) }));
    // An id in the address that is not (or not yet) listed is still shown, by its id.
    if (value && !items.some((i) => i.value === value)) items.push({ value, label: value });
    return items;
  }, [integrations.data, value]);
  return (
    <Select
      label="Integration"
      placeholder="All integrations"
      data={data}
      value={value}
      onChange={onChange}
      clearable
      searchable
      w={220}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/**
 * Names of the agents by `${integrationId}/${agentId}` (live and deleted), read once for the
 * integration in scope. Missing while loading or on failure: callers fall back to the id.
 */
export function useAgentNames(integrationId: string | null) {
  return useQuery({
    queryKey: ['agents', { integrationId, includeDeleted: true, all: true }],
    queryFn: async () => {
      const agents = await collectPages((cursor) =>
        unwrap(
          api.GET('/api/v1/agents', {
            params: {
              query: {
                cursor,
                limit: 500,
                includeDeleted: 'true',
                ...(integrationId ? { integrationId } : {}),
              },
            },
          }),
        ),
      );
      return new Map(agents.map((a) => [`${a.integrationId}/${a.id}`, a.name]));
    },
    staleTime: 60_000,
  });
}

/** "3 agents" that expands into links to each agent; "none" when no agent uses it. */
export function AgentLinks({
  integrationId,
  agentIds,
  names,
  of,
}: {
  integrationId: string;
  agentIds: string[];
  names: ReadonlyMap<string, string | null> | undefined;
  /** What the agents use, for the button's accessible name ("Agents using mistral-large"). */
  of: string;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (agentIds.length === 0)
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  return (
    <div>
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-controls={id}
        aria-label={`${open ? 'Hide' : 'Show'} the ${agentIds.length} agent${agentIds.length === 1 ? '' : 's'} using ${revealText(of)}`}
      >
        {agentIds.length} agent{agentIds.length === 1 ? '' : 's'} {open ? '▴' : '▾'}
      </Button>
      <Collapse expanded={open} id={id}>
        <List size="sm" spacing={2} mt={4}>
          {agentIds.map((agentId) => {
            const name = names?.get(`${integrationId}/${agentId}`);
            return (
              <List.Item key={agentId}>
                <Anchor
                  component={Link}
                  to={agentPath(integrationId, agentId)}
                  className="tl-wrap"
                  size="sm"
                  lineClamp={2}
                  title={revealText(name ?? agentId)}
                >
                  <UntrustedText maxChars={clampChars(2)} text={name ?? agentId} />
                </Anchor>
              </List.Item>
            );
          })}
        </List>
      </Collapse>
    </div>
  );
}

/** The integration's name (its id while unknown), for lists spanning several integrations. */
export function useIntegrationName() {
  const integrations = useIntegrations();
  return useMemo(() => {
    const byId = new Map((integrations.data ?? []).map((i) => [i.id, i.name]));
    return (id: string) => byId.get(id) ?? id;
  }, [integrations.data]);
}

/**
 * The page's query string as state: `params` to read, `update` to set (null or '' removes) while
 * keeping the other parameters. Replaces the history entry (typing in a search box is not a visit).
 */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const update = (patch: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === '') next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  return { params, update };
}
