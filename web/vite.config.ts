/**
 * The web console's build (Vite + React). `npm run build:web` writes web/dist, which `trustlens serve`
 * serves at /. During development, `npx vite --config web/vite.config.ts` proxies /api to a running
 * `trustlens serve` on 127.0.0.1:8080.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
