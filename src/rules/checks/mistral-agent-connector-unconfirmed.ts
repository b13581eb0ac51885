import type { Rule, RuleContext, RuleMeta } from '../../findings/types.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import type { AgentRecord } from '../../inventory/types.ts';
import {
  STATE_CHANGE_RULE,
  connectorUses,
  judgeConnectorConfirmation,
  judgementEvidence,
  unconfirmedClause,
} from '../connector-helpers.ts';
import type { Verdict } from '../rule-helpers.ts';
import {
  evaluateAgents,
  fail,
  listWords,
  pass,
  passUnlessFlagged,
  toolLabel,
  unknown,
} from '../rule-helpers.ts';

/**
 * Tools that act on other systems and accept tool_configuration.requires_confirmation. Functions are
 * excluded: they have no tool_configuration and run in the caller's code, which decides itself.
 */
export const CONFIRMABLE_ACTION_TOOLS: readonly string[] = ['connector', 'code_interpreter'];

export const meta: RuleMeta = {
  id: 'mistral_agent_connector_unconfirmed',
  title: 'Agent action tools run without human confirmation',
  resourceType: 'agent',
  severity: 'medium',
  description: `A tool that acts (${CONFIRMABLE_ACTION_TOOLS.join(', ')}) can run without the user confirming: a connector tool of the agent can call one of the connector's state-changing tools (the connector's tools, less those left out by include/exclude) that tool_configuration.requires_confirmation does not name, or a code interpreter has no requires_confirmation. A non-empty requires_confirmation is not enough: it must name the connector's real state-changing tools. A tool is read-only only when its name says so (get, list, search, read…); connectors whose tool list is unknown (not read, not listed) make the agent UNKNOWN, never PASS.`,
  risk: 'Medium: a manipulated or mistaken agent can send mail, change records or run code with no human in the loop; the damage depends on what the connector can reach, which TrustLens cannot see.',
  remediation: {
    text: "List every state-changing tool of the connector in tool_configuration.requires_confirmation, by the name the connector gives it (the finding names them), and restrict the connector with include to the tools the agent needs, so each call that changes something needs the user's approval. Note that a PATCH replaces the agent's whole tools list.",
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
  references: [MISTRAL_AGENTS_DOC],
  compliance: [
    owaspLlm('LLM06'),
    owaspAgentic('T2'),
    owaspAgentic('T10'),
    owaspAgentic('T11'),
    nist('MAP 3.5'),
    euAiAct('Art. 14'),
  ],
};

/** A problem with a code interpreter (or another non-connector action tool), or null. */
function unconfirmedBuiltIn(tool: WireTool): string | null {
  const conf = tool.type === 'function' ? null : (tool.tool_configuration ?? null);
  const confirm = conf?.requires_confirmation ?? [];
  if (confirm.length === 0) return `${toolLabel(tool)} has no requires_confirmation`;
  const missing = (conf?.include ?? []).filter((name) => !confirm.includes(name));
  if (missing.length > 0) return `${toolLabel(tool)} includes ${listWords(missing)} without confirmation`;
  return null;
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => passUnlessFlagged(agent, ['tools'], judge(agent, ctx))),
};

function judge(agent: AgentRecord, ctx: RuleContext): Verdict {
  const acting = agent.tools.filter((t) => CONFIRMABLE_ACTION_TOOLS.includes(t.type));
  if (acting.length === 0)
    return pass('The agent has no connector or code interpreter tool.', { actionTools: 0 });
  const problems: string[] = [];
  const unjudged: string[] = [];
  const confirmed: string[] = [];
  const judgements = connectorUses(agent, ctx.snapshot.connectors ?? []).map((u) =>
    judgeConnectorConfirmation(u, ctx.snapshot),
  );
  const said: string[] = [];
  for (const j of judgements) {
    if (j.status === 'unconfirmed') {
      problems.push(`${j.label} ${unconfirmedClause(j)}`);
      said.push(`${j.label} ${unconfirmedClause(j, true)}`);
    } else if (j.status === 'unknown') unjudged.push(`${j.label} (${j.unknownReason})`);
    else if (j.stateChanging.length > 0) confirmed.push(`${j.label} confirms ${listWords(j.stateChanging)}`);
    else if ((j.callableTools ?? []).length > 0)
      confirmed.push(`${j.label} can call only read-only tools (${listWords(j.callableTools ?? [])})`);
    else confirmed.push(`${j.label} can call none of its tools`);
  }
  for (const t of acting.filter((x) => x.type !== 'connector')) {
    const p = unconfirmedBuiltIn(t);
    if (p) {
      problems.push(p);
      said.push(p);
    } else confirmed.push(`${toolLabel(t)} requires confirmation`);
  }
  const connectors = judgements.map(judgementEvidence);
  const byName = judgements.length > 0 ? ` ${STATE_CHANGE_RULE}` : '';
  if (problems.length > 0)
    return fail(`Unconfirmed actions: ${listWords(said)}.${byName}`, {
      problems,
      ...(unjudged.length > 0 ? { unjudged } : {}),
      connectors,
    });
  if (unjudged.length > 0)
    return unknown(
      `Whether every state-changing tool is confirmed is unknown: ${listWords(unjudged)}.${
        confirmed.length > 0 ? ` Judged: ${listWords(confirmed)}.` : ''
      }`,
      { unjudged, connectors },
    );
  return pass(
    `No action tool runs a state-changing tool without confirmation: ${listWords(confirmed)}.${byName}`,
    {
      actionTools: acting.length,
      connectors,
    },
  );
}
