import type { Rule, RuleContext, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { blockingPolicies, policiesOf } from '../guardrail-strength.ts';
import { MISTRAL_AGENTS_DOC, MISTRAL_GUARDRAILS_DOC } from '../remediation.ts';
import type { AgentRecord } from '../../inventory/types.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import {
  STATE_CHANGE_RULE,
  changesState,
  connectorUses,
  judgeConnectorConfirmation,
  judgementEvidence,
  nameWords,
  type AgentConnectorUse,
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

/** Built-in tools that bring untrusted content into the context (indirect prompt injection). */
export const UNTRUSTED_INPUT_TOOLS: readonly string[] = ['web_search', 'web_search_premium'];
/**
 * Connectors that read content other people write (mail, chat, documents, tickets, code, web pages):
 * a connector counts when a word of its name or title (or, when it is not listed, of the connector_id
 * the agent gives) is one of these.
 */
export const EXTERNAL_CONTENT_CONNECTORS: readonly string[] = [
  'gmail',
  'outlook',
  'mail',
  'email',
  'inbox',
  'imap',
  'slack',
  'teams',
  'discord',
  'mattermost',
  'telegram',
  'whatsapp',
  'notion',
  'confluence',
  'drive',
  'gdrive',
  'docs',
  'sharepoint',
  'onedrive',
  'dropbox',
  'box',
  'jira',
  'linear',
  'github',
  'gitlab',
  'bitbucket',
  'zendesk',
  'intercom',
  'freshdesk',
  'hubspot',
  'salesforce',
  'asana',
  'trello',
  'monday',
  'calendar',
  'web',
  'browser',
  'fetch',
  'scraper',
  'rss',
  'reddit',
];
/** Tools that act on the world (call code or external systems). */
export const ACTION_TOOLS: readonly string[] = ['function', 'connector', 'code_interpreter'];
/** Tools that expose sensitive data to the model. */
export const SENSITIVE_DATA_TOOLS: readonly string[] = ['document_library'];

export const meta: RuleMeta = {
  id: 'mistral_agent_risky_tool_combination',
  title: 'Agent combines untrusted input with actions or private data, without human confirmation',
  resourceType: 'agent',
  severity: 'high',
  description: `The agent reads untrusted content (${UNTRUSTED_INPUT_TOOLS.join(', ')}, or a connector that reads mail, chat, documents, tickets or code: ${EXTERNAL_CONTENT_CONNECTORS.join(', ')}) and either can act with no person confirming (a connector state-changing tool not in tool_configuration.requires_confirmation, a code interpreter without requires_confirmation, or a function whose name does not say it only reads: functions run in the caller's code and Mistral cannot ask for them), or reads private data (${SENSITIVE_DATA_TOOLS.join(', ')}) while a way out runs unconfirmed (such an action, or a web search, whose queries leave the workspace). A guardrail does not clear it: Mistral guardrails screen the user's input only, never what a web page or a connector brings in. Connectors whose tools are unknown make the agent UNKNOWN, never PASS.`,
  risk: 'High: a web page, an email, a chat message or a shared document can carry instructions (indirect prompt injection) that the agent then follows with its action tools, or uses to send private library content out (the "lethal trifecta" of untrusted input, private data and a way out). Guardrails do not screen this content: they moderate the user\'s own input only, so only a person confirming each action, or an agent that lacks one of the three, stops it.',
  remediation: {
    text: "Require confirmation for every state-changing tool the agent can call (tool_configuration.requires_confirmation on connector and code interpreter tools, by the connector's tool names; for functions, ask the user in your own code before running them), or split the agent (one reads the web or the mailbox, another acts or reads private libraries), or remove the tools it does not need. Guardrails still help against hostile users, but do not screen web pages or connector content. Note that a PATCH replaces the agent's whole tools list.",
    patchAgentBody: {
      tools: [
        {
          type: 'connector',
          connector_id: '<connector id>',
          tool_configuration: { requires_confirmation: ['<state-changing tool name>'] },
        },
        { type: 'code_interpreter', tool_configuration: { requires_confirmation: ['code_interpreter'] } },
      ],
    },
  },
  references: [
    MISTRAL_AGENTS_DOC,
    MISTRAL_GUARDRAILS_DOC,
    'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/',
  ],
  compliance: [
    owaspLlm('LLM01'),
    owaspLlm('LLM06'),
    owaspAgentic('T2'),
    owaspAgentic('T6'),
    atlas('AML.T0051.001'),
    atlas('AML.T0053'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  // A guardrail policy that cannot be read no longer decides anything, but its state is in the
  // evidence: a would-be PASS on such a record stays UNKNOWN, as on any flagged field it reads.
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) =>
      passUnlessFlagged(agent, ['tools', 'guardrails'], judge(agent, ctx)),
    ),
};

/** The guardrail's state, for evidence and the detail: it no longer decides the verdict. */
function guardrailState(agent: AgentRecord): 'blocking' | 'not blocking' | 'unreadable' | 'none' {
  if (blockingPolicies(agent).length > 0) return 'blocking';
  const policies = policiesOf(agent);
  if (policies.some((p) => p.format === 'unknown')) return 'unreadable';
  return policies.length > 0 ? 'not blocking' : 'none';
}

/** Whether a connector tool reads external content: by the connector's name or title, else by the ref. */
function readsExternal(u: AgentConnectorUse): boolean {
  const words = u.connector
    ? [...nameWords(u.connector.name), ...nameWords(u.connector.title ?? '')]
    : nameWords(u.ref);
  return words.some((w) => EXTERNAL_CONTENT_CONNECTORS.includes(w));
}

/** A non-empty requires_confirmation on a built-in tool (code interpreter, web search). */
function confirmed(tool: WireTool): boolean {
  if (tool.type === 'function') return false;
  const list = tool.tool_configuration?.requires_confirmation;
  return Array.isArray(list) && list.length > 0;
}

function judge(agent: AgentRecord, ctx: RuleContext): Verdict {
  const uses = connectorUses(agent, ctx.snapshot.connectors ?? []);
  const web = agent.tools.filter((t) => UNTRUSTED_INPUT_TOOLS.includes(t.type));
  const untrusted = [...web.map(toolLabel), ...uses.filter(readsExternal).map((u) => toolLabel(u.tool))];
  // A connector TrustLens cannot identify (connectors not read, or none listed with its id) may read
  // anything: it can turn a PASS into UNKNOWN, never prove a FAIL.
  const unidentified = uses.filter((u) => !u.connector && !readsExternal(u)).map((u) => toolLabel(u.tool));
  const actions = agent.tools.filter((t) => ACTION_TOOLS.includes(t.type)).map(toolLabel);
  const sensitive = agent.tools.filter((t) => SENSITIVE_DATA_TOOLS.includes(t.type)).map(toolLabel);

  // What acts with no person confirming it, and what cannot be told.
  const unconfirmedActions: string[] = [];
  const unjudgedActions: string[] = [];
  let judgedByName = false;
  const judgements = uses.map((u) => judgeConnectorConfirmation(u, ctx.snapshot));
  for (const j of judgements) {
    if (j.status === 'unconfirmed') {
      unconfirmedActions.push(`${j.label} (${listWords(j.unconfirmed)})`);
      judgedByName = true;
    } else if (j.status === 'unknown') unjudgedActions.push(`${j.label} (${j.unknownReason})`);
  }
  for (const t of agent.tools) {
    if (t.type === 'code_interpreter' && !confirmed(t)) unconfirmedActions.push(toolLabel(t));
    if (t.type === 'function' && changesState(t.function?.name ?? '')) {
      unconfirmedActions.push(toolLabel(t));
      judgedByName = true;
    }
  }
  // Ways out for private data: an unconfirmed action, or a web search that does not require
  // confirmation (its queries and the pages it opens leave the workspace).
  const openWeb = web.filter((t) => !confirmed(t)).map(toolLabel);
  const guardrail = guardrailState(agent);
  const facts = {
    untrustedInput: untrusted,
    actions,
    sensitiveData: sensitive,
    unconfirmedActions,
    unjudgedActions,
    unidentifiedConnectors: unidentified,
    unconfirmedWebSearch: openWeb,
    guardrail,
    connectorTools: judgements.map(judgementEvidence),
  };
  const guardNote =
    guardrail === 'blocking'
      ? " Its blocking guardrail does not prevent this: Mistral guardrails screen the user's input only, not web pages or connector content."
      : '';
  const nameNote = judgedByName ? ` ${STATE_CHANGE_RULE}` : '';

  let reads: string;
  if (untrusted.length > 0) reads = `Untrusted content (${listWords(untrusted)})`;
  else if (unidentified.length > 0)
    reads = `Possibly untrusted content (TrustLens could not identify ${listWords(unidentified)})`;
  else
    return pass(
      'The agent reads no untrusted content (no web search, no connector that reads mail, chat, documents, tickets or code).',
      facts,
    );
  // Proven only when the untrusted input is: with an unidentified connector alone, UNKNOWN at most.
  const risky = untrusted.length > 0 ? fail : unknown;
  if (unconfirmedActions.length > 0)
    return risky(
      `${reads} can drive actions no person confirms: ${listWords(unconfirmedActions)}.${guardNote}${nameNote}`,
      facts,
    );
  if (sensitive.length > 0 && openWeb.length > 0)
    return risky(
      `${reads} meets private data (${listWords(sensitive)}), and ${listWords(openWeb)} runs without confirmation: injected text can have it send that data out.${guardNote}`,
      facts,
    );
  if (unjudgedActions.length > 0)
    return unknown(
      `${reads} meets actions whose confirmation is unknown: ${listWords(unjudgedActions)}.`,
      facts,
    );
  if (actions.length === 0 && sensitive.length === 0)
    return pass(`${reads} meets no action or private-data tool.`, facts);
  const covered: string[] = [];
  if (actions.length > 0) covered.push('every state-changing tool it can call requires confirmation');
  if (sensitive.length > 0)
    covered.push(`no way out of its private data (${listWords(sensitive)}) runs unconfirmed`);
  return pass(`${reads} is read, but ${listWords(covered)}.`, facts);
}
