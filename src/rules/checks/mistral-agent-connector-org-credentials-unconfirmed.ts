import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import {
  STATE_CHANGE_RULE,
  connectorLabel,
  connectorUses,
  extraAvailable,
  extraWord,
  judgeConnectorConfirmation,
  judgementEvidence,
  unconfirmedClause,
} from '../connector-helpers.ts';
import { evaluateAgents, fail, listWords, pass, passUnlessFlagged, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_connector_org_credentials_unconfirmed',
  title: 'Agent acts with organization-wide connector credentials without human confirmation',
  resourceType: 'agent',
  severity: 'high',
  description:
    "The agent's current configuration uses a connector that has credentials registered at organization scope, and can call a state-changing tool of that connector (its tools, less those left out by include/exclude) that tool_configuration.requires_confirmation does not name: every caller of the agent acts on the external system with the organization's identity, and no person approves the call. A non-empty requires_confirmation is not enough; it must name the connector's real state-changing tools (judged by name: only get/list/search/read… tools are read-only). Requires connector discovery (beta); a connector whose tools are unknown makes the agent UNKNOWN, never PASS.",
  risk: 'High: anyone who can talk to the agent (or a prompt injected through a document or a web page it reads) can read or change what the organization-wide account reaches — mailboxes, repositories, tickets — with no human in the loop and no per-user accountability.',
  remediation: {
    text: "List every state-changing tool of the connector in tool_configuration.requires_confirmation, by the name the connector gives it (the finding names them), or give the connector per-user credentials instead of organization-wide ones. Note that a PATCH replaces the agent's whole tools list.",
    patchAgentBody: {
      tools: [
        {
          type: 'connector',
          connector_id: '<connector id>',
          tool_configuration: { requires_confirmation: ['<tool name>'] },
        },
      ],
    },
  },
  references: [MISTRAL_AGENTS_DOC, 'https://docs.mistral.ai/agents/connectors/mcp/'],
  compliance: [
    owaspLlm('LLM06'),
    owaspAgentic('T3'),
    owaspAgentic('T11'),
    nist('MAP 3.5'),
    euAiAct('Art. 14'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const known = extraAvailable(ctx.snapshot, 'connectors');
    const connectors = ctx.snapshot.connectors ?? [];
    return evaluateAgents(ctx, meta, (agent) => {
      const uses = connectorUses(agent, connectors);
      if (uses.length === 0)
        return passUnlessFlagged(agent, ['tools'], pass('The agent has no connector tool.'));
      if (!known)
        return unknown(
          `Connector discovery was ${extraWord(ctx.snapshot, 'connectors')} at this sync, so the scope of the credentials the agent's connectors use is unknown.`,
        );
      const flagged: string[] = [];
      const flaggedIds: string[] = [];
      const unjudged: string[] = [];
      const judged: Array<Record<string, unknown>> = [];
      for (const u of uses) {
        const j = judgeConnectorConfirmation(u, ctx.snapshot);
        judged.push(judgementEvidence(j));
        // Every state-changing tool it can call is confirmed: a person approves each call, whoever's
        // credentials it runs with.
        if (j.status === 'confirmed') continue;
        if (!u.connector) {
          unjudged.push(`${j.label} (no connector listed has the id or name "${u.ref}")`);
          continue;
        }
        if (u.connector.credentials === null) {
          unjudged.push(`${connectorLabel(u.connector)} (its credentials could not be read)`);
          continue;
        }
        if (!u.connector.credentials.some((c) => c.scope === 'organization')) continue;
        if (j.status === 'unknown') {
          unjudged.push(`${connectorLabel(u.connector)} (${j.unknownReason})`);
          continue;
        }
        flagged.push(`${connectorLabel(u.connector)} ${unconfirmedClause(j, true)}`);
        flaggedIds.push(u.connector.id);
      }
      if (flagged.length > 0)
        return fail(
          `Unconfirmed, with organization-wide credentials: ${listWords(flagged)}. ${STATE_CHANGE_RULE}`,
          {
            connectorIds: flaggedIds,
            connectorTools: judged,
            ...(unjudged.length > 0 ? { unjudgedConnectors: unjudged } : {}),
          },
        );
      if (unjudged.length > 0)
        return unknown(
          `${unjudged.length === 1 ? 'One connector' : `${unjudged.length} connectors`} the agent may call without confirmation could not be judged: ${listWords(unjudged)}.`,
          { unjudged: unjudged.length, unjudgedConnectors: unjudged, connectorTools: judged },
        );
      return passUnlessFlagged(
        agent,
        ['tools'],
        pass(
          'No connector of the agent runs a state-changing tool with organization-wide credentials without confirmation.',
          { connectors: uses.length, connectorTools: judged },
        ),
      );
    });
  },
};
