/**
 * What the connector rules (issue 11) share: whether connectors were read at this sync, and the
 * connectors an agent's current tools use. Pure functions only.
 */
import { connectorOfTool, type ConnectorRecord, type ConnectorToolRecord } from '../inventory/connectors.ts';
import type { AgentRecord, ExtraFeatureKey, Snapshot } from '../inventory/types.ts';
import type { WireTool } from '../shared/mistral-wire.ts';
import { listWords, toolLabel } from './rule-helpers.ts';

/** Whether an extra feature (connectors, librarySharing) was read at this sync. */
export function extraAvailable(snapshot: Snapshot, feature: ExtraFeatureKey): boolean {
  return snapshot.extraAvailability?.[feature]?.status === 'available';
}

/** "unavailable" / "error" / "not read" for a detail sentence. */
export function extraWord(snapshot: Snapshot, feature: ExtraFeatureKey): string {
  return snapshot.extraAvailability?.[feature]?.status ?? 'not read';
}

export interface AgentConnectorUse {
  tool: WireTool;
  /** The connector_id as configured on the agent's tool. */
  ref: string;
  /** The connector it names, or undefined when no listed connector has that id or name. */
  connector: ConnectorRecord | undefined;
}

/** Every connector tool of the agent's current configuration, with the connector it resolves to. */
export function connectorUses(
  agent: AgentRecord,
  connectors: readonly ConnectorRecord[],
): AgentConnectorUse[] {
  return agent.tools
    .filter((t) => t.type === 'connector')
    .map((tool) => ({
      tool,
      ref: String((tool as { connector_id?: unknown }).connector_id),
      connector: connectorOfTool(connectors, tool),
    }));
}

/** A connector's name for a sentence: its title or name, quoted. */
export function connectorLabel(c: Pick<ConnectorRecord, 'name' | 'title'>): string {
  return `"${c.title ?? c.name}"`;
}

/** The integration-level resource of a rule (the integration, or the base URL for a one-off scan). */
export function integrationResource(snapshot: Snapshot): { resourceId: string; resourceName: string | null } {
  return {
    resourceId: snapshot.integration?.id ?? snapshot.source.baseUrl,
    resourceName: snapshot.integration?.name ?? null,
  };
}

// ---------------------------------------------------------------------------
// Which tools change state, and whether an agent confirms the ones it can call (gap: a non-empty
// requires_confirmation used to pass whatever it named).

/**
 * Verbs that make a tool read-only when its name starts with one of them (after leading words that are
 * the connector's own name, as in `notion_search_pages`).
 */
export const READ_ONLY_VERBS: readonly string[] = [
  'get',
  'list',
  'search',
  'read',
  'fetch',
  'find',
  'lookup',
  'look',
  'view',
  'show',
  'describe',
  'retrieve',
  'browse',
  'preview',
  'count',
  'download',
  'inspect',
  'summarize',
];

/**
 * Verbs that make a tool state-changing wherever they are in its name, even after a read-only verb
 * (`get_or_create_user`, `search_and_replace`). Words that are as often nouns (message, post, order,
 * comment, run…) are left out: they would make `get_message` state-changing. A name with no read-only
 * verb in front changes state anyway, listed verb or not.
 */
export const STATE_CHANGING_VERBS: readonly string[] = [
  'create',
  'add',
  'insert',
  'update',
  'edit',
  'modify',
  'patch',
  'set',
  'rename',
  'move',
  'copy',
  'upload',
  'write',
  'append',
  'replace',
  'upsert',
  'save',
  'delete',
  'remove',
  'destroy',
  'drop',
  'purge',
  'erase',
  'archive',
  'trash',
  'clear',
  'send',
  'reply',
  'forward',
  'publish',
  'invite',
  'merge',
  'close',
  'reopen',
  'approve',
  'reject',
  'assign',
  'unassign',
  'transfer',
  'pay',
  'refund',
  'execute',
  'exec',
  'deploy',
  'revert',
  'restore',
  'reset',
  'trigger',
  'cancel',
  'enable',
  'disable',
  'grant',
  'revoke',
  'commit',
  'submit',
  'import',
  'sync',
  'install',
  'uninstall',
  'mark',
  'subscribe',
  'unsubscribe',
];

