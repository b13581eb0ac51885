/**
 * Pieces of the Connectors and Organization pages: the integration they show (one at a time: these
 * are read per integration; the address keeps it), and the notice shown instead of an unread section.
 */
import { Alert, Select, Text } from '@mantine/core';
import { useMemo } from 'react';
import { EmptyState, Loading, ErrorState } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { revealText } from '../../lib/untrusted-text';
import { useIntegrations, useUrlState } from '../inventory/shared';
import { sectionNotice, type SectionAvailability } from './model';

/** The integration in the address, else the first one; null while none exists. */
export function useSelectedIntegration() {
  const { params, update } = useUrlState();
  const integrations = useIntegrations();
  const asked = params.get('integrationId');
  const list = integrations.data ?? [];
  const id = asked ?? list[0]?.id ?? null;
  return {
    integrations,
    integrationId: id,
    select: (v: string | null) => update({ integrationId: v }),
    params,
    update,
  };
}

export function IntegrationSelect({
  value,
  onChange,
  integrations,
}: {
  value: string | null;
  onChange: (v: string | null) => void;
  integrations: { id: string; name: string }[];
}) {
  const data = useMemo(() => {
    const items = integrations.map((i) => ({ value: i.id, label: revealText(i.name) }));
    if (value && !items.some((i) => i.value === value)) items.push({ value, label: value });
    return items;
  }, [integrations, value]);
  return (
    <Select
      label="Integration"
      data={data}
      value={value}
      onChange={(v) => v && onChange(v)}
      allowDeselect={false}
      searchable
      w={240}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** Before an integration is known: loading, the error, or "add one". */
export function NoIntegration({
  query,
}: {
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
}) {
  if (query.isPending) return <Loading rows={6} />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <EmptyState title="No integration yet">
      Add a Mistral workspace on the Integrations page; its connectors and organization show here after its
      first sync.
    </EmptyState>
  );
}

/** "Not available: <message> — <remediation>" in place of a section that was not read. */
export function SectionNotice({ availability, what }: { availability: SectionAvailability; what: string }) {
  const text = sectionNotice(availability);
  if (text === null) return null;
  return (
    <Alert
      color={availability.status === null ? 'gray' : availability.status === 'error' ? 'red' : 'orange'}
      variant="light"
      title={`${what}: ${availability.status === null ? 'not known yet' : 'not available'}`}
      role="status"
    >
      <Text size="sm" className="tl-wrap">
        {text}
      </Text>
    </Alert>
  );
}

export function SnapshotLine({ takenAt }: { takenAt: string | null }) {
  if (!takenAt) return null;
  return (
    <Text size="xs" c="dimmed">
      As read by the sync of {formatDateTime(takenAt)}.
    </Text>
  );
}
