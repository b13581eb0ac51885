import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, nist, owaspAgentic } from '../frameworks/index.ts';
import { adminBase, adminSection, adminsUntold, listed, namedList, personLabel } from '../admin-helpers.ts';

/** More organization admins than this is too many (unless the share below allows more). */
export const MAX_ORG_ADMINS = 3;
/** …or more than this share of the members, when that is larger. */
export const MAX_ORG_ADMIN_SHARE = 0.1;

/** How many admins the organization may have: MAX_ORG_ADMINS, or MAX_ORG_ADMIN_SHARE of its members when larger. */
export function adminLimit(members: number): number {
  return Math.max(MAX_ORG_ADMINS, Math.floor(members * MAX_ORG_ADMIN_SHARE));
}

export const meta: RuleMeta = {
  id: 'mistral_integration_admins_excessive',
  title: 'Too many organization admins',
  resourceType: 'integration',
  severity: 'medium',
  description: `The organization has more admins (members holding an organization administration role) than ${MAX_ORG_ADMINS} (MAX_ORG_ADMINS), or than ${MAX_ORG_ADMIN_SHARE * 100}% of its members rounded down (MAX_ORG_ADMIN_SHARE) when that is larger. Pending invites that would grant admin rights are counted beside, not in. One result for the organization, listing the admins. Requires an admin API key (GET /v1/admin/users): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN. UNKNOWN, never PASS, when the admins could not be told (roles unread and members holding unnamed role ids, member records dropped, or no admin recognised at all — the admin key belongs to one).`,
  risk: 'Medium: every organization admin can create API keys, change members, turn off SSO or training opt-outs, and read the audit log; each extra admin account is another phishing or credential-stuffing target whose takeover owns the whole organization.',
  remediation: {
    text: 'Keep a few named admins (with a documented reason each) and give everyone else the member role; review admin rights when people change teams.',
    consoleSteps: [
      'admin.mistral.ai > Organization > Members: filter by the Admin role.',
      'Change the role of those who do not need to administer the organization to Member.',
    ],
  },
  references: ['https://docs.mistral.ai/api/'],
  compliance: [owaspAgentic('T3'), atlas('AML.T0012'), nist('GOVERN 2.1'), nist('MEASURE 2.7')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const members = adminSection(s, meta.id, 'members', 'the number of organization admins');
    if (!members.read) return members.results;
    const base = adminBase(s, meta.id);
    const admins = members.records.filter((m) => m.isAdmin);
    const limit = adminLimit(members.records.length);
    const invites = s.admin?.invites ?? null;
    const pendingAdminInvites =
      invites === null ? null : invites.filter((i) => i.grantsAdmin && !i.expired).length;
    const evidence = {
      members: members.records.length,
      admins: admins.length,
      limit,
      maxAdmins: MAX_ORG_ADMINS,
      maxAdminShare: MAX_ORG_ADMIN_SHARE,
      pendingAdminInvites,
      adminList: listed(admins.map((m) => ({ id: m.id, email: m.email, name: m.name, roles: m.roles }))),
    };
    const invitesWord = pendingAdminInvites
      ? ` (and ${pendingAdminInvites} pending invite${pendingAdminInvites === 1 ? '' : 's'} would add more)`
      : '';
    if (admins.length > limit) {
      return [
        {
          ...base,
          status: 'FAIL',
          detail: `The organization has ${admins.length} admins among ${members.records.length} members, more than ${limit}${invitesWord}: ${namedList(admins.map(personLabel))}.`,
          evidence,
        },
      ];
    }
    const untold = adminsUntold(s);
    if (untold !== null) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: `The organization's admins could not be told (${untold}), so whether it has more than ${limit} is unknown; ${admins.length} admin${admins.length === 1 ? ' was' : 's were'} recognised among ${members.records.length} members.`,
          evidence: { ...evidence, adminsUntold: untold },
        },
      ];
    }
    return [
      {
        ...base,
        status: 'PASS',
        detail: `The organization has ${admins.length} admin${admins.length === 1 ? '' : 's'} among ${members.records.length} members (at most ${limit})${invitesWord}.`,
        evidence,
      },
    ];
  },
};
