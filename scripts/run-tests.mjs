#!/usr/bin/env node
// `npm test`: type-check, lint, then every *.test.ts under src/ and test/ with Node's test runner.
// Pass file or folder paths to run a subset: `npm test -- src/rules`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const targets = args.filter((a) => !a.startsWith('--'));

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!quick && targets.length === 0) {
  console.log('> tsc --noEmit');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
  console.log('> eslint');
  run(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', '.']);
}

const roots = targets.length ? targets.map((t) => resolve(root, t)) : [join(root, 'src'), join(root, 'test')];
const files = roots.flatMap((p) => (statSync(p).isDirectory() ? collect(p, []) : [p])).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
console.log(`> node --test (${files.length} files)`);
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files]);
