/**
 * The agent's usage: totals, tool calls, and runs and conversations per day over the last 90 days
 * (recharts). Unavailable usage is said to be unknown and why; token usage is not in the Mistral API.
 */
import { Alert, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDateTime, formatNumber } from '../../lib/format';
import { fillDays } from './detail-model';
import type { AgentDetail } from './detail-sections';
import { UntrustedText } from '../../components/untrusted-text';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="lg" fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

const TOKEN_NOTE = 'Token usage: not available from the Mistral API.';

export function UsageSection({ agent }: { agent: AgentDetail }) {
  const usage = agent.usage;
  const series = useMemo(
    () => (agent.usageDaily ? fillDays(agent.usageDaily, new Date()) : null),
    [agent.usageDaily],
  );

  if (!usage) {
    return (
      <section aria-labelledby="agent-usage-heading">
        <Title order={2} size="h3" id="agent-usage-heading" mb="sm">
          Usage
        </Title>
        <Alert color="gray" variant="light" title="Usage unknown">
          Usage is unavailable for this agent: agents need conversation activity, and the conversations must
          be readable with the integration’s key. It is shown as unknown, not as zero.
        </Alert>
        <Text size="sm" c="dimmed" mt="sm">
          {TOKEN_NOTE}
        </Text>
      </section>
    );
  }

  const d90 = usage.last90Days;
  const totalRuns90 = series?.reduce((n, d) => n + d.runs, 0) ?? 0;
  const totalConv90 = series?.reduce((n, d) => n + d.conversations, 0) ?? 0;
  const functions = Object.entries(d90.functionCallsByName).sort((a, b) => b[1] - a[1]);

  return (
    <Stack gap="lg">
      <section aria-labelledby="agent-usage-heading">
        <Title order={2} size="h3" id="agent-usage-heading" mb="sm">
          Usage
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <Stat
            label="Runs (30 days)"
            value={agent.runs30d === null ? 'unknown' : formatNumber(agent.runs30d)}
          />
          <Stat label="Runs (90 days)" value={formatNumber(d90.totalRuns)} />
          <Stat label="Conversations (90 days)" value={formatNumber(d90.totalConversations)} />
          <Stat
            label="Mean latency (90 days)"
            value={d90.avgLatencyMs === null ? 'unknown' : `${formatNumber(Math.round(d90.avgLatencyMs))} ms`}
          />
          <Stat label="Runs (all time)" value={formatNumber(usage.totalRuns)} />
          <Stat label="Conversations (all time)" value={formatNumber(usage.totalConversations)} />
          <Stat
            label="Last activity"
            value={usage.lastActivityAt ? formatDateTime(usage.lastActivityAt) : 'none'}
          />
          <Stat label="Tokens" value="not available" />
        </SimpleGrid>
        <Text size="sm" c="dimmed" mt="xs">
          {TOKEN_NOTE}
        </Text>
      </section>

      {series && (
        <section aria-labelledby="agent-usage-daily-heading">
          <Title order={3} size="h4" id="agent-usage-daily-heading" mb="xs">
            Runs and conversations per day
          </Title>
          {totalRuns90 === 0 && totalConv90 === 0 && (
            <Text size="sm" c="dimmed" mb="xs">
              No runs or conversations in the last 90 days.
            </Text>
          )}
          <div
            role="img"
            aria-label={`Runs and conversations per day over the last 90 days: ${totalRuns90} runs and ${totalConv90} conversations in all.`}
            style={{ width: '100%', height: 260 }}
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
                <XAxis
                  dataKey="day"
                  tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
                  tickFormatter={(d: string) => d.slice(5)}
                  minTickGap={24}
                />
                <YAxis
                  allowDecimals={false}
                  tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
                  width={40}
                />
                <Tooltip
                  contentStyle={{
                    background: 'var(--mantine-color-body)',
                    border: '1px solid var(--mantine-color-default-border)',
                  }}
                />
                <Legend />
                <Bar dataKey="runs" name="Runs" fill="var(--mantine-color-blue-filled)" />
                <Bar dataKey="conversations" name="Conversations" fill="var(--mantine-color-teal-filled)" />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      )}

      <section aria-labelledby="agent-usage-tools-heading">
        <Title order={3} size="h4" id="agent-usage-tools-heading" mb="xs">
          Tool calls (90 days)
        </Title>
        <Table.ScrollContainer minWidth={360}>
          <Table aria-label="Tool calls in the last 90 days" verticalSpacing={4} maw={560}>
            <Table.Tbody>
              {(
                [
                  ['Code interpreter', d90.codeInterpreterCalls],
                  ['File search', d90.fileSearchCalls],
                  ['Web search', d90.webSearchCalls],
                  ['Image generation', d90.imageGenerationCalls],
                  ['Function calls', d90.functionCalls],
                ] as const
              ).map(([label, n]) => (
                <Table.Tr key={label}>
                  <Table.Th scope="row">{label}</Table.Th>
                  <Table.Td style={{ textAlign: 'right' }}>{formatNumber(n)}</Table.Td>
                </Table.Tr>
              ))}
              {functions.map(([name, n]) => (
                <Table.Tr key={`fn-${name}`}>
                  <Table.Th scope="row" fw={400} className="tl-wrap">
                    function <UntrustedText text={name} />
                  </Table.Th>
                  <Table.Td style={{ textAlign: 'right' }}>{formatNumber(n)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </section>
    </Stack>
  );
}
