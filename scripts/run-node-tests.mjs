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
const batches = new Set();
const files = units.map((unit, i) => {
  if (!unit.startsWith('batch:')) return unit;
  const members = JSON.parse(unit.slice('batch:'.length));
  const entry = join(batchDir, `batch-${i + 1}.test.mjs`);
  const lines = members.map(
    (f) =>
      `describe(${JSON.stringify(relative(root, f))}, async () => {\n  await import(${JSON.stringify(pathToFileURL(f).href)});\n});`,
  );
  writeFileSync(entry, `import { describe } from 'node:test';\n${lines.join('\n')}\n`);
  batches.add(entry);
  return entry;
});

const stream = run({ files, concurrency: Number(concurrency) });
const record = (event) => {
  if (event.nesting !== 0 || !event.file) return;
  // A batch's top-level suites are its files, named by their paths.
  const file = batches.has(event.file) ? event.name : relative(root, event.file);
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
