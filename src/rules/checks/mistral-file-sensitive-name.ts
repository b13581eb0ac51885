import type { Rule, RuleMeta } from '../../findings/types.ts';
import { atlas, euAiAct, nist, owaspLlm } from '../frameworks/index.ts';
import { evaluateEach, fail, malformed, pass } from '../rule-helpers.ts';

/**
 * File-name patterns, matched case-insensitively on whole words (separated by anything but a letter):
 * - personal_data: pii, ssn, social security, passport, national id, driver licence, date of birth/dob,
 *   medical, patient, payroll, salary, iban, credit card
 * - secret: password(s), passwd, secret(s), credential(s)/creds, api key(s), private key, token(s), .env
 * - key_material: extensions .pem .key .p12 .pfx .jks .keystore .kdbx .ppk, and id_rsa / id_ed25519 / id_ecdsa
 * - customer_export: customer(s) or client(s) or user(s) or employee(s) or contact(s) followed by
 *   export / list / dump / data / db / records, and crm export
 */
export const SENSITIVE_NAME_PATTERNS: ReadonlyArray<{ category: string; label: string; re: RegExp }> = [
  {
    category: 'personal_data',
    label: 'personal data',
    re: /(^|[^a-z])(pii|ssn|social[\s_-]?security|passports?|national[\s_-]?id|driv(er|ing)s?[\s_-]?licen[cs]es?|date[\s_-]?of[\s_-]?birth|dob|medical|patients?|payroll|salar(y|ies)|iban|credit[\s_-]?cards?)([^a-z]|$)/i,
  },
  {
    category: 'secret',
    label: 'secrets',
    re: /(^|[^a-z])(passwords?|passwd|secrets?|credentials?|creds|api[\s_-]?keys?|private[\s_-]?keys?|tokens?)([^a-z]|$)|(^|[\\/])\.env(\.|$)/i,
  },
  {
    category: 'key_material',
    label: 'key material',
    re: /\.(pem|key|p12|pfx|jks|keystore|kdbx|ppk)$|(^|[^a-z])id_(rsa|ed25519|ecdsa|dsa)([^a-z]|$)/i,
  },
  {
    category: 'customer_export',
    label: 'a customer or people export',
    re: /(^|[^a-z])((customers?|clients?|users?|employees?|contacts?)[\s_-]?(exports?|lists?|dumps?|data|db|records)|crm[\s_-]?exports?)([^a-z]|$)/i,
  },
];

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
