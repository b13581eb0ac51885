import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storableJsonText } from './transport.ts';

test('a NUL in a JSON answer becomes U+FFFD; escaped backslashes followed by "u0000" are kept', () => {
  const cases: [unknown, unknown][] = [
    [{ name: 'a\u0000b' }, { name: 'a\ufffdb' }],
    [{ name: '\u0000' }, { name: '\ufffd' }],
    [{ name: '\\u0000' }, { name: '\\u0000' }],
    [{ name: '\\\u0000' }, { name: '\\\ufffd' }],
    [{ 'k\u0000': ['x\u0000\u0000'] }, { 'k\ufffd': ['x\ufffd\ufffd'] }],
    [{ name: 'plain' }, { name: 'plain' }],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(JSON.parse(storableJsonText(JSON.stringify(input))), expected, JSON.stringify(input));
  }
});
