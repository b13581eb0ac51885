import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import { connectorLabel, connectorUses, extraAvailable, extraWord } from '../connector-helpers.ts';
import { evaluateAgents, fail, listWords, pass, passUnlessFlagged, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_connector_org_credentials_unconfirmed',
  title: 'Agent acts with organization-wide connector credentials without human confirmation',
  resourceType: 'agent',
  severity: 'high',
  description:
    "The agent's current configuration uses a connector that has credentials registered at organization scope, and that connector tool has no tool_configuration.requires_confirmation: every caller of the agent acts on the external system with the organization's identity, and no person approves a call. Requires connector discovery (beta).",
  risk: 'High: anyone who can talk to the agent (or a prompt injected through a document or a web page it reads) can read or change what the organization-wide account reaches — mailboxes, repositories, tickets — with no human in the loop and no per-user accountability.',
  remediation: {
    text: "List the connector's state-changing tools in tool_configuration.requires_confirmation, or give the connector per-user credentials instead of organization-wide ones.",
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

function confirms(tool: unknown): boolean {
  const conf = (tool as { tool_configuration?: { requires_confirmation?: unknown } | null })
    .tool_configuration;
  const list = conf?.requires_confirmation;
  return Array.isArray(list) && list.length > 0;
}

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
      let unjudged = 0;
      for (const u of uses) {
        if (confirms(u.tool)) continue;
        if (!u.connector || u.connector.credentials === null) {
          unjudged++;
          continue;
        }
        if (u.connector.credentials.some((c) => c.scope === 'organization')) {
          flagged.push(connectorLabel(u.connector));
          flaggedIds.push(u.connector.id);
        }
      }
      if (flagged.length > 0)
        return fail(
          `The agent calls ${listWords(flagged)} with organization-wide credentials and no requires_confirmation.`,
          { connectorIds: flaggedIds },
        );
      if (unjudged > 0)
        return unknown(
          `${unjudged === 1 ? 'One connector' : `${unjudged} connectors`} the agent calls without confirmation could not be judged (missing, or its credentials could not be read).`,
          { unjudged },
        );
      return passUnlessFlagged(
        agent,
        ['tools'],
        pass('No connector of the agent runs with organization-wide credentials without confirmation.', {
          connectors: uses.length,
        }),
      );
    });
  },
};
