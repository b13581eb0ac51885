/**
 * The project's root folder (the one holding TrustLens's package.json), found from this file's place —
 * the same from the TypeScript sources (src/shared) and from the CLI bundle (dist/cli/<key>), which sit
 * at different depths. Files the code reads at run time (package.json, the SQL migrations, the built
 * console) are located from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'trustlens') {
          cached = dir;
          return dir;
        }
      } catch {
        // not ours: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`TrustLens's package.json was not found above ${import.meta.dirname}`);
    dir = up;
  }
}
