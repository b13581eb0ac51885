/**
 * A running sync's progress per resource type: each feature's state (a badge with its word — the colour
 * and mark only repeat it) and what it has read so far, as the server reports it while the sync runs.
 */
import { Badge, Loader, Table, Text } from '@mantine/core';
import {
  PROGRESS_LABEL,
  STATE_COLOR,
  STATE_LABEL,
  STATE_MARK,
  progressNote,
  progressSummary,
  progressText,
  type FeatureProgress,
} from './sync-progress';

function StateBadge({ state }: { state: FeatureProgress['state'] }) {
  return (
    <Badge
      color={STATE_COLOR[state]}
      variant="light"
      leftSection={
        state === 'running' ? (
          <Loader size={10} color="blue" aria-hidden />
        ) : (
          <span aria-hidden="true">{STATE_MARK[state]}</span>
        )
      }
      miw={104}
    >
      {STATE_LABEL[state]}
    </Badge>
  );
}

export function FeatureProgressTable({ features }: { features: readonly FeatureProgress[] }) {
  if (features.length === 0) return null;
  return (
    <div>
      <Text size="sm" fw={600} mb={4}>
        Resource types: {progressSummary(features)}
      </Text>
      <Table
        aria-label="Progress per resource type"
        withRowBorders={false}
        verticalSpacing={4}
        horizontalSpacing="xs"
        layout="fixed"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="34%">Resource type</Table.Th>
            <Table.Th w={128}>State</Table.Th>
            <Table.Th>Read so far</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {features.map((f) => {
            const note = progressNote(f);
            return (
              <Table.Tr key={f.feature}>
                <Table.Th scope="row" fw={500}>
                  {PROGRESS_LABEL[f.feature] ?? f.feature}
                </Table.Th>
                <Table.Td>
                  <StateBadge state={f.state} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={f.state === 'pending' ? 'dimmed' : undefined}>
                    {progressText(f)}
                  </Text>
                  {note && (
                    <Text size="xs" c="dimmed">
                      {note}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}
