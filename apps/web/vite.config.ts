import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `npm run dev` (the server) listens; the dev server proxies the API there. */
const API_TARGET = process.env.PULSEBOARD_API ?? 'http://127.0.0.1:3000';

/** The web app: root apps/web, built into apps/web/dist (the server serves that folder). */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  // @pulseboard/* from their sources (the repository tsconfig's `paths`), not their dist/.
  resolve: { tsconfigPaths: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': API_TARGET,
      '/widgets': API_TARGET,
      '/ws': { target: API_TARGET.replace(/^http/, 'ws'), ws: true },
    },
  },
});
