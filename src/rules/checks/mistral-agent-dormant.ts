import type { Rule, RuleMeta } from '../../findings/types.ts';
import { euAiAct, nist, owaspAgentic } from '../frameworks/index.ts';
import {
  activeInWindow,
  ACTIVITY_WINDOW_DAYS,
  availabilityWord,
  daysSince,
  evaluateAgents,
  fail,
  isAvailable,
  malformed,
  pass,
  unknown,
} from '../rule-helpers.ts';

/** An agent with no run and no conversation for this many days is dormant. */
export const DORMANT_AFTER_DAYS = ACTIVITY_WINDOW_DAYS;

export const meta: RuleMeta = {
  id: 'mistral_agent_dormant',
  title: 'Agent has had no activity for 90 days',
  resourceType: 'agent',
  severity: 'low',
  description: `The agent had no run and no conversation in the last ${DORMANT_AFTER_DAYS} days (DORMANT_AFTER_DAYS), and it is older than that. Agents created more recently are not dormant yet.`,
  risk: 'Low: a forgotten agent keeps its tools, connectors and library access, nobody reviews it, and it can still be called by anyone with an API key; unused agents should be retired.',
  remediation: {
    text: 'Confirm with the owner whether the agent is still needed; delete it (or remove its tools and chat deployment) if not.',
    consoleSteps: [
      'Open Mistral AI Studio > Agents, find the agent, and delete it or remove its deployment.',
    ],
  },
  references: ['https://www.nist.gov/itl/ai-risk-management-framework'],
  compliance: [owaspAgentic('T13'), nist('GOVERN 1.7'), nist('GOVERN 1.6'), euAiAct('Art. 26')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      if (!isAvailable(ctx.snapshot, 'usage') || agent.usage === null) {
        return unknown(
          `Usage metrics are ${agent.usage === null && isAvailable(ctx.snapshot, 'usage') ? 'missing for this agent' : availabilityWord(ctx.snapshot, 'usage')}, so activity is unknown.`,
        );
      }
      const bad = malformed(agent, ['usage']);
      if (bad) return bad;
      const u = agent.usage;
      const idleDays = daysSince(u.lastActivityAt, ctx.now);
      const facts = {
        lastActivityAt: u.lastActivityAt,
        runs90d: u.last90Days.totalRuns,
        conversations90d: u.last90Days.totalConversations,
      };
      if (activeInWindow(u, ctx.now))
        return pass(
          `The agent was active in the last ${DORMANT_AFTER_DAYS} days (last activity ${u.lastActivityAt ?? 'unknown'}).`,
          facts,
        );
      const age = daysSince(agent.createdAt, ctx.now);
      if (age !== null && age < DORMANT_AFTER_DAYS) {
        return pass(`The agent has no activity yet but was created ${age} days ago.`, {
          ...facts,
          ageDays: age,
        });
      }
      const since =
        u.lastActivityAt === null
          ? 'has never been used'
          : `was last used ${idleDays} days ago (${u.lastActivityAt})`;
      return fail(`The agent ${since}: no run or conversation in ${DORMANT_AFTER_DAYS} days.`, facts);
    }),
};
