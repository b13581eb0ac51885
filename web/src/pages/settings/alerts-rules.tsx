/**
 * Alert rules: which new findings and which change events go to which destinations. Admins add, edit
 * (PUT replaces the rule) and delete; everyone else reads the table. Refusals land under the field the
 * API names (error.details.field), in the API's words.
 */
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { EmptyState } from '../../components/states';
import {
  EVENT_KINDS,
  eventLabel,
  fieldErrorOf,
  namesOf,
  NO_FINDINGS,
  SEVERITY_CHOICES,
  thresholdLabel,
  type AlertDestination,
  type AlertEventKind,
  type AlertRule,
  type Severity,
} from './alerts-logic';
import { ConfirmDialog, InlineError, MODAL_PROPS } from './shared';

export const RULES_KEY = ['alerts', 'rules'] as const;

const FIELDS = [
  'name',
  'destinationIds',
  'minSeverity',
  'ruleIds',
  'integrationIds',
  'events',
  'syncFailingRuns',
] as const;
type Field = (typeof FIELDS)[number];

interface Draft {
  name: string;
  enabled: boolean;
  destinationIds: string[];
  minSeverity: string;
  ruleIds: string[];
  integrationIds: string[];
  events: AlertEventKind[];
  syncFailingRuns: number | string;
}

function draftOf(rule: AlertRule | null): Draft {
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    destinationIds: rule?.destinationIds ?? [],
    minSeverity: rule ? (rule.minSeverity ?? NO_FINDINGS) : 'high',
    ruleIds: rule?.ruleIds ?? [],
    integrationIds: rule?.integrationIds ?? [],
    events: rule?.events ?? [],
    syncFailingRuns: rule?.syncFailingRuns ?? 3,
  };
}

