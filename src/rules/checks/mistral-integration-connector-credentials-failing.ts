import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { ConnectorCredentialRecord } from '../../inventory/connectors.ts';
import { euAiAct, nist, owaspAgentic } from '../frameworks/index.ts';
import { connectorLabel, extraAvailable, extraWord, integrationResource } from '../connector-helpers.ts';
import { listWords, plural } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_connector_credentials_failing',
  title: 'Connector credentials in error or expired',
  resourceType: 'integration',
  severity: 'medium',
  description:
    'Credentials registered for an MCP connector (at organization, workspace or user scope) have the status "invalid" or "error", or an error reason saying they expired ("oauth expired", "oauth near expiry", "oauth refresh error", "you need to reconnect"). One result for the workspace, listing every such credential by connector, scope and name (never a value). Requires connector discovery (beta).',
  risk: 'Medium: agents using the connector fail or fall back to other credentials, and a credential left in error is often a revoked or rotated secret nobody followed up; an expiring OAuth grant stops an automation without warning.',
  remediation: {
    text: 'Reconnect the connector (renew the OAuth grant or replace the token) at the scope named, or delete credentials that are no longer used.',
    consoleSteps: [
      'Open Mistral AI Studio > Connectors, open the connector and reconnect or remove its credentials.',
    ],
  },
  references: ['https://docs.mistral.ai/agents/connectors/mcp/'],
  compliance: [owaspAgentic('T9'), nist('MANAGE 4.1'), euAiAct('Art. 15')],
};

const EXPIRY = /expir|refresh error|reconnect/i;

/** Why a credential is failing, or null when it is fine. */
export function credentialProblem(c: ConnectorCredentialRecord): string | null {
  if (c.errorReason && EXPIRY.test(c.errorReason)) return c.errorReason;
  if (c.status === 'invalid' || c.status === 'error') return c.errorReason ?? c.status;
  return null;
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const base = { ruleId: meta.id, resourceType: meta.resourceType, ...integrationResource(s) };
    if (!extraAvailable(s, 'connectors')) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: `Connector discovery was ${extraWord(s, 'connectors')} at this sync, so the state of connector credentials is unknown.`,
        },
      ];
    }
    const connectors = s.connectors ?? [];
    const failing: Array<{
      connectorId: string;
      connector: string;
      scope: string;
      name: string;
      problem: string;
    }> = [];
    const words: string[] = [];
    for (const c of connectors) {
      for (const cred of c.credentials ?? []) {
        const problem = credentialProblem(cred);
        if (problem === null) continue;
        failing.push({ connectorId: c.id, connector: c.name, scope: cred.scope, name: cred.name, problem });
        words.push(`${connectorLabel(c)} ${cred.scope} credentials "${cred.name}" (${problem})`);
      }
    }
    const unreadable = connectors.filter((c) => c.credentials === null).map((c) => c.id);
    if (failing.length > 0) {
      return [
        {
          ...base,
          status: 'FAIL',
          detail: `${plural(failing.length, 'connector credential')} ${failing.length === 1 ? 'is' : 'are'} in error or expired: ${listWords(words)}.`,
          evidence: { credentials: failing, unreadableConnectors: unreadable },
        },
      ];
    }
    if (unreadable.length > 0) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: `No credential read is in error, but the credentials of ${plural(unreadable.length, 'connector')} could not be read.`,
          evidence: { unreadableConnectors: unreadable },
        },
      ];
    }
    const total = connectors.reduce((n, c) => n + (c.credentials?.length ?? 0), 0);
    return [
      {
        ...base,
        status: 'PASS',
        detail:
          total === 0
            ? 'No connector has registered credentials.'
            : `Every connector credential (${total}) is valid.`,
        evidence: { credentials: total },
      },
    ];
  },
};
