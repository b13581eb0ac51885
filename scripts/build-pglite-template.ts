/**
 * Builds the template new embedded data folders start from (src/store/pglite-template.ts): a PGlite
 * database with the migrations applied, dumped into dist/pglite-template/ (or the folder given).
 * Run at build time — the Dockerfile does, and after `npm ci` in a checkout:
 *
 *   node --import tsx scripts/build-pglite-template.ts [folder]
 *
 * It runs PGlite's initdb once (~25 s, ~1 GB resident) so that a new data folder does not.
 */
import { resolve } from 'node:path';
import { buildPgliteTemplate, defaultPgliteTemplateDir } from '../src/store/pglite-template.ts';

const dir = process.argv[2] ? resolve(process.argv[2]) : defaultPgliteTemplateDir();
const meta = await buildPgliteTemplate(dir);
console.log(
  `PGlite template written to ${dir}: PGlite ${meta.pgliteVersion}, migrations ${meta.migrations.map((m) => m.version).join(', ')}`,
);
