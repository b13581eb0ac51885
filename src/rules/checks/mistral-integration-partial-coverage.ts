import type { Rule, RuleMeta } from '../../findings/types.ts';
import { failedExtras, incompleteFeatures } from '../../inventory/sync-status.ts';
import { FEATURE_KEYS, type FeatureKey } from '../../inventory/types.ts';
import { euAiAct, nist } from '../frameworks/index.ts';
import { listWords } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_partial_coverage',
  title: 'Workspace only partly assessed (beta access or discovery missing)',
  resourceType: 'integration',
  severity: 'medium',
  description:
    'A discovery feature (agents, usage, libraries, version history, models or files) was unavailable (beta access not enabled), failed, or was read only in part at this sync, or reading what lies beyond them (connectors, library sharing, the admin-key sections, prompts, skills, batch jobs) failed, so TrustLens cannot assess part of the workspace. Without agents, no agent rule runs at all: the absence of agent findings means nothing.',
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
    // A one-off scan has no integration, and no "sync" to speak of.
    const when = s.integration ? 'at this sync' : 'in this scan';
    // Missing: unavailable, in error, or read only in part (available with an error code).
    const missing = incompleteFeatures(s.availability);
    const extrasFailed = failedExtras(s.extraAvailability);
    const availability = Object.fromEntries(
      FEATURE_KEYS.map((f) => [f, s.availability[f]?.status ?? 'unavailable']),
    );
    if (missing.length === 0 && extrasFailed.length === 0) {
      return [
        {
          ...base,
          status: 'PASS',
          detail: `Every discovery feature was available and read in full ${when}.`,
          evidence: { availability },
        },
      ];
    }
    const stateOf = (f: FeatureKey): 'unavailable' | 'error' | 'partial' => {
      const st = s.availability[f]?.status ?? 'unavailable';
      return st === 'available' ? 'partial' : st;
    };
    const words = { unavailable: 'unavailable', error: 'in error', partial: 'read only in part' };
    const groups = (['unavailable', 'error', 'partial'] as const)
      .map((state) => ({ state, features: missing.filter((f) => stateOf(f) === state) }))
      .filter((g) => g.features.length > 0)
      .map((g) => `${listWords(g.features)} ${g.features.length === 1 ? 'was' : 'were'} ${words[g.state]}`);
    if (extrasFailed.length > 0) groups.push(`${listWords(extrasFailed)} could not be read in full`);
    const text = listWords(groups);
    const blind =
      missing.includes('agents') || missing.includes('usage')
        ? ', so agents and their usage cannot be fully assessed'
        : '';
    return [
      {
        ...base,
        status: 'FAIL',
        detail: `${text.charAt(0).toUpperCase()}${text.slice(1)} ${when}${blind}.`,
        evidence: {
          availability,
          missing,
          partial: missing.filter((f) => stateOf(f) === 'partial'),
          ...(extrasFailed.length > 0 ? { extrasFailed } : {}),
        },
      },
    ];
  },
};
