import type { Rule, RuleMeta, RuleResult } from '../../findings/types.ts';
import type { ConnectorRecord } from '../../inventory/connectors.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { connectorLabel, extraAvailable, extraWord, integrationResource } from '../connector-helpers.ts';
import { listWords, plural } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_connector_untrusted_server',
  title: 'Custom connector on a non-HTTPS or non-public server',
  resourceType: 'integration',
  severity: 'high',
  description:
    'A custom MCP connector (not built by Mistral) points at a server that is not HTTPS (tool calls, their results and the credentials sent with them travel in clear text), at a host that is not public (localhost, a private address range or an intranet name: Mistral cannot reach it, or it exposes an internal system), or carries a credential in its URL (a user:password@ part, the value of a credential-named parameter such as token or api_key, or a key-shaped value; values TrustLens hides from the URL only as a precaution do not count). One result for the workspace, listing every such connector. Requires connector discovery (beta).',
  risk: 'High: an agent or a Le Chat user calling the connector sends data, and the credentials of the connector, to a server that anyone on the path can read or impersonate, or to an internal system that was never meant to be reachable from an AI agent.',
  remediation: {
    text: 'Serve the MCP server over HTTPS on a public, authenticated endpoint (or remove the connector); keep credentials in the connector’s credentials, never in its URL, and rotate any that was in it.',
    consoleSteps: ['Open Mistral AI Studio > Connectors, edit or delete the connector.'],
  },
  references: ['https://docs.mistral.ai/agents/connectors/mcp/'],
  compliance: [
    owaspLlm('LLM03'),
    owaspAgentic('T2'),
    atlas('AML.T0010'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

/** Why a custom connector's server is untrusted ([] = fine), or null when it cannot be judged. */
export function serverProblems(c: ConnectorRecord): string[] | null {
  const problems: string[] = [];
  if (c.serverHadCredentials) problems.push('a credential in its URL');
  if (c.server === null || c.serverScheme === null) return problems.length ? problems : null;
  if (c.serverScheme !== 'https') problems.push(`${c.serverScheme}, not HTTPS`);
  if (c.serverExposure === 'private') problems.push(`a non-public host (${c.serverHost ?? 'unknown'})`);
  if (c.serverExposure === 'unknown' && problems.length === 0) return null;
  return problems;
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const base = { ruleId: meta.id, resourceType: meta.resourceType, ...integrationResource(s) };
    if (!extraAvailable(s, 'connectors')) {
      const r: RuleResult = {
        ...base,
        status: 'UNKNOWN',
        detail: `Connector discovery was ${extraWord(s, 'connectors')} at this sync, so where custom connectors point is unknown.`,
      };
      return [r];
    }
    const custom = (s.connectors ?? []).filter((c) => !c.builtIn);
    const flagged: Array<{ id: string; name: string; server: string | null; problems: string[] }> = [];
    const unjudged: string[] = [];
    for (const c of custom) {
      const p = serverProblems(c);
      if (p === null) unjudged.push(c.id);
      else if (p.length > 0) flagged.push({ id: c.id, name: c.name, server: c.server, problems: p });
    }
    if (flagged.length > 0) {
      const words = flagged.map(
        (f) => `${connectorLabel(custom.find((c) => c.id === f.id)!)} (${listWords(f.problems)})`,
      );
      return [
        {
          ...base,
          status: 'FAIL',
          detail: `${plural(flagged.length, 'custom connector')} ${flagged.length === 1 ? 'points' : 'point'} at an untrusted server: ${listWords(words)}.`,
          evidence: { connectors: flagged, customConnectors: custom.length },
        },
      ];
    }
    if (unjudged.length > 0) {
      return [
        {
          ...base,
          status: 'UNKNOWN',
          detail: `The server of ${plural(unjudged.length, 'custom connector')} could not be read as a URL, so where ${unjudged.length === 1 ? 'it points' : 'they point'} is unknown.`,
          evidence: { unjudged, customConnectors: custom.length },
        },
      ];
    }
    return [
      {
        ...base,
        status: 'PASS',
        detail:
          custom.length === 0
            ? 'The workspace has no custom connector.'
            : `Every custom connector (${custom.length}) uses HTTPS on a public host with no credential in its URL.`,
        evidence: { customConnectors: custom.length },
      },
    ];
  },
};
