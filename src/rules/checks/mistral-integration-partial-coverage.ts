import type { Rule, RuleMeta } from '../../findings/types.ts';
import { FEATURE_KEYS } from '../../inventory/types.ts';
import { euAiAct, nist } from '../frameworks/index.ts';
import { listWords } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_partial_coverage',
  title: 'Workspace only partly assessed (beta access or discovery missing)',
  resourceType: 'integration',
  severity: 'medium',
  description:
    'A discovery feature (agents, usage, libraries, version history, models or files) was unavailable (beta access not enabled) or failed at this sync, so TrustLens cannot assess part of the workspace. Without agents, no agent rule runs at all: the absence of agent findings means nothing.',
  risk: 'Medium: the workspace may run unguarded agents that TrustLens cannot see; a clean report would be misleading. It is not a weakness of the workspace itself.',
  remediation: {
    text: 'Ask Mistral support to enable beta API access for the workspace (agents, conversations and libraries endpoints), or fix the reported error, then sync again.',
    consoleSteps: [
      'Contact Mistral support to enable beta API access for the organisation.',
      'Run a new sync or scan.',
    ],
  },
  references: ['https://docs.mistral.ai/agents/introduction/'],
  compliance: [nist('GOVERN 1.6'), nist('MANAGE 4.1'), euAiAct('Art. 72')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const resourceId = s.integration?.id ?? s.source.baseUrl;
    const base = {
      ruleId: meta.id,
      resourceType: meta.resourceType,
      resourceId,
      resourceName: s.integration?.name ?? null,
    };
    const missing = FEATURE_KEYS.filter((f) => s.availability[f]?.status !== 'available');
    const availability = Object.fromEntries(
      FEATURE_KEYS.map((f) => [f, s.availability[f]?.status ?? 'unavailable']),
    );
    if (missing.length === 0) {
      return [
        {
          ...base,
          status: 'PASS',
          detail: 'Every discovery feature was available at this sync.',
          evidence: { availability },
        },
      ];
    }
    const groups = (['unavailable', 'error'] as const)
      .map((status) => ({
        status,
        features: missing.filter((f) => (s.availability[f]?.status ?? 'unavailable') === status),
      }))
      .filter((g) => g.features.length > 0)
      .map(
        (g) =>
          `${listWords(g.features)} ${g.features.length === 1 ? 'was' : 'were'} ${g.status === 'error' ? 'in error' : 'unavailable'}`,
      );
    const text = listWords(groups);
    const blind =
      missing.includes('agents') || missing.includes('usage')
        ? ', so agents and their usage cannot be fully assessed'
        : '';
    return [
      {
        ...base,
        status: 'FAIL',
        detail: `${text.charAt(0).toUpperCase()}${text.slice(1)} at this sync${blind}.`,
        evidence: { availability, missing },
      },
    ];
  },
};
