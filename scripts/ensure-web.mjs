#!/usr/bin/env node
// Builds the web console (web/dist) when it is missing or older than its sources: `npm start` runs it
// first, so a fresh clone serves the console after `npm ci && npm start`. A build takes a few seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const web = join(root, 'web');
const built = join(web, 'dist/index.html');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const name of readdirSync(path))
    if (name !== 'dist' && name !== 'node_modules') m = Math.max(m, newest(join(path, name)));
  return m;
}

if (existsSync(built) && statSync(built).mtimeMs >= newest(web)) process.exit(0);
console.log('Building the web console (web/dist)…');
const r = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    join(web, 'vite.config.ts'),
    '--logLevel',
    'warn',
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
