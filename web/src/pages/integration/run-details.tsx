/**
 * A finished sync run's counts (unknown where a feature was not read, never 0) and its per-feature
 * errors with their remediation. Shared by the latest-sync panel and the history's expanded rows.
 */
import { Badge, Group, List, SimpleGrid, Stack, Text } from '@mantine/core';
import { formatNumber } from '../../lib/format';
import { FEATURE_LABEL, isInProgress, runCounts, type SyncRun } from './helpers';
import { UntrustedText } from '../../components/untrusted-text';

export function RunCounts({ run }: { run: SyncRun }) {
  const counts = runCounts(run);
  return (
    <SimpleGrid cols={4} spacing="xs" verticalSpacing="xs" miw={0}>
      {counts.map((c) => (
        <Stack key={c.type} gap={0}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {c.label}
          </Text>
          {c.count === null ? (
            <Text size="sm" title={c.reason ?? undefined}>
              unknown{' '}
              <Text span size="xs" c="dimmed">
                ({c.reason})
              </Text>
            </Text>
          ) : (
            <Text size="lg" fw={600}>
              {formatNumber(c.count)}
            </Text>
          )}
        </Stack>
      ))}
    </SimpleGrid>
  );
}

export function RunErrors({ run }: { run: SyncRun }) {
  if (run.errors.length === 0) {
    return isInProgress(run.status) ? null : (
      <Text size="sm" c="dimmed">
        No feature reported an error.
      </Text>
    );
  }
  return (
    <List spacing="sm" size="sm" listStyleType="none" aria-label="Errors of this sync">
      {run.errors.map((e, i) => (
        <List.Item key={`${e.feature}-${i}`}>
          <Stack gap={2}>
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {FEATURE_LABEL[e.feature] ?? e.feature}
              </Text>
              <Badge size="xs" variant="outline" color="gray">
                {e.code}
              </Badge>
            </Group>
            <Text size="sm" className="tl-wrap">
              <UntrustedText text={e.message} />
            </Text>
            {e.remediation && (
              <Text size="sm" c="dimmed" className="tl-wrap">
                <UntrustedText text={`What to do: ${e.remediation}`} />
              </Text>
            )}
          </Stack>
        </List.Item>
      ))}
    </List>
  );
}
