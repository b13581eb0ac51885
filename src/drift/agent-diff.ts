/**
 * Field-level diff of two configurations of the same agent.
 * Values are put in events as they are, except: instructions (length + short hash only), tools
 * (credentials redacted, order-insensitive), completion args and guardrails (credentials redacted
 * again: a snapshot stored before src/inventory/redact.ts covered them may hold one, and an event must
 * never carry it; both sides are redacted, so that upgrade alone is no change); knowledge bases and
 * handoffs compare as sorted id lists.
 */
import { redactSecrets } from '../inventory/redact.ts';
import { safeText } from '../shared/text.ts';
import type { AgentConfig } from '../inventory/types.ts';
import type { FieldChange } from '../findings/types.ts';
import { normalizeTools, sameValue, summarizeInstructions, toolLabel } from './canonical.ts';

/** The compared fields, in the order changes are listed. */
export const AGENT_DIFF_FIELDS = [
  'name',
  'description',
  'model',
  'instructions',
  'temperature',
  'topP',
  'completionArgs',
  'tools',
  'knowledgeBases',
  'handoffs',
  'guardrails',
  'deploymentChat',
  'version',
] as const;

export type AgentDiffField = (typeof AGENT_DIFF_FIELDS)[number];

type Projector = (c: AgentConfig) => unknown;

const PROJECT: Record<AgentDiffField, Projector> = {
  name: (c) => c.name,
  description: (c) => c.description,
  model: (c) => c.model,
  instructions: (c) => summarizeInstructions(c.instructions),
  temperature: (c) => c.temperature,
  topP: (c) => c.topP,
  completionArgs: (c) => redactSecrets(c.completionArgs),
  tools: (c) => normalizeTools(c.tools ?? []),
  knowledgeBases: (c) => [...new Set((c.knowledgeBases ?? []).map((k) => k.id))].sort(),
  handoffs: (c) => (c.handoffs === null ? null : [...c.handoffs].sort()),
  guardrails: (c) => redactSecrets(c.guardrails),
  deploymentChat: (c) => c.deploymentChat,
  version: (c) => c.version,
};

/**
 * What is compared, when it is more than what is shown: guardrails compare the stored (raw) policies
 * AND their normalised view, so a change the rules can see is never missed by the diff.
 */
const COMPARE: Partial<Record<AgentDiffField, Projector>> = {
  guardrails: (c) => [redactSecrets(c.guardrails), c.guardrails === null ? [] : c.guardrailPolicies],
};

export function diffAgentConfig(before: AgentConfig, after: AgentConfig): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of AGENT_DIFF_FIELDS) {
    const key = COMPARE[field] ?? PROJECT[field];
    if (sameValue(key(before), key(after))) continue;
    changes.push({ field, before: PROJECT[field](before) ?? null, after: PROJECT[field](after) ?? null });
  }
  return changes;
}

/** "model mistral-small-2506 → mistral-medium-2505; tools +web_search −function:x; instructions; …" */
export function describeAgentChanges(
  before: AgentConfig,
  after: AgentConfig,
  changes: FieldChange[],
): string {
  const parts: string[] = [];
  for (const c of changes) {
    switch (c.field) {
      case 'model':
        parts.push(`model ${short(before.model)} → ${short(after.model)}`);
        break;
      case 'version':
        parts.push(`version ${before.version} → ${after.version}`);
        break;
      case 'tools': {
        const delta = multisetDelta((before.tools ?? []).map(toolLabel), (after.tools ?? []).map(toolLabel));
        const moves = [...delta.added.map((t) => `+${t}`), ...delta.removed.map((t) => `−${t}`)];
        parts.push(moves.length ? `tools ${moves.map(short).join(' ')}` : 'tools (configuration)');
        break;
      }
      case 'knowledgeBases': {
        const b = c.before as string[];
        const a = c.after as string[];
        const moves = [
          ...a.filter((x) => !b.includes(x)).map((x) => `+${x}`),
          ...b.filter((x) => !a.includes(x)).map((x) => `−${x}`),
        ];
        parts.push(`knowledge bases ${moves.map(short).join(' ')}`);
        break;
      }
      case 'guardrails': {
        const b = policyCount(before);
        const a = policyCount(after);
        parts.push(b === a ? 'guardrails (policies edited)' : `guardrails ${b} → ${a}`);
        break;
      }
      case 'deploymentChat':
        parts.push(after.deploymentChat ? 'deployed to chat' : 'removed from chat');
        break;
      default:
        parts.push(c.field);
    }
  }
  return parts.join('; ');
}

function policyCount(c: AgentConfig): string {
  if (c.guardrails === null) return 'none';
  const n = c.guardrails.policy_count;
  return `${n} polic${n === 1 ? 'y' : 'ies'}`;
}

function multisetDelta(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const count = new Map<string, number>();
  for (const x of before) count.set(x, (count.get(x) ?? 0) + 1);
  const added: string[] = [];
  for (const x of after) {
    const n = count.get(x) ?? 0;
    if (n > 0) count.set(x, n - 1);
    else added.push(x);
  }
  const removed: string[] = [];
  for (const [x, n] of count) for (let i = 0; i < n; i++) removed.push(x);
  return { added: added.sort(), removed: removed.sort() };
}

/** Ids and model names come from the workspace too: one line, bounded. */
function short(s: string): string {
  const clean = safeText(s, 1000).replace(/\s+/g, ' ').trim();
  return clean.length > 60 ? `${clean.slice(0, 59)}…` : clean;
}
