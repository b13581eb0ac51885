import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist } from '../frameworks/index.ts';
import { adminBase, adminSection, keyEvidence, keyLabel, listed } from '../admin-helpers.ts';
import { listWords } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_key_not_found',
  title: "Integration's API key not among the organization's keys",
  resourceType: 'integration',
  severity: 'medium',
  description:
    "The API key TrustLens reads the workspace with is not among the API keys the admin key lists (compared by the masked form Mistral shows). Judged only when that comparison could be made (at least one key record says whether it is the integration's); otherwise UNKNOWN. Requires an admin API key (GET /v1/admin/api-keys): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN.",
  risk: "Medium: either the integration's key was revoked or belongs to a workspace the admin key cannot see — TrustLens will stop working, or already reads something other than what the organization's rules judge — or the admin key belongs to another organization, so every organization-wide verdict (keys, members, audit log) is about the wrong organization.",
  remediation: {
    text: "Check that the admin key and the integration's key belong to the same organization; if the integration's key was revoked or replaced, rotate the integration's key to a current one.",
    consoleSteps: [
      "admin.mistral.ai > Organization > API Keys: look for the integration's key by its masked form.",
      "In TrustLens, rotate the integration's key or replace its admin key so both belong to the same organization.",
    ],
  },
  references: ['https://docs.mistral.ai/api/'],
  compliance: [nist('MANAGE 4.1'), euAiAct('Art. 26')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const keys = adminSection(s, meta.id, 'apiKeys', "whether the integration's key is among them");
    if (!keys.read) return keys.results;
    const base = adminBase(s, meta.id);
    const own = keys.records.filter((k) => k.isIntegrationKey === true);
    if (own.length > 0) {
      return [
        {
          ...base,
          status: 'PASS',
          detail: `The integration's API key is listed by the organization: ${listWords(own.map((k) => keyLabel(k)))}.`,
          evidence: { keys: keys.records.length, integrationKeys: own.map((k) => keyEvidence(k)) },
        },
      ];
    }
    const told = keys.records.some((k) => k.isIntegrationKey !== null);
    if (!told) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail:
            keys.records.length === 0
              ? "The organization lists no API key, and whether the integration's key belongs to it could not be told."
              : `Whether the integration's key is among the organization's ${keys.records.length} API keys could not be told (no masked form of it to compare).`,
          evidence: { keys: keys.records.length },
        },
      ];
    }
    if (keys.leftOut > 0) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: `The integration's API key is not among the ${keys.records.length} API keys read, but ${keys.leftOut} more ${keys.leftOut === 1 ? 'was' : 'were'} malformed and left out (no usable id), and it may be one of them.`,
          evidence: { keys: keys.records.length, leftOut: keys.leftOut },
        },
      ];
    }
    return [
      {
        ...base,
        status: 'FAIL',
        detail: `The integration's API key is not among the organization's ${keys.records.length} API keys: it may have been revoked (TrustLens will stop working), belong to a workspace the admin key does not see, or the admin key belongs to another organization.`,
        evidence: {
          keys: keys.records.length,
          listed: listed(keys.records.map((k) => ({ id: k.id, name: k.name, hiddenKey: k.hiddenKey }))),
        },
      },
    ];
  },
};
