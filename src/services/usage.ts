/**
 * Per-agent usage as a use case: an agent's daily series (runs, conversations, latency, tool calls; UTC
 * days by entry time, docs/metrics.md) over a chosen window, and finding an agent by id or by name.
 *
 * An agent is named by its id, or by its name when exactly one agent of the integration has that name
 * (exact match first, then case-insensitive). An unknown agent is NOT_FOUND; an ambiguous name is a
 * CONFLICT whose message and `details.candidates` list the matching agents. Scoped to the actor's
 * organization like every read service.
 */
import { AppError } from '../errors/index.ts';
import type { IntegrationView, Store } from '../store/index.ts';
import { loadDailySeries, type DailySeriesPoint } from '../usage/daily-series.ts';
import type { AgentSummary } from './agent-index.ts';
import type { Actor } from './context.ts';
import type { InventoryService } from './inventory.ts';
import { integrationsInScope, invalid } from './read-scope.ts';

export const USAGE_MAX_DAYS = 365;

export interface DailyUsageQuery {
  integrationId: string;
  /** An agent id or name; null = the workspace-level series of conversations without an agent. */
  agent: string | null;
  /** Days ending today (UTC), 1–365; default 90. */
  days?: number;
}

export interface DailyUsage {
  integrationId: string;
  agentId: string | null;
  agentName: string | null;
  days: number;
  series: DailySeriesPoint[];
}

export interface AgentCandidate {
  id: string;
  name: string | null;
  model: string | null;
  deleted: boolean;
}

export interface UsageService {
  /** The agent named by `ref` (id, or a name that matches exactly one agent), deleted agents included. */
  findAgent(actor: Actor, integrationId: string, ref: string): Promise<AgentSummary>;
  daily(actor: Actor, query: DailyUsageQuery): Promise<DailyUsage>;
}

export interface UsageServiceDeps {
  store: Pick<Store, 'integrations' | 'usage'>;
  inventory: Pick<InventoryService, 'listAgents'>;
  now?: () => Date;
}

function listAgentsHint(integ: IntegrationView): string {
  const name = /^[\w.-]+$/.test(integ.name) ? integ.name : JSON.stringify(integ.name);
  return `List the agents with their ids: \`trustlens agents ${name}\` (or GET /api/v1/agents?integrationId=${integ.id}).`;
}

function candidate(a: AgentSummary): AgentCandidate {
  return { id: a.id, name: a.name, model: a.model, deleted: a.deletedAt !== null };
}

export function createUsageService(deps: UsageServiceDeps): UsageService {
  const now = deps.now ?? (() => new Date());

  async function allAgents(actor: Actor, integrationId: string): Promise<AgentSummary[]> {
    const out: AgentSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.inventory.listAgents(actor, {
        integrationId,
        includeDeleted: true,
        limit: 500,
        cursor,
      });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  async function findAgent(actor: Actor, integrationId: string, ref: string): Promise<AgentSummary> {
    const [integ] = await integrationsInScope(deps.store, actor, integrationId);
    if (typeof ref !== 'string' || ref.trim() === '') {
      throw invalid('agent', 'An agent id or name is required.', listAgentsHint(integ));
    }
    const agents = await allAgents(actor, integ.id);
    const byId = agents.find((a) => a.id === ref);
    if (byId) return byId;
    const exact = agents.filter((a) => a.name === ref);
    const lower = ref.trim().toLowerCase();
    const folded = exact.length > 0 ? exact : agents.filter((a) => (a.name ?? '').toLowerCase() === lower);
    // A live agent wins over deleted namesakes (a re-created agent keeps its name).
    const live = folded.filter((a) => a.deletedAt === null);
    const matches = live.length > 0 ? live : folded;
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      const list = matches.map((a) => `${a.id} (${a.model ?? 'no model'})`).join(', ');
      throw new AppError('CONFLICT', `${matches.length} agents are named "${ref}": ${list}.`, {
        details: { field: 'agent', candidates: matches.map(candidate) },
        remediation: 'Name the agent by its id, one of those listed.',
      });
    }
    const similar = agents.filter((a) => (a.name ?? '').toLowerCase().includes(lower)).slice(0, 5);
    throw new AppError('NOT_FOUND', `No agent "${ref}" in this integration (by id or by name).`, {
      details: { field: 'agent', candidates: similar.map(candidate) },
      remediation:
        similar.length > 0
          ? `Did you mean ${similar.map((a) => `"${a.name}" (${a.id})`).join(', ')}? ${listAgentsHint(integ)}`
          : listAgentsHint(integ),
    });
  }

  return {
    findAgent,

    async daily(actor, query) {
      const days = query.days ?? 90;
      if (!Number.isInteger(days) || days < 1 || days > USAGE_MAX_DAYS) {
        throw invalid(
          'days',
          `days must be a whole number from 1 to ${USAGE_MAX_DAYS}.`,
          `Pass 1 to ${USAGE_MAX_DAYS}.`,
        );
      }
      const [integ] = await integrationsInScope(deps.store, actor, query.integrationId);
      const agent = query.agent === null ? null : await findAgent(actor, integ.id, query.agent);
      const series = await loadDailySeries(deps.store.usage(integ.id), agent?.id ?? null, {
        now: now(),
        days,
      });
      return {
        integrationId: integ.id,
        agentId: agent?.id ?? null,
        agentName: agent?.name ?? null,
        days,
        series,
      };
    },
  };
}
