import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic } from '../frameworks/index.ts';
import {
  adminBase,
  adminSection,
  adminsUntold,
  listResult,
  personLabel,
  type Judged,
} from '../admin-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_admin_outside_sso',
  title: 'Organization admin outside the SSO domain',
  resourceType: 'integration',
  severity: 'high',
  description:
    "A member holding an organization administration role is outside the organization's SSO domain (is_sso_outsider): they sign in without the company's identity provider. An admin for whom Mistral does not say is UNKNOWN. One result for the organization, listing every such admin. Requires an admin API key (GET /v1/admin/users): without one configured, no result (the key is optional); when it is refused or the read fails, UNKNOWN. UNKNOWN, never PASS, when the admins could not be told (roles unread and members holding unnamed role ids, member records dropped, or no admin recognised at all).",
  risk: "High: an admin outside the SSO domain escapes the company's sign-in policy (MFA, device checks, offboarding): when they leave or their personal account is taken over, they keep full control of the organization — keys, members, SSO and data settings.",
  remediation: {
    text: 'Remove admin rights from accounts outside the SSO domain (give the role to a company account instead), or move the person to an account in the SSO domain.',
    consoleSteps: [
      'admin.mistral.ai > Organization > Members: find the admins listed.',
      'Change their role to Member or remove them, and grant admin to a company (SSO) account if needed.',
    ],
  },
  references: ['https://docs.mistral.ai/api/'],
  compliance: [
    owaspAgentic('T3'),
    owaspAgentic('T9'),
    atlas('AML.T0012'),
    nist('GOVERN 2.1'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const members = adminSection(s, meta.id, 'members', 'whether an admin is outside the SSO domain');
    if (!members.read) return members.results;
    const judged: Judged[] = members.records
      .filter((m) => m.isAdmin)
      .map((m) => ({
        status: m.ssoOutsider === true ? 'FAIL' : m.ssoOutsider === false ? 'PASS' : 'UNKNOWN',
        label: personLabel(m),
        evidence: { id: m.id, email: m.email, name: m.name, roles: m.roles, ssoOutsider: m.ssoOutsider },
      }));
    const result = listResult(adminBase(s, meta.id), judged, {
      noun: 'admin',
      fail: (named, n) =>
        `${n === 1 ? '1 organization admin is' : `${n} organization admins are`} outside the SSO domain: ${named}.`,
      unknown: 'Mistral did not say whether they are outside the SSO domain',
      pass: (n) =>
        n === 0
          ? 'The organization lists no admin.'
          : `Every organization admin (${n}) is inside the SSO domain.`,
    });
    const untold = result.status === 'PASS' ? adminsUntold(s) : null;
    if (untold === null) return [result];
    return [
      {
        ...result,
        status: 'UNKNOWN',
        detail: `The organization's admins could not be told (${untold}), so whether an admin is outside the SSO domain is unknown; ${judged.length === 0 ? 'no recognised admin is' : `the ${judged.length} recognised are not`}.`,
        evidence: { ...result.evidence, adminsUntold: untold },
      },
    ];
  },
};
