import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, nist, owaspAgentic } from '../frameworks/index.ts';
import { adminBase, adminSection, daysAgo, listResult, snapshotNow, type Judged } from '../admin-helpers.ts';

/** A pending invite older than this many days is stale. */
export const INVITE_STALE_AFTER_DAYS = 30;

export const meta: RuleMeta = {
  id: 'mistral_integration_invite_stale',
  title: 'Stale pending invites',
  resourceType: 'integration',
  severity: 'low',
  description: `An invitation to join the organization is still pending more than ${INVITE_STALE_AFTER_DAYS} days after it was sent (INVITE_STALE_AFTER_DAYS), or has expired but is still listed. One result for the organization, listing each invite with its email, roles, age, whether it grants admin rights and whether it is expired or still pending. An invite not expired whose date is unknown is UNKNOWN. Requires an admin API key (GET /v1/admin/users): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN.`,
  risk: 'Low: a forgotten invitation is an open door — whoever controls that mailbox later (a former employee, a recycled or mistyped address) can still join the organization with the roles it grants, admin included; expired ones clutter the review of who has access.',
  remediation: {
    text: 'Revoke invitations nobody accepted within a month and invite again when needed; delete expired ones.',
    consoleSteps: ['admin.mistral.ai > Organization > Members > Invitations: revoke the invites listed.'],
  },
  references: ['https://docs.mistral.ai/api/'],
  compliance: [owaspAgentic('T9'), atlas('AML.T0012'), nist('GOVERN 2.1')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const invites = adminSection(s, meta.id, 'invites', 'whether any invite is stale');
    if (!invites.read) return invites.results;
    const now = snapshotNow(s, ctx.now);
    const judged: Judged[] = invites.records.map((i) => {
      const age = daysAgo(i.createdAt, now);
      const adminWord = i.grantsAdmin ? ', grants admin' : '';
      const who = i.email || i.id;
      const evidence = {
        id: i.id,
        email: i.email,
        roles: i.roles,
        grantsAdmin: i.grantsAdmin,
        state: i.expired ? 'expired' : 'pending',
        createdAt: i.createdAt,
        ageDays: age,
      };
      if (i.expired) {
        return { status: 'FAIL', label: `${who} (expired, still listed${adminWord})`, evidence };
      }
      if (age === null) return { status: 'UNKNOWN', label: who, evidence };
      return {
        status: age > INVITE_STALE_AFTER_DAYS ? 'FAIL' : 'PASS',
        label: `${who} (pending for ${age} days${adminWord})`,
        evidence,
      };
    });
    const failing = judged.filter((j) => j.status === 'FAIL');
    const expired = failing.filter((j) => j.evidence.state === 'expired').length;
    return [
      listResult(
        adminBase(s, meta.id),
        judged,
        {
          noun: 'invite',
          fail: (named, n) => {
            const pending = n - expired;
            const parts = [
              pending > 0 ? `${pending} pending for more than ${INVITE_STALE_AFTER_DAYS} days` : null,
              expired > 0 ? `${expired} expired but still listed` : null,
            ].filter((p): p is string => p !== null);
            return `${n === 1 ? '1 invite is' : `${n} invites are`} stale (${parts.join(', ')}): ${named}.`;
          },
          unknown: 'they are pending and their date is missing or does not parse',
          pass: (n) =>
            n === 0
              ? 'The organization has no pending invite.'
              : `Every pending invite (${n}) was sent in the last ${INVITE_STALE_AFTER_DAYS} days.`,
        },
        {
          staleAfterDays: INVITE_STALE_AFTER_DAYS,
          expiredStillListed: expired,
          grantsAdmin: failing.filter((j) => j.evidence.grantsAdmin === true).length,
        },
        invites.leftOut,
      ),
    ];
  },
};
