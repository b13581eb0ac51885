/**
 * Agents: wire agents (current version, version history, aliases) → AgentRecord.
 *
 * Knowledge bases are the library_ids of the agent's document_library tools, joined to the
 * discovered libraries: `found` is false when the libraries listing was complete and the id is not
 * in it, null when libraries could not be listed (no beta access, error).
 *
 * Status (documented in docs/metrics.md): active = the agent has activity (an entry in a
 * conversation) in the last 30 days; idle = usage is known and there is none; unknown = usage not
 * available.
 */
import { normalizeGuardrails, storeGuardrails } from './guardrails.ts';
import { redactSecrets, redactTool } from './redact.ts';
import type {
  AgentAliasRecord,
  AgentConfig,
  AgentRecord,
  AgentStatus,
  AgentUsage,
  DataQualityWarning,
  KnowledgeBaseRef,
  LibraryRecord,
} from './types.ts';
import type { WireAgent, WireAgentAlias, WireTool } from '../shared/mistral-wire.ts';

export const ACTIVE_WINDOW_DAYS = 30;

/** Libraries as the agent join sees them: null when the listing was not complete. */
export type LibraryIndex = Map<string, LibraryRecord> | null;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The agent's tools as returned, with credentials redacted (src/inventory/redact.ts). */
function toolsOf(a: WireAgent): WireTool[] {
  return Array.isArray(a.tools) ? a.tools.filter((t) => t && typeof t === 'object').map(redactTool) : [];
}

export function knowledgeBasesOf(tools: WireTool[], libraries: LibraryIndex): KnowledgeBaseRef[] {
  const ids: string[] = [];
  for (const t of tools) {
    if (t.type === 'document_library' && Array.isArray(t.library_ids)) {
      for (const id of t.library_ids) if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
    }
  }
  return ids.map((id) => {
    const lib = libraries?.get(id);
    return { id, name: lib?.name ?? null, found: libraries === null ? null : Boolean(lib) };
  });
}

export function toAgentConfig(a: WireAgent, libraries: LibraryIndex): AgentConfig {
  const tools = toolsOf(a);
  // Guardrail policies and completion args are free-form: credentials in them are redacted before
  // anything is derived, stored or hashed (src/inventory/redact.ts).
  const guardrails = storeGuardrails(redactSecrets(a.guardrails));
  const args =
    a.completion_args && typeof a.completion_args === 'object' ? redactSecrets(a.completion_args) : null;
  return {
    version: typeof a.version === 'number' ? a.version : Number(a.version),
    name: a.name,
    description: a.description ?? null,
    model: a.model,
    instructions: a.instructions ?? null,
    temperature: num(args?.temperature),
    topP: num(args?.top_p),
    completionArgs: args,
    tools,
    knowledgeBases: knowledgeBasesOf(tools, libraries),
    handoffs: Array.isArray(a.handoffs) ? a.handoffs : null,
    guardrails,
    guardrailPolicies: normalizeGuardrails(guardrails),
    deploymentChat: a.deployment_chat === true,
    versionMessage: a.version_message ?? null,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}

export function agentStatus(usage: AgentUsage | null, now: Date): AgentStatus {
  if (!usage) return 'unknown';
  if (!usage.lastActivityAt) return 'idle';
  const age = now.getTime() - Date.parse(usage.lastActivityAt);
  return age <= ACTIVE_WINDOW_DAYS * 86_400_000 ? 'active' : 'idle';
}

export interface AgentParts {
  current: WireAgent;
  /** Every version's full object; [] when version history was unavailable. */
  versions: WireAgent[];
  aliases: WireAgentAlias[];
  usage: AgentUsage | null;
  warnings: DataQualityWarning[];
}

export function toAgentRecord(parts: AgentParts, libraries: LibraryIndex, now: Date): AgentRecord {
  const { current } = parts;
  const config = toAgentConfig(current, libraries);
  const history = parts.versions
    .map((v) => toAgentConfig(v, libraries))
    .sort((x, y) => x.version - y.version);
  const aliases: AgentAliasRecord[] = parts.aliases
    .map((al) => ({
      alias: al.alias,
      version: al.version,
      createdAt: al.created_at,
      updatedAt: al.updated_at,
    }))
    .sort((x, y) => x.alias.localeCompare(y.alias));
  const versions = Array.isArray(current.versions)
    ? [...current.versions].sort((x, y) => x - y)
    : history.map((h) => h.version);
  return {
    ...config,
    id: current.id,
    versions,
    // Free-form: credentials (by key or by shape) are redacted at every level; the rest is kept.
    metadata:
      current.metadata && typeof current.metadata === 'object' ? redactSecrets(current.metadata) : null,
    ownerId: current.owner_id ?? null,
    source: typeof current.source === 'string' ? current.source : 'unknown',
    status: agentStatus(parts.usage, now),
    versionHistory: history,
    aliases,
    usage: parts.usage,
    dataQuality: parts.warnings,
  };
}
