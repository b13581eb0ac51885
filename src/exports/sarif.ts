/**
 * SARIF 2.1.0 export (issue 12): one run; tool.driver is TrustLens with one reportingDescriptor per
 * rule of the catalog; one result per finding of the scan report. docs/exports.md says what maps to
 * what and how to upload it to GitHub code scanning; test/export-sarif.test.ts validates the output
 * against the vendored OASIS schema (schemas/sarif-2.1.0).
 *
 * - FAIL: kind "fail", level from the rule's severity.
 * - UNKNOWN: kind "open" (SARIF §3.27.9: the tool could not decide whether the problem is there) and
 *   level "none", as §3.27.10 requires for any kind other than "fail". Never "pass", never a warning.
 * - A report that is partial or failed gives invocations[0].executionSuccessful false, with one
 *   toolExecutionNotification per error of the report.
 * - Locations: a logicalLocation naming the resource, and a physicalLocation whose URI is the
 *   resource's address in the Mistral API (relative to the uriBaseId MISTRAL_WORKSPACE, which
 *   originalUriBaseIds resolves to the workspace's base URL): it is not a file in a repository.
 */
import type { RuleMeta, Severity } from '../findings/types.ts';
import { muteInForce } from '../findings/mute.ts';
import { RULES } from '../rules/catalog.ts';
import { FRAMEWORKS, requirementTitle } from '../rules/frameworks/index.ts';
import type { ScanFinding, ScanReport } from './scan-report.ts';
import { findingUid, type ExportContext, type Renderer } from './types.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const WORKSPACE_URI_BASE_ID = 'MISTRAL_WORKSPACE';
/** partialFingerprints key: the finding's stable uid (findingUid), versioned as SARIF recommends. */
export const FINGERPRINT_KEY = 'trustlensFindingUid/v1';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning's security-severity (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9). */
const SECURITY_SEVERITY: Record<Severity, string | null> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: null,
};

/** Path of each resource type in the Mistral API, relative to the workspace's base URL. */
const API_PATH: Record<Exclude<ScanFinding['resourceType'], 'integration'>, string> = {
  agent: 'v1/agents',
  model: 'v1/models',
  file: 'v1/files',
  library: 'v1/libraries',
};

const RESOURCE_LABEL: Record<ScanFinding['resourceType'], string> = {
  agent: 'Agent',
  model: 'Model',
  file: 'File',
  library: 'Library',
  integration: 'Workspace',
};

/** SARIF §3.11.6: a literal bracket in a plain-text message is escaped, so it never forms an embedded link. */
const escapeMessage = (text: string): string => text.replace(/[[\]]/g, '\\$&');

const pascal = (id: string): string =>
  id
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

function complianceTags(meta: RuleMeta): string[] {
  return meta.compliance.map((r) => `${r.framework}/${r.id}`);
}

function helpText(meta: RuleMeta): { text: string; markdown: string } {
  const refs = meta.compliance.map((r) => {
    const title = requirementTitle(r);
    return `${FRAMEWORKS[r.framework].name} ${r.id}${title ? ` (${title})` : ''}`;
  });
  const steps = meta.remediation.consoleSteps ?? [];
  const body = meta.remediation.patchAgentBody;
  const text = [
    meta.description,
    `Risk: ${meta.risk}`,
    `Remediation: ${meta.remediation.text}`,
    ...(steps.length > 0 ? [`Console steps: ${steps.map((s, i) => `${i + 1}. ${s}`).join(' ')}`] : []),
    ...(body ? [`PATCH /v1/agents/{agent_id} body (TrustLens never sends it): ${JSON.stringify(body)}`] : []),
    ...(meta.references.length > 0 ? [`References: ${meta.references.join(' ')}`] : []),
    ...(refs.length > 0 ? [`Compliance: ${refs.join('; ')}`] : []),
  ].join('\n\n');
  const markdown = [
    meta.description,
    `**Risk.** ${meta.risk}`,
    `**Remediation.** ${meta.remediation.text}`,
    ...(steps.length > 0 ? [steps.map((s, i) => `${i + 1}. ${s}`).join('\n')] : []),
    ...(body
      ? [
          'Ready body for `PATCH /v1/agents/{agent_id}` (TrustLens never sends it):',
          '```json\n' + JSON.stringify(body, null, 2) + '\n```',
        ]
      : []),
    ...(meta.references.length > 0
      ? ['**References**', meta.references.map((u) => `- <${u}>`).join('\n')]
      : []),
    ...(refs.length > 0 ? ['**Compliance**', refs.map((r) => `- ${r}`).join('\n')] : []),
  ].join('\n\n');
  return { text, markdown };
}

function descriptor(meta: RuleMeta): JsonObject {
  const securitySeverity = SECURITY_SEVERITY[meta.severity];
  return {
    id: meta.id,
    name: pascal(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: helpText(meta),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      // GitHub shows the first 10 tags (and rejects more than 20): compliance first.
      tags: ['security', ...complianceTags(meta), 'ai-security', 'mistral', meta.resourceType],
      precision: 'high',
      severity: meta.severity,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
    },
  };
}

