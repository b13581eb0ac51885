import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, nist, owaspAgentic } from '../frameworks/index.ts';
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

/** A key not used for more than this many days (or never used and older than that) is unused. */
export const KEY_UNUSED_AFTER_DAYS = 90;

export const meta: RuleMeta = {
  id: 'mistral_integration_api_key_unused',
  title: 'Organization API key unused for 90 days',
  resourceType: 'integration',
  severity: 'medium',
  description: `An API key of the organization was last used more than ${KEY_UNUSED_AFTER_DAYS} days before the snapshot (KEY_UNUSED_AFTER_DAYS), or was never used and was created more than ${KEY_UNUSED_AFTER_DAYS} days before it. Keys that have already expired are not judged. One result for the organization, listing every such key by name, masked key, workspace, creator and last use (never a key value). Requires an admin API key (GET /v1/admin/api-keys): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN.`,
  risk: 'Medium: a key nobody uses is access nobody needs; it is usually forgotten, so its leak or misuse goes unnoticed, and it keeps the full rights of its workspace.',
  remediation: {
    text: "Ask the key's creator whether anything still needs it; revoke it if not. A key kept for rare jobs should get an expiration date.",
    consoleSteps: [
      'admin.mistral.ai > Organization > API Keys: sort by last used.',
      'Revoke the keys listed that no application needs.',
    ],
  },
  references: ['https://docs.mistral.ai/getting-started/quickstart/', 'https://docs.mistral.ai/api/'],
  compliance: [atlas('AML.T0012'), atlas('AML.T0055'), owaspAgentic('T9'), nist('GOVERN 1.7')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const keys = adminSection(s, meta.id, 'apiKeys', 'whether any API key is unused');
    if (!keys.read) return keys.results;
    const now = snapshotNow(s, ctx.now);
    const judged: Judged[] = [];
    let expired = 0;
    for (const k of keys.records) {
      if (keyExpired(k, now)) {
        expired += 1;
        continue;
      }
      const label = keyLabel(k);
      const flagged = fieldFlagged(k, ['lastUsedOn', 'last_used', 'createdAt', 'created_at']);
      const sinceUse = daysAgo(k.lastUsedOn, now);
      const age = daysAgo(k.createdAt, now);
      if (flagged || (k.lastUsedOn !== null && sinceUse === null)) {
        judged.push({ status: 'UNKNOWN', label, evidence: keyEvidence(k) });
      } else if (sinceUse !== null) {
        const status = sinceUse > KEY_UNUSED_AFTER_DAYS ? 'FAIL' : 'PASS';
        judged.push({
          status,
          label: keyLabel(k, `last used ${k.lastUsedOn}`),
          evidence: keyEvidence(k, { daysSinceLastUse: sinceUse }),
        });
      } else if (age === null) {
        // never used, and its age is unknown: it may be a new key
        judged.push({ status: 'UNKNOWN', label, evidence: keyEvidence(k) });
      } else {
        const status = age > KEY_UNUSED_AFTER_DAYS ? 'FAIL' : 'PASS';
        judged.push({
          status,
          label: keyLabel(k, `never used, created ${age} days ago`),
          evidence: keyEvidence(k, { neverUsed: true, ageDays: age }),
        });
      }
    }
    return [
      listResult(
        adminBase(s, meta.id),
        judged,
        {
          noun: 'API key',
          fail: (named, n) =>
            `${n === 1 ? '1 API key has' : `${n} API keys have`} not been used for more than ${KEY_UNUSED_AFTER_DAYS} days: ${named}.`,
          unknown: 'their last use or creation date is missing or does not parse',
          pass: (n) =>
            n === 0
              ? 'The organization lists no API key that is still valid.'
              : `Every API key of the organization (${n}) was used, or created, in the last ${KEY_UNUSED_AFTER_DAYS} days.`,
        },
        { unusedAfterDays: KEY_UNUSED_AFTER_DAYS, expiredKeys: expired },
        keys.leftOut,
      ),
    ];
  },
};
