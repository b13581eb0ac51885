import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic } from '../frameworks/index.ts';
import {
  adminBase,
  adminSection,
  fieldFlagged,
  keyEvidence,
  keyExpired,
  keyLabel,
  listResult,
  snapshotNow,
  timeOf,
  type Judged,
} from '../admin-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_api_key_no_expiry',
  title: 'Organization API key never expires',
  resourceType: 'integration',
  severity: 'medium',
  description:
    'An API key of the organization (any workspace, any product: API, Mistral Code, Vibe…) has no expiration date. Keys that have already expired are not judged. One result for the organization, listing every such key by name, masked key, workspace and creator (never a key value). Requires an admin API key (GET /v1/admin/api-keys): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN.',
  risk: "Medium: a Mistral API key is a bearer credential for its whole workspace; one that never expires stays valid wherever it leaked (a repository, a CI log, a former employee's laptop) until someone notices and revokes it, which an expiry date would have done on its own.",
  remediation: {
    text: 'Replace each key with one that has an expiration date (create the new key, switch its users, revoke the old one), and make expiry part of how keys are created.',
    consoleSteps: [
      'admin.mistral.ai > Organization > API Keys: note the keys without an expiration date.',
      'Create a replacement key with an expiration date, update the application that uses it, then revoke the old key.',
    ],
  },
  references: ['https://docs.mistral.ai/getting-started/quickstart/', 'https://docs.mistral.ai/api/'],
  compliance: [atlas('AML.T0055'), owaspAgentic('T9'), nist('MEASURE 2.7'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const keys = adminSection(s, meta.id, 'apiKeys', 'whether any API key lacks an expiry date');
    if (!keys.read) return keys.results;
    const now = snapshotNow(s, ctx.now);
    const judged: Judged[] = [];
    let expired = 0;
    for (const k of keys.records) {
      if (fieldFlagged(k, ['expiresOn', 'expiration_date'])) {
        judged.push({ status: 'UNKNOWN', label: keyLabel(k), evidence: keyEvidence(k) });
      } else if (k.expiresOn === null) {
        judged.push({ status: 'FAIL', label: keyLabel(k), evidence: keyEvidence(k) });
      } else if (timeOf(k.expiresOn) === null) {
        judged.push({ status: 'UNKNOWN', label: keyLabel(k), evidence: keyEvidence(k) });
      } else if (keyExpired(k, now)) {
        expired += 1;
      } else {
        judged.push({ status: 'PASS', label: keyLabel(k), evidence: keyEvidence(k) });
      }
    }
    return [
      listResult(
        adminBase(s, meta.id),
        judged,
        {
          noun: 'API key',
          fail: (named, n) =>
            `${n === 1 ? '1 API key never expires' : `${n} API keys never expire`}: ${named}.`,
          unknown: 'their expiration date is missing from the record or does not parse',
          pass: (n) =>
            n === 0
              ? 'The organization lists no API key that is still valid.'
              : `Every API key of the organization (${n}) has an expiration date.`,
        },
        { expiredKeys: expired },
        keys.leftOut,
      ),
    ];
  },
};
