/**
 * The console reveals exactly the characters the exports and the terminal do (issue 14, hostile input):
 * web/src/lib/untrusted-text.ts repeats the classification of src/shared/text-invisible.ts (the console
 * may not import src/), so every Unicode code point is classified by both and compared, and the string
 * form the console uses in tooltips equals the exports' reveal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { revealInvisible } from '../src/exports/text-safety.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import * as shared from '../src/shared/text-invisible.ts';
import * as web from '../web/src/lib/untrusted-text.ts';

test('the console and src/shared classify every code point alike', () => {
  const differ: string[] = [];
  let revealed = 0;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // lone surrogates are not characters
    const ch = String.fromCodePoint(cp);
    const a = shared.invisibleKind(ch);
    const b = web.invisibleKind(ch);
    if (a !== b) differ.push(`${shared.codePointLabel(ch)}: ${a} vs ${b}`);
    if (a) revealed++;
  }
  assert.deepEqual(differ.slice(0, 20), []);
  // The classes the brief names are in: C0/C1 controls, bidi controls, zero-width characters.
  assert.ok(revealed > 150, `${revealed} code points revealed`);
  for (const [ch, kind] of [
    ['\u202e', 'bidi'],
    ['\u2066', 'bidi'],
    ['\u200f', 'bidi'],
    ['\u061c', 'bidi'],
    ['\u200b', 'zero-width'],
    ['\ufeff', 'zero-width'],
    ['\u0000', 'control'],
    ['\u009b', 'control'],
    ['\u2028', 'separator'],
    ['\u00ad', 'format'],
  ] as const)
    assert.equal(shared.invisibleKind(ch), kind, shared.codePointLabel(ch));
  for (const ch of ['a', ' ', '\t', '\n', 'é', '\u05d0', '\u{1f600}'])
    assert.equal(shared.invisibleKind(ch), null);
});

test("the console's string form is the exports' reveal, for every hostile payload", () => {
  for (const p of [...HOSTILE_PAYLOADS, 'a\r\nb\rc', '\u{e0001}tag'])
    assert.equal(web.revealText(p), revealInvisible(p), JSON.stringify(p.slice(0, 40)));
  // And the segments put back together are that string.
  for (const p of HOSTILE_PAYLOADS) {
    const joined = web
      .splitUntrusted(p)
      .map((s) => (s.kind === 'text' ? s.text : `⟨${s.code}⟩`))
      .join('');
    assert.equal(joined, revealInvisible(p));
  }
});
