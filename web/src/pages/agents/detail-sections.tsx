/**
 * Sections of the agent page: configuration, guardrails, findings (with the fix) and change events.
 * Everything from the workspace is rendered as text.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Collapse,
  CopyButton,
  Group,
  List,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueries } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { FindingStatusBadge, LifecycleBadge, SeverityBadge } from '../../components/badges';
import { EmptyState, ErrorState } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { toolDescription, toolLabel, valueText } from './detail-model';
import { summarizePolicy } from './guardrail-summary';
import { agentFindingsPath, agentPath } from './paths';
import { UntrustedText } from '../../components/untrusted-text';

export type AgentDetail = Schemas['AgentDetail'];

/** A label and its value, in a definition list. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0} className="tl-wrap">
        {children}
      </Text>
    </div>
  );
}

const unknown = (
  <Text span size="sm" c="dimmed">
    unknown
  </Text>
);

/** Raw JSON behind a toggle, in a <pre> (text only). */
export function RawJson({ label, value }: { label: string; value: unknown }) {
  const [opened, { toggle }] = useDisclosure(false);
  return (
    <div>
      <Button variant="subtle" size="compact-sm" onClick={toggle} aria-expanded={opened}>
        {opened ? `Hide ${label}` : `Show ${label}`}
      </Button>
      <Collapse expanded={opened}>
        <Paper withBorder p="sm" mt="xs">
          <pre className="tl-pre">
            <UntrustedText text={JSON.stringify(value, null, 2)} />
          </pre>
        </Paper>
      </Collapse>
    </div>
  );
}

