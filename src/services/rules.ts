/** The rule catalog as the API shows it (src/rules/catalog.ts), with framework titles. */
import type { FrameworkRef, Severity } from '../findings/types.ts';
import { ruleMetas } from '../rules/catalog.ts';
import { FRAMEWORKS, requirementTitle } from '../rules/frameworks/index.ts';

export interface CatalogRule {
  id: string;
  severity: Severity;
  title: string;
  resourceType: string;
  description: string;
  risk: string;
  remediation: string;
  /** The ready PATCH /v1/agents/{agent_id} body, when the rule gives one. */
  patchAgentBody: Record<string, unknown> | null;
  consoleSteps: string[];
  references: string[];
  frameworks: (FrameworkRef & { frameworkName: string; title: string | null })[];
}

export interface RulesService {
  catalog(): CatalogRule[];
}

export function createRulesService(): RulesService {
  return {
    catalog: () =>
      ruleMetas().map((m) => ({
        id: m.id,
        severity: m.severity,
        title: m.title,
        resourceType: m.resourceType,
        description: m.description,
        risk: m.risk,
        remediation: m.remediation.text,
        patchAgentBody: m.remediation.patchAgentBody ?? null,
        consoleSteps: m.remediation.consoleSteps ?? [],
        references: m.references,
        frameworks: m.compliance.map((c) => ({
          ...c,
          frameworkName: FRAMEWORKS[c.framework]?.name ?? c.framework,
          title: requirementTitle(c),
        })),
      })),
  };
}
