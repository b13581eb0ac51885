/**
 * "Export" menu of one integration: each entry is a plain download link to
 * GET /api/v1/integrations/{id}/export?format=… (the session cookie authenticates GETs; the server answers
 * with an attachment built from the latest sync). No script builds the file, so nothing of it is held in
 * the page.
 */
import { Button, Menu, Text, Tooltip } from '@mantine/core';
import type { paths } from '../api/schema';

export type ExportFormat = NonNullable<
  NonNullable<paths['/api/v1/integrations/{id}/export']['get']['parameters']['query']>['format']
>;

export const EXPORT_FORMATS: { format: ExportFormat; label: string; description: string }[] = [
  { format: 'json', label: 'JSON scan report', description: 'The full scan JSON (docs/scan-json.md).' },
  { format: 'ocsf', label: 'OCSF', description: 'OCSF 1.8 Detection Findings, for a SIEM or data lake.' },
  { format: 'sarif', label: 'SARIF', description: 'SARIF 2.1.0, for code-scanning dashboards.' },
  { format: 'csv', label: 'CSV', description: 'One finding per row, for a spreadsheet.' },
  { format: 'cyclonedx', label: 'CycloneDX AI-BOM', description: 'CycloneDX 1.6: the agents and models.' },
  { format: 'html', label: 'HTML report', description: 'A self-contained report to read or print.' },
];

export function exportHref(integrationId: string, format: ExportFormat): string {
  return `/api/v1/integrations/${encodeURIComponent(integrationId)}/export?format=${format}`;
}

export function ExportMenu({
  integrationId,
  integrationName,
  unavailable,
}: {
  integrationId: string;
  /** Named in the menu when the page is not the integration's own. */
  integrationName?: string;
  /** Why there is nothing to export yet (e.g. never synced): the button is disabled and says so. */
  unavailable?: string;
}) {
  if (unavailable)
    return (
      <Tooltip label={unavailable}>
        <span>
          <Button variant="default" disabled aria-label={`Export: ${unavailable}`}>
            Export
          </Button>
        </span>
      </Tooltip>
    );
  return (
    <Menu position="bottom-end" width={320} withinPortal>
      <Menu.Target>
        <Button variant="default">Export</Button>
      </Menu.Target>
      <Menu.Dropdown aria-label="Export formats">
        <Menu.Label className="tl-wrap">
          {integrationName ? `${integrationName}: the latest sync, as a file` : 'The latest sync, as a file'}
        </Menu.Label>
        {EXPORT_FORMATS.map((f) => (
          <Menu.Item
            key={f.format}
            component="a"
            href={exportHref(integrationId, f.format)}
            download
            aria-label={`${f.label}: ${f.description}`}
          >
            <Text size="sm" fw={500}>
              {f.label}
            </Text>
            <Text size="xs" c="dimmed">
              {f.description}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
