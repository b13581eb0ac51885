/**
 * OCSF 1.8.0 export (issue 12): one Detection Finding event (class_uid 2004, category_uid 2) per
 * finding of the scan report (FAIL or UNKNOWN; the report has no PASS findings), as a JSON array.
 * docs/exports.md says what maps to what and why; test/export-ocsf.test.ts validates the output
 * against the vendored OCSF sources (schemas/ocsf-1.8.0).
 *
 * UNKNOWN is neither a failure nor a pass: severity_id 0 (Unknown), confidence_id 0 (Unknown),
 * is_alert false, status_code "UNKNOWN" and a status_detail saying the check could not be evaluated.
 */
import type { FrameworkRef, RuleMeta, Severity } from '../findings/types.ts';
import { muteInForce } from '../findings/mute.ts';
import { getRule } from '../rules/catalog.ts';
import { FRAMEWORKS } from '../rules/frameworks/index.ts';
import type { ScanFinding } from './scan-report.ts';
import { findingUid, type Renderer } from './types.ts';

export const OCSF_VERSION = '1.8.0';

const CLASS_UID = 2004;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY: Record<Severity, { id: number; caption: string }> = {
  critical: { id: 5, caption: 'Critical' },
  high: { id: 4, caption: 'High' },
  medium: { id: 3, caption: 'Medium' },
  low: { id: 2, caption: 'Low' },
  info: { id: 1, caption: 'Informational' },
};

const RESOURCE_TYPE: Record<ScanFinding['resourceType'], string> = {
  agent: 'Mistral Agent',
  model: 'Mistral Model',
  file: 'Mistral File',
  library: 'Mistral Library',
  integration: 'Mistral Workspace',
};

const FAIL_DETAIL = 'FAIL: the check was evaluated on the workspace data and failed.';
const UNKNOWN_DETAIL =
  'UNKNOWN: the check could not be evaluated because the data it needs was not available; this is neither a failure nor a pass.';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ms = (iso: string): number => Date.parse(iso);

/** The ATLAS references as OCSF attacks (technique, or sub-technique with its parent technique). */
function attacksOf(refs: readonly FrameworkRef[]): JsonObject[] {
  return refs
    .filter((r) => r.framework === 'mitre-atlas')
    .map((r): JsonObject => {
      const parts = r.id.split('.');
      const technique = parts.slice(0, 2).join('.');
      const url = (id: string) => `https://atlas.mitre.org/techniques/${id}`;
      return parts.length > 2
        ? {
            technique: { uid: technique, src_url: url(technique) },
            sub_technique: { uid: r.id, src_url: url(r.id) },
          }
        : { technique: { uid: r.id, src_url: url(r.id) } };
    });
}

/** Compliance mapping as finding_info.tags: one tag per framework, its requirement ids as values. */
function complianceTags(refs: readonly FrameworkRef[]): JsonObject[] {
  const byFramework = new Map<string, string[]>();
  for (const r of refs) {
    const ids = byFramework.get(r.framework) ?? [];
    ids.push(r.id);
    byFramework.set(r.framework, ids);
  }
  return [...byFramework].map(([framework, ids]) => ({
    name: `compliance:${framework}`,
    values: ids,
  }));
}

/** What every event of one rule shares, computed once per rule (a large workspace has 10,000+ events). */
interface RuleParts {
  meta: RuleMeta | undefined;
  attacks: JsonObject[];
  complianceTags: JsonObject[];
  compliance: JsonObject[];
  consoleSteps: string | null;
  analytic: JsonObject;
}

function ruleParts(ruleId: string, version: string): RuleParts {
  const meta = getRule(ruleId)?.meta;
  const compliance = meta?.compliance ?? [];
  const steps = meta?.remediation.consoleSteps ?? [];
  return {
    meta,
    attacks: attacksOf(compliance),
    complianceTags: complianceTags(compliance),
    compliance: compliance.map((r) => ({ framework: FRAMEWORKS[r.framework].name, id: r.id })),
    consoleSteps:
      steps.length > 0 ? `Console steps: ${steps.map((s, i) => `${i + 1}. ${s}`).join(' ')}` : null,
    analytic: {
      uid: ruleId,
      name: ruleId,
      type_id: 1,
      type: 'Rule',
      ...(meta ? { desc: meta.description } : {}),
      version,
    },
  };
}

function remediationDesc(finding: ScanFinding, rule: RuleParts): string {
  const parts = [finding.remediation || rule.meta?.remediation.text || 'See the rule description.'];
  if (rule.consoleSteps) parts.push(rule.consoleSteps);
  // The ready PATCH body is the same for every finding of a rule: it is in the SARIF rule help and in
  // `trustlens posture`, not repeated in every event.
  if (rule.meta?.remediation.patchAgentBody && finding.resourceType === 'agent')
    parts.push(
      `A ready PATCH /v1/agents/${finding.resourceId} body is in the SARIF export's rule help and in trustlens posture (TrustLens never sends it).`,
    );
  return parts.join('\n');
}

