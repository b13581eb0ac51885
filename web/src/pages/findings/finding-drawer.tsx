/**
 * One finding in a drawer: what was found (detail), why it matters, how to fix it (remediation,
 * console steps, the suggested PATCH body), the evidence as JSON text, the compliance mapping, the
 * mute and its history; analysts and admins can mute (reason required, optional expiry) and unmute.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Divider,
  Drawer,
  Group,
  List,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { useCan } from '../../api/session';
import { FindingStatusBadge, SeverityBadge } from '../../components/badges';
import { ErrorState, Loading } from '../../components/states';
import { formatDate, formatDateTime } from '../../lib/format';
import { agentPath } from '../inventory/shared';
import { UntrustedText } from '../../components/untrusted-text';

type FindingDetail = Schemas['FindingDetail'];
type Rule = Schemas['Rule'];

/** The query keys a mute or unmute changes: the lists, this finding, and what counts open findings. */
export const FINDING_DEPENDENT_KEYS = [['findings'], ['finding'], ['posture'], ['agents'], ['agent']];

export function FindingDrawer({
  findingId,
  onClose,
  rules,
}: {
  findingId: string | null;
  onClose: () => void;
  rules: ReadonlyMap<string, Rule>;
}) {
  const finding = useQuery({
    queryKey: ['finding', findingId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/findings/{id}', { params: { path: { id: findingId as string } } })),
    enabled: findingId !== null,
  });
  return (
    // Compound parts: the header is not a page banner, and scrolling is not locked (the scroll lock
    // injects a style tag without the CSP nonce).
    <Drawer.Root opened={findingId !== null} onClose={onClose} position="right" size="xl">
      <Drawer.Overlay />
      <Drawer.Content>
        <Drawer.Header role="presentation">
          <Drawer.Title fw={600} fz="lg" className="tl-wrap">
            <UntrustedText text={finding.data?.title} fallback="Finding" />
          </Drawer.Title>
          <Drawer.CloseButton aria-label="Close finding" />
        </Drawer.Header>
        <Drawer.Body>
          {finding.isPending ? (
            <Loading rows={6} label="Loading the finding" />
          ) : finding.error ? (
            <ErrorState error={finding.error} onRetry={() => void finding.refetch()} />
          ) : (
            <FindingBody finding={finding.data} rule={rules.get(finding.data.ruleId)} />
          )}
        </Drawer.Body>
      </Drawer.Content>
    </Drawer.Root>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6} component="section">
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function FindingBody({ finding: f, rule }: { finding: FindingDetail; rule: Rule | undefined }) {
  const canMute = useCan('analyst');
  const r = f.remediationDetails;
  return (
    <Stack gap="md">
      <Group gap="xs" wrap="wrap">
        <SeverityBadge severity={f.severity} />
        <FindingStatusBadge status={f.status} muted={f.muted} />
        {f.lastStatus === 'UNKNOWN' && (
          <Badge variant="default" title="The data this rule needs was not available">
            verdict unknown
          </Badge>
        )}
        <Code>{f.ruleId}</Code>
      </Group>
      <Text size="sm">
        <Text span c="dimmed">
          Resource ({f.resourceType}):{' '}
        </Text>
        {f.resourceType === 'agent' ? (
          <Anchor component={Link} to={agentPath(f.integrationId, f.resourceId)} className="tl-wrap">
            <UntrustedText text={f.resourceName ?? f.resourceId} />
          </Anchor>
        ) : (
          <Text span className="tl-wrap">
            <UntrustedText text={f.resourceName ?? f.resourceId} />
          </Text>
        )}
      </Text>
      <Text size="xs" c="dimmed">
        First seen {formatDateTime(f.firstSeenAt)} · last seen {formatDateTime(f.lastSeenAt)}
        {f.resolvedAt && ` · resolved ${formatDateTime(f.resolvedAt)}`}
        {f.reopenCount > 0 && ` · reopened ${f.reopenCount}×`}
      </Text>

      <Section title="Detail">
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={f.detail} />
        </Text>
      </Section>
      {f.risk && (
        <Section title="Why it matters">
          <Text size="sm" className="tl-wrap">
            <UntrustedText text={f.risk} />
          </Text>
        </Section>
      )}
      <Section title="Remediation">
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={r.text || f.remediation} />
        </Text>
        {r.consoleSteps.length > 0 && (
          <List type="ordered" size="sm" spacing={2}>
            {r.consoleSteps.map((s, i) => (
              <List.Item key={i}>
                <UntrustedText text={s} />
              </List.Item>
            ))}
          </List>
        )}
        {r.patchAgentBody && (
          <>
            <Text size="xs" c="dimmed">
              Suggested body for PATCH /v1/agents/{'{agent_id}'} (TrustLens never sends it):
            </Text>
            <pre className="tl-pre">
              <UntrustedText text={JSON.stringify(r.patchAgentBody, null, 2)} />
            </pre>
          </>
        )}
        {r.references.length > 0 && (
          <List size="sm" spacing={2}>
            {r.references.map((ref) => (
              <List.Item key={ref}>
                {/^https?:\/\//.test(ref) ? (
                  <Anchor href={ref} target="_blank" rel="noopener noreferrer" className="tl-wrap">
                    {ref}
                  </Anchor>
                ) : (
                  <Text span className="tl-wrap">
                    {ref}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
        )}
      </Section>
      <Section title="Evidence">
        <pre className="tl-pre">
          <UntrustedText text={JSON.stringify(f.evidence, null, 2)} />
        </pre>
      </Section>
      <Section title="Compliance mapping">
        {f.compliance.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not mapped to a framework.
          </Text>
        ) : (
          <List size="sm" spacing={2}>
            {f.compliance.map((c) => {
              const known = rule?.frameworks.find((x) => x.framework === c.framework && x.id === c.id);
              return (
                <List.Item key={`${c.framework}:${c.id}`}>
                  <Text span fw={500} inherit>
                    {known?.frameworkName ?? c.framework}
                  </Text>{' '}
                  {c.id}
                  {known?.title && ` — ${known.title}`}
                </List.Item>
              );
            })}
          </List>
        )}
      </Section>
      <Divider />
      <Section title="Mute">
        <MuteState finding={f} />
        {canMute ? (
          f.muted ? (
            <UnmuteButton id={f.id} />
          ) : (
            <MuteForm id={f.id} />
          )
        ) : (
          <Text size="xs" c="dimmed">
            Analysts and admins can mute a finding.
          </Text>
        )}
        {f.muteHistory && f.muteHistory.length > 0 && <MuteHistory entries={f.muteHistory} />}
      </Section>
    </Stack>
  );
}

/** "Muted by x on …, until … — reason", or that a past mute expired, or that it is not muted. */
export function MuteState({ finding: f }: { finding: Pick<FindingDetail, 'muted' | 'mute'> }) {
  if (!f.mute)
    return (
      <Text size="sm" c="dimmed">
        Not muted.
      </Text>
    );
  const m = f.mute;
  return (
    <Alert color={f.muted ? 'gray' : 'yellow'} variant="light" p="xs">
      <Text size="sm">
        {f.muted ? 'Muted' : 'Was muted'} by <UntrustedText text={m.by} /> on {formatDateTime(m.at)}
        {m.expiresAt
          ? f.muted
            ? `, until ${formatDateTime(m.expiresAt)}`
            : `; the mute expired ${formatDateTime(m.expiresAt)}`
          : ', until unmuted'}
        .
      </Text>
      <Text size="sm" className="tl-wrap">
        Reason: <UntrustedText text={m.reason} />
      </Text>
    </Alert>
  );
}

function useInvalidateFindings() {
  const client = useQueryClient();
  return () => Promise.all(FINDING_DEPENDENT_KEYS.map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** Today as YYYY-MM-DD in UTC (an expiry date is the end of that day, UTC). */
function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function MuteForm({ id }: { id: string }) {
  const [reason, setReason] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [touched, setTouched] = useState(false);
  const invalidate = useInvalidateFindings();
  const mute = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/findings/{id}/mute', {
          params: { path: { id } },
          body: { reason: reason.trim(), ...(expiresOn ? { expiresAt: expiresOn } : {}) },
        }),
      ),
    onSuccess: async () => {
      setReason('');
      setExpiresOn('');
      setTouched(false);
      await invalidate();
    },
  });
  const reasonError = touched && !reason.trim() ? 'A mute needs a reason.' : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!reason.trim()) return;
    mute.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <Textarea
          label="Reason"
          description="Why this finding is accepted; kept in the mute history and the audit log."
          aria-required
          autosize
          minRows={2}
          maxLength={1000}
          value={reason}
          error={reasonError}
          onChange={(e) => setReason(e.currentTarget.value)}
          onBlur={() => setTouched(true)}
        />
        <TextInput
          type="date"
          label="Expires on (optional)"
          description="The mute ends at the end of that day (UTC); empty: until unmuted."
          min={todayUtc()}
          value={expiresOn}
          onChange={(e) => setExpiresOn(e.currentTarget.value)}
          w={260}
        />
        {mute.error && <ErrorState error={mute.error} />}
        <Group>
          <Button type="submit" loading={mute.isPending}>
            Mute finding
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function UnmuteButton({ id }: { id: string }) {
  const invalidate = useInvalidateFindings();
  const unmute = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/findings/{id}/unmute', { params: { path: { id } } })),
    onSuccess: () => invalidate(),
  });
  return (
    <Stack gap="xs">
      {unmute.error && <ErrorState error={unmute.error} />}
      <Group>
        <Button variant="light" color="orange" onClick={() => unmute.mutate()} loading={unmute.isPending}>
          Unmute finding
        </Button>
      </Group>
    </Stack>
  );
}

function MuteHistory({ entries }: { entries: NonNullable<FindingDetail['muteHistory']> }) {
  return (
    <div className="tl-table-scroll">
      <Table aria-label="Mute history" verticalSpacing={4} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Until</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((h, i) => (
            <Table.Tr key={i}>
              <Table.Td>{formatDateTime(h.at)}</Table.Td>
              <Table.Td>{h.action}</Table.Td>
              <Table.Td className="tl-wrap">
                <UntrustedText text={h.by} fallback="unknown" />
              </Table.Td>
              <Table.Td className="tl-wrap">
                <UntrustedText text={h.reason} />
              </Table.Td>
              <Table.Td>
                {h.action === 'mute' ? (h.expiresAt ? formatDate(h.expiresAt) : 'until unmuted') : ''}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