function location(report: ScanReport, finding: ScanFinding, context: ExportContext): JsonObject {
  const id = encodeURIComponent(finding.resourceId);
  const integration = finding.resourceType === 'integration';
  const uri = integration ? 'v1' : `${API_PATH[finding.resourceType as keyof typeof API_PATH]}/${id}`;
  const qualified = integration
    ? 'workspace'
    : `workspace/${API_PATH[finding.resourceType as keyof typeof API_PATH].slice(3)}/${finding.resourceId}`;
  const name = integration
    ? (context.integration?.name ?? report.source.baseUrl)
    : (finding.resourceName ?? finding.resourceId);
  return {
    physicalLocation: { artifactLocation: { uri, uriBaseId: WORKSPACE_URI_BASE_ID } },
    logicalLocations: [{ name, fullyQualifiedName: qualified, kind: 'resource' }],
  };
}

export const renderSarif: Renderer = (report, context) => {
  const rules = RULES.map((r) => r.meta);
  const index = new Map(rules.map((m, i) => [m.id, i]));
  const descriptors = rules.map(descriptor);
  // A finding of a rule that is not in the catalog (not expected) still gets a descriptor.
  for (const f of report.findings) {
    if (index.has(f.ruleId)) continue;
    index.set(f.ruleId, descriptors.length);
    descriptors.push({
      id: f.ruleId,
      name: pascal(f.ruleId),
      shortDescription: { text: f.title },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: { tags: ['security'], severity: f.severity },
    });
  }

  const results = report.findings.map((finding): JsonObject => {
    const uid = findingUid(report, finding, context);
    const life = context.lifecycle?.(finding);
    // A mute whose expiry has passed when the export is made no longer suppresses the finding.
    const mute = life?.mute && muteInForce(life.mute, context.exportedAt) ? life.mute : null;
    const unknown = finding.status === 'UNKNOWN';
    const who = `${RESOURCE_LABEL[finding.resourceType]} ${
      finding.resourceName !== null ? `"${finding.resourceName}" (${finding.resourceId})` : finding.resourceId
    }`;
    const text = unknown
      ? `Not evaluated (UNKNOWN): ${finding.title}. ${who}: ${finding.detail}`
      : `${finding.title}. ${who}: ${finding.detail}`;
    return {
      ruleId: finding.ruleId,
      ruleIndex: index.get(finding.ruleId)!,
      kind: unknown ? 'open' : 'fail',
      level: unknown ? 'none' : LEVEL[finding.severity],
      message: { text: escapeMessage(text) },
      locations: [location(report, finding, context)],
      partialFingerprints: { [FINGERPRINT_KEY]: uid },
      fingerprints: { [FINGERPRINT_KEY]: uid },
      ...(mute
        ? {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: mute.reason,
                properties: { mutedBy: mute.by, mutedAt: mute.at, expiresAt: mute.expiresAt },
              },
            ],
          }
        : {}),
      properties: {
        verdict: finding.status,
        severity: finding.severity,
        resourceType: finding.resourceType,
        resourceId: finding.resourceId,
        resourceName: finding.resourceName,
        remediation: finding.remediation,
        ...(finding.evidence ? { evidence: finding.evidence as Json } : {}),
        ...(life ? { firstSeenAt: life.firstSeenAt, lastSeenAt: life.lastSeenAt } : {}),
      },
    };
  });

  const succeeded = report.status === 'succeeded';
  const notifications: JsonObject[] = report.errors.map((e) => ({
    level: 'error',
    message: { text: escapeMessage(`${e.message} Remediation: ${e.remediation}`) },
    descriptor: { id: e.code },
    properties: { feature: e.feature, code: e.code, remediation: e.remediation },
  }));
  if (!succeeded && notifications.length === 0) {
    notifications.push({
      level: 'error',
      message: { text: `The scan is ${report.status}: some of the workspace could not be read.` },
    });
  }
  const workspaceBase = report.source.baseUrl.endsWith('/')
    ? report.source.baseUrl
    : `${report.source.baseUrl}/`;
  const simulatedNote =
    'This scan read the built-in simulated workspace of TrustLens, not a real Mistral workspace.';

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'TrustLens',
            version: context.tool.version,
            semanticVersion: context.tool.version,
            ...(context.tool.informationUri ? { informationUri: context.tool.informationUri } : {}),
            rules: descriptors,
          },
        },
        automationDetails: {
          description: {
            text: `TrustLens scan of the Mistral workspace ${report.source.baseUrl}${context.simulated ? ' (simulated)' : ''}.`,
          },
        },
        invocations: [
          {
            executionSuccessful: succeeded,
            endTimeUtc: report.generatedAt,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
            ...(context.simulated
              ? { toolConfigurationNotifications: [{ level: 'note', message: { text: simulatedNote } }] }
              : {}),
            properties: { reportStatus: report.status },
          },
        ],
        originalUriBaseIds: {
          [WORKSPACE_URI_BASE_ID]: {
            uri: workspaceBase,
            description: {
              text: 'The Mistral workspace TrustLens read. Locations under it are API addresses of workspace resources (agents, models, files, libraries), not files in a repository.',
            },
          },
        },
        results,
        properties: {
          workspace: report.source.baseUrl,
          reportGeneratedAt: report.generatedAt,
          exportedAt: context.exportedAt.toISOString(),
          reportStatus: report.status,
          simulated: context.simulated === true,
          ...(context.integration
            ? { integration: { id: context.integration.id, name: context.integration.name } }
            : {}),
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};
