#!/usr/bin/env node
/**
 * `npm run reliability`: runs the reliability and security suites (issue 14) at full size and writes
 * RELIABILITY.md from the figures they record (test/helpers/reliability.ts).
 *
 *   npm run reliability                 # full size (20 kills per back end, 50 clients × 60 s, …)
 *   npm run reliability -- --ci         # the bounded size `npm test` runs, for a quick look
 *   npm run reliability -- --output FILE   # write elsewhere than ./RELIABILITY.md
 *
 * The suites run one file at a time (load figures are not shared with another suite's CPU), on PGlite
 * and on a throwaway PostgreSQL (started by scripts/run-tests.mjs when TRUSTLENS_TEST_DATABASE_URL is
 * not set). The report is written even when a suite fails, with the failure said at the top, and the
 * script then exits non-zero: a report is never greener than its tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderReliability, RELIABILITY_SUITES, type RecordedReport } from './reliability-report.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    ci: { type: 'boolean', default: false },
    output: { type: 'string', default: join(root, 'RELIABILITY.md') },
  },
});

const out = mkdtempSync(join(tmpdir(), 'trustlens-reliability-'));
const files = RELIABILITY_SUITES.map((s) => s.file).filter((f) => {
  try {
    readFileSync(join(root, f));
    return true;
  } catch {
    console.log(`! ${f} does not exist (yet): its section will say so`);
    return false;
  }
});
const size = values.ci ? 'ci' : 'full';
console.log(`> reliability suites at ${size} size: ${files.join(', ')}`);
const started = Date.now();
const run = spawnSync(process.execPath, [join(root, 'scripts/run-tests.mjs'), '--serial', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TRUSTLENS_RELIABILITY: size, TRUSTLENS_RELIABILITY_OUT: out },
});
const seconds = Math.round((Date.now() - started) / 1000);

const reports: RecordedReport[] = readdirSync(out)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as RecordedReport);
rmSync(out, { recursive: true, force: true });

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
const markdown = renderReliability(reports, {
  size,
  passed: run.status === 0,
  seconds,
  commit: commit.status === 0 ? commit.stdout.trim() : 'unknown',
  date: new Date().toISOString(),
  machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
});
// Formatted as `npm test`'s prettier check expects the committed file to be.
const prettier = await import('prettier');
const options = (await prettier.resolveConfig(values.output)) ?? {};
writeFileSync(values.output, await prettier.format(markdown, { ...options, filepath: values.output }));
console.log(`> wrote ${values.output} (${reports.length} figure sets, ${seconds} s)`);
process.exit(run.status ?? 1);
