import type { Rule, RuleMeta, RuleResult } from '../../findings/types.ts';
import type {
  RegistryFeatureKey,
  RegistryObjectRecord,
  RegistrySecretFinding,
} from '../../inventory/prompts-skills.ts';
import type { Snapshot } from '../../inventory/types.ts';
import { adminBase, listed, namedList } from '../admin-helpers.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { listWords, plural } from '../rule-helpers.ts';
import { SECRET_KIND_LABELS, type SecretKind } from '../secret-scanner.ts';

export const meta: RuleMeta = {
  id: 'mistral_integration_prompt_secret',
  title: 'Prompt or skill text contains a credential',
  resourceType: 'integration',
  severity: 'critical',
  description:
    "The text of a prompt or a skill of the v2 registry (GET /v2/prompts, /v2/skills), in any version still readable through their versions API, contains something that looks like a credential: API keys (sk-…, 32-character Mistral-style keys, AWS AKIA…, GitHub ghp_…, Slack xox…, Google AIza…), JSON Web Tokens, bearer tokens, password assignments or private key blocks. Scanned: a prompt's content, title and description, a skill's description, body and assets, every version's notes, and the name. One result for the workspace, naming each prompt or skill, version, field and kind at line and column (never the text or the value). PASS only when every version of every prompt and skill was read and scanned; UNKNOWN when the registry was not read (no beta access, a failed read, a snapshot from before) or some versions could not be scanned; no result when this build of TrustLens does not read the registry.",
  risk: 'Critical: prompts and skills are shared across the workspace and served to models, which can be made to repeat them; every version stays readable through the versions API by anyone with access to the workspace or its API. A credential there should be treated as disclosed, and it gives direct access to another system.',
  remediation: {
    text: "Revoke and rotate the credential now: that is the fix, because the versions that hold it stay readable. Then remove it from every version: a version's definition cannot be edited or deleted on its own, so create a clean prompt or skill, move its users and aliases to it and delete the old one (DELETE /v2/prompts/{id} or /v2/skills/{id}); version notes, a prompt's title and description can be rewritten (PATCH). Keep credentials in a secret store or the connector's credentials and inject them at run time, never in prompt or skill text.",
    consoleSteps: [
      'Revoke the credential at its issuer and create a new one.',
      'Create a new prompt or skill without it in Mistral AI Studio, point the applications and aliases that use the old one at it, then delete the old one (its versions keep the text).',
      'Store the new credential in a secret store or as connector credentials, never in the text.',
    ],
  },
  references: [
    'https://genai.owasp.org/llmrisk/llm072025-system-prompt-leakage/',
    'https://docs.mistral.ai/api/',
  ],
  compliance: [
    owaspLlm('LLM07'),
    owaspLlm('LLM02'),
    atlas('AML.T0055'),
    atlas('AML.T0056'),
    nist('MEASURE 2.7'),
    euAiAct('Art. 15'),
  ],
};

/** How many locations of one prompt or skill are named in the detail sentence. */
const MAX_LOCATIONS_NAMED = 3;

interface Section {
  feature: RegistryFeatureKey;
  /** "prompt" / "skill". */
  noun: string;
  records: RegistryObjectRecord[] | null | undefined;
}

/** "version 3, definition.content: an AWS access key id at line 2, column 9". */
function locationWords(f: RegistrySecretFinding): string {
  const where = f.version === null ? f.field : `version ${f.version}, ${f.field}`;
  const kind = SECRET_KIND_LABELS[f.kind as SecretKind] ?? f.kind;
  return `${where}: ${kind} at line ${f.line}, column ${f.column}`;
}

function label(noun: string, r: RegistryObjectRecord): string {
  return `${noun} "${r.name}"`;
}

/** A record's locations (absent in snapshots from before the scan). */
function findingsOf(r: RegistryObjectRecord): RegistrySecretFinding[] {
  return Array.isArray(r.secretFindings) ? r.secretFindings : [];
}

/** Why a read registry's record was not wholly scanned. */
function unscannedReason(r: RegistryObjectRecord): string {
  if (r.secretsScanned === undefined) return 'the snapshot predates the scan';
  if (r.versionCount === null) return 'its versions could not be read';
  return 'a version came without its text, or a text was too long to scan whole';
}