/** The lower-case words of a name: `mergePullRequest`, `merge-pull_request` → merge, pull, request. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * Whether a tool changes state, judged by its name alone (TrustLens keeps no tool annotations, and
 * MCP's readOnlyHint is a hint the server sets about itself). Its verb is its first word after the
 * leading words it shares with `owner` (the connector's name), or a word right after "or", "and" or
 * "then" (`get_or_create_user`, `search_and_replace`). Read-only only when the first verb is a
 * READ_ONLY_VERBS word and no later verb is a STATE_CHANGING_VERBS word: a state-changing word in noun
 * position (`get_commit`, `list_merge_requests`, `get_sync_status`) does not count. Anything else
 * changes state, so a name the heuristic does not know (`query`, `run`, `issue`) is one a person
 * should confirm.
 */
export function changesState(name: string, owner: readonly string[] = []): boolean {
  const words = nameWords(name);
  let start = 0;
  while (start < words.length - 1 && owner.includes(words[start])) start++;
  if (!READ_ONLY_VERBS.includes(words[start] ?? '')) return true;
  for (let i = start + 1; i < words.length - 1; i++) {
    if (CONJUNCTIONS.includes(words[i]) && STATE_CHANGING_VERBS.includes(words[i + 1])) return true;
  }
  return false;
}

const CONJUNCTIONS = ['or', 'and', 'then'];

/** One sentence on how tools were judged, for details. */
export const STATE_CHANGE_RULE =
  'Tools are judged by name: a tool is read-only only if its name starts with a read-only verb (get, list, search, read, fetch…) and joins no state-changing verb to it ("get_or_create").';

/**
 * The tools a connector exposes: null when unknown (the connector's tool list was not sent, or was
 * flagged as malformed); [] when it has none.
 */
export function connectorTools(c: ConnectorRecord): readonly ConnectorToolRecord[] | null {
  // null when Mistral sent no tool list and GET /v1/connectors/{id}/tools gave none (d5f7854, fe04dc4).
  // Read defensively: anything but an array (an older or damaged record) is unknown.
  const tools: unknown = c.tools;
  if (!Array.isArray(tools)) return null;
  if (c.dataQuality.some((w) => /(^|[^a-z_])tools([^a-z_]|$)/i.test(w.issue))) return null;
  return tools;
}

/** The strings of a tool_configuration list (anything else is ignored); null when absent or empty. */
function names(list: unknown): string[] | null {
  if (!Array.isArray(list)) return null;
  const out = list.filter((x): x is string => typeof x === 'string');
  return out.length > 0 ? out : null;
}

export interface ConfirmationJudgement {
  /** toolLabel of the agent's tool: "connector github". */
  label: string;
  /** The connector's id when the tool resolved to a listed connector. */
  connectorId: string | null;
  /**
   * confirmed: every state-changing tool the agent can call is in requires_confirmation (or it can call
   * none); unconfirmed: some are not; unknown: the tools it can call are unknown.
   */
  status: 'confirmed' | 'unconfirmed' | 'unknown';
  /**
   * The connector's tools the agent can call (after include/exclude), or null when unknown. When the
   * connector's tools are unknown but include is given, the include list (less exclude): the agent
   * can call no other tool.
   */
  callableTools: string[] | null;
  /** Where callableTools came from. */
  callableFrom: 'connector' | 'include' | null;
  stateChanging: string[];
  /** State-changing callable tools not in requires_confirmation. */
  unconfirmed: string[];
  requiresConfirmation: string[];
  /** requires_confirmation names the connector does not have (only when its tools are known). */
  unmatchedConfirmations: string[];
  /** Why the callable tools are unknown (a clause), when they are. */
  unknownReason: string | null;
}

