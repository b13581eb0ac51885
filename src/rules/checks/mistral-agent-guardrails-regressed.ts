import type { Rule, RuleMeta } from '../../findings/types.ts';
import type { AgentConfig } from '../../inventory/types.ts';
import { euAiAct, nist, owaspAgentic, owaspLlm } from '../frameworks/index.ts';
import type { GuardrailStrength } from '../guardrail-strength.ts';
import { compareStrength, guardrailStrength, policiesOf } from '../guardrail-strength.ts';
import {
  GUARDRAILS_CONSOLE_STEPS,
  MISTRAL_GUARDRAILS_DOC,
  recommendedGuardrailsPatch,
} from '../remediation.ts';
import {
  availabilityWord,
  evaluateAgents,
  fail,
  isAvailable,
  listWords,
  malformed,
  pass,
  unknown,
} from '../rule-helpers.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_guardrails_regressed',
  title: 'Agent guardrails are weaker than in an earlier version',
  resourceType: 'agent',
  severity: 'high',
  description:
    "An earlier version in the agent's version history had stronger guardrails than the current version, by the guardrail strength ordering of guardrail-strength.ts (none < not blocking < fail open < blocking with gaps < blocking, fail-closed, jailbreaking and pii checked; ties broken by the number of categories checked).",
  risk: 'High: a protection that existed was removed or loosened, by mistake during an edit or deliberately to let something through; either way the agent is now more exposed than its owners last approved.',
  remediation: {
    text: 'Compare the versions, and restore the earlier guardrails (or the recommended ones below) if the change was not intended and approved.',
    patchAgentBody: recommendedGuardrailsPatch(),
    consoleSteps: [...GUARDRAILS_CONSOLE_STEPS],
  },
  references: [MISTRAL_GUARDRAILS_DOC],
  compliance: [owaspLlm('LLM01'), owaspAgentic('T13'), nist('MANAGE 4.1'), euAiAct('Art. 15')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateAgents(ctx, meta, (agent) => {
      if (!isAvailable(ctx.snapshot, 'versions')) {
        return unknown(
          `Version history is ${availabilityWord(ctx.snapshot, 'versions')}, so earlier guardrails are unknown.`,
        );
      }
      const bad = malformed(agent, ['guardrails']);
      if (bad) return bad;
      if (policiesOf(agent).some((p) => p.format === 'unknown')) {
        return unknown(
          `A guardrail policy of version ${agent.version} could not be read, so its strength cannot be compared with earlier versions.`,
          { currentVersion: agent.version },
        );
      }
      const earlierNumbers = agent.versions.filter((v) => v < agent.version);
      const earlier = agent.versionHistory.filter((v) => v.version < agent.version);
      const current = guardrailStrength(agent);
      let strongest: { config: AgentConfig; strength: GuardrailStrength } | null = null;
      for (const config of earlier) {
        const strength = guardrailStrength(config);
        if (strongest === null || compareStrength(strength, strongest.strength) > 0)
          strongest = { config, strength };
      }
      if (strongest !== null && compareStrength(current, strongest.strength) < 0) {
        const before = strongest.strength;
        return fail(
          `Version ${agent.version} has ${current.label} (${current.checkedCategories.length} categories checked), weaker than version ${strongest.config.version}, which had ${before.label} (${before.checkedCategories.length}).`,
          {
            currentVersion: agent.version,
            currentLevel: current.level,
            strongerVersion: strongest.config.version,
            strongerLevel: before.level,
            currentReasons: current.reasons,
          },
        );
      }
      const have = new Set(earlier.map((v) => v.version));
      const missing = earlierNumbers.filter((v) => !have.has(v));
      if (missing.length > 0) {
        return unknown(
          `The configuration of earlier version${missing.length === 1 ? '' : 's'} ${listWords(missing.map(String))} is missing from the version history.`,
          {
            missingVersions: missing,
          },
        );
      }
      const unreadable = earlier
        .filter((v) => policiesOf(v).some((p) => p.format === 'unknown'))
        .map((v) => v.version);
      if (unreadable.length > 0) {
        return unknown(
          `No readable earlier version had stronger guardrails, but a guardrail policy of version${unreadable.length === 1 ? '' : 's'} ${listWords(unreadable.map(String))} could not be read.`,
          { unreadableVersions: unreadable },
        );
      }
      if (earlier.length === 0)
        return pass(`Version ${agent.version} is the only version.`, { currentVersion: agent.version });
      return pass(
        `No earlier version (of ${earlier.length}) had stronger guardrails than version ${agent.version}.`,
        {
          currentVersion: agent.version,
          currentLevel: current.level,
        },
      );
    }),
};
