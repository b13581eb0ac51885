import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import { MISTRAL_AGENTS_DOC } from '../remediation.ts';
import type { AgentRecord, Snapshot } from '../../inventory/types.ts';
import type { Verdict } from '../rule-helpers.ts';
import {
  availabilityWord,
  evaluateAgents,
  fail,
  isAvailable,
  listWords,
  pass,
  passUnlessFlagged,
  unknown,
} from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_knowledge_base_missing',
  title: 'Agent references a document library that does not exist',
  resourceType: 'agent',
  severity: 'low',
  description:
    'A document_library tool of the agent lists a library id that is not among the libraries discovered (the library listing completed and the id is not in it).',
  risk: 'Low: the agent answers without the knowledge it was built on (and may invent it instead), and the dangling id shows the configuration is not maintained; if a library with that id is later shared with the workspace, the agent starts using content nobody reviewed for it.',
  remediation: {
    text: "Remove the missing library id from the agent's document_library tool, or point it at the library that replaced it.",
    patchAgentBody: { tools: [{ type: 'document_library', library_ids: ['<existing library id>'] }] },
  },
  references: [MISTRAL_AGENTS_DOC],
  compliance: [owaspLlm('LLM09'), owaspAgentic('T1'), nist('MANAGE 4.1'), euAiAct('Art. 10')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) =>
      passUnlessFlagged(agent, ['tools', 'knowledgeBases', 'library_ids'], judge(agent, ctx.snapshot)),
    ),
};

function judge(agent: AgentRecord, snapshot: Snapshot): Verdict {
  const kbs = agent.knowledgeBases;
  if (kbs.length === 0) return pass('The agent references no document library.', { knowledgeBases: 0 });
  const missing = kbs.filter((k) => k.found === false).map((k) => k.id);
  if (missing.length > 0) {
    return fail(
      `The agent references ${missing.length === 1 ? 'a library' : 'libraries'} that ${missing.length === 1 ? 'does' : 'do'} not exist: ${listWords(missing)}.`,
      {
        missing,
      },
    );
  }
  const unresolved = kbs.filter((k) => k.found === null).map((k) => k.id);
  if (unresolved.length > 0 || !isAvailable(snapshot, 'libraries')) {
    return unknown(
      `Library discovery is ${availabilityWord(snapshot, 'libraries')} or incomplete, so ${listWords(unresolved.length ? unresolved : kbs.map((k) => k.id))} could not be resolved.`,
      {
        unresolved: unresolved.length ? unresolved : kbs.map((k) => k.id),
      },
    );
  }
  return pass(`Every referenced library (${kbs.length}) exists.`, { knowledgeBases: kbs.length });
}