/**
 * Whether an agent's connector tool confirms every state-changing tool it can call: the connector's
 * tools, less those not in a non-empty include list and those in exclude, judged by changesState,
 * against requires_confirmation. An empty include list is taken as no restriction.
 */
export function judgeConnectorConfirmation(
  use: AgentConnectorUse,
  snapshot: Snapshot,
): ConfirmationJudgement {
  const conf = (use.tool as { tool_configuration?: Record<string, unknown> | null }).tool_configuration;
  const confirm = names(conf?.requires_confirmation) ?? [];
  const include = names(conf?.include);
  const exclude = names(conf?.exclude) ?? [];
  const c = extraAvailable(snapshot, 'connectors') ? use.connector : undefined;
  const tools = c ? connectorTools(c) : null;
  let callable: string[] | null = null;
  let callableFrom: ConfirmationJudgement['callableFrom'] = null;
  let unknownReason: string | null = null;
  if (tools !== null) {
    callable = tools
      .map((t) => t.name)
      .filter((n) => (include === null || include.includes(n)) && !exclude.includes(n));
    callableFrom = 'connector';
  } else if (include !== null) {
    callable = include.filter((n) => !exclude.includes(n));
    callableFrom = 'include';
  } else if (!extraAvailable(snapshot, 'connectors')) {
    unknownReason = `connector discovery was ${extraWord(snapshot, 'connectors')}, so its tools are unknown`;
  } else if (!use.connector) {
    unknownReason = `no connector listed has the id or name "${use.ref}", so its tools are unknown`;
  } else {
    unknownReason = 'its tool list was not read';
  }
  const owner = c ? [...nameWords(c.name), ...nameWords(c.title ?? '')] : nameWords(use.ref);
  const stateChanging = (callable ?? []).filter((n) => changesState(n, owner));
  const unconfirmed = stateChanging.filter((n) => !confirm.includes(n));
  return {
    label: toolLabel(use.tool),
    connectorId: use.connector?.id ?? null,
    status: callable === null ? 'unknown' : unconfirmed.length > 0 ? 'unconfirmed' : 'confirmed',
    callableTools: callable,
    callableFrom,
    stateChanging,
    unconfirmed,
    requiresConfirmation: confirm,
    unmatchedConfirmations: tools === null ? [] : confirm.filter((n) => !tools.some((t) => t.name === n)),
    unknownReason,
  };
}

/**
 * "can call create_issue and merge_pull_request without confirmation (its requires_confirmation names
 * send_message, which the connector does not have)": what an unconfirmed connector tool can do, after its
 * label. `said`: the sentence already says "without confirmation", so the clause does not.
 */
export function unconfirmedClause(j: ConfirmationJudgement, said = false): string {
  const notes: string[] = [];
  if (j.requiresConfirmation.length === 0) notes.push('no requires_confirmation');
  else if (j.unmatchedConfirmations.length > 0)
    notes.push(
      `its requires_confirmation names ${listWords(j.unmatchedConfirmations)}, which the connector does not have`,
    );
  if (j.callableFrom === 'include') notes.push('tools as listed in include');
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return `can call ${listWords(j.unconfirmed)}${said ? '' : ' without confirmation'}${tail}`;
}

/** Evidence for one judgement (what the rules put in `evidence`). */
export function judgementEvidence(j: ConfirmationJudgement): Record<string, unknown> {
  return {
    tool: j.label,
    connectorId: j.connectorId,
    status: j.status,
    callableTools: j.callableTools,
    callableFrom: j.callableFrom,
    stateChanging: j.stateChanging,
    unconfirmed: j.unconfirmed,
    requiresConfirmation: j.requiresConfirmation,
    unmatchedConfirmations: j.unmatchedConfirmations,
    unknownReason: j.unknownReason,
  };
}
