/**
 * Tampered variants of a credential (API token, session cookie, CSRF token) for the refusal tests.
 * A variant is never byte-equal to the credential: a test that "tampers" a token into itself and then
 * finds it accepted is a generator defect, not a product one (moving the last character to the end
 * gives back the same string, which the full-size credentials suite once reported as an accepted
 * cookie). Characters stay in the credential's own alphabet plus 'A', 'B' and 'x', so no variant is the
 * same value in another encoding (percent-encoding, padding) either.
 */

/** How variant `i` changes the credential (4 kinds, cycled). */
export type TamperKind = 'changed' | 'cut' | 'extended' | 'moved';
export const TAMPER_KINDS: readonly TamperKind[] = ['changed', 'cut', 'extended', 'moved'];

/**
 * Changes one character of `s` at a position spread over the string, or cuts, extends it, or moves one
 * character. Throws when no variant different from `s` exists (a credential of one repeated character
 * cannot be "moved" into something else); never returns `s` itself.
 */
export function tampered(s: string, i: number): string {
  if (s.length < 2) throw new Error('tampered: the credential must have at least 2 characters');
  const kind = TAMPER_KINDS[i % 4];
  const at = (i * 7) % s.length;
  let out: string;
  if (kind === 'changed') out = s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  else if (kind === 'cut') out = s.slice(0, Math.max(1, s.length - 1 - (i % 5)));
  else if (kind === 'extended') out = `${s}${'x'.repeat(1 + (i % 3))}`;
  else {
    // Move the character at `at` to the end; when everything from `at` on is the same character (at
    // the last position, always) that is the credential itself, so move it to the front instead, and
    // failing that swap the first two different neighbours.
    out = s.slice(0, at) + s.slice(at + 1) + s[at];
    if (out === s) out = s[at] + s.slice(0, at) + s.slice(at + 1);
    if (out === s) {
      const j = [...s].findIndex((c, k) => k > 0 && c !== s[k - 1]);
      if (j > 0) out = s.slice(0, j - 1) + s[j] + s[j - 1] + s.slice(j + 1);
    }
  }
  if (out === s) throw new Error(`tampered: variant ${i} (${kind}) would be the credential itself`);
  return out;
}
