/**
 * The product document's feature availability matrix (API key only / + beta access), with a column
 * for this workspace's actual state as the last finished sync saw it: available, not available, or
 * unknown, each with its reason and what to do.
 */
import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { extraFeatureState, featureState, type CellState, type FeatureAvailability } from './helpers';
import { availabilityKey, getAvailability } from './queries';
import { TableScroll } from './table-scroll';

const STATE_COLOR: Record<CellState, string> = {
  available: 'green',
  'not available': 'orange',
  unknown: 'gray',
};

function YesNo({ yes }: { yes: boolean }) {
  return <Text size="sm">{yes ? 'Yes' : 'No'}</Text>;
}

function betaLine(a: FeatureAvailability): string {
  if (a.betaAccess === true) return 'This workspace has Mistral beta API access.';
  if (a.betaAccess === false)
    return 'This workspace does not have Mistral beta API access: agent features are not available. Contact Mistral support to request it.';
  return a.syncRunId
    ? 'Whether this workspace has Mistral beta API access is unknown: the last sync could not tell.'
    : 'Whether this workspace has Mistral beta API access is unknown until a sync has finished.';
}

export function AvailabilityMatrix({ integrationId }: { integrationId: string }) {
  const query = useQuery({
    queryKey: availabilityKey(integrationId),
    queryFn: () => getAvailability(integrationId),
  });

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="availability-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="availability-heading">
          Feature availability
        </Title>
        {query.isPending ? (
          <Loading rows={6} label="Loading the feature availability" />
        ) : query.error ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <>
            <Text size="sm">
              {betaLine(query.data)}
              {query.data.checkedAt && (
                <Text span size="sm" c="dimmed">
                  {' '}
                  Checked by the sync that finished {formatDateTime(query.data.checkedAt)}.
                </Text>
              )}
            </Text>
            <TableScroll>
              <Table verticalSpacing="xs" miw={460} aria-label="Feature availability">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Feature</Table.Th>
                    <Table.Th scope="col">API key only</Table.Th>
                    <Table.Th scope="col">+ Beta access</Table.Th>
                    <Table.Th scope="col">This workspace</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {query.data.features.map((row) => {
                    const s = featureState(row);
                    return (
                      <Table.Tr key={row.feature}>
                        <Table.Th scope="row" fw={500}>
                          <Text size="sm" fw={600}>
                            {row.label}
                          </Text>
                          <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
                            {row.endpoints.join(', ')}
                          </Text>
                        </Table.Th>
                        <Table.Td>
                          <YesNo yes={row.apiKeyOnly} />
                        </Table.Td>
                        <Table.Td>
                          <YesNo yes={row.withBetaAccess} />
                        </Table.Td>
                        <Table.Td maw={360}>
                          <Badge color={STATE_COLOR[s.state]} variant="light">
                            {s.state}
                          </Badge>
                          {s.reason && (
                            <Text size="xs" className="tl-wrap" mt={4}>
                              {s.reason}
                            </Text>
                          )}
                          {s.remediation && (
                            <Text size="xs" c="dimmed" className="tl-wrap">
                              {s.remediation}
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </TableScroll>
            <ExtraRows rows={query.data.extraFeatures ?? []} checkedAt={query.data.extraCheckedAt ?? null} />
          </>
        )}
      </Stack>
    </Paper>
  );
}

const NEEDS: Record<ExtraRow['needs'], string> = { apiKey: 'API key', adminKey: 'Admin key' };
type ExtraRow = FeatureAvailability['extraFeatures'][number];

/**
 * What TrustLens reads beyond the product document's matrix (connectors, library sharing, and what the
 * optional admin key reads), with the key each needs and this workspace's state.
 */
function ExtraRows({ rows, checkedAt }: { rows: ExtraRow[]; checkedAt: string | null }) {
  if (rows.length === 0) return null;
  return (
    <>
      <Title order={3} size="h5" mt="sm" id="availability-extra-heading">
        Beyond the product document
      </Title>
      <Text size="sm" c="dimmed">
        Connectors and library sharing are read with the integration&apos;s key; the organization (keys,
        members, audit log, rate limit, usage and cost) only with an optional admin key.
        {checkedAt && <> As the sync of {formatDateTime(checkedAt)} saw them.</>}
      </Text>
      <TableScroll>
        <Table verticalSpacing="xs" miw={460} aria-labelledby="availability-extra-heading">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Feature</Table.Th>
              <Table.Th scope="col">Needs</Table.Th>
              <Table.Th scope="col">This workspace</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const s = extraFeatureState(row);
              return (
                <Table.Tr key={row.feature}>
                  <Table.Th scope="row" fw={500}>
                    <Text size="sm" fw={600}>
                      {row.label}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
                      {row.endpoints.join(', ')}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <Text size="sm">{NEEDS[row.needs]}</Text>
                    {row.note && (
                      <Text size="xs" c="dimmed">
                        {row.note}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td maw={360}>
                    <Badge color={STATE_COLOR[s.state]} variant="light">
                      {s.state}
                    </Badge>
                    {s.reason && (
                      <Text size="xs" className="tl-wrap" mt={4}>
                        {s.reason}
                      </Text>
                    )}
                    {s.remediation && (
                      <Text size="xs" c="dimmed" className="tl-wrap">
                        {s.remediation}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </>
  );
}
