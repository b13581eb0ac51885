/**
 * Finds credentials in free text (agent instructions) and reports WHAT and WHERE, never the value.
 * A match yields its kind and 1-based line/column plus the 0-based character offset; callers must not
 * echo any part of the matched text. Patterns are tried most specific first; a later pattern's match
 * that overlaps an earlier one is dropped.
 *
 * Kinds and patterns:
 * - private_key        -----BEGIN … PRIVATE KEY----- blocks (RSA, EC, OPENSSH, PGP, PKCS#8)
 * - aws_access_key_id  AKIA/ASIA + 16 upper-case letters or digits
 * - github_token       ghp_/gho_/ghu_/ghs_/ghr_ + ≥20 chars (real ones have 36), or github_pat_ + ≥22 chars
 * - slack_token        xoxa-/xoxb-/xoxp-/xoxo-/xoxr-/xoxs- + ≥10 chars
 * - jwt                three base64url segments, the first two starting with eyJ
 * - openai_style_key   sk- (optionally sk-proj-/sk-ant-/sk-test-…) + ≥12 chars; under 20 chars the
 *                      rest must hold a digit (so "sk-" + a hyphenated word is not a key)
 * - google_api_key     AIza + 35 chars
 * - bearer_token       "Bearer " + ≥20 token chars
 * - password           password/passwd/pwd/secret/api_key/apikey/token followed by ':' or '=' and a
 *                      value of ≥6 non-space chars that is not a placeholder (<…>, {…}, ***, xxx) nor a
 *                      plain word (see looksLikeSecretValue); also key/api key/secret key (e.g. "Billing
 *                      key: …") followed by ':' or '=' and a value of ≥8 chars holding letters and digits
 *                      or three character classes (see looksLikeKeyValue), so prose such as "the key is
 *                      to be brief" or "Key: step-by-step" is not flagged
 * - mistral_style_key  a standalone 32-char alphanumeric word mixing upper case, lower case and digits
 *                      (the shape of Mistral API keys)
 * - trustlens_token    tlk_ followed by 20+ base64url characters: TrustLens's own API tokens (so a log
 *                      line, an instruction or a prompt quoting one is caught too)
 */

export type SecretKind =
  | 'private_key'
  | 'aws_access_key_id'
  | 'github_token'
  | 'slack_token'
  | 'jwt'
  | 'openai_style_key'
  | 'google_api_key'
  | 'bearer_token'
  | 'password'
  | 'mistral_style_key'
  | 'trustlens_token';

export const SECRET_KIND_LABELS: Record<SecretKind, string> = {
  private_key: 'a private key block',
  aws_access_key_id: 'an AWS access key id',
  github_token: 'a GitHub token',
  slack_token: 'a Slack token',
  jwt: 'a JSON Web Token',
  openai_style_key: 'an "sk-" API key',
  google_api_key: 'a Google API key',
  bearer_token: 'a bearer token',
  password: 'a password or secret assignment',
  mistral_style_key: 'a 32-character API key (Mistral style)',
  trustlens_token: 'a TrustLens API token',
};

export interface SecretLocation {
  kind: SecretKind;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** 0-based character offset of the match start. */
  offset: number;
}

interface Pattern {
  kind: SecretKind;
  re: RegExp;
  /** Optional filter on the match (never stored). */
  accept?: (m: RegExpExecArray) => boolean;
}

const PLACEHOLDER = /^(<.*>|\{.*\}|\*+|x+|\.{3,}|changeme|redacted|your[_-].*)$/i;

/**
 * A password-assignment value counts only if it is not a placeholder and not a plain word: it must hold a
 * digit, a symbol (other than ending punctuation), or mixed case beyond a capitalised word. So
 * "password: hunter22" and "secret=P@ss" count; "password: Required" and "token: <your token>" do not.
 */
function looksLikeSecretValue(v: string): boolean {
  const value = v.replace(/[.?!:)]+$/, '');
  if (value.length < 6 || PLACEHOLDER.test(value)) return false;
  if (/[0-9]/.test(value) || /[^A-Za-z0-9]/.test(value)) return true;
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && !/^[A-Z][a-z]+$/.test(value);
}

/**
 * A value after "key:" / "api key:" / "secret key:" counts only if it is ≥8 chars, not a placeholder, and
 * looks generated: letters and digits together, or three of lower case, upper case, digits and symbols
 * (hyphen and underscore count as word characters here). So "sk-test-abc123def456" and "P@ssW0rd!"
 * count; "step-by-step", "Important" and "12345678" do not.
 */
function looksLikeKeyValue(v: string): boolean {
  const value = v.replace(/[.?!:)]+$/, '');
  if (value.length < 8 || PLACEHOLDER.test(value)) return false;
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  const digit = /[0-9]/.test(value);
  const symbol = /[^A-Za-z0-9_-]/.test(value);
  if (digit && (lower || upper)) return true;
  return [lower, upper, digit, symbol].filter(Boolean).length >= 3;
}

const PATTERNS: Pattern[] = [
  { kind: 'private_key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'aws_access_key_id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'github_token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'slack_token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  {
    kind: 'openai_style_key',
    re: /\bsk-[A-Za-z0-9_-]{12,}/g,
    accept: (m) => m[0].length >= 3 + 20 || /[0-9]/.test(m[0]),
  },
  { kind: 'google_api_key', re: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'trustlens_token', re: /\btlk_[A-Za-z0-9_-]{20,}/g },
  { kind: 'bearer_token', re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/gi },
  {
    kind: 'password',
    re: /\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|token)\b["']?\s*[:=]\s*["']?([^\s"'`,;]{6,})/gi,
    accept: (m) => looksLikeSecretValue(m[1] ?? ''),
  },
  {
    kind: 'password',
    re: /\b(?:(?:api|secret)[ _-]?)?key\b["']?\s*[:=]\s*["']?([^\s"'`,;]{8,})/gi,
    accept: (m) => looksLikeKeyValue(m[1] ?? ''),
  },
  {
    kind: 'mistral_style_key',
    re: /\b[A-Za-z0-9]{32}\b/g,
    accept: (m) => /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /[0-9]/.test(m[0]),
  },
];

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Every credential-looking match in `text`, in order of position. Never returns the matched text. */
export function findSecrets(text: string): SecretLocation[] {
  const taken: Array<[number, number]> = [];
  const found: SecretLocation[] = [];
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m !== null; m = p.re.exec(text)) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      if (p.accept && !p.accept(m)) continue;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      found.push({ kind: p.kind, offset: start, ...lineAndColumn(text, start) });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}