export function ConfigurationSection({ agent }: { agent: AgentDetail }) {
  const params = (v: number | null) => (v === null ? 'not set (model default)' : String(v));
  return (
    <Stack gap="lg">
      <section aria-labelledby="agent-config-heading">
        <Title order={2} size="h3" id="agent-config-heading" mb="sm">
          Configuration
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" component="dl" m={0}>
          <Fact label="Model">
            {agent.model === null ? unknown : <UntrustedText text={agent.model} />}{' '}
            <LifecycleBadge lifecycle={agent.modelLifecycle} size="xs" />
          </Fact>
          <Fact label="Version">{agent.version}</Fact>
          <Fact label="Temperature">{params(agent.temperature)}</Fact>
          <Fact label="Top-p">{params(agent.topP)}</Fact>
          <Fact label="Deployed to Le Chat">{agent.deploymentChat ? 'yes' : 'no'}</Fact>
          <Fact label="Activity">{agent.status}</Fact>
          <Fact label="Agent id">
            <Code>{agent.id}</Code>
          </Fact>
          <Fact label="Created in Mistral">{formatDateTime(agent.createdAt)}</Fact>
          <Fact label="Last changed (seen by sync)">{formatDateTime(agent.changedAt)}</Fact>
        </SimpleGrid>
        {agent.description && (
          <Text size="sm" mt="md" className="tl-wrap">
            <UntrustedText text={agent.description} />
          </Text>
        )}
      </section>

      <section aria-labelledby="agent-instructions-heading">
        <Title order={3} size="h4" id="agent-instructions-heading" mb="xs">
          Instructions
        </Title>
        {agent.instructions === null || agent.instructions === '' ? (
          <Text size="sm" c="dimmed">
            No instructions.
          </Text>
        ) : (
          <Paper withBorder p="sm">
            <pre className="tl-pre">
              <UntrustedText text={agent.instructions} />
            </pre>
          </Paper>
        )}
      </section>

      <section aria-labelledby="agent-tools-heading">
        <Title order={3} size="h4" id="agent-tools-heading" mb="xs">
          Tools
        </Title>
        {agent.tools.length === 0 ? (
          <Text size="sm" c="dimmed">
            No tools.
          </Text>
        ) : (
          <Stack gap="xs">
            <List spacing={4} size="sm">
              {agent.tools.map((t, i) => {
                const description = toolDescription(t);
                return (
                  <List.Item key={i}>
                    <Code>
                      <UntrustedText text={toolLabel(t)} />
                    </Code>
                    {description && (
                      <Text span size="sm" c="dimmed" className="tl-wrap">
                        {' '}
                        — <UntrustedText text={description} />
                      </Text>
                    )}
                  </List.Item>
                );
              })}
            </List>
            <RawJson label="tools JSON" value={agent.tools} />
          </Stack>
        )}
      </section>

      <section aria-labelledby="agent-kb-heading">
        <Title order={3} size="h4" id="agent-kb-heading" mb="xs">
          Knowledge bases
        </Title>
        {agent.knowledgeBases.length === 0 ? (
          <Text size="sm" c="dimmed">
            No knowledge bases.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table aria-label="Knowledge bases" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Library</Table.Th>
                  <Table.Th>Id</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Documents</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {agent.knowledgeBases.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td className="tl-wrap">
                      {k.name !== null ? (
                        <UntrustedText text={k.name} />
                      ) : k.found === false ? (
                        <Text span size="sm" c="red">
                          not found in the workspace
                        </Text>
                      ) : (
                        unknown
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Code>{k.id}</Code>
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>
                      {k.documentCount === null ? unknown : formatNumber(k.documentCount)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>

      <section aria-labelledby="agent-handoffs-heading">
        <Title order={3} size="h4" id="agent-handoffs-heading" mb="xs">
          Handoffs
        </Title>
        {agent.handoffs === null ? (
          <Text size="sm" c="dimmed">
            Not set.
          </Text>
        ) : agent.handoffs.length === 0 ? (
          <Text size="sm" c="dimmed">
            No handoffs.
          </Text>
        ) : (
          <List size="sm" spacing={4}>
            {agent.handoffs.map((h) => (
              <List.Item key={h}>
                <Anchor component={Link} to={agentPath(agent.integrationId, h)} size="sm">
                  <UntrustedText text={h} />
                </Anchor>
              </List.Item>
            ))}
          </List>
        )}
      </section>

      {agent.completionArgs && (
        <section aria-labelledby="agent-completion-heading">
          <Title order={3} size="h4" id="agent-completion-heading" mb="xs">
            Completion arguments
          </Title>
          <RawJson label="completion arguments JSON" value={agent.completionArgs} />
        </section>
      )}
    </Stack>
  );
}

export function GuardrailsSection({ agent }: { agent: AgentDetail }) {
  const policies = agent.guardrailPolicies;
  return (
    <section aria-labelledby="agent-guardrails-heading">
      <Title order={2} size="h3" id="agent-guardrails-heading" mb="sm">
        Guardrails
      </Title>
      {agent.guardrailState === 'unknown' && (
        <Alert color="gray" variant="light" mb="sm" title="Guardrail state unknown">
          The guardrails could not be read reliably at the last sync (see the data quality notes), so they are
          not counted as present or absent.
        </Alert>
      )}
      {policies.length === 0 ? (
        agent.guardrailState === 'unknown' ? null : (
          <Alert color="red" variant="light" title="No guardrails">
            This agent has no guardrail policy: nothing moderates its inputs or outputs.
          </Alert>
        )
      ) : (
        <Stack gap="md">
          {policies.map((p, i) => {
            const s = summarizePolicy(p);
            return (
              <Paper key={i} withBorder p="md">
                <Title order={3} size="h5" mb="xs">
                  Policy {i + 1}
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" component="dl" m={0}>
                  <Fact label="Action">
                    <Badge color={s.blocks ? 'green' : 'orange'} variant="light" size="sm" mr={6}>
                      {s.blocks ? 'blocking' : 'not blocking'}
                    </Badge>
                    <UntrustedText text={s.action} />
                  </Fact>
                  <Fact label="When moderation fails">
                    <Badge color={s.failOpen ? 'orange' : 'green'} variant="light" size="sm" mr={6}>
                      {s.failOpen ? 'fail-open' : 'fail-closed'}
                    </Badge>
                    <UntrustedText text={s.onError} />
                  </Fact>
                  <Fact label="Moderation model">
                    <UntrustedText text={s.moderationModel} />
                  </Fact>
                  <Fact label="Format">
                    <UntrustedText text={s.format} />
                  </Fact>
                </SimpleGrid>
                <Text size="sm" mt="sm">
                  {s.otherCategories}.
                </Text>
                <Table.ScrollContainer minWidth={320} mt="xs">
                  <Table aria-label={`Policy ${i + 1} categories`} verticalSpacing={4}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Category evaluated</Table.Th>
                        <Table.Th>Threshold</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {s.evaluated.map((c) => (
                        <Table.Tr key={c.name}>
                          <Table.Td>
                            <UntrustedText text={c.name} />
                          </Table.Td>
                          <Table.Td>{c.threshold}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {s.evaluated.length === 0 && (
                  <Text size="sm" c="red">
                    No category is evaluated.
                  </Text>
                )}
                {s.notEvaluated.length > 0 && (
                  <Text size="sm" c="dimmed" mt="xs" className="tl-wrap">
                    Not evaluated: {s.notEvaluated.join(', ')}
                  </Text>
                )}
              </Paper>
            );
          })}
        </Stack>
      )}
      {agent.guardrails && (
        <Stack mt="md" gap="xs">
          <RawJson label="guardrails JSON" value={agent.guardrails} />
        </Stack>
      )}
    </section>
  );
}

type FindingDetail = Schemas['FindingDetail'];

function FindingFix({ detail }: { detail: FindingDetail['remediationDetails'] }) {
  const body = detail.patchAgentBody ? JSON.stringify(detail.patchAgentBody, null, 2) : null;
  const [opened, { toggle }] = useDisclosure(false);
  return (
    <Stack gap="xs">
      {detail.consoleSteps.length > 0 && (
        <div>
          <Text size="sm" fw={600}>
            In the Mistral console
          </Text>
          <List type="ordered" size="sm" spacing={2}>
            {detail.consoleSteps.map((step, i) => (
              <List.Item key={i} className="tl-wrap">
                <UntrustedText text={step} />
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {body && (
        <div>
          <Group justify="space-between" gap="xs">
            <Text size="sm" fw={600}>
              Or through the API: PATCH /v1/agents/&#123;agent_id&#125;
            </Text>
            <Group gap="xs">
              <Button size="compact-xs" variant="subtle" onClick={toggle} aria-expanded={opened}>
                {opened ? 'Hide PATCH body' : 'Show PATCH body'}
              </Button>
              <CopyButton value={body}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
                    {copied ? 'Copied' : 'Copy PATCH body'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Group>
          <Collapse expanded={opened}>
            <Paper withBorder p="xs" mt={4}>
              <pre className="tl-pre">
                <UntrustedText text={body} />
              </pre>
            </Paper>
          </Collapse>
          <Text size="xs" c="dimmed" mt={2}>
            TrustLens never sends it; review it before applying it in your workspace.
          </Text>
        </div>
      )}
    </Stack>
  );
}

export function FindingsSection({ agent }: { agent: AgentDetail }) {
  // The console steps and the PATCH body are in the finding's detail (a few findings per agent).
  const details = useQueries({
    queries: agent.findings.map((f) => ({
      queryKey: ['finding', f.id],
      queryFn: () => unwrap(api.GET('/api/v1/findings/{id}', { params: { path: { id: f.id } } })),
    })),
  });
  return (
    <section aria-labelledby="agent-findings-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="agent-findings-heading">
          Findings
        </Title>
        <Anchor component={Link} to={agentFindingsPath(agent.integrationId, agent.id)} size="sm">
          All findings of this agent
        </Anchor>
      </Group>
      {agent.findings.length === 0 ? (
        <EmptyState title="No open findings">
          The rules found nothing to fix on this agent at the last sync.
        </EmptyState>
      ) : (
        <Stack gap="md">
          {agent.findings.map((f, i) => {
            const q = details[i];
            return (
              <Paper key={f.id} withBorder p="md" component="article" aria-labelledby={`finding-${f.id}`}>
                <Group gap="xs" mb={4}>
                  <SeverityBadge severity={f.severity} />
                  <FindingStatusBadge status={f.status} muted={f.muted} />
                  {f.lastStatus === 'UNKNOWN' && (
                    <Badge color="gray" variant="outline" title="The data needed to check was not available">
                      unknown
                    </Badge>
                  )}
                </Group>
                <Title order={3} size="h5" id={`finding-${f.id}`} className="tl-wrap">
                  <UntrustedText text={f.title} />
                </Title>
                <Text size="sm" mt={4} className="tl-wrap">
                  <UntrustedText text={f.detail} />
                </Text>
                <Text size="sm" mt="xs" fw={600}>
                  Remediation
                </Text>
                <Text size="sm" className="tl-wrap">
                  {f.remediation || 'No remediation text for this rule.'}
                </Text>
                <Stack mt="xs" gap="xs">
                  {q.isPending ? (
                    <Skeleton height={48} />
                  ) : q.error ? (
                    <ErrorState error={q.error} onRetry={() => void q.refetch()} />
                  ) : q.data ? (
                    <FindingFix detail={q.data.remediationDetails} />
                  ) : null}
                </Stack>
                <Group gap="md" mt="sm">
                  <Text size="xs" c="dimmed">
                    Rule {f.ruleId} · first seen {formatDateTime(f.firstSeenAt)} · last seen{' '}
                    {formatDateTime(f.lastSeenAt)}
                  </Text>
                  <Anchor
                    component={Link}
                    to={`${agentFindingsPath(agent.integrationId, agent.id)}&finding=${encodeURIComponent(f.id)}`}
                    size="xs"
                  >
                    Open in Findings
                  </Anchor>
                </Group>
              </Paper>
            );
          })}
        </Stack>
      )}
    </section>
  );
}

const EVENT_LABEL: Record<string, string> = {
  resource_created: 'created',
  resource_deleted: 'deleted',
  agent_changed: 'changed',
  guardrails_removed: 'guardrails removed',
  guardrails_weakened: 'guardrails weakened',
  alias_moved: 'alias moved',
  model_newly_deprecated: 'model deprecated',
};

export function EventsSection({ agent }: { agent: AgentDetail }) {
  return (
    <section aria-labelledby="agent-events-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="agent-events-heading">
          Change events
        </Title>
        <Text size="sm" c="dimmed">
          The 20 most recent
        </Text>
      </Group>
      {agent.events.length === 0 ? (
        <EmptyState title="No change events">
          No change to this agent was seen since TrustLens first synced it.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Change events" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Type</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>What changed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {agent.events.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Badge variant="light" color={e.type.startsWith('guardrails') ? 'red' : 'gray'} tt="none">
                      {EVENT_LABEL[e.type] ?? e.type}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top', whiteSpace: 'nowrap' }}>
                    {formatDateTime(e.at)}
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Text size="sm" className="tl-wrap">
                      <UntrustedText text={e.summary} />
                    </Text>
                    {e.changes && e.changes.length > 0 && (
                      <Stack gap={4} mt={4}>
                        {e.changes.map((c, i) => (
                          <Text key={i} size="xs" className="tl-wrap" lineClamp={4}>
                            <Code>{c.field}</Code> <UntrustedText text={shortValue(c.before)} /> →{' '}
                            <UntrustedText text={shortValue(c.after)} />
                          </Text>
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}

function shortValue(v: unknown): string {
  const t = valueText(v).replace(/\s+/g, ' ');
  return t.length > 160 ? `${t.slice(0, 157)}…` : t;
}
