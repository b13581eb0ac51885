/**
 * The rule catalog: every rule, in a stable order, and evaluateAll(ctx).
 * Adding a rule = one file in checks/ (exporting `rule`), its test, and one line here.
 */
import type { Rule, RuleContext, RuleMeta, RuleResult } from '../findings/types.ts';
import { rule as mistralAgentAliasUnguardedVersion } from './checks/mistral-agent-alias-unguarded-version.ts';
import { rule as mistralAgentChatDeployedUnguarded } from './checks/mistral-agent-chat-deployed-unguarded.ts';
import { rule as mistralAgentConnectorUnconfirmed } from './checks/mistral-agent-connector-unconfirmed.ts';
import { rule as mistralAgentConnectorMissing } from './checks/mistral-agent-connector-missing.ts';
import { rule as mistralAgentConnectorOrgCredentialsUnconfirmed } from './checks/mistral-agent-connector-org-credentials-unconfirmed.ts';
import { rule as mistralAgentDormant } from './checks/mistral-agent-dormant.ts';
import { rule as mistralAgentGuardrailsFailOpen } from './checks/mistral-agent-guardrails-fail-open.ts';
import { rule as mistralAgentGuardrailsJailbreakUnchecked } from './checks/mistral-agent-guardrails-jailbreak-unchecked.ts';
import { rule as mistralAgentGuardrailsLaxThresholds } from './checks/mistral-agent-guardrails-lax-thresholds.ts';
import { rule as mistralAgentGuardrailsLegacyModeration } from './checks/mistral-agent-guardrails-legacy-moderation.ts';
import { rule as mistralAgentGuardrailsMissing } from './checks/mistral-agent-guardrails-missing.ts';
import { rule as mistralAgentGuardrailsNotBlocking } from './checks/mistral-agent-guardrails-not-blocking.ts';
import { rule as mistralAgentGuardrailsPiiUnchecked } from './checks/mistral-agent-guardrails-pii-unchecked.ts';
import { rule as mistralAgentGuardrailsRegressed } from './checks/mistral-agent-guardrails-regressed.ts';
import { rule as mistralAgentHandoffMissingTarget } from './checks/mistral-agent-handoff-target-missing.ts';
import { rule as mistralAgentHandoffWeakerGuardrails } from './checks/mistral-agent-handoff-weaker-guardrails.ts';
import { rule as mistralAgentInstructionsMissing } from './checks/mistral-agent-instructions-missing.ts';
import { rule as mistralAgentInstructionsSecret } from './checks/mistral-agent-instructions-secret.ts';
import { rule as mistralAgentKnowledgeBaseMissing } from './checks/mistral-agent-knowledge-base-missing.ts';
import { rule as mistralAgentModelDeprecated } from './checks/mistral-agent-model-deprecated.ts';
import { rule as mistralAgentModelUnpinned } from './checks/mistral-agent-model-unpinned.ts';
import { rule as mistralAgentOwnerMissing } from './checks/mistral-agent-owner-missing.ts';
import { rule as mistralAgentRiskyToolCombination } from './checks/mistral-agent-risky-tool-combination.ts';
import { rule as mistralAgentUnusedTool } from './checks/mistral-agent-unused-tool.ts';
import { rule as mistralFileSensitiveName } from './checks/mistral-file-sensitive-name.ts';
import { rule as mistralIntegrationAdminOutsideSso } from './checks/mistral-integration-admin-outside-sso.ts';
import { rule as mistralIntegrationAdminsExcessive } from './checks/mistral-integration-admins-excessive.ts';
import { rule as mistralIntegrationApiKeyNoExpiry } from './checks/mistral-integration-api-key-no-expiry.ts';
import { rule as mistralIntegrationApiKeyOld } from './checks/mistral-integration-api-key-old.ts';
import { rule as mistralIntegrationApiKeyUnused } from './checks/mistral-integration-api-key-unused.ts';
import { rule as mistralIntegrationConnectorCredentialsFailing } from './checks/mistral-integration-connector-credentials-failing.ts';
import { rule as mistralIntegrationConnectorUntrustedServer } from './checks/mistral-integration-connector-untrusted-server.ts';
import { rule as mistralIntegrationInviteStale } from './checks/mistral-integration-invite-stale.ts';
import { rule as mistralIntegrationKeyExpiring } from './checks/mistral-integration-key-expiring.ts';
import { rule as mistralIntegrationKeyNotFound } from './checks/mistral-integration-key-not-found.ts';
import { rule as mistralIntegrationKeyStale } from './checks/mistral-integration-key-stale.ts';
import { rule as mistralIntegrationPartialCoverage } from './checks/mistral-integration-partial-coverage.ts';
import { rule as mistralIntegrationPromptSecret } from './checks/mistral-integration-prompt-secret.ts';
import { rule as mistralLibrarySensitiveSharedOrg } from './checks/mistral-library-sensitive-shared-org.ts';
import { rule as mistralLibraryUnused } from './checks/mistral-library-unused.ts';

