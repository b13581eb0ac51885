import type { Rule, RuleMeta } from '../../findings/types.ts';
import { nist, owaspAgentic } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import { connectorUses, extraAvailable, extraWord } from '../connector-helpers.ts';
import { evaluateAgents, fail, listWords, pass, passUnlessFlagged, unknown } from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_connector_missing',
  title: 'Agent uses a connector that no longer exists',
  resourceType: 'agent',
  severity: 'medium',
  description:
    "A connector tool of the agent's current configuration names a connector_id that matches no connector of the workspace (by id or by name): the connector was deleted or renamed. Requires connector discovery (beta).",
  risk: 'Medium: the agent fails when it calls the tool, or, if a connector with that name is created again (by anyone allowed to), calls a server its owner never reviewed.',
  remediation: {
    text: 'Remove the connector tool from the agent, or point it at the connector that replaced it.',
    patchAgentBody: { tools: [{ type: 'connector', connector_id: '<existing connector id>' }] },
  },
  references: [MISTRAL_AGENTS_DOC],
  compliance: [owaspAgentic('T2'), nist('MANAGE 4.1')],
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
          `Connector discovery was ${extraWord(ctx.snapshot, 'connectors')} at this sync, so whether the agent's ${uses.length === 1 ? 'connector exists' : `${uses.length} connectors exist`} is unknown.`,
        );
      const missing = [...new Set(uses.filter((u) => u.connector === undefined).map((u) => u.ref))];
      if (missing.length > 0)
        return fail(
          `The agent uses ${missing.length === 1 ? 'a connector' : 'connectors'} that no longer ${missing.length === 1 ? 'exists' : 'exist'}: ${listWords(missing)}.`,
          {
            missingConnectorIds: missing,
          },
        );
      return passUnlessFlagged(
        agent,
        ['tools'],
        pass(`Every connector the agent uses (${uses.length}) exists.`),
      );
    });
  },
};
