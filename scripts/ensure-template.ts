/**
 * Builds the embedded database template (scripts/build-pglite-template.ts) when it is missing or no
 * longer fits this code (another PGlite version, a migration edited or added): `npm start` runs it first,
 * so the demo's new data folder is a copy of the template rather than PGlite's initdb (~25 s and ~850 MB
 * resident at the first start otherwise). Up to date: returns at once.
 */
import { loadMigrations } from '../src/store/migrate.ts';
import { buildPgliteTemplate, findPgliteTemplate } from '../src/store/pglite-template.ts';

const migrations = loadMigrations();
const found = findPgliteTemplate(undefined, migrations);
if (!found.usable || found.meta.migrations.length < migrations.length) {
  console.log(
    `Preparing the embedded database template once (${found.usable ? 'new migrations' : found.reason}; about 30 s)…`,
  );
  await buildPgliteTemplate(undefined, migrations);
}