/** Why a registry was not read, for a sentence (as admin-helpers' notReadReason). */
function notReadReason(snapshot: Snapshot, feature: RegistryFeatureKey): string {
  const row = snapshot.extraAvailability?.[feature];
  if (row === undefined) return 'the snapshot predates the prompts and skills registry';
  if (row.status === 'available') return 'it is missing from the snapshot';
  const message = row.message?.trim().replace(/\.$/, '');
  return message ? `${row.status}: ${message}` : row.status;
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const all: Section[] = [
      { feature: 'prompts', noun: 'prompt', records: s.prompts },
      { feature: 'skills', noun: 'skill', records: s.skills },
    ];
    // A connector that does not read the registry at all (NOT_SUPPORTED: this build or a test
    // fake): nothing was attempted, so the rule does not apply — as the admin rules without an admin
    // key; the availability matrix says it was not read. A plan or key without access, a failed read
    // or a snapshot from before is UNKNOWN.
    const sections = all.filter((x) => s.extraAvailability?.[x.feature]?.code !== 'NOT_SUPPORTED');
    if (sections.length === 0) return [];
    const base = adminBase(s, meta.id);

    const notRead = sections.filter(
      (x) => s.extraAvailability?.[x.feature]?.status !== 'available' || !Array.isArray(x.records),
    );
    const failing: Array<{ label: string; evidence: Record<string, unknown> }> = [];
    const unscanned: Array<{ label: string; evidence: Record<string, unknown> }> = [];
    let judged = 0;
    let versionsScanned = 0;
    let locationCount = 0;
    for (const section of sections) {
      if (notRead.includes(section)) continue;
      for (const r of section.records ?? []) {
        judged++;
        const found = findingsOf(r);
        const id = { type: section.noun, id: r.id, name: r.name, sharingScope: r.sharingScope };
        if (found.length > 0) {
          locationCount += found.length;
          const named = found.slice(0, MAX_LOCATIONS_NAMED).map(locationWords);
          const more = found.length - named.length;
          failing.push({
            label: `${label(section.noun, r)} (${named.join('; ')}${more > 0 ? `; and ${more} more` : ''})`,
            evidence: {
              ...id,
              locations: listed(found),
              locationCount: found.length,
              ...(r.secretsScanned !== true ? { wholeScanned: false } : {}),
            },
          });
        } else if (r.secretsScanned !== true) {
          unscanned.push({
            label: `${label(section.noun, r)} (${unscannedReason(r)})`,
            evidence: { ...id, versionCount: r.versionCount, reason: unscannedReason(r) },
          });
        } else {
          versionsScanned += r.versionCount ?? 0;
        }
      }
    }

    const notReadEvidence = notRead.map((x) => {
      const row = s.extraAvailability?.[x.feature];
      return {
        feature: x.feature,
        availability: row?.status ?? 'not read',
        ...(row?.code ? { code: row.code } : {}),
        ...(row?.remediation ? { remediation: row.remediation } : {}),
      };
    });
    const notReadWords = notRead.map((x) => `the ${x.noun}s were not read (${notReadReason(s, x.feature)})`);
    const listEvidence = (list: typeof failing, key: string) =>
      list.length > 0 ? { [key]: listed(list.map((x) => x.evidence)), [`${key}Count`]: list.length } : {};
    // Read in part (some versions failed): those records are among the unscanned.
    const partial = sections
      .filter((x) => !notRead.includes(x))
      .flatMap((x) => s.extraAvailability?.[x.feature]?.code ?? []);
    const evidence = {
      judged,
      ...listEvidence(failing, 'failing'),
      ...(failing.length > 0 ? { locationCount } : {}),
      ...listEvidence(unscanned, 'unscanned'),
      ...(notRead.length > 0 ? { notRead: notReadEvidence } : {}),
      ...(partial.length > 0 ? { partialReadCodes: partial } : {}),
    };

    const results = (status: RuleResult['status'], detail: string): RuleResult[] => [
      { ...base, status, detail, evidence },
    ];
    const unscannedWords =
      unscanned.length > 0
        ? `${plural(unscanned.length, 'prompt or skill', 'prompts or skills')} could not be scanned whole: ${namedList(unscanned.map((x) => x.label))}`
        : '';
    if (failing.length > 0) {
      const also = [
        ...(unscanned.length > 0 ? [`${unscannedWords}.`] : []),
        ...(notRead.length > 0 ? [`Besides, ${listWords(notReadWords)}.`] : []),
      ];
      return results(
        'FAIL',
        `${failing.length === 1 ? '1 prompt or skill holds a credential in its text' : `${failing.length} prompts or skills hold credentials in their text`}: ${namedList(failing.map((x) => x.label))}.${also.length > 0 ? ` ${also.join(' ')}` : ''}`,
      );
    }
    if (notRead.length > 0 || unscanned.length > 0) {
      const why = listWords([...notReadWords, ...(unscannedWords ? [unscannedWords] : [])]);
      const clean = judged - unscanned.length;
      return results(
        'UNKNOWN',
        `${why.charAt(0).toUpperCase()}${why.slice(1)}, so whether any prompt or skill holds a credential is unknown${clean > 0 ? ` (no credential pattern in the ${plural(clean, 'prompt or skill', 'prompts or skills')} scanned whole)` : ''}.`,
      );
    }
    return results(
      'PASS',
      judged === 0
        ? 'The workspace has no prompt or skill.'
        : `No credential pattern found in the text of any prompt or skill: ${plural(judged, 'prompt or skill', 'prompts or skills')}, ${plural(versionsScanned, 'version')} scanned.`,
    );
  },
};
