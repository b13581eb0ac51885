/**
 * Files of the workspace (fine-tuning, batch, OCR, …): name, size, purpose, creation, sample type and
 * source, and what Mistral says of their lines, type and expiry. The Files API does not say which
 * document library holds a file, so no library is shown here (see the Libraries page).
 */
import { Badge, Group, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';
import { Page } from '../components/page';
import { EmptyState, QueryState } from '../components/states';
import { formatDate, formatDateTime, formatNumber } from '../lib/format';
import { fileSearchFields, formatBytes, matchesSearch } from './inventory/format';
import { collectPages } from './inventory/pages';
import { IntegrationFilter, useIntegrationName, useIntegrations, useUrlState } from './inventory/shared';
import { clampChars, UntrustedText } from '../components/untrusted-text';
import { revealText } from '../lib/untrusted-text';

type FileItem = Schemas['File'];

export function FilesPage() {
  const { params, update } = useUrlState();
  const integrationId = params.get('integrationId');
  const includeDeleted = params.get('deleted') === '1';
  const q = params.get('q') ?? '';

  const files = useQuery({
    queryKey: ['files', { integrationId, includeDeleted, all: true }],
    queryFn: () =>
      collectPages((cursor) =>
        unwrap(
          api.GET('/api/v1/files', {
            params: {
              query: {
                cursor,
                limit: 500,
                ...(integrationId ? { integrationId } : {}),
                ...(includeDeleted ? { includeDeleted: 'true' as const } : {}),
              },
            },
          }),
        ),
      ),
  });
  const integrationName = useIntegrationName();
  const integrations = useIntegrations();
  const several = !integrationId && (integrations.data?.length ?? 0) > 1;

  return (
    <Page
      title="Files"
      description="Files uploaded to the workspace: fine-tuning data, batch input, OCR documents."
    >
      <Group align="flex-end" gap="md" wrap="wrap">
        <IntegrationFilter value={integrationId} onChange={(v) => update({ integrationId: v })} />
        <TextInput
          label="Search files"
          placeholder="Name, id, purpose, source"
          value={q}
          onChange={(e) => update({ q: e.currentTarget.value })}
          w={260}
        />
        <Switch
          label="Include deleted"
          checked={includeDeleted}
          onChange={(e) => update({ deleted: e.currentTarget.checked ? '1' : null })}
          mb={8}
        />
      </Group>
      <QueryState query={files} rows={8}>
        {(all) => {
          if (all.length === 0)
            return (
              <EmptyState title="No files">
                No file has been discovered for this scope. Files are listed by a sync: run one from the
                integration’s page, and check that the API key can list files.
              </EmptyState>
            );
          const shown = all.filter((f) => matchesSearch(q, fileSearchFields(f)));
          return (
            <Stack gap="xs">
              <Text size="sm" c="dimmed" aria-live="polite">
                {shown.length === all.length
                  ? `${all.length} file${all.length === 1 ? '' : 's'}`
                  : `${shown.length} of ${all.length} files match “${q}”`}
              </Text>
              {shown.length === 0 ? (
                <EmptyState title="No file matches this search" />
              ) : (
                <div className="tl-table-scroll">
                  <Table aria-label="Files" striped verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>File</Table.Th>
                        {several && <Table.Th>Integration</Table.Th>}
                        <Table.Th>Size</Table.Th>
                        <Table.Th>Purpose</Table.Th>
                        <Table.Th>Created</Table.Th>
                        <Table.Th>Sample type / source</Table.Th>
                        <Table.Th>Lines</Table.Th>
                        <Table.Th>Expires</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {shown.map((f) => (
                        <FileRow
                          key={`${f.integrationId}/${f.id}`}
                          file={f}
                          integration={several ? integrationName(f.integrationId) : null}
                        />
                      ))}
                    </Table.Tbody>
                  </Table>
                </div>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </Page>
  );
}

function FileRow({ file: f, integration }: { file: FileItem; integration: string | null }) {
  return (
    <Table.Tr>
      <Table.Td maw={340}>
        <Stack gap={2}>
          <Text size="sm" fw={500} className="tl-wrap" lineClamp={3} title={revealText(f.filename)}>
            <UntrustedText maxChars={clampChars(3)} text={f.filename} />
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" className="tl-wrap">
            {f.id}
          </Text>
          <Group gap={4}>
            {f.mimetype && (
              <Badge variant="default" size="xs" tt="none">
                {f.mimetype}
              </Badge>
            )}
            {f.visibility && (
              <Badge variant="default" size="xs" tt="none">
                {f.visibility}
              </Badge>
            )}
            {f.deletedAt && (
              <Badge variant="default" size="xs">
                deleted {formatDate(f.deletedAt)}
              </Badge>
            )}
            {f.dataQuality.length > 0 && (
              <Tooltip label={f.dataQuality.map((d) => d.issue).join('; ')} multiline w={300}>
                <Badge color="yellow" variant="light" size="xs" tabIndex={0}>
                  data quality: {f.dataQuality.length}
                </Badge>
              </Tooltip>
            )}
          </Group>
        </Stack>
      </Table.Td>
      {integration !== null && (
        <Table.Td>
          <Text size="sm" className="tl-wrap">
            <UntrustedText text={integration} />
          </Text>
        </Table.Td>
      )}
      <Table.Td>
        <Text size="sm" title={`${formatNumber(f.sizeBytes)} bytes`}>
          {formatBytes(f.sizeBytes)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{f.purpose}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{f.createdAt ? formatDateTime(f.createdAt) : 'unknown'}</Text>
      </Table.Td>
      <Table.Td maw={220}>
        <Text size="sm" className="tl-wrap">
          <UntrustedText text={f.sampleType} fallback="unknown" /> /{' '}
          <UntrustedText text={f.source} fallback="unknown" />
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{f.numLines === null ? 'unknown' : formatNumber(f.numLines)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{f.expiresAt ? formatDateTime(f.expiresAt) : 'not set'}</Text>
      </Table.Td>
    </Table.Tr>
  );
}
