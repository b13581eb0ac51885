import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, nist, owaspLlm } from '../frameworks/index.ts';
import { daysSince } from '../rule-helpers.ts';

/** Keys older than this many days should be rotated. */
export const KEY_MAX_AGE_DAYS = 90;

export const meta: RuleMeta = {
  id: 'mistral_integration_key_stale',
  title: 'Integration API key not rotated for 90 days',
  resourceType: 'integration',
  severity: 'medium',
  description: `The Mistral API key of the integration was set (created or last rotated) more than ${KEY_MAX_AGE_DAYS} days ago (KEY_MAX_AGE_DAYS). One-shot scans have no stored key and are not evaluated.`,
  risk: 'Medium: Mistral API keys are workspace-wide bearer credentials; the longer one lives, the more places it may have leaked to (logs, laptops, former staff), and a leaked key reads every agent, file and conversation.',
  remediation: {
    text: 'Create a new key in the Mistral console, replace it in the integration (TrustLens validates it first), then revoke the old key.',
    consoleSteps: [
      'admin.mistral.ai > Organization > API Keys > Create new key.',
      "In TrustLens, replace the integration's key.",
      'Revoke the old key in the Mistral console.',
    ],
  },
  references: ['https://docs.mistral.ai/getting-started/quickstart/'],
  compliance: [owaspLlm('LLM03'), atlas('AML.T0055'), nist('GOVERN 6.1'), nist('MANAGE 3.1')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const integration = ctx.snapshot.integration;
    if (integration === null) return [];
    const base = {
      ruleId: meta.id,
      resourceType: meta.resourceType,
      resourceId: integration.id,
      resourceName: integration.name,
    };
    const age = daysSince(integration.keyUpdatedAt, ctx.now);
    if (age === null) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: 'The date the key was set is not recorded or does not parse.',
          evidence: { keyUpdatedAt: integration.keyUpdatedAt },
        },
      ];
    }
    const evidence = { keyUpdatedAt: integration.keyUpdatedAt, ageDays: age, maxAgeDays: KEY_MAX_AGE_DAYS };
    if (age > KEY_MAX_AGE_DAYS) {
      return [
        {
          ...base,
          status: 'FAIL',
          detail: `The API key was set ${age} days ago, more than ${KEY_MAX_AGE_DAYS} days.`,
          evidence,
        },
      ];
    }
    return [{ ...base, status: 'PASS', detail: `The API key was set ${age} days ago.`, evidence }];
  },
};
