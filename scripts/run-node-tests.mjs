// Runs test files with node:test's run() IN THE ORDER GIVEN (`node --test` sorts the files it is given by
// name, so it cannot start the longest first), in `concurrency` lanes, with the spec report on stdout.
// Started by scripts/run-tests.mjs as `node --import tsx scripts/run-node-tests.mjs CONCURRENCY CACHE
// UNIT...` (each test file's process inherits --import tsx). Exits 1 when a test fails. Each file's
// duration (the sum of its top-level tests) is merged into the JSON file CACHE for the next run's order.
//
// A unit is a test file, or `batch:["FILE",...]`: files that run together in one process instead of one
// process each (a Node + tsx start and the app's imports cost more CPU than many files' tests). A
// generated entry imports each of them inside its own describe(), named by the file's path, one after the
// other, so the report still names the file above each test, a file's top-level hooks (before/after)
// apply to that file's tests only, and a failing test or a file that fails to load fails the run as before.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = resolve(import.meta.dirname, '..');
const [concurrency, cacheFile, ...units] = process.argv.slice(2);
const seconds = new Map();

const batchDir = units.some((u) => u.startsWith('batch:'))
  ? mkdtempSync(join(tmpdir(), 'trustlens-test-batch-'))
  : null;
/** Each batch's entry → the paths of its files (each one's top-level suite is named by its path). */
const batches = new Map();
const files = units.map((unit, i) => {
  if (!unit.startsWith('batch:')) return unit;
  const members = JSON.parse(unit.slice('batch:'.length)).map((f) => relative(root, f));
  const entry = join(batchDir, `batch-${i + 1}.test.mjs`);
  // Awaited: a file is loaded only once the previous one's tests have ended, so no file's top-level code
  // (a server it starts, a warning it prints) runs during another file's tests.
  const lines = members.map(
    (f) =>
      `await describe(${JSON.stringify(f)}, async () => {\n  await import(${JSON.stringify(pathToFileURL(join(root, f)).href)});\n});`,
  );
  writeFileSync(entry, `import { describe } from 'node:test';\n${lines.join('\n')}\n`);
  batches.set(entry, members);
  return entry;
});
/** The files of a batch that reported an end (pass or fail). */
const reported = new Set();

const stream = run({ files, concurrency: Number(concurrency) });
const record = (event) => {
  if (event.nesting !== 0 || !event.file) return;
  // A batch's top-level suites are its files, named by their paths.
  const file = batches.has(event.file) ? event.name : relative(root, event.file);
  if (batches.has(event.file)) reported.add(file);
  seconds.set(file, (seconds.get(file) ?? 0) + (event.details?.duration_ms ?? 0) / 1000);
};
stream.on('test:pass', record);
stream.on('test:fail', (event) => {
  process.exitCode = 1;
  record(event);
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  if (batchDir) rmSync(batchDir, { recursive: true, force: true });
  // A batch whose process ended early (an exit from a file, a crash) leaves its later files unreported:
  // their tests did not run, which is a failure, said by name.
  for (const [entry, members] of batches) {
    const missing = members.filter((f) => !reported.has(f));
    if (missing.length === 0) continue;
    process.exitCode = 1;
    console.error(
      `\n✖ ${missing.length} test file(s) did not run to the end: the process they shared (${entry}, files: ${members.join(', ')}) ended first.\n  Not run or not ended: ${missing.join(', ')}\n  Run one alone (npm test -- FILE) or all unbatched (TRUSTLENS_TEST_NO_BATCH=1) to see why.`,
    );
  }
  let cached = {};
  try {
    cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    // no earlier run here
  }
  for (const [file, s] of seconds) cached[file] = Math.round(s * 10) / 10;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, `${JSON.stringify(cached, null, 1)}\n`);
  } catch {
    // a read-only checkout: the next run uses scripts/test-durations.json only
  }
});
