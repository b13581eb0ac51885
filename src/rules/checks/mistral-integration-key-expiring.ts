import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { ApiKeyRecord } from '../../inventory/admin.ts';
import { euAiAct, nist } from '../frameworks/index.ts';
import {
  adminBase,
  adminSection,
  daysUntilDate,
  fieldFlagged,
  keyEvidence,
  keyLabel,
  snapshotNow,
} from '../admin-helpers.ts';
import { listWords } from '../rule-helpers.ts';

/** The integration's key expiring within this many days (or already expired) fails. */
export const KEY_EXPIRY_WARNING_DAYS = 14;

export const meta: RuleMeta = {
  id: 'mistral_integration_key_expiring',
  title: "Integration's API key expires soon",
  resourceType: 'integration',
  severity: 'high',
  description: `The API key TrustLens reads the workspace with, as listed by the organization, expires within ${KEY_EXPIRY_WARNING_DAYS} days of the snapshot (KEY_EXPIRY_WARNING_DAYS) or has already expired. A key without an expiration date passes (mistral_integration_api_key_no_expiry judges that). UNKNOWN when the key is not found among the organization's keys (mistral_integration_key_not_found) or its expiry does not parse. Requires an admin API key (GET /v1/admin/api-keys): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN.`,
  risk: 'High: when the key expires TrustLens will stop working — syncs fail, findings freeze and nobody sees guardrails removed or agents changed until the key is replaced, a monitoring blind spot that opens without warning.',
  remediation: {
    text: "Create a new key with a later expiration date, rotate the integration's key in TrustLens (it validates the new key first), then revoke the old key.",
    consoleSteps: [
      'admin.mistral.ai > Organization > API Keys > Create new key (with an expiration date).',
      "In TrustLens, rotate the integration's key to the new one.",
      'Revoke the old key in the Mistral console.',
    ],
  },
  references: ['https://docs.mistral.ai/api/'],
  compliance: [nist('MANAGE 4.1'), euAiAct('Art. 26'), euAiAct('Art. 72')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const keys = adminSection(s, meta.id, 'apiKeys', "the expiry of the integration's key");
    if (!keys.read) return keys.results;
    const base = adminBase(s, meta.id);
    const now = snapshotNow(s, ctx.now);
    const own = keys.records.filter((k) => k.isIntegrationKey === true);
    if (own.length === 0) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail:
            "The integration's key is not found among the organization's API keys (or could not be told apart), so its expiry is unknown.",
          evidence: { keys: keys.records.length },
        },
      ];
    }
    // Several matches (two keys with the same masked form): judge the one expiring first.
    const judged = own.map((k) => ({
      k,
      flagged: fieldFlagged(k, ['expiresOn', 'expiration_date']),
      days: daysUntilDate(k.expiresOn, now),
    }));
    const unreadable = judged.filter((j) => j.flagged || (j.k.expiresOn !== null && j.days === null));
    const dated = judged.filter((j) => !j.flagged && j.days !== null) as Array<{
      k: ApiKeyRecord;
      days: number;
    }>;
    const soonest = dated.sort((a, b) => a.days - b.days)[0];
    if (soonest && soonest.days <= KEY_EXPIRY_WARNING_DAYS) {
      const when =
        soonest.days < 0
          ? `expired on ${soonest.k.expiresOn}, ${-soonest.days} day${soonest.days === -1 ? '' : 's'} ago`
          : soonest.days === 0
            ? `expires today (${soonest.k.expiresOn})`
            : `expires on ${soonest.k.expiresOn}, in ${soonest.days} day${soonest.days === 1 ? '' : 's'}`;
      return [
        {
          ...base,
          status: 'FAIL',
          detail: `The integration's API key ${keyLabel(soonest.k)} ${when}: TrustLens will stop working when it expires. Replace it and rotate the integration's key.`,
          evidence: {
            key: keyEvidence(soonest.k),
            daysUntilExpiry: soonest.days,
            warningDays: KEY_EXPIRY_WARNING_DAYS,
          },
        },
      ];
    }
    if (unreadable.length > 0) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: `The expiration date of the integration's API key ${listWords(unreadable.map((j) => keyLabel(j.k)))} is missing from the record or does not parse.`,
          evidence: { keys: unreadable.map((j) => keyEvidence(j.k)) },
        },
      ];
    }
    return [
      {
        ...base,
        status: 'PASS',
        detail: soonest
          ? `The integration's API key ${keyLabel(soonest.k)} expires on ${soonest.k.expiresOn}, in ${soonest.days} days.`
          : `The integration's API key ${listWords(own.map((k) => keyLabel(k)))} never expires.`,
        evidence: {
          keys: own.map((k) => keyEvidence(k)),
          ...(soonest ? { daysUntilExpiry: soonest.days } : {}),
          warningDays: KEY_EXPIRY_WARNING_DAYS,
        },
      },
    ];
  },
};
