import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { AgentConfig } from '../../inventory/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import {
  compareGuardrailStrength,
  guardrailStrength,
  hasGuardrails,
  policiesOf,
} from '../guardrail-strength.ts';
import { MISTRAL_AGENTS_DOC, MISTRAL_GUARDRAILS_DOC } from '../remediation.ts';
import {
  availabilityWord,
  evaluateAgents,
  fail,
  isAvailable,
  listWords,
  malformed,
  pass,
  plural,
  unknown,
} from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_alias_unguarded_version',
  title: 'Deployment alias points to a version without guardrails or with weaker ones',
  resourceType: 'agent',
  severity: 'high',
  description:
    'A deployment alias (e.g. "production") points to an agent version that has no guardrails, or weaker guardrails than the latest version (by the ordering of guardrail-strength.ts). Applications calling the agent through the alias get that older, weaker configuration.',
  risk: 'High: reviewing the latest version gives a false sense of safety while real traffic goes through the alias to a less protected version; fixing the latest version does not fix what users reach.',
  remediation: {
    text: 'Move the alias to the latest (guarded) version, or add guardrails to a new version and point the alias to it. TrustLens does not change aliases.',
    consoleSteps: [
      'Open the agent in Mistral AI Studio > Agents > Versions.',
      'Check the guardrails of the version the alias points to.',
      'Point the alias to the latest guarded version (PUT /v1/agents/{agent_id}/aliases).',
    ],
  },
  references: [MISTRAL_AGENTS_DOC, MISTRAL_GUARDRAILS_DOC],
  compliance: [owaspLlm('LLM01'), owaspAgentic('T13'), nist('MANAGE 4.1'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      if (!isAvailable(ctx.snapshot, 'versions')) {
        return unknown(
          `Version history and aliases are ${availabilityWord(ctx.snapshot, 'versions')}, so aliased versions cannot be checked.`,
        );
      }
      const bad = malformed(agent, ['guardrails', 'aliases']);
      if (bad) return bad;
      if (agent.aliases.length === 0) return pass('The agent has no deployment aliases.', { aliases: 0 });
      const byVersion = new Map<number, AgentConfig>(agent.versionHistory.map((v) => [v.version, v]));
      byVersion.set(agent.version, agent);
      const problems: string[] = [];
      const offending: Array<{ alias: string; version: number; reason: string }> = [];
      const missing: Array<{ alias: string; version: number }> = [];
      const unreadable: Array<{ alias: string; version: number }> = [];
      const unread = (c: AgentConfig): boolean => policiesOf(c).some((p) => p.format === 'unknown');
      for (const a of agent.aliases) {
        const config = byVersion.get(a.version);
        if (!config) {
          missing.push({ alias: a.alias, version: a.version });
        } else if (!hasGuardrails(config)) {
          problems.push(`alias ${a.alias} points to version ${a.version}, which has no guardrails`);
          offending.push({ alias: a.alias, version: a.version, reason: 'no_guardrails' });
        } else if (unread(config) || unread(agent)) {
          // A policy that could not be read has no known strength: no comparison either way.
          unreadable.push({ alias: a.alias, version: a.version });
        } else if (compareGuardrailStrength(config, agent) < 0) {
          problems.push(
            `alias ${a.alias} points to version ${a.version}, which has ${guardrailStrength(config).label}, weaker than the latest version ${agent.version}`,
          );
          offending.push({ alias: a.alias, version: a.version, reason: 'weaker_than_latest' });
        }
      }
      if (problems.length > 0)
        return fail(`${problems[0].charAt(0).toUpperCase()}${listWords(problems).slice(1)}.`, {
          aliases: offending,
        });
      if (missing.length > 0) {
        return unknown(
          `The configuration of ${listWords(missing.map((m) => `version ${m.version} (alias ${m.alias})`))} is missing from the version history.`,
          {
            missing,
          },
        );
      }
      if (unreadable.length > 0) {
        return unknown(
          `A guardrail policy of ${unread(agent) ? `the latest version ${agent.version}` : listWords(unreadable.map((m) => `version ${m.version} (alias ${m.alias})`))} could not be read, so the aliased guardrails cannot be compared with the latest.`,
          { unreadable },
        );
      }
      return pass(
        `Every alias (${plural(agent.aliases.length, 'alias', 'aliases')}) points to a version guarded at least as strongly as the latest.`,
        {
          aliases: agent.aliases.map((a) => ({ alias: a.alias, version: a.version })),
        },
      );
    }),
};
