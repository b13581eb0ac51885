import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { SENSITIVE_NAME_PATTERNS } from '../../shared/sensitive-names.ts';
import { evaluateEach, fail, malformed, pass } from '../rule-helpers.ts';

// The patterns live in src/shared (the sync also uses them to keep the sensitive-looking names of an
// org-shared library's documents first); re-exported here, where rules and docs have found them.
export { SENSITIVE_NAME_PATTERNS };

export const meta: RuleMeta = {
  id: 'mistral_file_sensitive_name',
  title: 'File name suggests personal or secret data',
  resourceType: 'file',
  severity: 'medium',
  description:
    "An uploaded file's name matches a pattern for personal data (pii, ssn, passport, medical, payroll…), secrets (password, secret, credentials, api key, token, .env), key material (.pem, .key, .p12, id_rsa…) or customer exports (customer_export, user dump, crm export…). The patterns are listed in SENSITIVE_NAME_PATTERNS.",
  risk: 'Medium: files uploaded for fine-tuning, batch or OCR stay in the workspace, readable by every key of it; personal data or secrets there can leak through the files API or into a fine-tuned model. A name is only a hint, hence not high.',
  remediation: {
    text: "Check the file's content; delete it if it holds personal data or secrets that do not need to be there, and rotate any secret it contained.",
    consoleSteps: ['Open Mistral AI Studio > Files, review the file, and delete it if needed.'],
  },
  references: ['https://docs.mistral.ai/api/#tag/files'],
  compliance: [owaspLlm('LLM02'), atlas('AML.T0057'), nist('MEASURE 2.10'), euAiAct('Art. 10')],
};

export const rule: Rule = {
  meta,
  evaluate: (ctx) =>
    evaluateEach(
      ctx,
      meta,
      'files',
      ctx.snapshot.files,
      (f) => f.filename,
      (file) => {
        const bad = malformed(file, ['filename']);
        if (bad) return bad;
        const hits = SENSITIVE_NAME_PATTERNS.filter((p) => p.re.test(file.filename));
        if (hits.length === 0)
          return pass('The file name does not suggest personal or secret data.', { categories: [] });
        return fail(
          `The file name suggests ${hits.map((h) => h.label).join(' and ')} (purpose ${file.purpose}).`,
          {
            categories: hits.map((h) => h.category),
            purpose: file.purpose,
          },
        );
      },
    ),
};