export const renderOcsf: Renderer = (report, context) => {
  const generated = ms(report.generatedAt);
  const exported = context.exportedAt.getTime();
  const workspace = report.source.baseUrl;
  const product: JsonObject = {
    name: 'TrustLens',
    uid: 'trustlens',
    vendor_name: 'TrustLens',
    version: context.tool.version,
    ...(context.tool.informationUri ? { url_string: context.tool.informationUri } : {}),
    ...(context.simulated
      ? {
          feature: {
            name: 'Simulated workspace (demo data, not a real Mistral workspace)',
            uid: 'simulated',
          },
        }
      : {}),
  };
  const workspaceResource = (role: 'Target' | 'Related'): JsonObject => ({
    uid: context.integration?.id ?? workspace,
    name: context.integration?.name ?? workspace,
    type: RESOURCE_TYPE.integration,
    namespace: workspace,
    role_id: role === 'Target' ? 1 : 4,
    role,
    ...(context.simulated ? { labels: ['simulated'] } : {}),
  });

  const findingProduct: JsonObject = {
    name: 'TrustLens',
    uid: 'trustlens',
    vendor_name: 'TrustLens',
    version: context.tool.version,
  };
  const rules = new Map<string, RuleParts>();
  const events = report.findings.map((finding): JsonObject => {
    let rule = rules.get(finding.ruleId);
    if (!rule) {
      rule = ruleParts(finding.ruleId, context.tool.version);
      rules.set(finding.ruleId, rule);
    }
    const meta = rule.meta;
    const uid = findingUid(report, finding, context);
    const life = context.lifecycle?.(finding);
    // A mute whose expiry has passed when the export is made no longer suppresses the finding.
    const mute = life?.mute && muteInForce(life.mute, context.exportedAt) ? life.mute : null;
    const unknown = finding.status === 'UNKNOWN';
    const severity = unknown ? { id: 0, caption: 'Unknown' } : SEVERITY[finding.severity];
    const attacks = rule.attacks;
    const tags: JsonObject[] = [
      { name: 'verdict', value: finding.status },
      { name: 'rule_severity', value: finding.severity },
      ...rule.complianceTags,
    ];

    const resources: JsonObject[] =
      finding.resourceType === 'integration'
        ? [workspaceResource('Target')]
        : [
            {
              uid: finding.resourceId,
              ...(finding.resourceName !== null ? { name: finding.resourceName } : {}),
              type: RESOURCE_TYPE[finding.resourceType],
              namespace: workspace,
              role_id: 1,
              role: 'Target',
              ...(context.simulated ? { labels: ['simulated'] } : {}),
            },
            workspaceResource('Related'),
          ];

    const references = meta?.references ?? [];
    const event: JsonObject = {
      activity_id: ACTIVITY_CREATE,
      activity_name: 'Create',
      category_uid: CATEGORY_UID,
      category_name: 'Findings',
      class_uid: CLASS_UID,
      class_name: 'Detection Finding',
      type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
      type_name: 'Detection Finding: Create',
      severity_id: severity.id,
      severity: severity.caption,
      status_id: mute ? 3 : 1,
      status: mute ? 'Suppressed' : 'New',
      status_code: finding.status,
      status_detail: unknown ? UNKNOWN_DETAIL : FAIL_DETAIL,
      ...(mute
        ? {
            comment: `Muted by ${mute.by} at ${mute.at}${mute.expiresAt ? ` until ${mute.expiresAt}` : ''}: ${mute.reason}`,
          }
        : {}),
      confidence_id: unknown ? 0 : 3,
      confidence: unknown ? 'Unknown' : 'High',
      is_alert: !unknown && finding.severity !== 'info',
      message: `${finding.title}: ${finding.detail}`,
      time: generated,
      timezone_offset: 0,
      finding_info: {
        uid,
        title: finding.title,
        desc: finding.detail,
        types: [unknown ? 'Posture check not evaluated' : 'Posture check failed'],
        analytic: rule.analytic,
        product: findingProduct,
        ...(life
          ? {
              created_time: ms(life.firstSeenAt),
              first_seen_time: ms(life.firstSeenAt),
              last_seen_time: ms(life.lastSeenAt),
            }
          : {}),
        ...(attacks.length > 0 ? { attacks } : {}),
        tags,
      },
      resources,
      remediation: {
        desc: remediationDesc(finding, rule),
        ...(references.length > 0 ? { references: [...references] } : {}),
      },
      metadata: {
        product,
        version: OCSF_VERSION,
        log_name: 'TrustLens findings',
        event_code: finding.ruleId,
        correlation_uid: uid,
        original_time: report.generatedAt,
        logged_time: exported,
        ...(context.integration ? { tenant_uid: context.integration.id } : {}),
        ...(context.simulated ? { labels: ['simulated'] } : {}),
      },
      unmapped: {
        trustlens: {
          verdict: finding.status,
          rule_id: finding.ruleId,
          rule_severity: finding.severity,
          resource_type: finding.resourceType,
          resource_id: finding.resourceId,
          workspace,
          report_status: report.status,
          simulated: context.simulated === true,
          ...(meta ? { compliance: rule.compliance } : {}),
          ...(finding.evidence ? { evidence: finding.evidence as Json } : {}),
        },
      },
    };
    return event;
  });
  // A JSON array with one event per line: one valid JSON document, and `jq -c '.[]'` gives NDJSON.
  return events.length === 0 ? '[]\n' : `[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`;
};
