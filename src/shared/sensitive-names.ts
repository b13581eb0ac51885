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

/** The first pattern a name matches, or undefined. */
export function sensitiveNameMatch(name: string): (typeof SENSITIVE_NAME_PATTERNS)[number] | undefined {
  return SENSITIVE_NAME_PATTERNS.find((p) => p.re.test(name));
}