function useRuleChoices(opened: boolean) {
  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: () => unwrap(api.GET('/api/v1/rules')),
    staleTime: 10 * 60_000,
    enabled: opened,
  });
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } })),
    enabled: opened,
  });
  return {
    rules: (rules.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.id} — ${r.title}` })),
    integrations: (integrations.data?.items ?? []).map((i) => ({ value: i.id, label: i.name })),
  };
}

/** Add (rule null) or edit an alert rule. */
export function RuleDialog({
  opened,
  rule,
  destinations,
  onClose,
}: {
  opened: boolean;
  rule: AlertRule | null;
  destinations: AlertDestination[];
  onClose: () => void;
}) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const choices = useRuleChoices(opened);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };
  const problem = fieldErrorOf(error, FIELDS);
  const fieldError = (f: Field) => (problem?.field === f ? problem.message : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      name: draft.name.trim(),
      enabled: draft.enabled,
      destinationIds: draft.destinationIds,
      minSeverity: draft.minSeverity === NO_FINDINGS ? null : (draft.minSeverity as Severity),
      ruleIds: draft.ruleIds,
      integrationIds: draft.integrationIds,
      events: draft.events,
      syncFailingRuns: typeof draft.syncFailingRuns === 'number' ? draft.syncFailingRuns : 0,
    };
    try {
      if (rule)
        await unwrap(api.PUT('/api/v1/alerts/rules/{id}', { params: { path: { id: rule.id } }, body }));
      else await unwrap(api.POST('/api/v1/alerts/rules', { body }));
      await client.invalidateQueries({ queryKey: RULES_KEY });
      setBusy(false);
      onClose();
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  }

  const title = rule ? 'Edit alert rule' : 'Add an alert rule';
  return (
    <Modal opened={opened} onClose={close} title={title} centered size="lg" {...MODAL_PROPS}>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          {problem && problem.field === null && <InlineError error={error} />}
          <TextInput
            label="Name"
            description="What it is for, e.g. “Critical findings to the SOC”."
            aria-required
            maxLength={200}
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            error={fieldError('name')}
          />
          <MultiSelect
            label="Destinations"
            description={
              destinations.length
                ? 'Where the alerts of this rule go.'
                : 'Add a destination first (Destinations tab).'
            }
            aria-required
            data={destinations.map((d) => ({ value: d.id, label: d.name }))}
            value={draft.destinationIds}
            onChange={(v) => set({ destinationIds: v })}
            searchable
            error={fieldError('destinationIds')}
          />
          <Select
            label="Findings"
            description="New and reopened failing findings at this severity or worse fire an alert, and so do findings listing many items (API keys, connectors…) when new items appear in them, even when muted."
            data={SEVERITY_CHOICES}
            value={draft.minSeverity}
            onChange={(v) => v && set({ minSeverity: v })}
            allowDeselect={false}
            error={fieldError('minSeverity')}
          />
          <MultiSelect
            label="Only these TrustLens rules"
            description="Leave empty for every rule."
            placeholder={draft.ruleIds.length ? undefined : 'Every rule'}
            data={choices.rules}
            value={draft.ruleIds}
            onChange={(v) => set({ ruleIds: v })}
            searchable
            disabled={draft.minSeverity === NO_FINDINGS}
            error={fieldError('ruleIds')}
          />
          <MultiSelect
            label="Only these integrations"
            description="Leave empty for every integration."
            placeholder={draft.integrationIds.length ? undefined : 'Every integration'}
            data={choices.integrations}
            value={draft.integrationIds}
            onChange={(v) => set({ integrationIds: v })}
            searchable
            error={fieldError('integrationIds')}
          />
          <Checkbox.Group
            label="Events"
            description="Changes that fire an alert, besides findings."
            value={draft.events}
            onChange={(v) => set({ events: v as AlertEventKind[] })}
            error={fieldError('events')}
          >
            <Stack gap="xs" mt="xs">
              {EVENT_KINDS.map((k) => (
                <Checkbox key={k.value} value={k.value} label={k.label} description={k.description} />
              ))}
            </Stack>
          </Checkbox.Group>
          {draft.events.includes('sync_failing') && (
            <NumberInput
              label="Sync failing: runs in a row"
              description="Alert when this many syncs in a row have failed (1 to 100)."
              min={1}
              max={100}
              allowDecimal={false}
              value={draft.syncFailingRuns}
              onChange={(v) => set({ syncFailingRuns: v })}
              error={fieldError('syncFailingRuns')}
              maw={280}
            />
          )}
          <Switch
            label="Enabled"
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {rule ? 'Save rule' : 'Add rule'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function RulesSection({
  rules,
  destinations,
  integrationNames,
  isAdmin,
}: {
  rules: AlertRule[];
  destinations: AlertDestination[];
  integrationNames: Map<string, string>;
  isAdmin: boolean;
}) {
  const client = useQueryClient();
  // The dialog is keyed by what it edits, so each opening starts from that rule's values.
  const [editing, setEditing] = useState<{ rule: AlertRule | null; key: number } | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const destinationNames = new Map(destinations.map((d) => [d.id, d.name]));

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed" maw={640}>
          After each sync, the new findings and change events that match a rule are sent, as one digest per
          destination.
        </Text>
        {isAdmin && <Button onClick={() => setEditing({ rule: null, key: Date.now() })}>Add rule</Button>}
      </Group>
      {rules.length === 0 ? (
        <EmptyState title="No alert rules yet">
          {isAdmin
            ? 'Add a destination, then a rule with “Add rule”: for example high or worse findings and removed guardrails.'
            : 'An admin adds alert rules here.'}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover verticalSpacing="xs" aria-label="Alert rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Findings</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>Destinations</Table.Th>
                <Table.Th>Integrations</Table.Th>
                <Table.Th>Enabled</Table.Th>
                {isAdmin && (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td className="tl-wrap" maw={220}>
                    {r.name}
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm">
                      {thresholdLabel(r.minSeverity)}
                      {r.minSeverity !== null && r.ruleIds.length > 0
                        ? ` (rules ${r.ruleIds.join(', ')})`
                        : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={260}>
                    <Text span size="sm">
                      {r.events.length === 0
                        ? 'none'
                        : r.events
                            .map((e) =>
                              e === 'sync_failing'
                                ? `${eventLabel(e)} (${r.syncFailingRuns} runs in a row)`
                                : eventLabel(e),
                            )
                            .join(', ')}
                    </Text>
                  </Table.Td>
                  <Table.Td className="tl-wrap" maw={220}>
                    <Text span size="sm">
                      {namesOf(r.destinationIds, destinationNames, 'none')}
                    </Text>
                  </Table.Td>
                  <Table.Td className="tl-wrap" maw={220}>
                    <Text span size="sm">
                      {namesOf(r.integrationIds, integrationNames, 'all')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={r.enabled ? 'green' : 'gray'} miw="max-content">
                      {r.enabled ? 'enabled' : 'disabled'}
                    </Badge>
                  </Table.Td>
                  {isAdmin && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          onClick={() => setEditing({ rule: r, key: Date.now() })}
                          aria-label={`Edit ${r.name}`}
                        >
                          Edit
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setDeleting(r)}
                          aria-label={`Delete ${r.name}`}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {isAdmin && (
        <>
          {editing && (
            <RuleDialog
              key={editing.key}
              opened
              rule={editing.rule}
              destinations={destinations}
              onClose={() => setEditing(null)}
            />
          )}
          <ConfirmDialog
            opened={!!deleting}
            title="Delete alert rule"
            confirmLabel="Delete rule"
            onClose={() => setDeleting(null)}
            onConfirm={async () => {
              if (!deleting) return;
              await unwrap(
                api.DELETE('/api/v1/alerts/rules/{id}', { params: { path: { id: deleting.id } } }),
              );
              await client.invalidateQueries({ queryKey: RULES_KEY });
            }}
          >
            <Text size="sm">
              Delete the alert rule <strong>{deleting?.name}</strong>? From the next sync on, what it matched
              is no longer sent.
            </Text>
          </ConfirmDialog>
        </>
      )}
    </Stack>
  );
}
