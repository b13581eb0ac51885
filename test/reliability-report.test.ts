/**
 * RELIABILITY.md (scripts/reliability-report.ts) says what happened: a failed run, a case that did not
 * end as expected, a lost record and a suite that recorded nothing are all visible, never a clean table.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReliability, RELIABILITY_SUITES } from '../scripts/reliability-report.ts';

const ctx = {
  size: 'full',
  passed: true,
  seconds: 1234,
  commit: 'abc1234',
  date: '2026-11-30T18:00:00.000Z',
  machine: '2 cores, 24 GiB, Node 20.20.0',
};

test('a report with every suite: totals, one row per back end, "—" where nothing can be lost', () => {
  const reports = RELIABILITY_SUITES.map((s, i) => ({
    suite: s.suite,
    title: s.heading,
    backend: i % 2 ? 'pglite' : undefined,
    rows: [
      {
        case: `case | of ${s.suite}`,
        tried: 10,
        survived: 10,
        ...(i % 2 ? { lost: 0 } : {}),
        detail: 'p95 12 ms',
      },
    ],
  }));
  const md = renderReliability(reports, ctx);
  const n = RELIABILITY_SUITES.length * 10;
  assert.ok(
    md.includes(`**${n}** cases tried, **${n}** ended as expected, **0** did not, **0** records lost`),
    md.split('\n')[4],
  );
  assert.doesNotMatch(md, /FAILED/);
  assert.doesNotMatch(md, /recorded nothing/);
  assert.match(md, /case \\\| of faults/, 'a pipe in a case is escaped, not a new column');
  assert.match(md, /\| Faults injected into syncs \| — \| 10 \| 10 \| 0 \| — \|/);
  assert.match(md, /\| Crashes \(SIGKILL during a sync\) \| pglite \| 10 \| 10 \| 0 \| 0 \|/);
  assert.match(md, /commit abc1234/);
});

test('a failed run, a case that went wrong, a lost record and a missing suite are all said', () => {
  const md = renderReliability(
    [
      {
        suite: 'crashes',
        title: 'Crashes',
        backend: 'postgres',
        rows: [{ case: 'SIGKILL in the final transaction', tried: 20, survived: 19, lost: 3 }],
      },
    ],
    { ...ctx, passed: false, size: 'ci' },
  );
  assert.match(md, /A suite FAILED in this run/);
  assert.match(md, /This report is not a pass/);
  assert.match(md, /\*\*1\*\* did not, \*\*3\*\* records lost/);
  assert.match(md, /\| 20 \| 19 ⚠ \| 3 ⚠ \|/);
  assert.ok(md.includes(`${RELIABILITY_SUITES.length - 1} suite(s) recorded nothing`));
  assert.match(md, /\| Load: concurrent API clients during syncs \| — \| not run \|/);
  assert.match(md, /Nothing recorded: `test\/reliability-load.test.ts` did not run/);
  assert.match(md, /`npm run reliability -- --ci` on/);
});
