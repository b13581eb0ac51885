import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { AgentConfig, AgentRecord } from '../../inventory/types.ts';
import { euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import {
  availabilityWord,
  evaluateEach,
  fail,
  flaggedFields,
  isAvailable,
  pass,
  unknown,
} from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_library_unused',
  title: 'Document library used by no agent',
  resourceType: 'library',
  severity: 'low',
  description:
    'No agent uses the document library: no current agent configuration, and no version a deployment alias points to, lists its id in a document_library tool. Requires agent discovery.',
  risk: 'Low: an unused library is data kept (and shared) with no purpose, often a leftover copy of internal documents; it widens what a compromised key or a mis-shared workspace exposes.',
  remediation: {
    text: 'Check with the library owner; delete the library (or its documents) if it is no longer needed, or restrict its sharing.',
    consoleSteps: [
      "Open Mistral AI Studio > Libraries, review the library's documents and sharing, and delete it if unused.",
    ],
  },
  references: ['https://docs.mistral.ai/agents/connectors/document_library/'],
  compliance: [owaspLlm('LLM08'), nist('GOVERN 1.6'), nist('MEASURE 2.10'), euAiAct('Art. 10')],
};

function libraryIds(config: AgentConfig): string[] {
  const fromTools = config.tools.flatMap((t) =>
    t.type === 'document_library' && Array.isArray(t.library_ids) ? t.library_ids : [],
  );
  return [...fromTools, ...config.knowledgeBases.map((k) => k.id)];
}

/** Library ids used by an agent's current configuration and by every version an alias points to. */
function usedBy(agent: AgentRecord): string[] {
  const aliased = new Set(agent.aliases.map((a) => a.version));
  const versions = agent.versionHistory.filter((v) => aliased.has(v.version));
  return [...libraryIds(agent), ...versions.flatMap(libraryIds)];
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const agentsKnown = isAvailable(ctx.snapshot, 'agents');
    const used = new Map<string, number>();
    for (const agent of ctx.snapshot.agents) {
      for (const id of new Set(usedBy(agent))) used.set(id, (used.get(id) ?? 0) + 1);
    }
    const unreadableAgents = ctx.snapshot.agents.filter((a) => flaggedFields(a, ['tools']).length > 0).length;
    return evaluateEach(
      ctx,
      meta,
      'libraries',
      ctx.snapshot.libraries,
      (l) => l.name,
      (library) => {
        const n = used.get(library.id) ?? 0;
        if (n > 0)
          return pass(`${n === 1 ? 'One agent uses' : `${n} agents use`} the library.`, { agents: n });
        if (!agentsKnown) {
          return unknown(
            `Agent discovery is ${availabilityWord(ctx.snapshot, 'agents')}, so whether an agent uses the library is unknown.`,
            {
              documentCount: library.documentCount,
            },
          );
        }
        if (unreadableAgents > 0) {
          return unknown(
            `No readable agent uses the library, but the tools of ${unreadableAgents} agent${unreadableAgents === 1 ? '' : 's'} could not be read.`,
            {
              unreadableAgents,
            },
          );
        }
        return fail(`No agent uses the library (${library.documentCount} documents).`, {
          agents: 0,
          documentCount: library.documentCount,
        });
      },
    );
  },
};
