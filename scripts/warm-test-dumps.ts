// `npm test` runs this once before the test files (scripts/run-tests.mjs): it makes the PGlite dumps the
// test databases start from (src/store/testing.ts: a new database, and one with every migration applied,
// cached in the OS temp folder), so that the first test processes of a new machine do not all run
// initdb at once (~5 s of CPU and ~750 MB each). A no-op when both are cached.
import { emptyPgliteInstance, pgliteTemplate } from '../src/store/testing.ts';

await pgliteTemplate();
await (await emptyPgliteInstance()).close();
