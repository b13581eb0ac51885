import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic } from '../frameworks/index.ts';
import {
  adminBase,
  adminSection,
  daysAgo,
  fieldFlagged,
  keyEvidence,
  keyExpired,
  keyLabel,
  listResult,
  snapshotNow,
  type Judged,
} from '../admin-helpers.ts';

/** A key created more than this many days ago is due for replacement. */
export const KEY_MAX_LIFETIME_DAYS = 365;

export const meta: RuleMeta = {
  id: 'mistral_integration_api_key_old',
  title: 'Organization API key older than one year',
  resourceType: 'integration',
  severity: 'medium',
  description: `An API key of the organization was created more than ${KEY_MAX_LIFETIME_DAYS} days before the snapshot (KEY_MAX_LIFETIME_DAYS). Mistral keys cannot be rotated in place, so the creation date is the age of the secret. Keys that have already expired are not judged. One result for the organization, listing every such key by name, masked key, workspace and creator (never a key value). Requires an admin API key (GET /v1/admin/api-keys): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN.`,
  risk: 'Medium: the older a bearer credential, the more copies of it exist (configuration files, CI secrets, backups, laptops of people who have left), and the likelier one of them has leaked unnoticed.',
  remediation: {
    text: 'Replace each key: create a new one (with an expiration date), switch the application that uses it, then revoke the old key. Replace keys at least once a year.',
    consoleSteps: [
      'admin.mistral.ai > Organization > API Keys: create a replacement key with an expiration date.',
      'Update the application that uses the old key, then revoke the old key.',
    ],
  },
  references: ['https://docs.mistral.ai/getting-started/quickstart/', 'https://docs.mistral.ai/api/'],
  compliance: [atlas('AML.T0055'), owaspAgentic('T9'), nist('MEASURE 2.7'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const keys = adminSection(s, meta.id, 'apiKeys', 'the age of the API keys');
    if (!keys.read) return keys.results;
    const now = snapshotNow(s, ctx.now);
    const judged: Judged[] = [];
    let expired = 0;
    for (const k of keys.records) {
      if (keyExpired(k, now)) {
        expired += 1;
        continue;
      }
      const age = fieldFlagged(k, ['createdAt', 'created_at']) ? null : daysAgo(k.createdAt, now);
      if (age === null) {
        judged.push({ status: 'UNKNOWN', label: keyLabel(k), evidence: keyEvidence(k) });
        continue;
      }
      judged.push({
        status: age > KEY_MAX_LIFETIME_DAYS ? 'FAIL' : 'PASS',
        label: keyLabel(k, `created ${age} days ago`),
        evidence: keyEvidence(k, { ageDays: age }),
      });
    }
    return [
      listResult(
        adminBase(s, meta.id),
        judged,
        {
          noun: 'API key',
          fail: (named, n) =>
            `${n === 1 ? '1 API key was' : `${n} API keys were`} created more than ${KEY_MAX_LIFETIME_DAYS} days ago: ${named}.`,
          unknown: 'their creation date is missing or does not parse',
          pass: (n) =>
            n === 0
              ? 'The organization lists no API key that is still valid.'
              : `Every API key of the organization (${n}) was created in the last ${KEY_MAX_LIFETIME_DAYS} days.`,
        },
        { maxLifetimeDays: KEY_MAX_LIFETIME_DAYS, expiredKeys: expired },
        keys.leftOut,
      ),
    ];
  },
};
