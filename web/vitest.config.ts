/** Component tests of the web console: Vitest with happy-dom (`npm test` runs them; `npm test -- web`). */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test-setup.ts'],
    // One module graph and one happy-dom per worker, not per file: a third of the CPU (npm test runs this
    // beside the type-checks and lint; 72 → 21 s of CPU, measured with /usr/bin/time). What the files
    // share is reset after each test by the set-up file; no file changes a global.
    isolate: false,
  },
});
