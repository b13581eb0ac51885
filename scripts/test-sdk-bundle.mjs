// The Mistral SDK, bundled for the test processes (scripts/run-tests.mjs).
//
// Every test process that reaches the connector imports the official SDK: about 1,200 modules, each one
// resolved and loaded through tsx's loader hooks, ~3.4 s of CPU per process on this machine (1.75 s with
// plain Node). Bundled into one file by esbuild, the same import costs ~1 s under tsx. With ~100 test
// processes that is minutes of CPU per `npm test`.
//
// What the tests then run is the code production runs: bin/trustlens runs the CLI bundle, in which the same
// esbuild bundles the same SDK (scripts/cli-bundle.mjs). Only the test processes are redirected, through
// tsx's support of tsconfig `paths` (TSX_TSCONFIG_PATH names a tsconfig that extends ours): tsc, ESLint and
// the editor still see the installed package and its types.
//
// The bundle exports exactly the names that src/, test/ and bench/ import from the SDK, read from their
// import statements; its folder is keyed by those imports, the lock file, the SDK's and esbuild's versions. Any import of
// another shape (a namespace import, a dynamic import), a name the bundle does not export, or a failed
// build returns null: the tests then load the installed SDK as before, only slower.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'node_modules', '.cache', 'trustlens', 'test-sdk');
const PACKAGE = '@mistralai/mistralai';

function sources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sources(p, out);
    else if (/\.(ts|mts|mjs)$/.test(entry.name)) out.push(p);
  }
  return out;
}

/**
 * The SDK's value imports of our code: specifier → names; null when an import has a shape the bundle
 * cannot stand in for.
 */
export function sdkImports(files = ['src', 'test', 'bench'].flatMap((d) => sources(join(ROOT, d)))) {
  const wanted = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(PACKAGE)) continue;
    const named = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(@mistralai\/mistralai(?:\/[^']*)?)'/g;
    let seen = 0;
    for (const m of text.matchAll(named)) {
      seen++;
      if (m[1]) continue; // `import type { … }`: erased
      const names = wanted.get(m[3]) ?? new Set();
      for (const part of m[2].split(',')) {
        const name = part.trim();
        if (!name || name.startsWith('type ')) continue;
        names.add(name.split(/\s+as\s+/)[0].trim());
      }
      wanted.set(m[3], names);
    }
    const all = text.split(`'${PACKAGE}`).length - 1;
    if (all !== seen) return null; // some other import shape (or a mention in a string)
  }
  return wanted;
}

/**
 * The tsconfig that points the SDK's imports at the bundle (built first when missing), or null when
 * there is no usable bundle.
 */
export async function testSdkBundle() {
  const wanted = sdkImports();
  if (!wanted || wanted.size === 0) return null;
  const exporting = new Map(); // name → specifier: one name from two places is ambiguous
  const entryLines = [];
  for (const [spec, names] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const own = [...names].filter((n) => {
      if (exporting.has(n) && exporting.get(n) !== spec) return false;
      exporting.set(n, spec);
      return true;
    });
    if (own.length !== names.size) return null;
    entryLines.push(`export { ${own.sort().join(', ')} } from '${spec}';`);
  }
  const entry = `${entryLines.join('\n')}\n`;
  let sdkVersion;
  let esbuildVersion;
  try {
    sdkVersion = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', PACKAGE, 'package.json'), 'utf8'),
    ).version;
    esbuildVersion = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8'),
    ).version;
  } catch {
    return null;
  }
  // The lock file too: the bundle inlines the SDK's own dependencies (only zod stays outside), so any change
  // of an installed version gives a new bundle.
  let lock = '';
  try {
    lock = createHash('sha256')
      .update(readFileSync(join(ROOT, 'package-lock.json')))
      .digest('hex');
  } catch {
    // no lock file: the versions above
  }
  const key = createHash('sha256')
    .update(`${sdkVersion}\0${esbuildVersion}\0${lock}\0${entry}`)
    .digest('hex')
    .slice(0, 16);
  const dir = join(OUT, key);
  const tsconfig = join(dir, 'tsconfig.json');
  if (existsSync(tsconfig)) return tsconfig;
  const tmp = join(OUT, `.tmp-${key}-${process.pid}`);
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // The entry sits in the project (node_modules/.cache), so that esbuild resolves the SDK from it.
    writeFileSync(join(tmp, 'entry.mjs'), entry);
    const { build } = await import('esbuild');
    await build({
      entryPoints: [join(tmp, 'entry.mjs')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // The SDK's own dependency stays the installed one, shared with our code.
      external: ['zod', 'zod/*'],
      outfile: join(tmp, 'index.js'),
      logLevel: 'silent',
    });
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
    const target = join(dir, 'index.js');
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      `${JSON.stringify(
        {
          extends: join(ROOT, 'tsconfig.json'),
          compilerOptions: { paths: { [PACKAGE]: [target], [`${PACKAGE}/*`]: [target] } },
        },
        null,
        2,
      )}\n`,
    );
    // Every name our code imports must be there, or a test would fail on the bundle and not on the SDK.
    const built = await import(`${join(tmp, 'index.js')}?check`);
    if ([...exporting.keys()].some((n) => !(n in built))) throw new Error('a name is missing');
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process finished the same bundle first
    }
    // Older bundles go once a day has passed: a run of `npm test` started before this one (another
    // checkout state) may still load its own.
    for (const name of readdirSync(OUT)) {
      const other = join(OUT, name);
      if (name !== key && Date.now() - statSync(other).mtimeMs > 86_400_000)
        rmSync(other, { recursive: true, force: true });
    }
    return existsSync(tsconfig) ? tsconfig : null;
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    return null;
  }
}
