// Runs test files with node:test's run() IN THE ORDER GIVEN (`node --test` sorts the files it is given by
// name, so it cannot start the longest first), in `concurrency` lanes, with the spec report on stdout.
// Started by scripts/run-tests.mjs as `node --import tsx scripts/run-node-tests.mjs CONCURRENCY CACHE
// FILE...` (each test file's process inherits --import tsx). Exits 1 when a test fails. Each file's
// duration (the sum of its top-level tests) is merged into the JSON file CACHE for the next run's order.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = resolve(import.meta.dirname, '..');
const [concurrency, cacheFile, ...files] = process.argv.slice(2);
const seconds = new Map();

const stream = run({ files, concurrency: Number(concurrency) });
const record = (event) => {
  if (event.nesting !== 0 || !event.file) return;
  const file = relative(root, event.file);
  seconds.set(file, (seconds.get(file) ?? 0) + (event.details?.duration_ms ?? 0) / 1000);
};
stream.on('test:pass', record);
stream.on('test:fail', (event) => {
  process.exitCode = 1;
  record(event);
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
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
