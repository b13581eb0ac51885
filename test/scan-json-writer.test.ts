/**
 * The scan's JSON written piece by piece (src/cli/commands/scan-json.ts) is byte for byte
 * `JSON.stringify(value, null, 2) + '\n'`: for arbitrary values (fast-check), for hostile text, and for
 * a report-shaped value large enough to be written in several pieces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writePrettyJson } from '../src/cli/commands/scan-json.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';

function pieces(value: unknown): string[] {
  const out: string[] = [];
  writePrettyJson(value, (s) => out.push(s));
  return out;
}

test('the same text as JSON.stringify(value, null, 2) for arbitrary values', () => {
  fc.assert(
    fc.property(
      fc.anything({
        withBigInt: false,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withObjectString: true,
        withSparseArray: true,
        withTypedArray: true,
        maxDepth: 6,
      }),
      (value) => {
        const expected = JSON.stringify(value, null, 2) as string | undefined;
        if (expected === undefined) return;
        assert.equal(pieces(value).join(''), `${expected}\n`);
      },
    ),
    { numRuns: 500 },
  );
});

test('members JSON leaves out (undefined, functions, symbols, toJSON giving undefined) are left out', () => {
  const value = {
    a: undefined,
    b: () => 1,
    c: Symbol('x'),
    d: { toJSON: () => undefined },
    e: [undefined, () => 1, Symbol('y'), { toJSON: () => undefined }, new Date(0)],
    f: { g: undefined },
    h: [],
    i: {},
    hostile: HOSTILE_PAYLOADS,
  };
  assert.equal(pieces(value).join(''), `${JSON.stringify(value, null, 2)}\n`);
  assert.equal(pieces({ only: undefined }).join(''), '{}\n');
});

test('a large report is written in several pieces, none of them the whole text', () => {
  const agents = Array.from({ length: 3000 }, (_, i) => ({
    id: `ag_${i}`,
    name: HOSTILE_PAYLOADS[i % HOSTILE_PAYLOADS.length],
    instructions: 'x'.repeat(200),
    tools: [{ type: 'web_search' }, { type: 'function', function: { name: `f${i}`, parameters: {} } }],
    versions: [1, 2, 3],
    usage: i % 2 ? null : { runs: i, byName: { a: 1 } },
  }));
  const report = { schemaVersion: 1, generatedAt: new Date(0).toISOString(), agents, findings: [] };
  const expected = `${JSON.stringify(report, null, 2)}\n`;
  const out = pieces(report);
  assert.equal(out.join(''), expected);
  assert.ok(out.length > 10, `${out.length} pieces`);
  assert.ok(Math.max(...out.map((s) => s.length)) < expected.length / 10, 'no piece holds the whole text');
});
