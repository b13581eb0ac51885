import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { AgentRecord } from '../../inventory/types.ts';
import { atlas, euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import {
  compareStrength,
  guardrailStrength,
  hasGuardrails,
  policiesOf,
  type GuardrailStrength,
} from '../guardrail-strength.ts';
import { MISTRAL_GUARDRAILS_DOC } from '../remediation.ts';
import type { Verdict } from '../rule-helpers.ts';
import {
  evaluateAgents,
  fail,
  flaggedFields,
  listWords,
  malformed,
  pass,
  passUnlessFlagged,
  plural,
  unknown,
} from '../rule-helpers.ts';
import {
  HANDOFFS_PATCH_BODY,
  MISTRAL_HANDOFFS_DOC,
  agentListingGap,
  handoffTargets,
} from './mistral-agent-handoff-target-missing.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_handoff_weaker_guardrails',
  title: 'Agent hands conversations off to an agent with weaker guardrails',
  resourceType: 'agent',
  severity: 'high',
  description:
    "An agent listed in the agent's handoffs (current configuration) has weaker guardrails than the agent itself, by the one ordering of guardrail-strength.ts (none < not blocking < fail-open < blocking with gaps < blocking, fail-closed, checking jailbreaking and pii; ties by the number of categories checked). UNKNOWN when a target is not among the agents read because the listing was incomplete, or when a guardrail policy of either agent could not be read or was flagged malformed.",
  risk: "High: once a conversation is handed off, the target answers the user and runs its tools under its own guardrails, so the agent is only as well protected as the weakest agent it hands off to; a user or injected content can steer the conversation into the handoff to escape the moderation reviewers relied on. High, as for an alias to a weaker version (the same shape: the reviewed configuration is not the one that answers), and one severity whatever the gap: the common case is a target with no guardrails at all; a target that is merely a little weaker is still a path around the agent's guardrails.",
  remediation: {
    text: "Give each target guardrails at least as strong as the agent's own (the PATCH body of mistral_agent_guardrails_missing, sent to the target), or remove the target from the agent's handoffs. The body below replaces the agent's whole handoff list (at least one id, or null for none) and creates a new agent version; move deployment aliases to it.",
    patchAgentBody: HANDOFFS_PATCH_BODY,
    consoleSteps: [
      'Open each target agent named in the finding in Mistral AI Studio (console.mistral.ai) > Agents.',
      'Under Guardrails, give it a blocking moderation policy at least as strict as the handing-off agent’s (block on error, jailbreaking and pii checked), and save.',
      "Or remove the target from the handing-off agent's handoffs (PATCH /v1/agents/{agent_id} with the ids to keep, the body below).",
      'Either change creates a new agent version: move your deployment aliases to it.',
    ],
  },
  references: [MISTRAL_HANDOFFS_DOC, MISTRAL_GUARDRAILS_DOC],
  compliance: [
    owaspLlm('LLM01'),
    owaspAgentic('T14'),
    atlas('AML.T0054'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const byId = new Map(ctx.snapshot.agents.map((a) => [a.id, a]));
    const gap = agentListingGap(ctx.snapshot);
    return evaluateAgents(ctx, meta, (agent) =>
      passUnlessFlagged(agent, ['handoffs'], judge(agent, byId, gap)),
    );
  },
};

const unreadPolicy = (a: AgentRecord): boolean => policiesOf(a).some((p) => p.format === 'unknown');

/** How a target reads in a detail: "Name", or its id when it has no name (ids are in the evidence). */
function label(a: AgentRecord): string {
  return a.name ? `"${a.name}"` : a.id;
}

/** How a strength reads; the number of categories checked only where the level alone does not order them. */
function strengthWords(s: GuardrailStrength, withCount: boolean): string {
  return withCount
    ? `${s.label}, ${plural(s.checkedCategories.length, 'category', 'categories')} checked`
    : s.label;
}

function judge(agent: AgentRecord, byId: ReadonlyMap<string, AgentRecord>, gap: string | null): Verdict {
  const { ids, unreadable } = handoffTargets(agent);
  if (ids.length === 0 && unreadable === 0)
    return pass('The agent hands off to no other agent.', { handoffs: 0 });
  const bad = malformed(agent, ['guardrails']);
  if (bad) return bad;
  if (!hasGuardrails(agent)) {
    // Nothing is weaker than no guardrails: mistral_agent_guardrails_missing reports the agent itself.
    return pass(
      'The agent has no guardrails of its own (see mistral_agent_guardrails_missing), so no agent it hands off to can be weaker.',
      { handoffs: ids.length, level: 0 },
    );
  }
  const own = guardrailStrength(agent);
  const ownUnread = unreadPolicy(agent);

  const weaker: Array<{
    id: string;
    name: string | null;
    level: number;
    label: string;
    checkedCategories: number;
  }> = [];
  const words: string[] = [];
  const unresolved: string[] = [];
  const unreadTargets: Array<{ id: string; name: string | null }> = [];
  const missing: string[] = [];
  let uncompared = 0;
  for (const id of ids) {
    // A handoff to itself is to guardrails exactly as strong.
    if (id === agent.id) continue;
    const target = byId.get(id);
    if (!target) {
      if (gap === null) missing.push(id);
      else unresolved.push(id);
      continue;
    }
    // A target's "no guardrails" is only a fact when no warning casts doubt on it (rule-helpers: flaggedFields).
    const targetFlagged = flaggedFields(target, ['guardrails']).length > 0;
    if (!targetFlagged && !hasGuardrails(target)) {
      // Any policy, even one we could not read, is stronger than none.
      const s = guardrailStrength(target);
      weaker.push({ id, name: target.name, level: s.level, label: s.label, checkedCategories: 0 });
      words.push(`${label(target)} (${s.label})`);
      continue;
    }
    if (targetFlagged || unreadPolicy(target)) {
      unreadTargets.push({ id, name: target.name });
      continue;
    }
    if (ownUnread) {
      // The agent's own strength is not known: only "no guardrails" (above) can be compared with it.
      uncompared += 1;
      continue;
    }
    const s = guardrailStrength(target);
    if (compareStrength(s, own) < 0) {
      weaker.push({
        id,
        name: target.name,
        level: s.level,
        label: s.label,
        checkedCategories: s.checkedCategories.length,
      });
      words.push(`${label(target)} (${strengthWords(s, s.level === own.level)})`);
    }
  }

  // With an unreadable policy, level and label count it as not blocking (guardrail-strength.ts): flagged.
  const ownEvidence = {
    level: own.level,
    label: own.label,
    checkedCategories: own.checkedCategories.length,
    ...(ownUnread ? { unreadablePolicy: true } : {}),
  };
  if (weaker.length > 0) {
    const tie = weaker.some((w) => w.level === own.level);
    const ownWords = ownUnread ? 'guardrails (some of them unreadable)' : strengthWords(own, tie);
    return fail(
      `The agent hands off to ${listWords(words)}, ${weaker.length === 1 ? '' : weaker.length === 2 ? 'both ' : 'all '}weaker than its own ${ownWords}.`,
      {
        own: ownEvidence,
        weakerTargets: weaker,
        ...(unresolved.length > 0 ? { unresolvedTargets: unresolved } : {}),
        ...(unreadTargets.length > 0 ? { unreadableTargets: unreadTargets } : {}),
      },
    );
  }
  const doubts: string[] = [];
  if (unresolved.length > 0)
    doubts.push(
      `${listWords(unresolved)} ${unresolved.length === 1 ? 'is' : 'are'} not among the agents read (${gap})`,
    );
  if (uncompared > 0)
    doubts.push(
      `a guardrail policy of the agent itself could not be read, so ${plural(uncompared, 'guarded target')} cannot be compared with it`,
    );
  if (unreadTargets.length > 0)
    doubts.push(
      `the guardrails of ${listWords(unreadTargets.map((t) => (t.name ? `"${t.name}"` : t.id)))} could not be read`,
    );
  if (unreadable > 0)
    doubts.push(
      `${plural(unreadable, 'handoff entry', 'handoff entries')} ${unreadable === 1 ? 'is' : 'are'} not an agent id`,
    );
  if (doubts.length > 0) {
    return unknown(`No readable handoff target is weaker, but ${listWords(doubts)}.`, {
      own: ownEvidence,
      ...(unresolved.length > 0 ? { unresolvedTargets: unresolved } : {}),
      ...(unreadTargets.length > 0 ? { unreadableTargets: unreadTargets } : {}),
      ...(unreadable > 0 ? { unreadableEntries: unreadable } : {}),
    });
  }
  const present = ids.length - missing.length;
  const gone =
    missing.length > 0
      ? `${listWords(missing)} ${missing.length === 1 ? 'does' : 'do'} not exist (see mistral_agent_handoff_target_missing)`
      : '';
  return pass(
    present === 0
      ? `The agent hands off only to agents that do not exist, so to none with weaker guardrails: ${gone}.`
      : `Every agent it hands off to (${present}) is guarded at least as strongly as the agent (${ownUnread ? 'guardrails, some of them unreadable' : own.label})${gone ? `; ${gone}` : ''}.`,
    { own: ownEvidence, handoffs: ids.length, ...(missing.length > 0 ? { missingTargets: missing } : {}) },
  );
}