/** Every rule, grouped by resource (agents: guardrails, versions, handoffs, model, instructions, tools, usage, governance; then libraries, files, integration, and the organization read with the admin key). */
export const RULES: readonly Rule[] = [
  mistralAgentGuardrailsMissing,
  mistralAgentGuardrailsNotBlocking,
  mistralAgentGuardrailsFailOpen,
  mistralAgentGuardrailsJailbreakUnchecked,
  mistralAgentGuardrailsPiiUnchecked,
  mistralAgentGuardrailsLaxThresholds,
  mistralAgentGuardrailsLegacyModeration,
  mistralAgentGuardrailsRegressed,
  mistralAgentAliasUnguardedVersion,
  mistralAgentChatDeployedUnguarded,
  mistralAgentHandoffWeakerGuardrails,
  mistralAgentRiskyToolCombination,
  mistralAgentConnectorUnconfirmed,
  mistralAgentConnectorOrgCredentialsUnconfirmed,
  mistralAgentConnectorMissing,
  mistralAgentModelDeprecated,
  mistralAgentModelUnpinned,
  mistralAgentInstructionsSecret,
  mistralAgentInstructionsMissing,
  mistralAgentUnusedTool,
  mistralAgentDormant,
  mistralAgentOwnerMissing,
  mistralAgentKnowledgeBaseMissing,
  mistralAgentHandoffMissingTarget,
  mistralLibraryUnused,
  mistralLibrarySensitiveSharedOrg,
  mistralFileSensitiveName,
  mistralIntegrationKeyStale,
  mistralIntegrationPartialCoverage,
  mistralIntegrationConnectorUntrustedServer,
  mistralIntegrationConnectorCredentialsFailing,
  mistralIntegrationPromptSecret,
  // the organization, read with the optional admin key (issue 11)
  mistralIntegrationKeyExpiring,
  mistralIntegrationKeyNotFound,
  mistralIntegrationApiKeyNoExpiry,
  mistralIntegrationApiKeyUnused,
  mistralIntegrationApiKeyOld,
  mistralIntegrationAdminOutsideSso,
  mistralIntegrationAdminsExcessive,
  mistralIntegrationInviteStale,
];

export function ruleMetas(): RuleMeta[] {
  return RULES.map((r) => r.meta);
}

export function getRule(id: string): Rule | null {
  return RULES.find((r) => r.meta.id === id) ?? null;
}

export interface EvaluateOptions {
  /** The rules to run (default: the whole catalog). */
  rules?: readonly Rule[];
  /** Called when a rule throws (a bug): the rule's resources are then reported UNKNOWN at integration level. */
  onRuleError?: (ruleId: string, error: unknown) => void;
}

/**
 * Run every rule over the snapshot. A rule that throws does not stop the others: it yields one UNKNOWN
 * result for the integration saying it could not be evaluated (never a PASS).
 */
export function evaluateAll(ctx: RuleContext, options: EvaluateOptions = {}): RuleResult[] {
  const out: RuleResult[] = [];
  for (const rule of options.rules ?? RULES) {
    try {
      out.push(...rule.evaluate(ctx));
    } catch (error) {
      options.onRuleError?.(rule.meta.id, error);
      out.push({
        ruleId: rule.meta.id,
        status: 'UNKNOWN',
        resourceType: 'integration',
        resourceId: ctx.snapshot.integration?.id ?? ctx.snapshot.source.baseUrl,
        resourceName: ctx.snapshot.integration?.name ?? null,
        detail:
          'The rule could not be evaluated because of an internal error, so its resources are not assessed.',
        evidence: { error: error instanceof Error ? error.name : 'unknown' },
      });
    }
  }
  return out;
}
