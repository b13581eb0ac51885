import type { Rule, RuleMeta } from '../../findings/types.ts';
import { sharedOrgWide } from '../../inventory/connectors.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { extraAvailable, extraWord } from '../connector-helpers.ts';
import { evaluateEach, fail, listWords, pass, plural, unknown } from '../rule-helpers.ts';
import { sensitiveNameMatch } from '../../shared/sensitive-names.ts';

export const meta: RuleMeta = {
  id: 'mistral_library_sensitive_shared_org',
  title: 'Library with sensitive-looking documents shared with the whole organization',
  resourceType: 'library',
  severity: 'high',
  description:
    'The document library is shared with the whole organization (a sharing entry of type Org), and the name of at least one of its documents matches a pattern for personal data, secrets, key material or a customer export (the patterns of mistral_file_sensitive_name). Requires library sharing (beta).',
  risk: 'High: every member of the organization, and every agent any of them builds on this library, can retrieve the documents; personal data or secrets there leak far beyond the people who need them.',
  remediation: {
    text: 'Stop sharing the library with the organization (share it with the workspaces or people who need it), or remove the sensitive documents from it.',
    consoleSteps: [
      "Open Mistral AI Studio > Libraries, open the library's sharing settings and remove the organization.",
    ],
  },
  references: ['https://docs.mistral.ai/agents/connectors/document_library/'],
  compliance: [owaspLlm('LLM02'), atlas('AML.T0057'), nist('MEASURE 2.10'), euAiAct('Art. 10')],
};

export function sensitiveDocuments(
  names: readonly string[],
): Array<{ name: string; category: string; label: string }> {
  const out: Array<{ name: string; category: string; label: string }> = [];
  for (const name of names) {
    const hit = sensitiveNameMatch(name);
    if (hit) out.push({ name, category: hit.category, label: hit.label });
  }
  return out;
}

export const rule: Rule = {
  meta,
  evaluate: (ctx) => {
    const s = ctx.snapshot;
    const known = extraAvailable(s, 'librarySharing');
    return evaluateEach(
      ctx,
      meta,
      'libraries',
      s.libraries,
      (l) => l.name,
      (library) => {
        if (!known || library.shares === undefined)
          return unknown(
            `Library sharing was ${extraWord(s, 'librarySharing')} at this sync, so who can read the library is unknown.`,
          );
        if (library.shares === null) return unknown("The library's sharing could not be read at this sync.");
        if (!sharedOrgWide(library.shares))
          return pass('The library is not shared with the whole organization.');
        const names = library.orgSharedDocumentNames;
        if (names === null || names === undefined)
          return unknown(
            'The library is shared with the whole organization, but its documents could not be listed.',
            {
              orgWide: true,
            },
          );
        const hits = sensitiveDocuments(names);
        if (hits.length > 0)
          return fail(
            `The library is shared with the whole organization and ${plural(hits.length, 'document')} ${hits.length === 1 ? 'looks' : 'look'} sensitive (${listWords([...new Set(hits.map((h) => h.label))])}).`,
            {
              orgWide: true,
              documents: hits.slice(0, 20).map((h) => ({ name: h.name, category: h.category })),
              sensitiveDocuments: hits.length,
            },
          );
        // Sensitive-looking names are kept first (src/sync/discover-extras.ts), so none among the kept
        // names means none among all of them. Older snapshots kept the first 1,000 in listing order.
        const count = library.orgSharedDocumentCount;
        if ((count === undefined || count === null) && names.length >= 1000)
          return unknown(
            `The library is shared with the whole organization; none of the first ${names.length} of its documents has a sensitive-looking name, but the rest were not kept at this sync.`,
            { orgWide: true, documentsChecked: names.length },
          );
        const total = typeof count === 'number' ? Math.max(count, names.length) : names.length;
        return pass(
          `The library is shared with the whole organization, but none of its ${plural(total, 'document')} has a sensitive-looking name.`,
          { orgWide: true, documents: total },
        );
      },
    );
  },
};
