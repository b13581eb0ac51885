import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
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
import type { SecretLocation } from '../secret-scanner.ts';
import { SECRET_KIND_LABELS, findSecrets } from '../secret-scanner.ts';

export const meta: RuleMeta = {
  id: 'mistral_agent_instructions_secret',
  title: 'Agent instructions contain a credential',
  resourceType: 'agent',
  severity: 'critical',
  description:
    'The instructions (system prompt) of the current version, or of an earlier version still readable through the versions API, contain something that looks like a credential: API keys (sk-…, 32-character Mistral-style keys, AWS AKIA…, GitHub ghp_…, Slack xox…, Google AIza…), JSON Web Tokens, bearer tokens, password assignments or private key blocks. The finding gives the kind and position only, never the value.',
  risk: 'Critical: instructions are not secret. Prompt-extraction attacks routinely make the model repeat them, and anyone with read access to the workspace or its API can read every version. A credential there should be treated as disclosed, and it gives direct access to another system.',
  remediation: {
    text: 'Revoke and rotate the credential now, then remove it from the instructions (a new version) and keep credentials in the tool or connector configuration or a secret store. Older versions keep the text: rotation is the fix.',
    consoleSteps: [
      'Revoke the credential at its issuer and create a new one.',
      "Edit the agent's instructions in Mistral AI Studio to remove it, and save a new version.",
      'Move deployment aliases off versions that still contain it.',
    ],
  },
  references: ['https://genai.owasp.org/llmrisk/llm072025-system-prompt-leakage/'],
  compliance: [
    owaspLlm('LLM07'),
    owaspLlm('LLM02'),
    atlas('AML.T0055'),
    atlas('AML.T0056'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    // Versions often share their instructions: scan each distinct text once per evaluation.
    const cache = new Map<string, SecretLocation[]>();
    const scan = (text: string | null): SecretLocation[] => {
      const key = text ?? '';
      let found = cache.get(key);
      if (!found) {
        found = findSecrets(key);
        cache.set(key, found);
      }
      return found;
    };
    return evaluateAgents(ctx, meta, (agent) => {
      const bad = malformed(agent, ['instructions']);
      if (bad) return bad;
      const current = scan(agent.instructions);
      const history = isAvailable(ctx.snapshot, 'versions')
        ? agent.versionHistory.filter((v) => v.version !== agent.version)
        : [];
      const older = history
        .map((v) => ({ version: v.version, found: scan(v.instructions) }))
        .filter((v) => v.found.length > 0)
        .sort((a, b) => a.version - b.version);
      if (current.length > 0) {
        const where = current.map(
          (s) => `${SECRET_KIND_LABELS[s.kind]} at line ${s.line}, column ${s.column}`,
        );
        const alsoOlder =
          older.length > 0
            ? `, and earlier version${older.length === 1 ? '' : 's'} ${listWords(older.map((v) => String(v.version)))} also contain credentials`
            : '';
        return fail(`The instructions of version ${agent.version} contain ${listWords(where)}${alsoOlder}.`, {
          version: agent.version,
          locations: current,
          olderVersions: older.map((v) => ({ version: v.version, locations: v.found })),
        });
      }
      if (older.length > 0) {
        const where = older.map(
          (v) =>
            `version ${v.version} (${listWords([...new Set(v.found.map((s) => SECRET_KIND_LABELS[s.kind]))])})`,
        );
        return fail(
          `The current instructions are clean, but earlier ${listWords(where)} still readable through the versions API contain credentials.`,
          {
            version: agent.version,
            locations: [],
            olderVersions: older.map((v) => ({ version: v.version, locations: v.found })),
          },
        );
      }
      // No credential found in what was read: a PASS needs every earlier version to have been read,
      // since earlier versions stay readable through the versions API.
      const earlierNumbers = agent.versions.filter((v) => v !== agent.version);
      if (earlierNumbers.length > 0 && !isAvailable(ctx.snapshot, 'versions')) {
        return unknown(
          `No credential pattern found in the instructions of version ${agent.version}, but version history is ${availabilityWord(ctx.snapshot, 'versions')}, so earlier version${earlierNumbers.length === 1 ? '' : 's'} ${listWords(earlierNumbers.map(String))} could not be scanned.`,
          { version: agent.version, unscannedVersions: earlierNumbers },
        );
      }
      const read = new Set(history.map((v) => v.version));
      const unread = earlierNumbers.filter((v) => !read.has(v));
      if (unread.length > 0) {
        return unknown(
          `No credential pattern found in the instructions of version ${agent.version}${history.length > 0 ? ` and ${history.length} earlier version${history.length === 1 ? '' : 's'}` : ''}, but earlier version${unread.length === 1 ? '' : 's'} ${listWords(unread.map(String))} ${unread.length === 1 ? 'is' : 'are'} missing from the version history.`,
          { version: agent.version, unscannedVersions: unread },
        );
      }
      const scope =
        history.length > 0
          ? ` (and ${history.length} earlier version${history.length === 1 ? '' : 's'})`
          : '';
      return pass(`No credential pattern found in the instructions of version ${agent.version}${scope}.`, {
        versionsScanned: 1 + history.length,
      });
    });
  },
};
